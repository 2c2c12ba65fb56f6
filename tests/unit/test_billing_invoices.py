"""Issuing a factura (issue 17): numbers, lines, taxes, buyer, payments, refusals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from patolab_desktop.db.models import Investigation
from patolab_desktop.db.models_billing import (
    FiscalAuthorisation,
    FiscalDocument,
    FiscalDocumentLine,
    Payment,
)
from patolab_desktop.services.billing import authorisations
from patolab_desktop.services.billing.buyers import BuyerInput
from patolab_desktop.services.billing.payments import PaymentInput
from patolab_desktop.services.errors import RuleError, ValidationError
from tests.unit.billing_helpers import billing_lab, exonerated_buyer  # noqa: F401
from tests.unit.requests_fixtures import lab  # noqa: F401


def test_first_invoice_takes_the_first_number_and_charges_each_investigation(billing_lab):
    b = billing_lab
    request_id = b.request(b.lab.hem, b.lab.glu)
    doc_id = b.invoice(request_id)
    doc = FiscalDocument.get_by_id(doc_id)
    assert doc.number == "000-001-01-00000001"
    assert doc.total == Decimal("230.000")
    assert doc.exempt == Decimal("230.000") and doc.isv15 == 0
    assert doc.buyer_name == "CONSUMIDOR FINAL"  # the patient has no document
    lines = list(FiscalDocumentLine.select().where(FiscalDocumentLine.document == doc_id))
    assert [line.description for line in lines] == ["Hemograma completo", "Glucosa en ayunas"]
    assert FiscalAuthorisation.get_by_id(b.invoice_auth).last_used == 1
    second = b.invoice(b.request(b.lab.ure))
    assert FiscalDocument.get_by_id(second).number == "000-001-01-00000002"


def test_a_panel_is_one_line_and_cancelled_lines_are_not_charged(billing_lab):
    b = billing_lab
    doc_id = b.invoice(b.request(b.lab.lipid))
    lines = list(FiscalDocumentLine.select().where(FiscalDocumentLine.document == doc_id))
    assert [(line.description, line.amount) for line in lines] == [
        ("Perfil lipídico", Decimal("300.000"))
    ]


def test_a_request_is_invoiced_once(billing_lab):
    b = billing_lab
    request_id = b.request()
    b.invoice(request_id)
    with pytest.raises(RuleError, match="ya está facturada"):
        b.invoice(request_id)


def test_taxed_items_show_isv_and_an_exonerated_buyer_moves_them_to_exonerado(billing_lab):
    b = billing_lab
    Investigation.update(tax_class="gravado15").where(Investigation.id == b.lab.ure).execute()
    doc = FiscalDocument.get_by_id(b.invoice(b.request(b.lab.hem, b.lab.ure)))
    assert doc.exempt == Decimal("150.000")
    assert doc.taxed15 == Decimal("95.500")
    assert doc.isv15 == Decimal("14.330")  # 14.325 rounds half-up
    assert doc.total == Decimal("259.830")
    request_id = b.request(b.lab.ure, patient_id=b.lab.patient)
    buyer = exonerated_buyer()
    total = Decimal("95.50")
    doc = FiscalDocument.get_by_id(
        b.invoice(request_id, buyer=buyer, pay=(PaymentInput("cash", total),))
    )
    assert doc.exonerated == Decimal("95.500") and doc.isv15 == 0 and doc.taxed15 == 0
    from patolab_desktop.services import identity

    assert doc.buyer_document.startswith("e1:")  # stored encrypted (issue 15)
    assert identity.reveal(doc.buyer_document) == "0801-9001-234567"


def test_consumer_final_is_refused_above_ten_thousand(billing_lab):
    b = billing_lab
    Investigation.update(price=Decimal("10000.01")).where(Investigation.id == b.lab.hem).execute()
    request_id = b.request(b.lab.hem)
    with pytest.raises(ValidationError, match="CONSUMIDOR FINAL"):
        b.invoice(request_id)
    assert FiscalAuthorisation.get_by_id(b.invoice_auth).last_used == 0  # no number used
    doc = FiscalDocument.get_by_id(
        b.invoice(request_id, buyer=BuyerInput(name="Ana María Pérez", document="0501199012345"))
    )
    assert doc.buyer_name == "Ana María Pérez" and not doc.consumer_final


def test_mixed_payment_with_change(billing_lab):
    b = billing_lab
    request_id = b.request(b.lab.hem, b.lab.glu)  # 230
    doc_id = b.invoice(
        request_id,
        pay=(
            PaymentInput("card", "100", card_last4="1234", auth_code="A0099"),
            PaymentInput("cash", "130", received="200"),
        ),
    )
    rows = {p.method: p for p in Payment.select().where(Payment.document == doc_id)}
    assert rows["cash"].change == Decimal("70.000")
    assert rows["card"].card_last4 == "1234"


@pytest.mark.parametrize(
    "pay, message",
    [
        ((PaymentInput("cash", "100"),), "no cubren el total"),
        ((PaymentInput("card", "230", card_last4="1234"),), "código de autorización"),
        ((PaymentInput("cash", "300"),), "suman más que el total"),
        ((PaymentInput("transfer", "230", bank="BAC"),), "referencia"),
        ((PaymentInput("cash", "230", received="100"),), "menor que el monto"),
    ],
)
def test_bad_payments_are_refused_and_leave_nothing(billing_lab, pay, message):
    b = billing_lab
    request_id = b.request(b.lab.hem, b.lab.glu)
    with pytest.raises(ValidationError, match=message):
        b.invoice(request_id, pay=pay)
    assert FiscalDocument.select().count() == 0
    assert FiscalAuthorisation.get_by_id(b.invoice_auth).last_used == 0


def test_issuing_is_refused_past_the_deadline_and_past_the_range(billing_lab, monkeypatch):
    b = billing_lab
    request_id = b.request()
    monkeypatch.setattr(authorisations, "today", lambda: dt.date.today() + dt.timedelta(days=400))
    with pytest.raises(RuleError, match="venció"):
        b.invoice(request_id)
    monkeypatch.setattr(authorisations, "today", dt.date.today)
    FiscalAuthorisation.update(last_used=5000).where(
        FiscalAuthorisation.id == b.invoice_auth
    ).execute()
    with pytest.raises(RuleError, match="agotó su rango"):
        b.invoice(request_id)
    assert FiscalDocument.select().count() == 0


def test_payments_need_an_open_cash_session(billing_lab):
    from patolab_desktop.services.billing import cash

    b = billing_lab
    cash.close({"500": 1}, {})
    with pytest.raises(RuleError, match="Abra su caja"):
        b.invoice(b.request())


def test_credit_needs_a_credit_account_within_its_limit(billing_lab):
    from patolab_desktop.services.billing import statements
    from tests.unit.requests_fixtures import make_customer

    b = billing_lab
    company = make_customer(
        "Maquila del Norte S.A.", "empresa", date_of_birth=None, id_number="05019001234567"
    )
    request_id = b.request(b.lab.hem, b.lab.glu, bill_to_id=company)
    data = dict(on_credit=True, pay=())
    with pytest.raises(RuleError, match="no tiene crédito"):
        b.invoice(request_id, **data)
    statements.set_account(company, "200", 30)
    with pytest.raises(RuleError, match="no alcanza"):
        b.invoice(request_id, **data)
    statements.set_account(company, "1000", 30, expected_version=1)
    doc = FiscalDocument.get_by_id(b.invoice(request_id, **data))
    assert doc.on_credit and doc.buyer_name == "Maquila del Norte S.A."
    assert doc.due_date == dt.date.today() + dt.timedelta(days=30)
    assert statements.balance_due(company) == Decimal("230.00")
    statements.record_abono(company, (PaymentInput("transfer", "100", bank="BAC", reference="77"),))
    assert statements.balance_due(company) == Decimal("130.00")
    assert statements.statement(company)["rows"][0]["paid"] == Decimal("100.00")


def test_the_catalog_keeps_each_items_tax_class(billing_lab):
    from patolab_desktop.services.catalog import investigations, reading

    b = billing_lab
    data = reading.get(b.lab.ure)
    assert data.tax_class == "exento"
    data.tax_class = "gravado18"
    investigations.update(data)
    assert reading.get(b.lab.ure).tax_class == "gravado18"
    data = reading.get(b.lab.ure)
    data.tax_class = "iva"
    with pytest.raises(ValidationError, match="Clase de impuesto"):
        investigations.update(data)
    doc = FiscalDocument.get_by_id(b.invoice(b.request(b.lab.ure)))
    assert doc.taxed18 == Decimal("95.500") and doc.isv18 == Decimal("17.190")


def test_no_invoice_until_the_lab_fiscal_data_is_set(billing_lab):
    from patolab_desktop.services import settings

    b = billing_lab
    settings.put("lab_rtn", "")
    with pytest.raises(RuleError, match="el RTN del laboratorio"):
        b.invoice(b.request())
    assert FiscalDocument.select().count() == 0
    settings.put("lab_rtn", "08019015123456")
    settings.put("lab_phone", "")  # a factura shows the issuer's phone and e-mail too
    settings.put("lab_email", " ")
    with pytest.raises(RuleError, match="el teléfono del laboratorio, el correo del laboratorio"):
        b.invoice(b.request())
    assert FiscalDocument.select().count() == 0


def test_the_issuing_back_end_is_replaceable(billing_lab):
    """An electronic (CAEE) back end would implement the same ``allocate``: the services
    print whatever number and authorisation it gives, inside the same transaction."""
    from patolab_desktop.services.billing import backend
    from patolab_desktop.services.billing.authorisations import Allocation

    b = billing_lab
    auth = FiscalAuthorisation.get_by_id(b.invoice_auth)

    class FakeElectronic:
        name = "caee-prueba"
        calls = 0

        def allocate(self, doc_type):
            FakeElectronic.calls += 1
            return Allocation(
                auth.id,
                f"000-009-{doc_type}-00000042",
                42,
                "CAEE-XYZ",
                "electrónica",
                auth.deadline,
                auth.branch_id,
            )

    previous = backend.use(FakeElectronic())
    try:
        doc = FiscalDocument.get_by_id(b.invoice(b.request()))
    finally:
        backend.use(previous)
    assert FakeElectronic.calls == 1
    assert (doc.number, doc.cai) == ("000-009-01-00000042", "CAEE-XYZ")
    assert FiscalAuthorisation.get_by_id(b.invoice_auth).last_used == 0  # CAI untouched
