"""What a printed fiscal document shows (issue 17): plain data, no database objects.

The services fill these from the stored, immutable document; ``documents/`` renders
them (Letter/A4 and the 80 mm roll) without reading the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

DOC_TYPES = {"01": "FACTURA", "06": "NOTA DE CRÉDITO", "07": "NOTA DE DÉBITO"}
CONSUMER_FINAL = "CONSUMIDOR FINAL"
COPIES = ("Original: Cliente", "Copia: Obligado Tributario Emisor")


@dataclass(frozen=True)
class Issuer:
    legal_name: str  # razón social
    trade_name: str  # nombre comercial
    rtn: str
    head_office_address: str  # casa matriz
    branch_name: str
    branch_address: str  # the establishment that issues
    phone: str
    email: str


@dataclass(frozen=True)
class DocumentLine:
    description: str
    quantity: int
    unit_price: Decimal
    discount: Decimal  # age and manual discounts, shown as discounts
    amount: Decimal  # quantity × unit_price − discount, rounded to the cent
    tax_class: str  # "exento", "gravado15", "gravado18"


@dataclass(frozen=True)
class Totals:
    subtotal: Decimal  # sum of quantity × unit price (before discounts)
    discounts: Decimal
    exempt: Decimal  # Importe Exento
    exonerated: Decimal  # Importe Exonerado
    taxed15: Decimal  # Importe Gravado 15 %
    taxed18: Decimal  # Importe Gravado 18 %
    isv15: Decimal
    isv18: Decimal
    total: Decimal
    total_words: str  # "UN MIL CIENTO SESENTA LEMPIRAS CON 00/100"


@dataclass(frozen=True)
class PaymentLine:
    method_label: str  # "Efectivo", "Tarjeta ****1234 aut. 0099", ...
    amount: Decimal
    received: Decimal | None = None  # cash: what the customer handed over
    change: Decimal | None = None


@dataclass(frozen=True)
class FiscalDocument:
    """A Factura (01) or a Nota de Crédito (06), as issued."""

    doc_type: str  # "01" or "06"
    title: str  # "FACTURA" / "NOTA DE CRÉDITO"
    number: str  # EEE-PPP-TT-NNNNNNNN
    cai: str
    range_text: str  # "000-001-01-00000001 al 000-001-01-00005000"
    deadline: dt.date  # fecha límite de emisión
    issued_at: dt.datetime
    issuer: Issuer
    buyer_name: str  # the name, or CONSUMIDOR FINAL
    buyer_document: str  # RTN or identity number ("" for consumidor final)
    lines: tuple[DocumentLine, ...]
    totals: Totals
    payments: tuple[PaymentLine, ...] = ()
    on_credit: bool = False
    due_date: dt.date | None = None
    request_numbers: tuple[str, ...] = ()
    # exonerated buyer (amounts then go to Importe Exonerado)
    exempt_purchase_order: str = ""  # Orden de Compra Exenta
    exonerated_register: str = ""  # Constancia del Registro de Exonerados
    sag_register: str = ""  # registro SAG
    # void (anulada): the legend ANULADA, the reason
    voided: bool = False
    void_reason: str = ""
    # credit note (06): the original's CAI, number and date, reason, who receives it
    original_cai: str = ""
    original_number: str = ""
    original_date: dt.date | None = None
    reason: str = ""
    receiver_name: str = ""
    receiver_document: str = ""
    issued_by: str = ""
    copies: tuple[str, ...] = field(default=COPIES)


@dataclass(frozen=True)
class CashCloseReport:
    """The printed close of a cash session (cuadre de caja)."""

    session_id: int
    user: str
    branch_name: str
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    opening_float: Decimal
    expected: dict[str, Decimal]  # per counted method label: what the app recorded
    counted: dict[str, Decimal]  # per method label: what was counted
    denominations: tuple[tuple[Decimal, int], ...]  # (face value, count) of the cash
    difference: Decimal  # counted − expected, all methods
    note: str
    confirmed_by: str = ""
    confirmed_at: dt.datetime | None = None
    invoices: int = 0  # facturas issued in the session (paid or on credit)
    voided: int = 0  # of them, voided
    credit_notes: int = 0
    # per method label: recorded but nothing in the drawer to count (saldo a favor)
    not_counted: dict[str, Decimal] = field(default_factory=dict)
