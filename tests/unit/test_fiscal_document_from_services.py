"""The printed documents from what the billing services really store (issue 17).

``test_fiscal_document_pdf`` builds the views by hand; here an invoice, its credit note, a
voided invoice and a cash close come from the services, and their views print on Letter
and on the roll with every legend (the data contract and the renderer agree).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from patolab_desktop.documents.fiscal_document import (
    ROLL,
    write_cash_close_pdf,
    write_fiscal_document_pdf,
)
from patolab_desktop.services.billing import cash, credit_notes, records
from patolab_desktop.services.billing.credit_notes import CreditNoteInput
from tests.e2e.printing_helpers import page_texts, pdf_text
from tests.unit.billing_helpers import billing_lab  # noqa: F401
from tests.unit.requests_fixtures import lab  # noqa: F401


@pytest.fixture(autouse=True)
def _app(qapp):
    return qapp


def test_issued_voided_and_credit_note_print_in_both_formats(billing_lab, tmp_path):  # noqa: F811
    b = billing_lab
    invoice_id = b.invoice(b.request(b.lab.hem, b.lab.glu))
    note_id = credit_notes.issue(
        CreditNoteInput(
            invoice_id,
            "Glucosa no realizada",
            "Ana María Pérez",
            "0501-1990-12345",
            amount="80",
        )
    )
    voided_id = b.invoice(b.request())
    records.void(voided_id, "Nombre del comprador equivocado")

    for paper in ("Letter", ROLL):
        invoice = records.view(invoice_id)
        path = tmp_path / f"invoice-{paper}.pdf"
        assert write_fiscal_document_pdf(path, invoice, paper) == 2
        text = pdf_text(path)
        for item in (
            "FACTURA",
            invoice.number,
            f"CAI: {invoice.cai}",
            invoice.range_text,
            "Fecha límite de emisión",
            "CONSUMIDOR FINAL",
            "DOSCIENTOS TREINTA LEMPIRAS CON 00/100",
            "L 230.00",
            "ISV 15 %",
            "ISV 18 %",
            "Efectivo",
            "Original: Cliente",
            "Copia: Obligado Tributario Emisor",
        ):
            assert item in text, (paper, item)

        note = records.view(note_id)
        path = tmp_path / f"note-{paper}.pdf"
        write_fiscal_document_pdf(path, note, paper)
        text = pdf_text(path)
        for item in (
            "NOTA DE CRÉDITO",
            note.number,
            f"Documento original: Factura {invoice.number}",
            f"CAI del original: {invoice.cai}",
            "Motivo: Glucosa no realizada",
            "Recibido por: Ana María Pérez",
            "Documento: 0501-1990-12345",
            "OCHENTA LEMPIRAS CON 00/100",
        ):
            assert item in text, (paper, item)

        path = tmp_path / f"voided-{paper}.pdf"
        write_fiscal_document_pdf(path, records.view(voided_id), paper)
        for page in page_texts(path):
            assert "ANULADA" in page and "Nombre del comprador equivocado" in page


def test_the_cash_close_prints_from_the_session(billing_lab, tmp_path):  # noqa: F811
    b = billing_lab
    b.invoice(b.request(b.lab.hem, b.lab.glu))  # L 230.00 in cash on a float of L 500.00
    session_id = cash.close({Decimal("500"): 1, Decimal("100"): 2}, {}, "Faltan L 30.00")
    report = cash.report(session_id)
    for paper in ("Letter", ROLL):
        path = tmp_path / f"close-{paper}.pdf"
        assert write_cash_close_pdf(path, report, paper) == 1
        text = pdf_text(path)
        for item in (
            "CIERRE DE CAJA",
            f"Sesión de caja No. {session_id}",
            "L 700.00",
            "Diferencia: -L 30.00 (faltante)",
            "Nota: Faltan L 30.00",
            "L 500 1 L 500.00",
            "Recepcionista:",
            "Supervisor: (pendiente de confirmación)",
        ):
            assert item in text, (paper, item)
