"""The receptionist's desk while an administrator changes her user on another desk: a
password reset locks her desk and says why (the temporary password opens it and asks for
her own), a refused action says why instead of doing nothing, and a write refused for
such a change brings her menus up to date at once. So does opening a window or starting
an export: she is read again then, not a minute later."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication

from patolab_desktop.services.access import permissions, session, users
from patolab_desktop.services.errors import SessionChanged
from tests.security_helpers import PASSWORD, as_admin_elsewhere, clock, fast_hashing, login_as  # noqa: F401
from tests.ui.requests_helpers import make_patient
from tests.ui.role_helpers import window_for
from tests.ui.test_customers_window import make_customer

pytestmark = pytest.mark.usefixtures("fast_hashing", "clock", "no_crash_dialog")

RECEPTION = permissions.ROLE_RECEPTION
TEMPORARY = "temporal-nueva-2026"
MINE = "mi-nueva-clave-2026"


def usable(action) -> bool:
    return action.isEnabled() and action.isVisible()


def new_customer_action(window):
    return next(a for a in window.menu("customers").actions() if "Nuevo cliente" in a.text())


def test_a_reset_on_another_desk_locks_her_desk_and_the_temporary_password_reopens_it(
    qtbot, database, dialog_trap
):
    actor = login_as(RECEPTION)
    window = window_for(qtbot, actor)
    new_customer = new_customer_action(window)
    as_admin_elsewhere(lambda: users.reset_password(actor.id, TEMPORARY))
    window.admin.recheck_user()  # the minute's tick
    lock = window.admin.lock
    assert lock.is_locked()
    assert "restableció su contraseña" in lock.dialog.message.text()
    assert "contraseña temporal" in lock.dialog.message.text()
    assert not usable(new_customer)

    lock.dialog.password_edit.setText(PASSWORD)  # the one she knew no longer opens it
    assert not lock.dialog.try_unlock() and lock.is_locked()

    def choose_her_own(dialog):
        assert dialog.forced
        dialog.old_edit.setText(TEMPORARY)
        dialog.new_edit.setText(MINE)
        dialog.repeat_edit.setText(MINE)
        dialog.try_change()

    dialog_trap.handlers["ChangePasswordDialog"] = choose_her_own
    lock.dialog.password_edit.setText(TEMPORARY)
    assert lock.dialog.try_unlock()
    assert dialog_trap.opened == ["ChangePasswordDialog"]
    assert not lock.is_locked()
    assert session.has("patients.create") and usable(new_customer)
    lock.stop()


def test_new_customer_refused_says_why_instead_of_doing_nothing(
    qtbot, database, dialog_trap, prompt_log
):
    actor = login_as(RECEPTION)
    window = window_for(qtbot, actor)
    as_admin_elsewhere(lambda: users.reset_password(actor.id, TEMPORARY))
    window.admin.recheck_user()
    prompt_log.clear()
    window.tab("customers").new_customer()  # Ctrl+N reaches it whatever the menu shows
    assert dialog_trap.opened == []
    [(_kind, title, text)] = prompt_log.kinds("error")
    assert title == "Nuevo cliente" and "Debe cambiar su contraseña" in text
    window.admin.lock.stop()


def test_a_write_refused_for_a_change_elsewhere_updates_her_menus_at_once(qtbot, database):
    actor = login_as(RECEPTION)
    window = window_for(qtbot, actor)
    new_customer = new_customer_action(window)
    as_admin_elsewhere(lambda: users.set_role_permission(RECEPTION, "patients.create", False))
    assert usable(new_customer)  # the minute's tick has not come yet
    with pytest.raises(SessionChanged):
        make_patient("Juana", "Reyes Ávila", age=40)
    QCoreApplication.processEvents()  # the recheck the refusal queued
    assert not usable(new_customer)
    assert not session.has("patients.create") and session.current().id == actor.id
    window.admin.lock.stop()


def reception_window(qtbot, *granted):
    """Her desk, her role given ``granted`` by an administrator before she signed in."""
    for key in granted:
        as_admin_elsewhere(lambda key=key: users.set_role_permission(RECEPTION, key, True))
    return window_for(qtbot, login_as(RECEPTION))


def test_an_export_withdrawn_elsewhere_is_refused_at_once_and_the_menu_follows(
    qtbot, database, prompt_log
):
    with session.acting_as(session.system_actor("tests")):
        make_customer("Zoila", "Maradiaga")
    window = reception_window(qtbot, "exports.run", "patients.view_sensitive")
    entry = next(a for a in window.menu("export").actions() if a.text() == "&Clientes (CSV)…")
    assert usable(entry)
    as_admin_elsewhere(lambda: users.set_role_permission(RECEPTION, "exports.run", False))
    entry.trigger()
    [(kind, title, text)] = prompt_log.calls  # no filter question, no file asked for
    assert (kind, title) == ("error", "Clientes (CSV)")
    assert "No tiene permiso para exportar datos a CSV" in text
    QCoreApplication.processEvents()  # the recheck the refusal queued
    assert not entry.isVisible()
    window.admin.lock.stop()


def test_a_patient_opened_after_view_sensitive_was_withdrawn_shows_the_number_masked(
    qtbot, database, dialog_trap
):
    with session.acting_as(session.system_actor("tests")):
        make_customer("Lucía", "Pérez Zelaya", id_number="0801199012345")
    window = reception_window(qtbot, "patients.view_sensitive")
    tab = window.show_tab("customers")
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1)
    tab.select_row(0)
    shown = []
    dialog_trap.handlers["CustomerDialog"] = lambda d: shown.append(d.id_number_edit.text())
    tab.edit_selected()
    as_admin_elsewhere(
        lambda: users.set_role_permission(RECEPTION, "patients.view_sensitive", False)
    )
    tab.edit_selected()  # Enter on the row
    assert shown[0] == "0801-1990-12345"
    assert shown[1].startswith("****-****-") and "0801" not in shown[1]
    window.admin.lock.stop()


def test_deactivated_elsewhere_her_next_window_is_refused_and_her_desk_locks(
    qtbot, database, dialog_trap, prompt_log
):
    actor = login_as(RECEPTION)
    window = window_for(qtbot, actor)
    as_admin_elsewhere(lambda: users.deactivate(actor.id))
    new_customer_action(window).trigger()
    assert dialog_trap.opened == []
    [(_kind, title, text)] = prompt_log.kinds("error")
    assert title == "Nuevo cliente" and "No tiene permiso para registrar" in text
    QCoreApplication.processEvents()
    assert window.admin.lock.is_locked()
    window.admin.lock.stop()
