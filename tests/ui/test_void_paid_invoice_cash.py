"""A receptionist charges a factura and closes her cash; later a Supervisor voids it. The
money goes back from the Supervisor's drawer, so the void dialog says, before she types
the reason, that she must open her cash first (not a message about charging); once her
cash is open the void goes through and her close expects the money that left."""

from __future__ import annotations

from decimal import Decimal

import pytest

from patolab_desktop.db.models_billing import FiscalDocument
from patolab_desktop.services.access import permissions, session
from patolab_desktop.services.billing import cash, invoices, records
from patolab_desktop.services.billing.payments import PaymentInput
from patolab_desktop.services.errors import RuleError
from tests.security_helpers import login_as
from tests.ui.billing_ui_helpers import billing_setup, void_dialog_as_shown
from tests.ui.role_helpers import main_window_as

pytestmark = pytest.mark.usefixtures("fast_hashing", "no_crash_dialog")


def _charged_by_reception_then_closed() -> int:
    setup = billing_setup(with_request=True)
    with session.acting_as(login_as(permissions.ROLE_RECEPTION)):
        cash.open_session("100")
        document = invoices.issue(
            invoices.InvoiceInput((setup["request"],), payments=(PaymentInput("cash", "330"),))
        )
        cash.close({"100": 4, "20": 1, "10": 1}, {})
    return document


def test_void_dialog_asks_the_supervisor_to_open_her_cash_first(qtbot, database, dialog_trap):
    document = _charged_by_reception_then_closed()
    window = main_window_as(qtbot, permissions.ROLE_SUPERVISOR)
    docs, seen = void_dialog_as_shown(qtbot, window, document, dialog_trap)
    assert "se devuelve desde su caja" in seen["error"]
    assert "Abra su caja (Caja → Abrir caja…)" in seen["error"]
    assert "cobrar" not in seen["error"]
    assert not seen["can_type"] and not seen["can_void"]
    with pytest.raises(RuleError, match="al anularla, lo cobrado \\(L 330.00\\)"):
        records.void(document, "Nombre del comprador equivocado")
    assert FiscalDocument.get_by_id(document).status == "issued"

    own = cash.open_session("500")

    def void_it(dialog):
        assert dialog.error.text() == "" and dialog.ok_button.isEnabled()
        dialog.reason_edit.setPlainText("Nombre del comprador equivocado")
        dialog.ok_button.click()

    dialog_trap.handlers["VoidDialog"] = void_it
    assert docs.void_current()
    assert FiscalDocument.get_by_id(document).status == "void"
    assert cash.expected(own)["cash"] == Decimal("170.00")  # 500 float − 330 given back
