"""Recepción in the request entry with a doctor who is not registered yet: F3 «Nuevo
médico…» opens the referrer dialog with the typed name, and the saved doctor is picked
while the patient and the investigations already typed stay (the patient has F2). A role
that may not register referrers sees the button off with the reason."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from patolab_desktop.db.models import LabRequest
from patolab_desktop.services.access import permissions, session
from patolab_desktop.services.catalog import referrers
from tests.security_helpers import login_as

from .desk_helpers import active_entry, type_and_enter
from .requests_helpers import acting, desk  # noqa: F401  (fixtures)
from .role_helpers import as_custom_role

pytestmark = pytest.mark.usefixtures("fast_hashing")


def test_reception_registers_the_doctor_with_f3_and_keeps_the_request(
    qtbot,
    desk,  # noqa: F811
    dialog_trap,
    prompt_log,
):
    login_as(permissions.ROLE_RECEPTION)
    entry = active_entry(qtbot, 1024, 700)
    type_and_enter(qtbot, entry.patient_edit, "munoz banegas")
    type_and_enter(qtbot, entry.investigation_edit, "HEM")
    entry.doctor_edit.setFocus()
    qtbot.keyClicks(entry.doctor_edit, "Dra. Karla Bonilla")
    entry.doctor_edit.refresh_now()
    assert entry.doctor_edit.matches() == []  # «Sin resultados»
    assert entry.new_doctor_button.isEnabled()
    assert entry.new_doctor_button.text() == "Nuevo médico… (F3)"

    seen = {}

    def fill_and_save(dialog):
        seen["name"] = dialog.name_edit.text()
        seen["type"] = dialog.type_combo.currentText()
        dialog.phone_edit.setFocus()
        qtbot.keyClicks(dialog.phone_edit, "9876-5432")
        qtbot.keyClick(dialog.phone_edit, Qt.Key.Key_Return)  # Enter saves

    dialog_trap.handlers["ReferrerDialog"] = fill_and_save
    qtbot.keyClick(entry.doctor_edit, Qt.Key.Key_F3)

    assert dialog_trap.opened == ["ReferrerDialog"]
    assert seen == {"name": "Dra. Karla Bonilla", "type": "Doctor"}
    new_doctor = referrers.search("Karla Bonilla")[0]
    assert entry.doctor()["id"] == new_doctor["id"]
    assert entry.doctor_edit.text() == "Dra. Karla Bonilla"
    assert "9876-5432" in entry.doctor_info.text()
    assert entry.priority_combo.hasFocus()  # on to the rest of the request
    assert entry.patient()["id"] == desk["elder"]
    assert [row["code"] for row in entry.lines_model.rows()] == ["HEM"]

    qtbot.keyClick(entry.priority_combo, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    saved = LabRequest.get()
    assert saved.doctor_id == new_doctor["id"] and saved.patient_id == desk["elder"]


def test_esc_in_the_doctor_dialog_leaves_the_entry_as_it_was(
    qtbot,
    desk,  # noqa: F811
    dialog_trap,
):
    login_as(permissions.ROLE_RECEPTION)
    entry = active_entry(qtbot, 1024, 700)
    entry.doctor_edit.setFocus()
    qtbot.keyClicks(entry.doctor_edit, "Dr. Nadie")
    qtbot.keyClick(entry.doctor_edit, Qt.Key.Key_F3)  # the trap closes it as Esc would
    assert dialog_trap.opened == ["ReferrerDialog"]
    assert entry.doctor() is None and entry.doctor_edit.text() == "Dr. Nadie"
    assert entry.doctor_edit.hasFocus()


def test_a_role_that_cannot_register_referrers_sees_why(
    qtbot,
    desk,  # noqa: F811
    dialog_trap,
):
    as_custom_role(
        "Toma de muestras",
        {"lis.requests.create", "patients.view", "referrers.view", "catalog.view"},
        "muestras",
    )
    entry = active_entry(qtbot, 1024, 700)
    assert not entry.new_doctor_button.isEnabled()
    refusal = session.refusal("referrers.create")
    assert entry.new_doctor_button.toolTip() == refusal and "registrar remitentes" in refusal
    entry.doctor_edit.setFocus()
    qtbot.keyClick(entry.doctor_edit, Qt.Key.Key_F3)
    assert dialog_trap.opened == []
    assert entry.doctor_error.text() == refusal
