"""A patient pays part of a factura with her saldo a favor (from an earlier credit note)
and the rest in cash. At the close the receptionist counts the drawer, which holds every
lempira: the window shows the saldo a favor for information without a count, the
difference is L 0.00, no note is asked, and the stored and printed close say «cuadra»."""

from __future__ import annotations

from decimal import Decimal

import pytest

from patolab_desktop.documents import cash_close as printed
from patolab_desktop.services.access import permissions, session
from patolab_desktop.services.billing import cash, invoices
from patolab_desktop.services.billing.payments import PaymentInput
from tests.security_helpers import login_as
from tests.ui.billing_ui_helpers import billing_setup, issue_credit_note, pay_part_with_balance
from tests.ui.requests_helpers import make_request

pytestmark = pytest.mark.usefixtures("fast_hashing")


def _day_with_a_balance_payment() -> Decimal:
    """Supervisor: factura and a credit note left as saldo a favor (L 50). Recepción: opens
    with L 500 and charges a second request with L 50 of saldo and the rest in cash.
    Returns the cash in the drawer."""
    setup = billing_setup(with_request=True)
    with session.acting_as(login_as(permissions.ROLE_SUPERVISOR)):
        cash.open_session("0")
        first = invoices.issue(
            invoices.InvoiceInput((setup["request"],), payments=(PaymentInput("cash", "330"),))
        )
        issue_credit_note(first, "Rebaja acordada", settlement="balance", amount="50")
    with session.acting_as(session.system_actor("tests")):
        second, _ = make_request(setup["patient"], setup["doctor"], [setup["catalog"]["GLU"]])
    login_as(permissions.ROLE_RECEPTION)
    cash.open_session("500")
    return Decimal("500") + pay_part_with_balance(second, "50")


def test_saldo_a_favor_is_shown_not_counted_and_the_drawer_balances(qtbot, database):
    from patolab_desktop.ui.billing.cash_dialogs import CashCloseDialog

    drawer = _day_with_a_balance_payment()
    dialog = CashCloseDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    assert "balance" not in dialog.other_edits  # nothing to type for it
    shown = [label.text() for label in dialog.findChildren(type(dialog.difference_label))]
    assert any(t.startswith("Saldo a favor: L 50.00") for t in shown), shown
    rest = drawer
    for face in (Decimal(500), Decimal(100), Decimal(50), Decimal(20), Decimal(10), Decimal(1)):
        if rest >= face:
            dialog.set_count(face, int(rest // face))
            rest %= face
    assert rest == 0
    assert dialog.difference_label.text() == "L 0.00"
    dialog.close_button.click()
    assert dialog.error.text() == ""
    assert dialog.closed
    report = cash.report(dialog.session_id)
    assert report.difference == Decimal("0.00")
    assert "Saldo a favor" not in report.expected and "Saldo a favor" not in report.counted
    assert report.not_counted == {"Saldo a favor": Decimal("50.00")}
    assert printed.difference_text(report.difference) == "L 0.00 (cuadra)"
    assert printed.not_counted_pairs(report)[0][0] == "Saldo a favor"


def test_a_count_given_for_saldo_a_favor_is_ignored(database):
    """The CLI and any other caller go through the same rule: nothing to count."""
    drawer = _day_with_a_balance_payment()
    session_id = cash.close({"1": int(drawer)}, {"balance": "0.00"})
    assert cash.report(session_id).difference == Decimal("0.00")
