"""The cash session, cuadre de caja (issue 17, point 6)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from patolab_desktop.services.access import session
from patolab_desktop.services.billing import cash
from patolab_desktop.services.billing.payments import PaymentInput
from patolab_desktop.services.errors import PermissionDenied, RuleError, ValidationError
from tests.security_helpers import login_as
from tests.unit.billing_helpers import billing_lab  # noqa: F401
from tests.unit.requests_fixtures import lab  # noqa: F401


def test_close_compares_expected_and_counted_and_a_supervisor_confirms(billing_lab):
    b = billing_lab
    reception = login_as("Recepción")
    with session.acting_as(reception):
        cash.open_session("200")
        b.invoice(
            b.request(b.lab.hem, b.lab.glu),  # 230
            pay=(
                PaymentInput("card", "100", card_last4="4321", auth_code="778899"),
                PaymentInput("cash", "130", received="150"),
            ),
        )
        own = cash.current()
        assert cash.expected(own["id"])["cash"] == Decimal("330.00")  # float + cash
        with pytest.raises(ValidationError, match="nota"):
            cash.close({"100": 3, "20": 1}, {"card": "100"})  # 320 counted: 10 short
        session_id = cash.close({"100": 3, "20": 1}, {"card": "100"}, "Faltan 10 lempiras")
        with pytest.raises(PermissionDenied):
            cash.confirm(session_id)  # permission: reception has no billing.reports
    report = cash.report(session_id)
    assert report.difference == Decimal("-10.00")
    assert report.expected["Efectivo"] == Decimal("330.00")
    assert report.counted["Tarjeta"] == Decimal("100.00")
    with session.acting_as(login_as("Supervisor")):
        cash.confirm(session_id)
        assert cash.report(session_id).confirmed_by == "supervisor"
        with pytest.raises(RuleError, match="Solo se confirma una caja cerrada"):
            cash.confirm(session_id)


def test_one_open_session_per_person_and_counts_are_whole(billing_lab):
    with pytest.raises(RuleError, match="ya está abierta"):
        cash.open_session("100")
    with pytest.raises(ValidationError):
        cash.count_cash({"500": -1})
    with pytest.raises(ValidationError):
        cash.count_cash({"3": 1})
    assert cash.count_cash({"500": 2, "0.50": 3}) == Decimal("1001.50")
