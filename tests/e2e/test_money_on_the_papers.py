"""The money the papers read by request, against the facturas (the legal truth) and their
credit notes. The Supervisor's period report said «Neto a pagar (con ISV)» without the
credit notes (L 292.25 where the sales book says L 150.00), and the request summary
still said «Neto a pagar L 292.25» after a note credited L 142.25 of it. Two requests at
15 % on one factura of L 230.23 were each L 115.12 «to pay»: the report was L 0.01 above
the factura. Real PDFs, read back."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from patolab_desktop.db.models import Investigation, LabRequest
from patolab_desktop.db.models_billing import FiscalDocument
from patolab_desktop.documents.period_report import write_period_report_pdf
from patolab_desktop.documents.request_summary import write_summary_pdf
from patolab_desktop.services.access import session
from patolab_desktop.services.billing import credit_notes
from patolab_desktop.services.billing import reports as billing_reports
from patolab_desktop.services.billing.credit_notes import CreditNoteInput
from patolab_desktop.services.billing.payments import PaymentInput
from patolab_desktop.services.requests import reports
from tests.e2e.printing_helpers import pdf_text
from tests.security_helpers import login_as
from tests.unit.billing_helpers import billing_lab  # noqa: F401
from tests.unit.requests_fixtures import lab, make_investigation  # noqa: F401

TODAY = dt.date.today()


def _taxed(code: str, name: str, price: str, tax_class: str) -> int:
    investigation = make_investigation(code, name, price)
    Investigation.update(tax_class=tax_class).where(Investigation.id == investigation).execute()
    return investigation


def _credited_request(b) -> tuple[int, int]:
    """HEM (exento, L 150.00) and ALC (18 %, L 120.55 + 21.70) paid by card: L 292.25; a
    Supervisor credits ALC as saldo a favor (L 142.25). Returns (request, factura)."""
    alcohol = _taxed("ALC", "Alcoholemia", "120.55", "gravado18")
    request_id = b.request(b.lab.hem, alcohol)
    card = PaymentInput("card", "292.25", card_last4="4242", auth_code="ABC123")
    factura = b.invoice(request_id, pay=(card,))
    with session.acting_as(login_as("Supervisor")):
        line = next(
            found for found in credit_notes.invoice_lines(factura) if found["code"] == "ALC"
        )
        credit_notes.issue(
            CreditNoteInput(
                factura,
                "Investigación no realizada",
                "Ana María Pérez",
                "0501-1990-12345",
                settlement="balance",
                request_line_ids=(line["request_line_id"],),
            )
        )
    return request_id, factura


def _period_pdf(tmp_path, branch_id=None) -> tuple[dict, str]:
    with session.acting_as(login_as("Supervisor")):
        data = reports.period_report_data(TODAY, TODAY, branch_id, printed_by="supervisor")
    path = tmp_path / "periodo.pdf"
    write_period_report_pdf(path, data)
    return data, pdf_text(path)


def _summary_pdf(request_id: int, tmp_path) -> tuple[dict, str]:
    with session.acting_as(login_as("Recepción")):
        data = reports.request_summary_data(request_id)
    path = tmp_path / "resumen.pdf"
    write_summary_pdf(path, data, "A4")
    return data, pdf_text(path)


def test_the_period_report_takes_off_the_credit_notes_as_the_sales_book(
    billing_lab,  # noqa: F811
    qapp,
    tmp_path,
):
    _credited_request(billing_lab)
    data, text = _period_pdf(tmp_path)
    with session.acting_as(login_as("Supervisor")):
        book_total = Decimal(billing_reports.sales_book(TODAY.strftime("%Y-%m"))[-1][-2])
    assert book_total == Decimal("150.00")
    assert (data["net_to_pay"], data["credited"]) == (Decimal("292.25"), Decimal("142.25"))
    assert data["net_after_credits"] == book_total
    assert "Neto a pagar (con ISV) L 292.25" in text
    assert "Notas de crédito -L 142.25" in text
    assert "Neto tras notas de crédito L 150.00" in text


def test_the_request_summary_says_what_was_credited(billing_lab, qapp, tmp_path):  # noqa: F811
    request_id, factura = _credited_request(billing_lab)
    data, text = _summary_pdf(request_id, tmp_path)
    assert data["totals"]["net"] == FiscalDocument.get_by_id(factura).total  # as charged
    assert data["factura"]["credited"] == Decimal("142.25")
    assert data["factura"]["net_after_credits"] == Decimal("150.00")
    assert "Neto a pagar L 292.25" in text
    assert "Notas de crédito -L 142.25" in text
    assert "Neto tras notas de crédito L 150.00" in text


def _two_on_one_factura(b) -> tuple[int, int, int]:
    """Two requests of a L 100.10 certificate at 15 % on one factura: 200.20 + 30.03."""
    certificate = _taxed("CERT", "Certificado de salud", "100.10", "gravado15")
    first, second = b.request(certificate), b.request(certificate)
    return first, second, b.invoice(first, second)


def test_the_period_report_counts_a_factura_of_two_requests_as_it_charged(
    billing_lab,  # noqa: F811
    qapp,
    tmp_path,
):
    first, _second, factura = _two_on_one_factura(billing_lab)
    charged = FiscalDocument.get_by_id(factura).total
    assert charged == Decimal("230.23")
    data, text = _period_pdf(tmp_path)
    assert data["net_to_pay"] == charged and data["isv"] == Decimal("30.03")
    assert "Neto a pagar (con ISV) L 230.23" in text
    assert not data["by_request_shares"]
    summary, summary_text = _summary_pdf(first, tmp_path)
    assert summary["totals"]["net"] == Decimal("115.12")  # its share
    assert (
        "Facturada con otras solicitudes en la factura 000-001-01-00000001 (total L 230.23)"
        in summary_text
    )
    assert "puede diferir en centavos" in summary_text


def test_a_factura_with_a_request_outside_the_period_is_said_by_request(
    billing_lab,  # noqa: F811
    qapp,
    tmp_path,
):
    _first, second, _factura = _two_on_one_factura(billing_lab)
    yesterday = dt.datetime.combine(TODAY - dt.timedelta(days=1), dt.time(9, 0))
    LabRequest.update(requested_at=yesterday).where(LabRequest.id == second).execute()
    data, text = _period_pdf(tmp_path)
    assert data["net_to_pay"] == Decimal("115.12") and data["by_request_shares"]
    assert "parte de cada solicitud, que puede diferir en centavos de la factura" in text
