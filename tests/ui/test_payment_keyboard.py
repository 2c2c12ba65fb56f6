"""«Cobrar y facturar» with the keyboard, as Recepción: the focus starts on how the
patient pays (one Enter on opening issued a cash factura for the total), Enter walks a
payment's fields and issues from the last one, and Esc asks before a typed payment is
thrown away."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from patolab_desktop.db.models_billing import FiscalDocument, Payment
from patolab_desktop.services.access import permissions
from patolab_desktop.services.billing import cash
from patolab_desktop.ui.billing.payment_dialog import PaymentDialog

from .billing_ui_helpers import billing_setup

pytestmark = pytest.mark.usefixtures("no_crash_dialog")


@pytest.fixture
def charge_at_the_desk(qtbot, database, as_role):
    lab = billing_setup()
    as_role(permissions.ROLE_RECEPTION)
    cash.open_session(Decimal("500"))

    def open_dialog() -> PaymentDialog:
        dialog = PaymentDialog([lab["request"]])
        qtbot.addWidget(dialog, before_close_func=lambda d: QDialog.done(d, 0))
        dialog.show()
        dialog.activateWindow()
        qtbot.waitUntil(dialog.isActiveWindow)
        return dialog

    return open_dialog


def press_enter(qtbot) -> None:
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)


def test_enter_walks_the_cash_payment_and_issues_from_received(qtbot, charge_at_the_desk):
    dialog = charge_at_the_desk()
    row = dialog.rows[0]
    assert QApplication.focusWidget() is row.method_combo
    press_enter(qtbot)  # a stray Enter on opening: no factura
    assert QApplication.focusWidget() is row.amount_edit
    assert FiscalDocument.select().count() == 0
    press_enter(qtbot)
    assert QApplication.focusWidget() is row.received_edit
    qtbot.keyClicks(row.received_edit, "500")
    press_enter(qtbot)
    assert dialog.document_id is not None
    assert "Cambio a entregar: L 170.00" in dialog.done_label.text()


def test_a_card_payment_by_keyboard(qtbot, charge_at_the_desk):
    dialog = charge_at_the_desk()
    row = dialog.rows[0]
    row.set_method("card")
    press_enter(qtbot)
    press_enter(qtbot)
    assert QApplication.focusWidget() is row.last4_edit
    qtbot.keyClicks(row.last4_edit, "4321")
    press_enter(qtbot)
    assert QApplication.focusWidget() is row.auth_edit
    qtbot.keyClicks(row.auth_edit, "A0099")
    press_enter(qtbot)
    assert dialog.document_id is not None
    assert [p.method for p in Payment.select()] == ["card"]


def test_escape_asks_before_a_typed_payment_is_lost(qtbot, charge_at_the_desk, prompt_log):
    dialog = charge_at_the_desk()
    row = dialog.rows[0]
    row.set_method("card")
    row.last4_edit.setFocus()
    qtbot.keyClicks(row.last4_edit, "4321")
    prompt_log.answer = False
    qtbot.keyClick(row.last4_edit, Qt.Key.Key_Escape)
    assert prompt_log.kinds("confirm")
    assert dialog.isVisible()
    prompt_log.answer = True
    qtbot.keyClick(row.last4_edit, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert FiscalDocument.select().count() == 0


def test_escape_on_an_untouched_dialog_closes_at_once(qtbot, charge_at_the_desk, prompt_log):
    dialog = charge_at_the_desk()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert prompt_log.calls == []
