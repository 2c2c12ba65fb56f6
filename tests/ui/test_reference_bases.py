"""The shared bases of the reference-data screens (issue 19 point 3): the list editor
(actions enabled by the role's permissions, selection-keeping reload, Enter edits and
never closes a list dialog) and the record dialog (inline errors, optimistic lock,
dirty check), driven as the roles that use them."""

from __future__ import annotations

from functools import partial

import pytest
from PySide6.QtCore import Qt

from patolab_desktop.services import catalog
from patolab_desktop.services.access import permissions, session
from patolab_desktop.services.catalog import branches, referrers
from patolab_desktop.services.errors import RuleError
from patolab_desktop.ui.admin.users_window import UsersWindow
from patolab_desktop.ui.catalog.branches_dialog import BranchDialog, BranchesDialog
from patolab_desktop.ui.catalog.catalog_window import CatalogWindow
from patolab_desktop.ui.catalog.investigation_dialog import InvestigationDialog
from patolab_desktop.ui.referrers.referrer_dialog import ReferrerDialog
from patolab_desktop.ui.referrers.referrers_window import ReferrersWindow
from patolab_desktop.ui.referrers.types_dialog import ReferrerTypesDialog
from tests.security_helpers import login_as
from tests.two_desks import save_elsewhere
from tests.ui.list_helpers import Prompts, refuses_stale_save
from tests.unit.catalog_helpers import make_referrer


@pytest.fixture
def glucose(database) -> int:
    with session.acting_as(session.system_actor("test")):
        return catalog.create(catalog.InvestigationData(code="GLU", name="Glucosa", price="100"))


def _tab_as(qtbot, role: str, tab_class, record_id: int):
    """The list tab opened by a user of ``role``, with ``record_id`` selected."""
    login_as(role)
    tab = tab_class()
    qtbot.addWidget(tab)
    tab.select_id(record_id)
    return tab


# --- actions by permission ---------------------------------------------------------------------


@pytest.mark.usefixtures("no_session", "fast_hashing")
def test_catalog_tab_as_reception_can_only_look(qtbot, glucose):
    tab = _tab_as(qtbot, permissions.ROLE_RECEPTION, CatalogWindow, glucose)  # catalog.view only
    assert tab.selected_id() == glucose
    assert not tab.new_action.isEnabled()
    assert not tab.edit_action.isEnabled()
    assert not tab.deactivate_action.isEnabled()
    assert not tab.import_action.isEnabled() and not tab.branches_action.isEnabled()
    assert tab.history_action.isEnabled()  # looking at the price history is allowed
    assert tab.new_item() is None and tab.edit_selected() is False
    assert tab.deactivate_selected() is False
    assert catalog.get(glucose).active


@pytest.mark.usefixtures("no_session", "fast_hashing")
def test_catalog_tab_as_administrator_can_do_everything(qtbot, glucose):
    tab = _tab_as(qtbot, permissions.ROLE_ADMIN, CatalogWindow, glucose)
    for action in (tab.new_action, tab.edit_action, tab.deactivate_action, tab.import_action):
        assert action.isEnabled(), action.text()


@pytest.mark.usefixtures("no_session", "fast_hashing")
@pytest.mark.parametrize(
    ("role", "can_deactivate"),
    [(permissions.ROLE_RECEPTION, False), (permissions.ROLE_SUPERVISOR, True)],
)
def test_referrers_tab_deactivate_needs_its_permission(qtbot, database, role, can_deactivate):
    with session.acting_as(session.system_actor("test")):
        doctor = make_referrer("Dra. Ana Reyes")
    tab = _tab_as(qtbot, role, ReferrersWindow, doctor)
    assert tab.new_action.isEnabled() and tab.edit_action.isEnabled()
    assert tab.types_action.isEnabled()  # referrers.edit
    assert tab.deactivate_action.isEnabled() is can_deactivate


@pytest.mark.usefixtures("no_session", "fast_hashing")
def test_actions_follow_the_acting_user(qtbot, glucose):
    """The same tab, another user (switch user): the actions follow on focus."""
    tab = _tab_as(qtbot, permissions.ROLE_ADMIN, CatalogWindow, glucose)
    assert tab.edit_action.isEnabled()
    login_as(permissions.ROLE_RECEPTION)
    tab.focus_default()
    assert not tab.edit_action.isEnabled()


@pytest.mark.usefixtures("no_session", "fast_hashing")
def test_users_window_buttons_for_the_administrator(qtbot, database):
    login_as(permissions.ROLE_ADMIN)
    window = UsersWindow()
    qtbot.addWidget(window)
    assert window.current_row()["username"] == "admin"  # the first user is selected on open
    assert window.new_button.isEnabled() and window.edit_button.isEnabled()
    assert window.active_button.text() == "&Desactivar"


# --- list dialogs: selection-keeping reload, Enter ------------------------------------------------


def test_branches_reload_keeps_the_selected_branch(qtbot, database):
    tgu = branches.create(branches.BranchData(name="Tegucigalpa", code="TGU"))
    dialog = BranchesDialog()
    qtbot.addWidget(dialog)
    dialog.select_id(tgu)
    branches.create(branches.BranchData(name="Choloma", code="CHO"))  # someone else adds one
    dialog.reload()
    assert dialog.model.rowCount() == 3
    assert dialog.selected_id() == tgu


def test_enter_on_a_list_dialog_edits_and_does_not_close_it(qtbot, monkeypatch, database):
    Prompts(monkeypatch)
    renamed = []
    dialog = ReferrerTypesDialog()
    qtbot.addWidget(dialog)
    monkeypatch.setattr(dialog, "rename_selected", lambda: renamed.append(True) or False)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.select_row(0)
    qtbot.keyClick(dialog.view, Qt.Key.Key_Return)
    assert renamed == [True]
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert dialog.isVisible()


def test_toggle_deactivates_with_a_question_then_reactivates(qtbot, monkeypatch, database):
    asked = Prompts(monkeypatch, answer=False)
    tgu = branches.create(branches.BranchData(name="Tegucigalpa", code="TGU"))
    dialog = BranchesDialog()
    qtbot.addWidget(dialog)
    dialog.select_id(tgu)
    assert not dialog.toggle_selected()  # answered No
    assert branches.get(tgu).active and asked.kinds() == ["confirm"]
    asked.answer = True
    assert dialog.toggle_selected()
    assert not branches.get(tgu).active
    assert dialog.selected_id() == tgu  # still listed (inactive), still selected
    assert dialog.toggle_button.text() == "Re&activar"
    assert dialog.toggle_selected()  # reactivating asks nothing
    assert branches.get(tgu).active and len(asked.calls) == 2


# --- record dialog: inline errors, optimistic lock, dirty check -------------------------------


def test_record_dialog_errors_inline_and_refusals_under_the_form(qtbot, monkeypatch, database):
    branches.create(branches.BranchData(name="Otra", code="CHO"))
    dialog = BranchDialog()
    qtbot.addWidget(dialog)
    dialog.name_edit.setText("Choloma")
    dialog.code_edit.setText("CHO")
    assert not dialog.save()  # the service's validate: next to the code
    assert "CHO" in dialog.errors.message("code")
    assert dialog.errors.general.isHidden()

    def refuse(_data):
        raise RuleError("La sucursal no se puede crear ahora.")

    monkeypatch.setattr(branches, "create", refuse)
    dialog.code_edit.setText("CHL")
    assert not dialog.save()  # a rule refused it: under the form, the fields clean
    assert dialog.errors.general.text() == "La sucursal no se puede crear ahora."
    assert not dialog.errors.general.isHidden() and not dialog.errors.message("code")
    assert dialog.saved_id is None


def test_investigation_edit_conflict_reloads_the_saved_data(qtbot, monkeypatch, glucose):
    # someone else saved first: the version moved on
    other_desk = partial(
        save_elsewhere, catalog.get, catalog.update, glucose, name="Glucosa en ayunas"
    )
    dialog = InvestigationDialog(glucose)
    refuses_stale_save(qtbot, monkeypatch, dialog, other_desk, "name_edit", "Glucosa (mía)")
    assert dialog.name_edit.text() == "Glucosa en ayunas"
    assert not dialog.is_dirty()  # the form now shows the saved record
    dialog.name_edit.setText("Glucosa basal")
    assert dialog.save()  # with the fresh version it saves
    assert catalog.get(glucose).name == "Glucosa basal"


def test_dirty_check_asks_before_discarding_when_the_dialog_wants_it(qtbot, monkeypatch, database):
    asked = Prompts(monkeypatch, answer=False)
    doctor = make_referrer("Dr. Marvin Turcios")
    monkeypatch.setattr(ReferrerDialog, "ask_before_discarding", True)
    dialog = ReferrerDialog(referrer_id=doctor)
    qtbot.addWidget(dialog)
    assert not dialog.is_dirty()
    dialog.reject()  # nothing changed: closes without asking
    assert dialog.result() == dialog.DialogCode.Rejected and asked.calls == []
    dialog = ReferrerDialog(referrer_id=doctor)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.institution_edit.setText("Medicina Interna")
    assert dialog.is_dirty()
    dialog.reject()  # answered No: stays open
    assert dialog.isVisible() and asked.kinds() == ["confirm"]
    asked.answer = True
    dialog.reject()
    assert not dialog.isVisible()
    assert referrers.get(doctor).institution == ""


def test_reference_dialogs_do_not_ask_by_default(qtbot, monkeypatch, database):
    """Branches, referrers, investigations and users keep closing on Esc without a
    question (as before the base): only a dialog that sets ``ask_before_discarding``."""
    asked = Prompts(monkeypatch)
    dialog = BranchDialog()
    qtbot.addWidget(dialog)
    dialog.name_edit.setText("Sin guardar")
    assert dialog.is_dirty()
    dialog.reject()
    assert dialog.result() == dialog.DialogCode.Rejected and asked.calls == []


# --- what a customers tab needs from ListTab (capped count, Esc empties the search) ----------


class CappedReferrers(ReferrersWindow):
    count_cap = 1
    escape_clears_search = True


def test_list_tab_capped_count_and_escape_clears_the_search(qtbot, database):
    for name in ("Dr. Uno", "Dra. Dos", "Dr. Tres", "Dra. Cuatro"):
        make_referrer(name)
    tab = CappedReferrers(page_size=2)
    qtbot.addWidget(tab)
    assert tab.model.rowCount() == 2
    assert tab.count_label.text() == "Mostrando 2 de más de 1 remitentes"
    tab.show()
    qtbot.waitExposed(tab)
    tab.search_box.setText("tres")
    tab.search_box.flush()
    assert tab.model.rowCount() == 1
    qtbot.keyClick(tab.search_box, Qt.Key.Key_Escape)
    assert tab.search_box.text() == "" and tab.model.rowCount() == 2
