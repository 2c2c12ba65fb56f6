"""What a printed Factura (01) or Nota de Crédito (06) says, the same on Letter, A4 and
the receipt roll: issuer, authorisation, buyer, totals, payment and void legends. The
document is a Honduran legal document: its legends stay in Spanish whatever the interface
language."""

from __future__ import annotations

from decimal import Decimal

from ..services.billing.types import EXEMPT, TAXED15, TAXED18
from ..services.billing.views import CONSUMER_FINAL, FiscalDocument
from ..util.formatting import format_date, format_datetime
from ..util.money import format_lempiras

VOID_LEGEND = "ANULADA"

# the tax column of a line, by tax class (the codes of ``services.billing.types``)
TAX_LABELS = {EXEMPT: "Exento", TAXED15: "15 %", TAXED18: "18 %"}
EXONERATED_LABEL = "Exonerado"


def document_title(doc: FiscalDocument) -> str:
    """«FACTURA 000-001-01-00000001» (the PDF title)."""
    return f"{doc.title} {doc.number}"


def issuer_lines(doc: FiscalDocument) -> list[str]:
    """The issuer's lines under the trade name: legal name, RTN, both addresses, contact."""
    issuer = doc.issuer
    # the legal name under the trade name (once when they are the same)
    legal = "" if issuer.legal_name.strip() == issuer.trade_name.strip() else issuer.legal_name
    lines = [legal, f"RTN: {issuer.rtn}"]
    lines.append(f"Casa matriz: {issuer.head_office_address}")
    branch = issuer.branch_name.strip()
    establishment = f"Establecimiento {branch}" if branch else "Establecimiento"
    lines.append(f"{establishment}: {issuer.branch_address}")
    contact = [
        part for part in (f"Tel. {issuer.phone}" if issuer.phone else "", issuer.email) if part
    ]
    if contact:
        lines.append("  ·  ".join(contact))
    return [line for line in lines if line.strip()]


def authorisation_pairs(doc: FiscalDocument) -> list[tuple[str, str]]:
    return [
        ("CAI", doc.cai),
        ("Rango autorizado", doc.range_text),
        ("Fecha límite de emisión", format_date(doc.deadline)),
    ]


def buyer_pairs(doc: FiscalDocument) -> list[tuple[str, str]]:
    """Buyer, requests, the exonerated buyer's registers and a credit note's original."""
    name = (doc.buyer_name or "").strip() or CONSUMER_FINAL
    pairs = [("Cliente", name)]
    if doc.buyer_document.strip():
        pairs.append(("RTN / Identidad", doc.buyer_document))
    if doc.request_numbers:
        label = "Solicitud" if len(doc.request_numbers) == 1 else "Solicitudes"
        pairs.append((label, ", ".join(doc.request_numbers)))
    for label, value in (
        ("Orden de Compra Exenta", doc.exempt_purchase_order),
        ("Constancia del Registro de Exonerados", doc.exonerated_register),
        ("Registro SAG", doc.sag_register),
    ):
        if value.strip():
            pairs.append((label, value))
    if doc.doc_type == "06" or doc.original_number:
        pairs += [
            ("Documento original", f"Factura {doc.original_number}".strip()),
            ("CAI del original", doc.original_cai),
            ("Fecha del original", format_date(doc.original_date)),
            ("Motivo", doc.reason or "—"),
        ]
    return pairs


def total_rows(doc: FiscalDocument) -> list[tuple[str, str, bool]]:
    """(label, amount, strong) of the totals: subtotal, discounts, the tax classes, ISV, total."""
    t = doc.totals
    money = format_lempiras
    return [
        ("Subtotal", money(t.subtotal), False),
        (
            "Descuentos y rebajas",
            money(-abs(Decimal(t.discounts))) if t.discounts else money(0),
            False,
        ),
        ("Importe Exento", money(t.exempt), False),
        ("Importe Exonerado", money(t.exonerated), False),
        ("Importe Gravado 15 %", money(t.taxed15), False),
        ("Importe Gravado 18 %", money(t.taxed18), False),
        ("ISV 15 %", money(t.isv15), False),
        ("ISV 18 %", money(t.isv18), False),
        ("TOTAL", money(t.total), True),
    ]


def words_text(doc: FiscalDocument) -> str:
    return f"Total en letras: {doc.totals.total_words}"


def payment_lines(doc: FiscalDocument) -> list[tuple[str, str]]:
    """(label, amount) of how it was paid, or the credit and its due date."""
    rows: list[tuple[str, str]] = []
    if doc.on_credit:
        due = f" — vence el {format_date(doc.due_date)}" if doc.due_date else ""
        rows.append((f"Crédito{due}", format_lempiras(doc.totals.total)))
    for payment in doc.payments:
        rows.append((payment.method_label, format_lempiras(payment.amount)))
        if payment.received is not None:
            rows.append(("   Recibido", format_lempiras(payment.received)))
        if payment.change is not None:
            rows.append(("   Cambio", format_lempiras(payment.change)))
    return rows


def is_exonerated(doc: FiscalDocument) -> bool:
    """An exonerated buyer: its taxed amounts go to Importe Exonerado."""
    return bool(
        (doc.exempt_purchase_order + doc.exonerated_register + doc.sag_register).strip()
        or doc.totals.exonerated
    )


def line_tax_label(tax_class: str, exonerated: bool = False) -> str:
    """«Exento», «15 %», «18 %»; a taxed line of an exonerated buyer reads «Exonerado»."""
    if exonerated and tax_class.startswith("gravado"):
        return EXONERATED_LABEL
    return TAX_LABELS.get(tax_class, tax_class)


def issued_text(doc: FiscalDocument) -> str:
    return f"Fecha: {format_datetime(doc.issued_at)}"


def void_text(doc: FiscalDocument) -> str:
    return f"Motivo de anulación: {doc.void_reason or '—'}"
