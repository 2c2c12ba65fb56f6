"""The request summary's «Neto a pagar» is what the factura then charges: a taxed
investigation's ISV is printed and counted (before, the summary said the net before ISV
and the cashier charged more), and a price with a third decimal is priced to the cent as
the factura prices it. A cancelled request keeps its amounts. Real PDFs, read back."""

from __future__ import annotations

from decimal import Decimal

import pytest

from patolab_desktop.db.models import Investigation
from patolab_desktop.db.models_billing import FiscalDocument
from patolab_desktop.documents.request_summary import write_summary_pdf
from patolab_desktop.services import requests
from patolab_desktop.services.billing.payments import PaymentInput
from patolab_desktop.services.requests import reports
from tests.e2e.printing_helpers import pdf_text
from tests.unit.billing_helpers import billing_lab, exonerated_buyer  # noqa: F401
from tests.unit.requests_fixtures import lab, make_investigation  # noqa: F401


def _summary_text(request_id: int, tmp_path) -> tuple[dict, str]:
    data = reports.request_summary_data(request_id)
    path = tmp_path / "resumen.pdf"
    write_summary_pdf(path, data, "A4")
    return data["totals"], pdf_text(path)


def test_a_taxed_investigation_s_isv_is_on_the_summary_and_in_its_net(
    billing_lab,  # noqa: F811
    qapp,
    tmp_path,
):
    b = billing_lab
    Investigation.update(tax_class="gravado15").where(Investigation.id == b.lab.ure).execute()
    request_id = b.request(b.lab.hem, b.lab.ure)
    totals, text = _summary_text(request_id, tmp_path)
    assert (totals["isv15"], totals["net"]) == (Decimal("14.33"), Decimal("259.83"))
    assert "ISV 15 % L 14.33" in text and "Neto a pagar L 259.83" in text
    invoice = FiscalDocument.get_by_id(b.invoice(request_id))
    assert invoice.total == totals["net"]


def test_an_exempt_request_prints_no_isv(billing_lab, qapp, tmp_path):  # noqa: F811
    request_id = billing_lab.request(billing_lab.lab.hem, billing_lab.lab.glu)
    totals, text = _summary_text(request_id, tmp_path)
    assert totals["net"] == Decimal("230.00") and "ISV" not in text
    assert "Neto a pagar L 230.00" in text


def test_a_third_decimal_is_priced_to_the_cent_as_the_factura_prices_it(
    billing_lab,  # noqa: F811
    qapp,
    tmp_path,
):
    b = billing_lab
    odd = make_investigation("ODD", "Prueba de precio con tres decimales", "100.005")
    request_id = b.request(odd)
    totals, text = _summary_text(request_id, tmp_path)
    invoice = FiscalDocument.get_by_id(b.invoice(request_id))
    assert invoice.total == totals["net"] == Decimal("100.01")
    assert "Neto a pagar L 100.01" in text


def test_two_third_decimal_prices_add_up_on_the_paper(billing_lab, qapp, tmp_path):  # noqa: F811
    """Total − Descuento + ISV = Neto a pagar, in the same cents (before: Total L 200.01
    from the stored 200.010, Neto a pagar L 200.02)."""
    b = billing_lab
    odd = make_investigation("ODD", "Prueba de precio con tres decimales", "100.005")
    odd2 = make_investigation("OD2", "Otra prueba de tres decimales", "100.005")
    totals, text = _summary_text(b.request(odd, odd2), tmp_path)
    assert totals["total"] - totals["discount"] + totals["isv15"] == totals["net"]
    assert totals["net"] == Decimal("200.02") and "Total (2 investigaciones) L 200.02" in text


def test_a_charged_request_shows_what_its_factura_charged(billing_lab, qapp, tmp_path):  # noqa: F811
    """An exonerated buyer paid no ISV: the summary reprinted after the factura, and the
    detail, say the factura's total; a later change of the tax class changes nothing."""
    b = billing_lab
    Investigation.update(tax_class="gravado15").where(Investigation.id == b.lab.ure).execute()
    request_id = b.request(b.lab.hem, b.lab.ure)
    buyer = exonerated_buyer()
    paid = (PaymentInput("cash", Decimal("245.50")),)
    invoice = FiscalDocument.get_by_id(b.invoice(request_id, buyer=buyer, pay=paid))
    assert invoice.total == Decimal("245.50")
    Investigation.update(tax_class="gravado18").where(Investigation.id == b.lab.hem).execute()
    totals, text = _summary_text(request_id, tmp_path)
    assert (totals["isv15"], totals["isv18"], totals["net"]) == (0, 0, invoice.total)
    assert "ISV" not in text and "Neto a pagar L 245.50" in text
    assert reports.charge_totals(requests.get(request_id))["net"] == invoice.total


def test_a_cancelled_request_keeps_its_amounts(billing_lab, qapp, tmp_path):  # noqa: F811
    b = billing_lab
    Investigation.update(tax_class="gravado15").where(Investigation.id == b.lab.ure).execute()
    request_id = b.request(b.lab.hem, b.lab.ure)
    requests.cancel(request_id, "El paciente desistió del examen", by="t")
    totals, text = _summary_text(request_id, tmp_path)
    assert totals["isv15"] == 0 and totals["net"] == Decimal("245.5")
    assert "ISV" not in text


def test_an_unknown_request_is_not_found(billing_lab):  # noqa: F811
    from patolab_desktop.services.billing.invoices import to_pay
    from patolab_desktop.services.errors import NotFoundError

    with pytest.raises(NotFoundError):
        to_pay(424242)


def test_the_period_report_says_the_net_to_pay_with_the_isv(
    billing_lab,  # noqa: F811
    qapp,
    tmp_path,
):
    """Its tables are before ISV; its summary adds the ISV the summaries and facturas
    charge (a supervisor read L 245.50 where the patient paid L 259.83)."""
    import datetime as dt

    from patolab_desktop.documents.period_report import write_period_report_pdf

    b = billing_lab
    Investigation.update(tax_class="gravado15").where(Investigation.id == b.lab.ure).execute()
    taxed = b.request(b.lab.hem, b.lab.ure)
    b.request(b.lab.glu)  # exempt
    charged = reports.request_summary_data(taxed)["totals"]
    today = dt.date.today()
    data = reports.period_report_data(today, today)
    assert data["isv"] == charged["isv15"] == Decimal("14.33")
    assert data["net_to_pay"] == data["active_totals"]["net"] + Decimal("14.33")
    path = tmp_path / "periodo.pdf"
    write_period_report_pdf(path, data)
    text = pdf_text(path)
    assert "ISV de lo gravado L 14.33" in text
    assert f"Neto a pagar (con ISV) L {data['net_to_pay']:,.2f}" in text


def test_an_exempt_period_prints_no_isv_rows(billing_lab, qapp, tmp_path):  # noqa: F811
    import datetime as dt

    from patolab_desktop.documents.period_report import write_period_report_pdf

    billing_lab.request(billing_lab.lab.hem)
    today = dt.date.today()
    data = reports.period_report_data(today, today)
    assert data["isv"] == 0
    path = tmp_path / "periodo.pdf"
    write_period_report_pdf(path, data)
    assert "ISV" not in pdf_text(path)
