"""An administrator who invoices before the lab is set up is told where to go: the menu
paths the refusals write («menú Archivo → Configuración del laboratorio», «menú
Facturación → Autorizaciones fiscales (CAI)») are menus of the real main window (they
named an «Administración» menu that does not exist)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from patolab_desktop.services import settings
from patolab_desktop.services.access import permissions, session
from patolab_desktop.services.billing import cash, invoices
from patolab_desktop.services.billing.payments import PaymentInput
from patolab_desktop.services.errors import RuleError
from tests.security_helpers import login_as  # noqa: F401
from tests.ui.role_helpers import main_window_as
from tests.unit.billing_helpers import set_lab_data
from tests.unit.requests_fixtures import make_lab

pytestmark = pytest.mark.usefixtures("fast_hashing", "no_crash_dialog")


def _menu_texts(window) -> dict[str, list[str]]:
    """Menu title → its visible actions, without accelerators and ellipses."""
    found = {}
    for top in window.menuBar().actions():
        menu = top.menu()
        if menu is None or not top.isVisible():
            continue
        items = [a.text().replace("&", "").rstrip("…") for a in menu.actions() if a.isVisible()]
        found[top.text().replace("&", "")] = items
    return found


def _refusal(lab) -> str:
    request_id, _ = lab.create()
    total = invoices.preview(invoices.InvoiceInput((request_id,)))["amounts"].total
    with pytest.raises(RuleError) as refused:
        invoices.issue(
            invoices.InvoiceInput((request_id,), payments=(PaymentInput("cash", total),))
        )
    return str(refused.value)


def test_invoicing_refusals_name_menus_that_exist(qtbot, database):
    with session.acting_as(session.system_actor("tests")):
        lab = make_lab()
        settings.put("default_branch_id", lab.branch)
    window = main_window_as(qtbot, permissions.ROLE_ADMIN)
    menus = _menu_texts(window)
    cash.open_session(Decimal("100.00"))
    without_settings = _refusal(lab)
    with session.acting_as(session.system_actor("tests")):
        set_lab_data()
    without_cai = _refusal(lab)
    for text, (menu, item) in (
        (without_settings, ("Archivo", "Configuración del laboratorio")),
        (without_cai, ("Facturación", "Autorizaciones fiscales (CAI)")),
    ):
        assert f"menú {menu} → {item}" in text and "Administración" not in text, text
        assert item in menus.get(menu, []), (menu, item, menus)
