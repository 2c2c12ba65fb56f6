"""A company's abono and its saldo a favor (review-companies #1): an abono paid from a
saldo a favor the company does not have is refused (the same rule as a factura)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from patolab_desktop.db.models_billing import Payment
from patolab_desktop.services.access import session
from patolab_desktop.services.billing import cash, credit_notes, payments, statements
from patolab_desktop.services.billing.payments import PaymentInput
from patolab_desktop.services.errors import ValidationError
from tests.security_helpers import login_as
from tests.unit.billing_helpers import billing_lab  # noqa: F401
from tests.unit.requests_fixtures import lab, make_customer  # noqa: F401


def company_owing(b, invoices: int = 2) -> int:
    """A company with credit owing L 230.00 per factura (HEM + GLU)."""
    company = make_customer(
        "Maquila del Norte S.A.", "empresa", date_of_birth=None, id_number="05019001234567"
    )
    statements.set_account(company, "5000", 30)
    for _ in range(invoices):
        b.invoice(b.request(b.lab.hem, b.lab.glu, bill_to_id=company), on_credit=True, pay=())
    return company


def test_abono_from_a_saldo_a_favor_the_company_does_not_have_is_refused(billing_lab):
    company = company_owing(billing_lab)
    with session.acting_as(login_as("Recepción")):
        cash.open_session("0")
        with pytest.raises(ValidationError, match=r"tiene L 0\.00 de saldo a favor"):
            statements.record_abono(company, (PaymentInput("balance", "460.00"),))
        assert statements.balance_due(company) == Decimal("460.00")
        assert payments.balance_of(company) == Decimal("0.00")
        assert not Payment.select().where(Payment.kind == "abono").exists()


def test_abono_uses_the_saldo_a_favor_it_has_and_no_more(billing_lab):
    b = billing_lab
    company = company_owing(b)
    paid = b.invoice(b.request(b.lab.hem, bill_to_id=company))  # cash, then credited
    credit_notes.issue(
        credit_notes.CreditNoteInput(
            original_id=paid,
            reason="Muestra repetida",
            receiver_name="Maquila del Norte S.A.",
            receiver_document="05019001234567",
            settlement="balance",
            whole=True,
        )
    )
    saldo = payments.balance_of(company)
    assert saldo > 0
    with session.acting_as(login_as("Recepción")):
        cash.open_session("0")
        with pytest.raises(ValidationError, match="de saldo a favor"):
            statements.record_abono(company, (PaymentInput("balance", saldo + Decimal("0.01")),))
        statements.record_abono(company, (PaymentInput("balance", saldo),))
    assert payments.balance_of(company) == Decimal("0.00")
    assert statements.balance_due(company) == Decimal("460.00") - saldo
