"""The one-screen request entry, driven with the keyboard against the real services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from patolab_desktop.db.models import LabRequest
from patolab_desktop.services import requests as requests_service
from patolab_desktop.ui import prompts
from patolab_desktop.ui.printing import actions
from patolab_desktop.ui.requests.request_entry import RequestEntry
from tests.security_helpers import make_actor

from .desk_helpers import active_entry, type_and_enter
from .requests_helpers import acting, desk  # noqa: F401  (fixtures)


@pytest.fixture
def entry(qtbot, desk):  # noqa: F811
    return active_entry(qtbot, 1200, 760)


def totals(entry) -> tuple[str, str, str]:
    bar = entry.totals
    return bar.total_label.text(), bar.discount_label.text(), bar.net_label.text()


def test_keyboard_entry_saves_request_with_panel_and_age_discount(
    qtbot,
    entry,
    desk,  # noqa: F811
    monkeypatch,
):
    year = dt.date.today().year
    type_and_enter(qtbot, entry.patient_edit, "munoz banegas")
    assert entry.patient()["id"] == desk["elder"]
    assert "80 años" in entry.patient_info.text()
    assert entry.doctor_edit.hasFocus()  # Enter moves on to the doctor
    type_and_enter(qtbot, entry.doctor_edit, "martinez")
    assert entry.doctor()["id"] == desk["doctor"]
    entry.clinical_edit.setPlainText("Control anual")
    for code in ("HEM", "LIP", "GLU", "EGO"):
        type_and_enter(qtbot, entry.investigation_edit, code)
        assert entry.investigation_edit.text() == ""  # ready for the next code
    names = [row["name"] for row in entry.lines_model.rows()]
    assert names == [
        "Hemograma completo",
        "Perfil lipídico",
        "Colesterol total",
        "Triglicéridos",
        "Colesterol HDL",
        "Glucosa en ayunas",
        "Examen general de orina",
    ]
    member_text = entry.lines_model.data(entry.lines_model.index(2, 1))
    assert "(del panel)" in member_text and member_text.startswith(" ")
    # 250 + 350 + 80 + 100 = 780; 80 years: 40 % → 312; net 468
    assert totals(entry) == ("L 780.00", "L 312.00", "L 468.00")
    assert "80 años" in entry.totals.discount_caption.text()
    assert "40" in entry.totals.discount_caption.text()

    with qtbot.waitSignal(entry.saved) as saved:
        qtbot.keyClick(entry.investigation_edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    request_id, number = saved.args
    assert number == f"LAB-{year}-000001"
    assert number in entry.saved_banner.text() and entry.saved_banner.isVisible()
    printed = []
    monkeypatch.setattr(
        actions, "preview_summary", lambda parent, rid: printed.append(("summary", rid))
    )
    monkeypatch.setattr(
        actions, "preview_labels", lambda parent, rid: printed.append(("labels", rid))
    )
    qtbot.keyClick(entry.patient_edit, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    entry.labels_saved_button.click()
    assert printed == [("summary", request_id), ("labels", request_id)]  # the saved request

    detail = requests_service.get(request_id)
    assert detail.patient_id == desk["elder"] and detail.doctor_id == desk["doctor"]
    assert detail.clinical_info == "Control anual"
    assert (detail.total_amount, detail.discount_amount, detail.net_amount) == (
        Decimal("780.000"),
        Decimal("312.000"),
        Decimal("468.000"),
    )
    assert detail.discount_kind == "age"
    prices = {line["code"]: line["price"] for line in detail.lines}
    assert prices == {
        "HEM": Decimal("250.000"),
        "LIP": Decimal("350.000"),
        "COL": Decimal("0.000"),
        "TRI": Decimal("0.000"),
        "HDL": Decimal("0.000"),
        "GLU": Decimal("80.000"),
        "EGO": Decimal("100.000"),
    }
    assert detail.created_by == "recepcion"

    # cleared for the next patient, the number is not reused
    assert entry.patient() is None and entry.lines_model.rowCount() == 0
    assert totals(entry) == ("L 0.00", "L 0.00", "L 0.00")
    assert entry.patient_edit.hasFocus()
    type_and_enter(qtbot, entry.patient_edit, "perez zelaya")
    type_and_enter(qtbot, entry.doctor_edit, "funez")
    type_and_enter(qtbot, entry.investigation_edit, "glucosa")
    with qtbot.waitSignal(entry.saved) as saved:
        qtbot.keyClick(
            entry.investigation_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
        )
    assert saved.args[1] == f"LAB-{year}-000002"
    second = requests_service.get(saved.args[0])
    assert second.discount_amount == Decimal("0.000") and second.net_amount == Decimal("80.000")


def test_senior_gets_thirty_percent_in_the_running_total(qtbot, entry):
    type_and_enter(qtbot, entry.patient_edit, "mejia cruz")
    type_and_enter(qtbot, entry.investigation_edit, "HEM")
    assert totals(entry) == ("L 250.00", "L 75.00", "L 175.00")
    # changing the patient recalculates at once
    entry.patient_edit.clear()
    type_and_enter(qtbot, entry.patient_edit, "perez zelaya")
    assert totals(entry) == ("L 250.00", "L 0.00", "L 250.00")


def test_enter_picks_highlighted_match_and_arrows_move(qtbot, entry):
    entry.investigation_edit.setFocus()
    qtbot.keyClicks(entry.investigation_edit, "col")
    qtbot.keyClick(entry.investigation_edit, Qt.Key.Key_Down)  # opens the list (no waiting)
    assert entry.investigation_edit.popup_visible()
    codes = [row["code"] for row in entry.investigation_edit.matches()]
    assert codes[0] == "COL" and "HDL" in codes
    qtbot.keyClick(entry.investigation_edit, Qt.Key.Key_Down)
    picked = entry.investigation_edit.matches()[1]["code"]
    qtbot.keyClick(entry.investigation_edit, Qt.Key.Key_Return)
    assert [row["code"] for row in entry.lines_model.rows()] == [picked]
    # Esc closes an open list without discarding the form
    qtbot.keyClicks(entry.investigation_edit, "zzzz")
    qtbot.keyClick(entry.investigation_edit, Qt.Key.Key_Down)
    assert entry.investigation_edit.popup_visible()
    qtbot.keyClick(entry.investigation_edit, Qt.Key.Key_Escape)
    assert not entry.investigation_edit.popup_visible()
    assert entry.lines_model.rowCount() == 1


def test_investigation_is_not_added_twice_and_panel_removal_takes_members(qtbot, entry, desk):  # noqa: F811
    type_and_enter(qtbot, entry.investigation_edit, "LIP")
    assert entry.lines_model.rowCount() == 4
    type_and_enter(qtbot, entry.investigation_edit, "COL")  # already there, in the panel
    assert entry.lines_model.rowCount() == 4
    assert "ya está en la solicitud" in entry.lines_error.text()
    type_and_enter(qtbot, entry.investigation_edit, "LIP")
    assert entry.investigation_ids() == [desk["catalog"]["LIP"]]

    # a member cannot be removed alone
    entry.lines_view.setFocus()
    entry.lines_view.selectRow(1)
    qtbot.keyClick(entry.lines_view, Qt.Key.Key_Delete)
    assert entry.lines_model.rowCount() == 4
    assert "quite el panel" in entry.lines_error.text()
    # removing the panel removes its members
    type_and_enter(qtbot, entry.investigation_edit, "HEM")
    entry.lines_view.setFocus()
    entry.lines_view.selectRow(0)
    qtbot.keyClick(entry.lines_view, Qt.Key.Key_Delete)
    assert [row["code"] for row in entry.lines_model.rows()] == ["HEM"]
    assert totals(entry) == ("L 250.00", "L 0.00", "L 250.00")


def test_manual_discount_needs_a_reason(qtbot, entry, monkeypatch):
    errors = []
    monkeypatch.setattr(prompts, "error", lambda *a: errors.append(a))
    type_and_enter(qtbot, entry.patient_edit, "perez zelaya")
    type_and_enter(qtbot, entry.doctor_edit, "martinez")
    type_and_enter(qtbot, entry.investigation_edit, "HEM")
    type_and_enter(qtbot, entry.investigation_edit, "CRE")
    entry.discount_spin.setValue(10)
    # 250 + 95.5 = 345.5; 10 % per line: 25 + 9.55 = 34.55
    assert totals(entry) == ("L 345.50", "L 34.55", "L 310.95")
    assert "manual" in entry.totals.discount_caption.text().lower()
    assert entry.save() is None
    assert entry.discount_error.isVisible() and "motivo" in entry.discount_error.text().lower()
    assert LabRequest.select().count() == 0
    entry.discount_reason.setText("Convenio con la empresa")
    request_id, _number = entry.save()
    detail = requests_service.get(request_id)
    assert detail.discount_kind == "manual" and detail.discount_reason == "Convenio con la empresa"
    assert detail.net_amount == Decimal("310.950")
    assert errors == []


def test_missing_patient_doctor_and_lines_are_shown_inline(qtbot, entry):
    assert entry.save() is None
    assert entry.patient_error.isVisible() and entry.patient_error.text()
    assert entry.doctor_error.isVisible() and entry.doctor_error.text()
    assert entry.lines_error.isVisible() and entry.lines_error.text()
    assert entry.patient_edit.hasFocus()
    assert LabRequest.select().count() == 0
    # picking the patient clears its message
    type_and_enter(qtbot, entry.patient_edit, "perez")
    assert not entry.patient_error.isVisible()


def test_escape_asks_before_discarding_a_started_form(qtbot, entry, monkeypatch):
    asked = []
    monkeypatch.setattr(prompts, "confirm", lambda *a: asked.append(a) or False)
    qtbot.keyClick(entry.patient_edit, Qt.Key.Key_Escape)
    assert asked == []  # nothing typed: nothing to ask
    type_and_enter(qtbot, entry.patient_edit, "perez zelaya")
    type_and_enter(qtbot, entry.investigation_edit, "HEM")
    qtbot.keyClick(entry.investigation_edit, Qt.Key.Key_Escape)
    assert len(asked) == 1
    assert entry.patient() is not None and entry.lines_model.rowCount() == 1  # kept
    monkeypatch.setattr(prompts, "confirm", lambda *a: asked.append(a) or True)
    qtbot.keyClick(entry.investigation_edit, Qt.Key.Key_Escape)
    assert len(asked) == 2
    assert entry.patient() is None and entry.lines_model.rowCount() == 0
    assert LabRequest.select().count() == 0


def test_new_patient_dialog_registers_and_selects_the_patient(qtbot, entry, monkeypatch):
    from patolab_desktop.ui.customers import customer_dialog

    seen = {}

    def fill_and_save(dialog):
        seen["first"], seen["last"] = dialog.first_name_edit.text(), dialog.last_name_edit.text()
        dialog.id_number_edit.setText("0801-1961-04321")
        dialog.gender_combo.setCurrentIndex(dialog.gender_combo.findText("Hombre"))
        dialog.birth_unknown.setChecked(True)
        dialog.age_edit.setText("61")
        dialog.phone_edit.setText("9911-2233")
        dialog.department_combo.setCurrentIndex(1)
        dialog.municipality_combo.setCurrentIndex(1)
        dialog.save_button.click()
        seen["errors"] = {
            k: dialog.error_text(k)
            for k in (
                "name",
                "id_number",
                "gender_id",
                "age",
                "date_of_birth",
                "phone",
                "department_id",
                "municipality_id",
                "__all__",
            )
        }
        return dialog.result()

    monkeypatch.setattr(customer_dialog.CustomerDialog, "exec", fill_and_save)
    entry.patient_edit.setFocus()
    qtbot.keyClicks(entry.patient_edit, "Mario Alvarado")
    qtbot.keyClick(entry.patient_edit, Qt.Key.Key_F2)
    assert (seen["first"], seen["last"]) == ("Mario", "Alvarado")  # what was typed goes along
    patient = entry.patient()
    assert not any(seen["errors"].values()), seen["errors"]
    assert patient is not None and patient["name"] == "Mario Alvarado"
    assert entry.patient_edit.text() == "Mario Alvarado"
    type_and_enter(qtbot, entry.investigation_edit, "HEM")
    assert totals(entry) == ("L 250.00", "L 75.00", "L 175.00")  # 61 years: 30 %


def test_line_notes_are_saved_and_lines_model_is_sound(qtbot, qtmodeltester, entry):
    type_and_enter(qtbot, entry.patient_edit, "perez zelaya")
    type_and_enter(qtbot, entry.doctor_edit, "martinez")
    type_and_enter(qtbot, entry.investigation_edit, "LIP")
    type_and_enter(qtbot, entry.investigation_edit, "GLU")
    qtmodeltester.check(entry.lines_model)
    notes_column = 6
    model = entry.lines_model
    assert not model.flags(model.index(1, notes_column)) & Qt.ItemFlag.ItemIsEditable  # member
    assert model.setData(model.index(4, notes_column), "En ayunas de 8 horas")
    request_id, _ = entry.save()
    notes = {line["code"]: line["notes"] for line in requests_service.get(request_id).lines}
    assert notes["GLU"] == "En ayunas de 8 horas" and notes["LIP"] == ""


def test_manual_discount_field_follows_the_permission(qtbot, desk):  # noqa: F811
    from patolab_desktop.services.access import permissions, session

    reception = make_actor("recepcion", "Recepción", "Recepción", permissions.RECEPTION)
    with session.acting_as(reception):
        widget = RequestEntry()
        qtbot.addWidget(widget)
        assert not widget.discount_spin.isEnabled() and not widget.discount_reason.isEnabled()
    supervisor = make_actor("super", "Supervisor", "Supervisor", permissions.SUPERVISOR)
    with session.acting_as(supervisor):
        widget.focus_default()  # a new user at the desk
        assert widget.discount_spin.isEnabled() and widget.discount_reason.isEnabled()


def test_investigation_deactivated_meanwhile_is_refused(qtbot, entry, desk):  # noqa: F811
    from patolab_desktop.services import catalog

    type_and_enter(qtbot, entry.investigation_edit, "HEM")
    entry.investigation_edit.setText("GLU")
    entry.investigation_edit.refresh_now()  # the list shows it…
    catalog.deactivate(desk["catalog"]["GLU"])  # …and another desk deactivates it
    qtbot.keyClick(entry.investigation_edit, Qt.Key.Key_Return)
    assert [row["code"] for row in entry.lines_model.rows()] == ["HEM"]
    assert entry.lines_error.text()  # the service's reason is on screen
    assert entry.investigation_ids() == [desk["catalog"]["HEM"]]
    assert totals(entry)[0] == "L 250.00"
