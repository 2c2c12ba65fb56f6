"""Issue 16: a visible confirmation after each save — the main window's status bar says
what was saved (customers, referrers, investigations, requests and their changes)."""

from __future__ import annotations

import pytest

from patolab_desktop.services.access import permissions, session
from tests.security_helpers import no_session  # noqa: F401 (fixture)

from .requests_helpers import make_catalog, make_doctor, make_patient, make_request
from .role_helpers import main_window_as

pytestmark = pytest.mark.usefixtures("no_session", "fast_hashing", "no_crash_dialog")


def _message(window) -> str:
    return window.statusBar().currentMessage()


def test_every_list_confirms_its_saves(qtbot, database, prompt_log, dialog_trap):
    with session.acting_as(session.system_actor("tests")):
        ids = make_catalog()
        patient = make_patient("Rosa", "Banegas", age=40)
        doctor = make_doctor()
        request_id, _number = make_request(patient, doctor, [ids["GLU"]])
    window = main_window_as(qtbot, permissions.ROLE_ADMIN)

    def save(dialog):  # the dialog's own save (each form's main action)
        for name in ("save", "accept_and_save"):
            if hasattr(dialog, name):
                getattr(dialog, name)()
                return

    dialog_trap.on_open = save
    customers_tab = window.show_tab("customers")
    customers_tab.select_row(0)
    window.statusBar().clearMessage()
    assert customers_tab.edit_selected()
    assert "Rosa Banegas" in _message(window)

    for key in ("referrers", "catalog"):
        tab = window.show_tab(key)
        tab.select_row(0)
        window.statusBar().clearMessage()
        assert tab.edit_selected(), key
        assert _message(window).startswith("✔"), key

    area = window.show_tab("requests")
    window.statusBar().clearMessage()

    def add_one(dialog):
        if type(dialog).__name__ == "RequestDetailDialog":
            dialog.add_button.click()
        elif type(dialog).__name__ == "AddInvestigationDialog":
            dialog.pick({"id": ids["HEM"], "code": "HEM", "name": "Hemograma completo"})
            dialog.add()

    dialog_trap.on_open = add_one
    area.open_request(request_id)
    assert _message(window).startswith("✔") and _message(window) != ""
