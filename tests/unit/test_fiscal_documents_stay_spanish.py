"""A factura, a credit note and a cash close are Spanish documents whatever the
interface's language (BILLING.md: issued documents are immutable): a factura issued with
English active kept «… to …» in its authorised range and a credit note «Rebate: …» for
good; reprinted with English active they showed «Cash» and «Page 1 of 1». And the close
counts the facturas issued in the session, credit notes apart (a credit note was counted
as a factura, a factura on credit not at all)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from pypdf import PdfReader
from PySide6.QtWidgets import QApplication

from patolab_desktop import i18n
from patolab_desktop.documents.cash_close import write_cash_close_pdf
from patolab_desktop.documents.fiscal_document import write_fiscal_document_pdf
from patolab_desktop.services.billing import cash, credit_notes, records, statements
from patolab_desktop.services.billing.credit_notes import CreditNoteInput
from patolab_desktop.services.billing.payments import PaymentInput
from tests.unit.billing_helpers import billing_lab  # noqa: F401
from tests.unit.requests_fixtures import lab, make_customer  # noqa: F401


@pytest.fixture
def english():
    app = QApplication.instance() or QApplication([])
    assert i18n.install_translators(app, "en") == "en"
    yield
    i18n.remove_translators(app)


def pdf_text(path) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(str(path)).pages)
    return re.sub(r"\s+", " ", text)


def refund_note(original_id: int, amount: str = "") -> int:
    return credit_notes.issue(
        CreditNoteInput(
            original_id=original_id,
            reason="Cobro de más",
            receiver_name="Ana María Pérez",
            receiver_document="0501-1990-12345",
            amount=amount,
            settlement="refund",
            refund_method="cash",
        )
    )


def test_documents_issued_with_english_active_keep_spanish_legends(
    billing_lab,  # noqa: F811
    english,
    tmp_path,
):
    b = billing_lab
    invoice = b.invoice(b.request(b.lab.hem, b.lab.glu))
    note = refund_note(invoice, "50.00")
    view = records.view(invoice)
    assert " al " in view.range_text and " to " not in view.range_text
    assert [p.method_label for p in view.payments] == ["Efectivo"]
    assert records.view(note).lines[0].description == "Rebaja: Cobro de más"

    out = tmp_path / "factura.pdf"
    write_fiscal_document_pdf(out, view)
    text = pdf_text(out)
    assert "Página 1 de 1" in text and "Page 1" not in text
    assert "Efectivo" in text and "Cash" not in text

    report = cash.report(cash.current()["id"])
    assert "Efectivo" in report.expected
    close = tmp_path / "cierre.pdf"
    write_cash_close_pdf(close, report)
    closed = pdf_text(close)
    assert "Efectivo" in closed and "Cash" not in closed and "Page 1" not in closed


def test_the_close_counts_facturas_paid_and_on_credit_and_credit_notes_apart(billing_lab):  # noqa: F811
    b = billing_lab
    company = make_customer(
        "Maquila del Norte S.A.", "empresa", date_of_birth=None, id_number="05019001234567"
    )
    statements.set_account(company, "5000", 30)
    paid = b.invoice(b.request(b.lab.hem))
    b.invoice(b.request(b.lab.glu, bill_to_id=company), on_credit=True, pay=())
    b.invoice(
        b.request(b.lab.hem, bill_to_id=company),
        on_credit=True,
        pay=(PaymentInput("cash", Decimal("50.00")),),
    )
    refund_note(paid, "20.00")
    report = cash.report(cash.current()["id"])
    assert (report.invoices, report.credit_notes, report.voided) == (3, 1, 0)
