"""A drawer that owes centavos balances to the cent: the receptionist charges L 100.03 in
cash, and at the close counts the 2- and 1-centavo coins (Honduras mints 1, 2, 5, 10, 20
and 50 centavos). Before, «Denominación desconocida: 0.01» and no count could balance.
The count dialog shows every note and coin inside a 1024 × 768 screen."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import QRect

from patolab_desktop.db.models_billing import CashSession
from patolab_desktop.services.access import permissions, session
from patolab_desktop.services.billing import cash, invoices
from patolab_desktop.services.billing.payments import PaymentInput
from patolab_desktop.services.billing.types import DENOMINATIONS
from tests.security_helpers import login_as
from tests.ui.billing_ui_helpers import billing_setup
from tests.ui.requests_helpers import make_patient, make_request
from tests.unit.requests_fixtures import make_investigation

pytestmark = pytest.mark.usefixtures("fast_hashing")
HONDURAN = {"500", "200", "100", "50", "20", "10", "5", "2", "1"} | {
    "0.50",
    "0.20",
    "0.10",
    "0.05",
    "0.02",
    "0.01",
}


def test_the_receptionist_counts_centavo_coins_and_the_drawer_balances(qtbot, database, tmp_path):
    from patolab_desktop.ui.billing.cash_dialogs import CashCloseDialog

    setup = billing_setup(with_request=False)
    with session.acting_as(session.system_actor("tests")):
        odd = make_investigation("CTV", "Prueba de centavos", "100.03")
        patient = make_patient("Rosa", "Mejía Paz", age=40)
        request_id, _ = make_request(patient, setup["doctor"], [odd])
    login_as(permissions.ROLE_RECEPTION)
    cash.open_session("500")
    invoices.issue(invoices.InvoiceInput((request_id,), payments=(PaymentInput("cash", "100.03"),)))
    assert {f"{face:.2f}".removesuffix(".00") for face in DENOMINATIONS} == HONDURAN

    dialog = CashCloseDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.width() <= 1024 and dialog.height() <= 768
    dialog.grab().save(str(tmp_path / "cuadre.png"))  # looked at by eye when changed
    inside = QRect(0, 0, dialog.width(), dialog.height())
    for face, spin in dialog.counts.items():  # every note and coin, visible and whole
        assert spin.isVisibleTo(dialog), face
        corner = spin.mapTo(dialog, spin.rect().bottomRight())
        assert inside.contains(spin.mapTo(dialog, spin.rect().topLeft())), face
        assert inside.contains(corner), face
    for face, count in ((500, 1), (100, 1), ("0.02", 1), ("0.01", 1)):
        dialog.set_count(face, count)
    assert dialog.counted_cash() == Decimal("600.03")
    assert dialog.difference_label.text() == "L 0.00"
    dialog.close_button.click()
    assert dialog.closed, dialog.error.text()
    closed = CashSession.get_by_id(dialog.session_id)
    assert closed.status == "closed" and closed.difference == 0 and closed.note == ""
