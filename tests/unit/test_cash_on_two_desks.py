"""One receptionist's caja on two desks at the same moment (PostgreSQL): one open session
per person, and a close counts every payment of its session (none goes into it after)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from patolab_desktop.db.models_billing import CashSession, Payment
from patolab_desktop.services.access import session
from patolab_desktop.services.billing import cash
from patolab_desktop.services.billing.payments import PaymentInput
from patolab_desktop.services.errors import RuleError
from tests.conftest import PG_URL
from tests.security_helpers import login_as
from tests.two_desks import Desk, finish, second_waits, waits_for
from tests.unit.billing_helpers import billing_lab  # noqa: F401
from tests.unit.requests_fixtures import lab  # noqa: F401

pytestmark = pytest.mark.skipif(
    not PG_URL,
    reason="the race between desks exists only on PostgreSQL (SQLite's write transaction, "
    "BEGIN IMMEDIATE, lets one desk in at a time)",
)

# the float, and what is counted once the factura's L 150.00 in cash is in the drawer
FLOAT = "500"
COUNT_WITH_THE_PAYMENT = {"500": 1, "100": 1, "50": 1}


def _open_sessions(username: str) -> int:
    return (
        CashSession.select()
        .where((CashSession.username == username) & (CashSession.status == "open"))
        .count()
    )


def test_opening_the_caja_on_two_desks_at_once_opens_one(billing_lab):  # noqa: F811
    reception = login_as("Recepción")
    with session.acting_as(reception):
        second = second_waits(lambda: cash.open_session(FLOAT), lambda: cash.open_session(FLOAT))
    assert isinstance(second.error, RuleError)
    assert "Su caja ya está abierta" in str(second.error)
    assert _open_sessions(reception.username) == 1


def test_a_close_waits_for_the_factura_being_issued_and_counts_its_payment(billing_lab):  # noqa: F811
    b = billing_lab
    request_id = b.request(b.lab.hem)  # L 150.00
    reception = login_as("Recepción")
    with session.acting_as(reception):
        session_id = cash.open_session(FLOAT)
        closing = second_waits(
            lambda: b.invoice(request_id, pay=(PaymentInput("cash", "150", received="200"),)),
            lambda: cash.close(COUNT_WITH_THE_PAYMENT, {}),
        )
    assert closing.error is None, closing.error
    row = CashSession.get_by_id(session_id)
    paid = sum((p.amount for p in Payment.select().where(Payment.cash_session == row.id)), 0)
    assert row.status == "closed" and paid == Decimal("150")
    assert Decimal(json.loads(row.expected)["cash"]) == Decimal("650.00")
    assert row.difference == 0


def test_a_factura_issued_while_the_caja_closes_is_refused(billing_lab):  # noqa: F811
    b = billing_lab
    request_id = b.request(b.lab.hem)
    reception = login_as("Recepción")
    with session.acting_as(reception):
        session_id = cash.open_session(FLOAT)
        issuing = second_waits(
            lambda: cash.close({"500": 1}, {}),
            lambda: b.invoice(request_id, pay=(PaymentInput("cash", "150", received="200"),)),
        )
    assert isinstance(issuing.error, RuleError)
    assert "Abra su caja" in str(issuing.error)
    assert not Payment.select().where(Payment.cash_session == session_id).exists()
    assert Decimal(json.loads(CashSession.get_by_id(session_id).expected)["cash"]) == 500


def test_a_void_while_the_taking_caja_closes_goes_to_the_supervisor_s_caja(billing_lab):  # noqa: F811
    """The reversal of a voided factura never lands in a session that has just closed:
    the void waits for the close, then gives the money back from the Supervisor's cash."""
    from patolab_desktop.services.billing import records

    b = billing_lab
    request_id = b.request(b.lab.hem)  # L 150.00
    reception, supervisor = login_as("Recepción"), login_as("Supervisor")
    with session.acting_as(supervisor):
        own = cash.open_session(FLOAT)
    with session.acting_as(reception):
        taking = cash.open_session(FLOAT)
        invoice = b.invoice(request_id, pay=(PaymentInput("cash", "150", received="200"),))
        closing = Desk(lambda: cash.close(COUNT_WITH_THE_PAYMENT, {}), held=True).hold()
    with session.acting_as(supervisor):
        voiding = Desk(lambda: records.void(invoice, "Nombre del comprador equivocado"))
        waited = waits_for(voiding, closing)
    closing.commit()
    finish(voiding)
    assert waited, voiding.error or "voided without waiting"
    assert voiding.error is None, voiding.error
    reversal = Payment.get(Payment.kind == "reversal")
    assert reversal.cash_session_id == own
    closed = CashSession.get_by_id(taking)
    assert closed.status == "closed" and closed.difference == 0
    assert Decimal(json.loads(closed.expected)["cash"]) == Decimal("650.00")
