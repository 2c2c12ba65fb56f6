"""The referrers tab, the referrer dialog and the referrer types dialog."""

from __future__ import annotations

from functools import partial

import pytest
from PySide6.QtCore import QModelIndex, Qt

from patolab_desktop.db.database import db
from patolab_desktop.db.models import Referrer
from patolab_desktop.services.catalog import referrer_types, referrers
from patolab_desktop.ui.referrers.referrer_dialog import ReferrerDialog
from patolab_desktop.ui.referrers.referrers_window import ReferrersWindow
from patolab_desktop.ui.referrers.types_dialog import ReferrerTypesDialog
from tests.two_desks import save_elsewhere
from tests.ui.list_helpers import (
    Prompts,
    column,
    found,
    list_model_tests,
    owned,
    refuses_stale_save,
)
from tests.unit.catalog_helpers import make_referrer, make_request, type_id


def names(window) -> list[str]:
    return column(window, "name")


@pytest.fixture
def window(qtbot, database):
    make_referrer("Dr. José Pérez", institution="Ginecología", phone="9988-7766")
    make_referrer("Dra. Carmen Muñoz", institution="Pediatría")
    make_referrer("Hospital Escuela", type_name="Hospital", institution="Hospital Escuela")
    return owned(qtbot, ReferrersWindow(), (1100, 500))


test_model_passes_qtmodeltester, test_data_runs_no_sql = list_model_tests(
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.DecorationRole
)


def test_opens_with_focus_in_search_and_rows_by_name(qtbot, window):
    window.show()
    window.focus_default()
    qtbot.waitUntil(lambda: window.search_box.hasFocus())
    assert names(window) == ["Dr. José Pérez", "Dra. Carmen Muñoz", "Hospital Escuela"]
    assert window.count_label.text() == "3 remitentes"


def test_search_is_accent_insensitive(window):
    assert found(window, "munoz", "name") == ["Dra. Carmen Muñoz"]
    assert found(window, "PEREZ ginecologia", "name") == ["Dr. José Pérez"]
    assert found(window, "9988", "name") == ["Dr. José Pérez"]
    assert found(window, "nadie", "name") == [] and "coincidan" in window.count_label.text()


def test_debounced_search_fires_after_typing(qtbot, window):
    with qtbot.waitSignal(window.search_box.search_changed, timeout=2000):
        qtbot.keyClicks(window.search_box, "escuela")
    assert names(window) == ["Hospital Escuela"]


def test_filter_by_type(window):
    window.type_combo.setCurrentIndex(window.type_combo.findData(type_id("Hospital")))
    assert names(window) == ["Hospital Escuela"]
    window.type_combo.setCurrentIndex(0)
    assert len(names(window)) == 3


def test_header_click_sorts_in_sql(window):
    header = window.view.horizontalHeader()
    header.setSortIndicator(0, Qt.SortOrder.DescendingOrder)
    assert names(window) == ["Hospital Escuela", "Dra. Carmen Muñoz", "Dr. José Pérez"]
    header.setSortIndicator(1, Qt.SortOrder.AscendingOrder)  # by type: Doctor < Hospital
    assert names(window)[-1] == "Hospital Escuela"


def test_rows_are_fetched_in_pages(qtbot, database):
    for number in range(25):
        make_referrer(f"Dr. Número {number:02d}")
    widget = ReferrersWindow(page_size=10)
    qtbot.addWidget(widget)
    assert widget.model.rowCount() == 10
    assert widget.model.canFetchMore(QModelIndex())
    widget.model.fetchMore(QModelIndex())
    widget.model.fetchMore(QModelIndex())
    assert widget.model.rowCount() == 25 and not widget.model.canFetchMore(QModelIndex())
    assert len(set(names(widget))) == 25


def test_deactivate_hides_row_and_reactivate_brings_it_back(monkeypatch, window):
    asked = Prompts(monkeypatch, answer=True)
    window.select_id(referrers.search("escuela")[0]["id"])
    assert window.deactivate_selected()
    assert asked.kinds() == ["confirm"]
    assert "Hospital Escuela" not in names(window)
    window.inactive_check.setChecked(True)
    assert "Hospital Escuela" in names(window)
    window.select_id(Referrer.get(Referrer.name == "Hospital Escuela").id)
    assert window.reactivate_selected()
    window.inactive_check.setChecked(False)
    assert "Hospital Escuela" in names(window)


def test_deactivate_cancelled_changes_nothing(monkeypatch, window):
    Prompts(monkeypatch, answer=False)
    window.select_row(0)
    assert not window.deactivate_selected()
    assert len(names(window)) == 3


# --- the dialog ---------------------------------------------------------------------------------


@pytest.fixture
def dialog(qtbot, database):
    return owned(qtbot, ReferrerDialog())


def test_dialog_shows_inline_errors_and_saves_nothing(qtbot, dialog):
    dialog.phone_edit.setText("123")
    dialog.email_edit.setText("no-es-correo")
    assert not dialog.save()
    assert "nombre" in dialog.errors.message("name")
    assert "teléfono" in dialog.errors.message("phone").lower()
    assert "correo" in dialog.errors.message("email").lower()
    assert Referrer.select().count() == 0
    assert dialog.result() == 0  # still open


def test_dialog_type_is_required(qtbot, dialog):
    dialog.name_edit.setText("Dr. Sin Tipo")
    dialog.type_combo.setCurrentIndex(0)  # "— Elija el tipo —"
    assert not dialog.save()
    assert "tipo" in dialog.errors.message("type_id")


def test_enter_saves_a_new_referrer(qtbot, dialog):
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.name_edit, "Dra. Wendy Alvarado")
    dialog.phone_edit.setText("3322 1100")
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)
    assert dialog.result() == dialog.DialogCode.Accepted
    saved = referrers.get(dialog.saved_id)
    assert (saved.name, saved.phone, saved.type_name) == (
        "Dra. Wendy Alvarado",
        "+50433221100",
        "Doctor",
    )


def test_escape_cancels(qtbot, dialog):
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.name_edit.setText("Dr. No Guardar")
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Escape)
    assert dialog.result() == dialog.DialogCode.Rejected
    assert Referrer.select().count() == 0


def test_duplicate_warning_asks_before_saving(qtbot, monkeypatch, database):
    make_referrer("Dr. José Pérez", institution="Ginecología")
    asked = Prompts(monkeypatch, answer=False)
    dialog = ReferrerDialog()
    qtbot.addWidget(dialog)
    dialog.name_edit.setText("dr. jose perez")
    dialog.institution_edit.setText("GINECOLOGIA")
    assert not dialog.save()
    assert asked.kinds() == ["confirm"] and "parecido" in asked.calls[0][2]
    assert Referrer.select().count() == 1
    asked.answer = True
    assert dialog.save()
    assert Referrer.select().count() == 2


def test_editing_a_referrer_with_requests_says_how_many(qtbot, database):
    doctor = make_referrer("Dr. Marvin Turcios")
    for number in range(3):
        make_request(doctor, f"LAB-2026-{number:06d}")
    dialog = ReferrerDialog(referrer_id=doctor)
    qtbot.addWidget(dialog)
    assert not dialog.notice.isHidden()
    assert "3 solicitudes" in dialog.notice.text()
    dialog.institution_edit.setText("Medicina Interna")
    assert dialog.save()
    assert referrers.get(doctor).institution == "Medicina Interna"
    quiet = ReferrerDialog(referrer_id=make_referrer("Dr. Nuevo"))
    qtbot.addWidget(quiet)
    assert quiet.notice.isHidden()


def test_edit_conflict_is_reported_and_form_reloaded(qtbot, monkeypatch, database):
    doctor = make_referrer("Dr. Conflicto")
    theirs = "Cambiado por otra persona"
    other_desk = partial(
        save_elsewhere, referrers.get, referrers.update, doctor, institution=theirs
    )
    dialog = ReferrerDialog(referrer_id=doctor)
    refuses_stale_save(qtbot, monkeypatch, dialog, other_desk, "institution_edit", "Mi cambio")
    assert dialog.institution_edit.text() == "Cambiado por otra persona"


# --- referrer types -----------------------------------------------------------------------------


@pytest.fixture
def types_dialog(qtbot, database):
    return owned(qtbot, ReferrerTypesDialog())


def test_types_model_passes_qtmodeltester(qtmodeltester, types_dialog):
    qtmodeltester.check(types_dialog.model)


def test_seeded_types_listed(types_dialog):
    listed = [types_dialog.model.row_dict(r)["name"] for r in range(types_dialog.model.rowCount())]
    assert {"Doctor", "Hospital", "Clínica Privada", "Empresa", "Otro"} <= set(listed)


def test_enter_in_name_box_adds_a_type(qtbot, types_dialog):
    types_dialog.show()
    qtbot.waitExposed(types_dialog)
    qtbot.keyClicks(types_dialog.name_edit, "Aseguradora")
    qtbot.keyClick(types_dialog.name_edit, Qt.Key.Key_Return)
    assert referrer_types.find_by_name("aseguradora") is not None
    assert types_dialog.isVisible()  # Enter added the type; it did not close the dialog
    assert types_dialog.selected_row()["name"] == "Aseguradora"
    types_dialog.name_edit.setText("DOCTOR")
    types_dialog.add_type()
    assert not types_dialog.error_label.isHidden()
    assert "Ya existe" in types_dialog.error_label.text()


def test_type_in_use_cannot_be_deleted_message(monkeypatch, database, qtbot):
    make_referrer("Dr. A", type_name="Hospital")
    asked = Prompts(monkeypatch)
    dialog = ReferrerTypesDialog()
    qtbot.addWidget(dialog)
    dialog.select_id(type_id("Hospital"))
    assert not dialog.delete_selected()
    assert asked.calls[0][0] == "error"
    assert "No se puede eliminar el tipo «Hospital»" in asked.calls[0][2]
    assert referrer_types.find_by_name("Hospital") is not None


def test_unused_type_deleted_after_confirmation(monkeypatch, types_dialog):
    asked = Prompts(monkeypatch, answer=True)
    types_dialog.select_id(type_id("Otro"))
    assert types_dialog.delete_selected()
    assert asked.kinds() == ["confirm"]
    assert referrer_types.find_by_name("Otro") is None


def test_rename_through_prompt(monkeypatch, types_dialog):
    Prompts(monkeypatch, text="Médico")
    types_dialog.select_id(type_id("Doctor"))
    assert types_dialog.rename_selected()
    assert referrer_types.find_by_name("Médico") is not None


def test_no_stray_transaction_left_open(window):
    assert db.transaction_depth() == 0
