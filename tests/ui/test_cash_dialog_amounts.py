"""«Abrir caja» and «Cerrar caja» given an amount too large to store (a float typed with a
zero too many, a card number pasted in a counted method): the dialog's error line says
so and nothing is saved, for each role that opens the cash."""

from __future__ import annotations

import pytest

from patolab_desktop.db.models_billing import CashSession
from patolab_desktop.services.access import permissions
from patolab_desktop.services.billing import cash
from tests.security_helpers import login_as
from tests.ui.billing_ui_helpers import billing_setup

pytestmark = pytest.mark.usefixtures("fast_hashing")
ROLES = [permissions.ROLE_RECEPTION, permissions.ROLE_SUPERVISOR]


@pytest.mark.parametrize("role", ROLES)
def test_open_refuses_a_float_beyond_storage(qtbot, database, role):
    from patolab_desktop.ui.billing.cash_dialogs import CashOpenDialog

    billing_setup(with_request=False)
    login_as(role)
    dialog = CashOpenDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.float_edit.clear()
    qtbot.keyClicks(dialog.float_edit, "5000000000")
    with qtbot.captureExceptions() as exceptions:
        dialog.open_button.click()
    assert not exceptions
    assert "monto válido" in dialog.error.text()
    assert CashSession.select().count() == 0


@pytest.mark.parametrize("role", ROLES)
def test_close_refuses_a_count_beyond_storage(qtbot, database, role):
    from patolab_desktop.ui.billing.cash_dialogs import CashCloseDialog

    billing_setup(with_request=False)
    login_as(role)
    cash.open_session("100")
    dialog = CashCloseDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_count(100, 1)
    dialog.other_edits["card"].clear()
    qtbot.keyClicks(dialog.other_edits["card"], "4111111111111111")
    dialog.note_edit.setPlainText("prueba")
    with qtbot.captureExceptions() as exceptions:
        dialog.close_button.click()
    assert not exceptions
    assert "monto válido" in dialog.error.text()
    assert CashSession.get().status == "open"
