"""A company that owes on credit facturas is not deactivated (its debt would leave every
search at the desk), and a company already inactive (older data) gets no new credit: the
request entry refuses it as a payer with the same words."""

from __future__ import annotations

from decimal import Decimal

import pytest

from patolab_desktop.db.models import Customer
from patolab_desktop.db.models_billing import FiscalDocument
from patolab_desktop.services import customers
from patolab_desktop.services.billing import invoices, statements
from patolab_desktop.services.billing.payments import PaymentInput
from patolab_desktop.services.errors import RuleError
from tests.unit.billing_helpers import billing_lab, company_owing  # noqa: F401
from tests.unit.requests_fixtures import lab  # noqa: F401


def test_a_company_that_owes_is_not_deactivated_until_it_has_paid(billing_lab):  # noqa: F811
    company = company_owing(billing_lab, 2)
    with pytest.raises(RuleError) as refused:
        customers.deactivate(company)
    assert str(refused.value) == (
        "Maquila del Norte S.A. debe L 460.00 en 2 facturas a crédito: registre los abonos o "
        "anule las facturas antes de desactivarla."
    )
    assert Customer.get_by_id(company).active
    statements.record_abono(company, (PaymentInput("cash", "400.00"),))
    with pytest.raises(RuleError, match="debe L 60.00 en 1 factura a crédito"):
        customers.deactivate(company)
    statements.record_abono(company, (PaymentInput("cash", "60.00"),))
    customers.deactivate(company)  # paid: nothing is lost
    assert not Customer.get_by_id(company).active


def test_an_inactive_company_gets_no_new_credit(billing_lab):  # noqa: F811
    b = billing_lab
    company = company_owing(b, 1)
    pending = b.request(b.lab.hem, bill_to_id=company)
    # older data: deactivated while it owed, before that was refused
    Customer.update(active=False).where(Customer.id == company).execute()
    assert not invoices.preview(invoices.InvoiceInput((pending,)))["has_credit"]
    documents = FiscalDocument.select().count()
    with pytest.raises(RuleError) as refused:
        b.invoice(pending, on_credit=True, pay=())
    assert str(refused.value) == "La empresa que paga no existe o está desactivada."
    assert FiscalDocument.select().count() == documents  # no number used
    assert statements.balance_due(company) == Decimal("230.00")
    # paid in full it is still invoiced: nothing is owed
    assert FiscalDocument.get_by_id(b.invoice(pending)).customer_id == company
