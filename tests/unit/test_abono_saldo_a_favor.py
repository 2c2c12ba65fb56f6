"""A company's abono and its saldo a favor (review-companies #1 and #5): an abono paid
from a saldo a favor the company does not have is refused (the same rule as a factura),
and a transfer, card or cheque for more than the debt is recorded whole, the excess kept
as saldo a favor; cash beyond the debt stays change."""

from __future__ import annotations

from decimal import Decimal

import pytest

from patolab_desktop.db.models_billing import Payment
from patolab_desktop.services.access import session
from patolab_desktop.services.billing import cash, credit_notes, payments, statements
from patolab_desktop.services.billing.payments import PaymentInput
from patolab_desktop.services.errors import ValidationError
from tests.security_helpers import login_as
from tests.unit.billing_helpers import billing_lab, company_owing  # noqa: F401
from tests.unit.requests_fixtures import lab  # noqa: F401


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
        abono = statements.record_abono(company, (PaymentInput("balance", saldo),))
    assert abono.kept == Decimal("0.00")
    assert payments.balance_of(company) == Decimal("0.00")
    assert statements.balance_due(company) == Decimal("460.00") - saldo


def test_a_transfer_beyond_the_debt_keeps_the_excess_as_saldo_a_favor(billing_lab):
    company = company_owing(billing_lab)
    with session.acting_as(login_as("Recepción")):
        own = cash.open_session("0")
        abono = statements.record_abono(
            company, (PaymentInput("transfer", "500.00", bank="BAC", reference="9911"),)
        )
        assert cash.expected(own)["transfer"] == Decimal("500.00")  # what the bank shows
    assert abono.kept == Decimal("40.00")
    assert len(abono.invoice_ids) == 2
    assert statements.balance_due(company) == Decimal("0.00")
    assert payments.balance_of(company) == Decimal("40.00")
    assert statements.statement(company)["credit_balance"] == Decimal("40.00")


def test_cash_beyond_the_debt_is_change_and_saldo_cannot_make_saldo(billing_lab):
    b = billing_lab
    company = company_owing(b)
    with session.acting_as(login_as("Recepción")):
        cash.open_session("0")
        with pytest.raises(ValidationError, match="efectivo recibido aparte"):
            statements.record_abono(company, (PaymentInput("cash", "500.00"),))
        # the excess can only come from the transfer: the cash is applied first
        abono = statements.record_abono(
            company,
            (
                PaymentInput("transfer", "300.00", bank="BAC", reference="1"),
                PaymentInput("cash", "200.00", received="200.00"),
            ),
        )
        assert abono.kept == Decimal("40.00")
        kept = Payment.get(Payment.document.is_null() & (Payment.kind == "abono"))
        assert (kept.method, kept.amount) == ("transfer", Decimal("40.00"))
        # owing again: the saldo a favor pays no more than the debt
        b.invoice(b.request(b.lab.glu, bill_to_id=company), on_credit=True, pay=())  # 80
        with pytest.raises(ValidationError, match="suman más que la deuda"):
            statements.record_abono(company, (PaymentInput("balance", "40.00"),) * 3)
        statements.record_abono(company, (PaymentInput("balance", "40.00"),))
    assert payments.balance_of(company) == Decimal("0.00")
    assert statements.balance_due(company) == Decimal("40.00")
