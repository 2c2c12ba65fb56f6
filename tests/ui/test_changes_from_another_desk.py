"""The receptionist's desk while an administrator changes her user on another desk: a
password reset locks her desk and says why (the temporary password opens it and asks for
her own), a refused action says why instead of doing nothing, and a write refused for
such a change brings her menus up to date at once."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication

from patolab_desktop.services.access import permissions, session, users
from patolab_desktop.services.errors import SessionChanged
from tests.security_helpers import PASSWORD, as_admin_elsewhere, clock, fast_hashing, login_as  # noqa: F401
from tests.ui.requests_helpers import make_patient
from tests.ui.role_helpers import window_for

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
