"""A request is for a patient: a role that may register requests but not see patients (a
custom «Solicitudes sin pacientes») finds the entry off with the reason, never the crash
dialog; a lookup whose search is refused says so under the field."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from patolab_desktop.services import requests as requests_service
from patolab_desktop.services.errors import PermissionDenied

from .billing_ui_helpers import billing_setup
from .role_helpers import as_custom_role, window_for

pytestmark = pytest.mark.usefixtures("no_session", "fast_hashing")

NO_PATIENTS = {"lis.requests.view", "lis.requests.create", "catalog.view", "referrers.view"}
REFUSAL = "No tiene permiso para ver pacientes y empresas"


def _action(window, menu_key: str, text: str):
    return next(a for a in window.menu(menu_key).actions() if a.text() == text)


def test_the_entry_is_off_with_the_reason_without_patients_view(
    qtbot, database, prompt_log, no_crash_dialog
):
    billing_setup()
    window = window_for(
        qtbot, as_custom_role("Solicitudes sin pacientes", NO_PATIENTS, "solicitudes1")
    )
    window.show()
    new = _action(window, "requests", "&Nueva solicitud…")
    assert new.isVisible() and not new.isEnabled()
    assert REFUSAL in new.toolTip()
    area = window.show_tab("requests")
    assert not area.entry_button.isEnabled() and REFUSAL in area.entry_button.toolTip()
    assert area.stack.currentWidget() is area.list  # the tab opens on what it may do
    assert not area.entry.isEnabled()
    assert REFUSAL in area.entry.patient_info.text()
    # the keys reach nothing, and the service refuses a request made some other way
    area.show_entry()
    qtbot.keyClicks(area.entry.patient_edit, "Carlos Ruiz")
    qtbot.keyClick(area.entry.patient_edit, Qt.Key.Key_Return)
    assert area.entry.patient() is None
    with pytest.raises(PermissionDenied, match=REFUSAL):
        requests_service.create(requests_service.RequestDraft(patient_id=1))
    assert not prompt_log.calls


def test_a_refused_lookup_says_why_under_the_field(qtbot, database, no_crash_dialog):
    from patolab_desktop.ui.requests.entry_texts import patient_lookup

    billing_setup()
    as_custom_role("Solicitudes sin pacientes", NO_PATIENTS, "solicitudes1")
    lookup = patient_lookup("Paciente")
    qtbot.addWidget(lookup)
    lookup.show()
    qtbot.keyClicks(lookup, "Carlos")
    qtbot.keyClick(lookup, Qt.Key.Key_Return)  # searches at once: refused, not raised
    assert lookup.popup_visible()
    assert REFUSAL in lookup.popup().item(0).text()
    assert lookup.matches() == []
