"""Hand-built fiscal documents and cash closes for the printing tests (no database)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from patolab_desktop.services.billing.views import (
    CONSUMER_FINAL,
    CashCloseReport,
    DocumentLine,
    FiscalDocument,
    Issuer,
    PaymentLine,
    Totals,
)
from patolab_desktop.util.amount_words import amount_in_words

D = Decimal
CAI_01 = "3B82F6-8B5CF6-A1B2C3-D4E5F6-0A1B2C-5E"
CAI_06 = "9C1D2E-3F4A5B-6C7D8E-9F0A1B-2C3D4E-7A"

ISSUER = Issuer(
    legal_name="Laboratorio Clínico Patología Honduras S. de R.L.",
    trade_name="PatoLab Honduras",
    rtn="08019015123456",
    head_office_address="Col. Palmira, Av. República de Chile 1234, Tegucigalpa, M.D.C.",
    branch_name="Sucursal San Pedro Sula",
    branch_address="Barrio Guamilito, 6 Av. N.O., San Pedro Sula, Cortés",
    phone="+504 2232-0000",
    email="facturacion@patolab.hn",
)


def _line(description, quantity, unit, discount="0", tax="exento") -> DocumentLine:
    amount = D(quantity) * D(unit) - D(discount)
    return DocumentLine(description, quantity, D(unit), D(discount), amount, tax)


def _totals(lines, exonerated=False) -> Totals:
    subtotal = sum((line.quantity * line.unit_price for line in lines), D("0.00"))
    discounts = sum((line.discount for line in lines), D("0.00"))
    exempt = sum((x.amount for x in lines if x.tax_class == "exento"), D("0.00"))
    taxed15 = sum((x.amount for x in lines if x.tax_class == "gravado15"), D("0.00"))
    taxed18 = sum((x.amount for x in lines if x.tax_class == "gravado18"), D("0.00"))
    exon = D("0.00")
    if exonerated:
        exon, exempt, taxed15, taxed18 = exempt + taxed15 + taxed18, D("0.00"), D("0"), D("0")
    isv15 = (taxed15 * D("0.15")).quantize(D("0.01"))
    isv18 = (taxed18 * D("0.18")).quantize(D("0.01"))
    total = exempt + exon + taxed15 + taxed18 + isv15 + isv18
    return Totals(
        subtotal=subtotal,
        discounts=discounts,
        exempt=exempt,
        exonerated=exon,
        taxed15=taxed15,
        taxed18=taxed18,
        isv15=isv15,
        isv18=isv18,
        total=total,
        total_words=amount_in_words(total),
    )


# what an authorisation prints on each document of its type: title, CAI, range, deadline
_AUTHORISED = {
    "01": ("FACTURA", CAI_01, "001-001-01-00000001 al 001-001-01-00005000", dt.date(2027, 6, 30)),
    "06": (
        "NOTA DE CRÉDITO",
        CAI_06,
        "001-001-06-00000001 al 001-001-06-00000500",
        dt.date(2027, 5, 31),
    ),
}


def _document(doc_type, number, issued_at, buyer, lines, totals=None, **more) -> FiscalDocument:
    """A document of ``doc_type`` from the sample authorisation, issuer and ``buyer``
    (name, document); ``more``: the optional fields of FiscalDocument."""
    title, cai, range_text, deadline = _AUTHORISED[doc_type]
    return FiscalDocument(
        doc_type=doc_type,
        title=title,
        number=number,
        cai=cai,
        range_text=range_text,
        deadline=deadline,
        issued_at=issued_at,
        issuer=ISSUER,
        buyer_name=buyer[0],
        buyer_document=buyer[1],
        lines=lines,
        totals=totals or _totals(lines),
        **more,
    )


def consumer_invoice() -> FiscalDocument:
    """A small cash sale to a consumidor final: L 1,160.00 (1,000 exento + 138 + 15 % ISV)."""
    lines = (
        _line("Hemograma completo", 1, "350.00"),
        _line("Perfil lipídico (colesterol total, HDL, LDL, triglicéridos)", 1, "700.00", "50.00"),
        _line("Entrega a domicilio", 1, "150.00", "10.87", "gravado15"),
    )
    totals = _totals(lines)
    return _document(
        "01",
        "001-001-01-00000042",
        dt.datetime(2026, 12, 4, 9, 41),
        (CONSUMER_FINAL, ""),
        lines,
        totals,
        payments=(
            PaymentLine("Efectivo", D("1000.00"), received=D("1000.00"), change=D("0.00")),
            PaymentLine("Tarjeta ****1234 aut. 009912", totals.total - D("1000.00")),
        ),
        request_numbers=("S-2026-000123",),
        issued_by="recepcion1",
    )


def company_invoice() -> FiscalDocument:
    """A named buyer with RTN above L 10,000, on credit, from three requests, many lines."""
    lines = tuple(
        _line(f"Química sanguínea {i + 1}: glucosa, urea, creatinina, ácido úrico", 3, "480.00")
        for i in range(9)
    ) + (_line("Vino de consagrar (prueba de gravado 18 %)", 2, "250.00", "0", "gravado18"),)
    return _document(
        "01",
        "001-001-01-00000043",
        dt.datetime(2026, 12, 4, 10, 5),
        ("Maquiladora del Norte S.A. de C.V.", "05019012345678"),
        lines,
        on_credit=True,
        due_date=dt.date(2027, 1, 3),
        request_numbers=("S-2026-000124", "S-2026-000125", "S-2026-000126"),
        issued_by="recepcion1",
    )


def exonerated_invoice() -> FiscalDocument:
    lines = (_line("Biopsia de piel", 1, "1200.00", tax="gravado15"),)
    return dataclasses.replace(
        consumer_invoice(),
        number="001-001-01-00000044",
        buyer_name="Embajada de Ejemplo",
        buyer_document="08019999000011",
        lines=lines,
        totals=_totals(lines, exonerated=True),
        exempt_purchase_order="OCE-2026-000777",
        exonerated_register="CRE-12345",
        sag_register="SAG-9876",
        payments=(PaymentLine("Transferencia BAC ref. 55512", D("1200.00")),),
    )


def voided_invoice() -> FiscalDocument:
    return dataclasses.replace(
        consumer_invoice(),
        voided=True,
        void_reason="Error en el nombre del cliente; se reemitió con el número 00000045",
    )


def credit_note() -> FiscalDocument:
    receiver = ("María José Rodríguez Castellanos", "0801-1985-01234")
    return _document(
        "06",
        "001-001-06-00000007",
        dt.datetime(2026, 12, 5, 11, 20),
        receiver,
        (_line("Devolución: Perfil lipídico no realizado", 1, "650.00"),),
        request_numbers=("S-2026-000123",),
        original_cai=CAI_01,
        original_number="001-001-01-00000042",
        original_date=dt.date(2026, 12, 4),
        reason="Investigación retirada: la muestra no fue apta",
        receiver_name=receiver[0],
        receiver_document=receiver[1],
        issued_by="supervisor1",
    )


def cash_close(difference: str = "-20.00") -> CashCloseReport:
    return CashCloseReport(
        session_id=17,
        user="recepcion1",
        branch_name="Sucursal San Pedro Sula",
        opened_at=dt.datetime(2026, 12, 4, 7, 0),
        closed_at=dt.datetime(2026, 12, 4, 17, 5),
        opening_float=D("500.00"),
        expected={
            "Efectivo": D("3500.00"),
            "Tarjeta": D("1160.00"),
            "Transferencia": D("1200.00"),
        },
        counted={
            "Efectivo": D("3500.00") + D(difference),
            "Tarjeta": D("1160.00"),
            "Transferencia": D("1200.00"),
        },
        denominations=(
            (D("500"), 5),
            (D("100"), 8),
            (D("50"), 3),
            (D("20"), 1),
            (D("10"), 1),
        ),
        difference=D(difference),
        note="Faltan L 20.00: vuelto mal entregado a un paciente" if D(difference) else "",
        confirmed_by="supervisor1",
        confirmed_at=dt.datetime(2026, 12, 4, 17, 20),
        invoices=14,
        voided=1,
    )
