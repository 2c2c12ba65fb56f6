"""Issue 16 A: every window and dialog opened, and its main action tried, as each of the
seeded roles Recepción, Supervisor and Administrador. A refused action is a hidden or
disabled control or a clear message; the crash dialog (or an exception escaping a slot,
which pytest-qt turns into a failure) fails the test."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from patolab_desktop.services.access import session
from tests.security_helpers import no_session  # noqa: F401 (fixture)

from .requests_helpers import make_catalog, make_doctor, make_patient, make_request
from .role_helpers import ROLES, main_window_as

pytestmark = pytest.mark.usefixtures("no_session", "fast_hashing", "no_crash_dialog")

SKIP_TEXTS = ("Salir", "Bloquear", "Cambiar de usuario")  # these end or lock the session


def _seed() -> dict:
    """A patient, a doctor, the catalog with a panel and one pending request."""
    with session.acting_as(session.system_actor("tests")):
        make_patient("María", "Pérez", age=40)
        ids = make_catalog()
        patient = make_patient("Lucía", "Pérez Zelaya", age=35)
        doctor = make_doctor()
        request_id, _number = make_request(patient, doctor, [ids["HEM"], ids["LIP"]])
    return {"catalog": ids, "patient": patient, "doctor": doctor, "request": request_id}


def _try_dialog(dialog: QDialog) -> None:
    """Press the dialog's main (accept) button; an empty form answers with its errors."""
    box = dialog.findChild(QDialogButtonBox)
    if box is None:
        return
    for button in box.buttons():
        role = box.buttonRole(button)
        if role in (QDialogButtonBox.ButtonRole.AcceptRole, QDialogButtonBox.ButtonRole.YesRole):
            if button.isEnabled():
                button.click()
            return


def _visible_menu_actions(window) -> list[QAction]:
    out = []
    for key in ("file", "customers", "requests", "referrers", "catalog", "export", "help"):
        menu = window.menu(key)
        if not menu.menuAction().isVisible():
            continue
        for action in menu.actions():
            if action.isSeparator() or not action.isVisible() or action.menu() is not None:
                continue
            if any(word in action.text().replace("&", "") for word in SKIP_TEXTS):
                continue
            out.append(action)
    return out


@pytest.mark.parametrize("role", ROLES)
def test_every_menu_entry_opens_and_its_main_action_is_tried(
    qtbot, database, role, prompt_log, dialog_trap, tmp_path
):
    _seed()
    window = main_window_as(qtbot, role)
    prompt_log.answer = False  # questions are answered "No": nothing irreversible
    prompt_log.save_path = str(tmp_path / "salida.csv")
    dialog_trap.on_open = _try_dialog
    triggered = []
    for action in _visible_menu_actions(window):
        if action.isEnabled():
            action.trigger()
            triggered.append(action.text())
    assert triggered
    assert dialog_trap.opened  # dialogs were really opened
    # a refusal is a message, never an unexpected-error text
    for _kind, title, text in prompt_log.calls:
        assert "PermissionDenied" not in text and "Traceback" not in text, (title, text)


@pytest.mark.parametrize("role", ROLES)
def test_every_tab_button_is_allowed_or_disabled(
    qtbot, database, role, prompt_log, dialog_trap, tmp_path
):
    """Every enabled button of every visible tab works for the role (or says why not)."""
    _seed()
    window = main_window_as(qtbot, role)
    prompt_log.answer = False
    dialog_trap.on_open = _try_dialog
    window.show()
    for index in range(window.tabs.count()):
        if not window.tabs.isTabVisible(index):
            continue
        tab = window.tabs.widget(index)
        window.tabs.setCurrentIndex(index)
        select = getattr(tab, "select_row", None)
        if select is not None and tab.model.rowCount():
            select(0)
        for action in tab.findChildren(QAction) + tab.actions():
            if action.isEnabled() and action.isVisible() and action.text():
                action.trigger()
    for _kind, title, text in prompt_log.calls:
        assert "PermissionDenied" not in text and "Traceback" not in text, (title, text)


EXPECTED_DETAIL = {  # button -> enabled, for a pending request
    "Recepción": {"advance": False, "cancel": True, "add": True, "remove": True, "print": True},
    "Supervisor": {"advance": True, "cancel": True, "add": True, "remove": True, "print": True},
    "Administrador": {"advance": True, "cancel": True, "add": True, "remove": True, "print": True},
}


@pytest.mark.parametrize("role", ROLES)
def test_request_detail_and_its_dialogs_as_each_role(
    qtbot, database, role, prompt_log, dialog_trap, monkeypatch
):
    """The request's own window (reached from the list, not the menus): its buttons follow
    the role, and each one that is enabled opens its dialog and tries its main action."""
    from patolab_desktop.ui.printing import actions

    data = _seed()
    window = main_window_as(qtbot, role)
    prompt_log.answer = False
    monkeypatch.setattr(actions, "exec_dialog", lambda dialog: 0)  # previews: built, closed
    seen = {}

    def detail(dialog):
        buttons = {
            "advance": dialog.advance_button,
            "cancel": dialog.cancel_button,
            "add": dialog.add_button,
            "remove": dialog.remove_button,
            "print": dialog.print_button,
        }
        seen.update({key: button.isEnabled() for key, button in buttons.items()})
        for button in [*buttons.values(), dialog.labels_button]:
            if button.isEnabled():
                button.click()

    dialog_trap.handlers["RequestDetailDialog"] = detail
    dialog_trap.on_open = _try_dialog
    area = window.show_tab("requests")
    area.show_list()
    assert area.list.select_id(data["request"])
    area.list.open_current()
    assert seen == EXPECTED_DETAIL[role]
    opened = set(dialog_trap.opened)
    assert {"RequestDetailDialog", "CancelRequestDialog", "AddInvestigationDialog"} <= opened
    assert "RemoveInvestigationDialog" in opened
    for _kind, title, text in prompt_log.calls:
        assert "PermissionDenied" not in text and "Traceback" not in text, (title, text)
