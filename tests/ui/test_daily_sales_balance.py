"""Facturación → Ventas del día, as the Supervisor who reads it: «Total cobrado» is the
money taken (cash, card, transfer, cheque). A credit note kept as saldo a favor took its
amount off it (L 330 by card and L 210 in cash read «Total cobrado L 480.00»), and the
saldo spent later was added as if it were money; each is now its own line."""

from __future__ import annotations

from decimal import Decimal

import pytest

from patolab_desktop.services.access import permissions, session
from patolab_desktop.services.billing import cash, invoices
from patolab_desktop.services.billing.payments import PaymentInput
from tests.security_helpers import login_as
from tests.ui.billing_ui_helpers import billing_setup, issue_credit_note, pay_part_with_balance
from tests.ui.requests_helpers import make_request

pytestmark = pytest.mark.usefixtures("fast_hashing")


def test_the_supervisor_reads_money_taken_and_the_saldo_a_favor_apart(qtbot, database):
    from patolab_desktop.ui.billing.reports_actions import DailySalesDialog

    setup = billing_setup(with_request=True)
    with session.acting_as(session.system_actor("tests")):
        second, _ = make_request(setup["patient"], setup["doctor"], [setup["catalog"]["HEM"]])
    with session.acting_as(login_as(permissions.ROLE_RECEPTION)):
        cash.open_session("500")
        first = invoices.issue(
            invoices.InvoiceInput(
                (setup["request"],),
                payments=(PaymentInput("card", "330", card_last4="4242", auth_code="ABC123"),),
            )
        )
    with session.acting_as(login_as(permissions.ROLE_SUPERVISOR)):
        issue_credit_note(first, "Rebaja acordada", settlement="balance", amount="100")
    with session.acting_as(login_as(permissions.ROLE_RECEPTION)):
        in_cash = pay_part_with_balance(second, "40")
    login_as(permissions.ROLE_SUPERVISOR)
    dialog = DailySalesDialog()
    qtbot.addWidget(dialog)
    taken = Decimal("330") + in_cash  # what came into the drawers, card and cash
    assert dialog.data["total"] == taken
    text = dialog.body.text()
    assert f"Total cobrado: L {taken:,.2f}" in text, text
    assert "Saldo a favor aplicado (no es dinero): L 40.00" in text
    assert "Notas de crédito dejadas como saldo a favor: L 100.00" in text
    assert "Saldo a favor:" not in text  # no longer a method of money
    assert sum(dialog.data["per_user"]["recepcion"].values()) == taken
