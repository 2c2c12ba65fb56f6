"""Users window: create with a temporary password, edit, deactivate, reset, unlock."""

from __future__ import annotations

import pytest

from patolab_desktop.db.models import User
from patolab_desktop.services.access import auth, permissions, session
from patolab_desktop.ui import prompts
from patolab_desktop.ui.admin import users_window
from patolab_desktop.ui.admin.users_window import ResetPasswordDialog, UserDialog, UsersWindow
from tests.security_helpers import login_as, make_user

pytestmark = pytest.mark.usefixtures("no_session", "fast_hashing")


def _accepting(fill):
    def run(self):
        fill(self)
        return self.result()

    return run


def test_users_window_flow(qtbot, qtmodeltester, database, clock, monkeypatch):
    login_as(permissions.ROLE_ADMIN)
    window = UsersWindow()
    qtbot.addWidget(window)
    qtmodeltester.check(window.model)
    assert [window.model.row_dict(r)["username"] for r in range(window.model.rowCount())] == [
        "admin"
    ]

    def new_user(dialog):
        dialog.username_edit.setText("rosa")
        dialog.full_name_edit.setText("Rosa Mejía")
        dialog.role_combo.setCurrentText(permissions.ROLE_RECEPTION)
        dialog.password_edit.setText("temporal-123")
        dialog.repeat_edit.setText("temporal-124")
        assert not dialog.save()
        assert dialog.errors.text("repeat")
        dialog.repeat_edit.setText("temporal-123")
        assert dialog.save()

    monkeypatch.setattr(UserDialog, "exec", _accepting(new_user))
    window.new_user()
    row = window.current_row()
    assert row["username"] == "rosa" and row["role"] == permissions.ROLE_RECEPTION
    assert row["status"] == "Activo (debe cambiar contraseña)"

    monkeypatch.setattr(prompts, "confirm", lambda *a: True)
    window.toggle_active()
    assert window.current_row()["status"] == "Inactivo"
    assert window.active_button.text() == "Re&activar"
    window.toggle_active()
    assert window.current_row()["active"]

    def reset(dialog):
        dialog.password_edit.setText("otra-temporal")
        dialog.repeat_edit.setText("otra-temporal")
        assert dialog.save()

    monkeypatch.setattr(ResetPasswordDialog, "exec", _accepting(reset))
    monkeypatch.setattr(prompts, "info", lambda *a: None)
    User.update(locked_until=clock.now.replace(hour=23)).where(
        User.username_folded == "rosa"
    ).execute()
    window.reload(row["id"])
    assert window.unlock_button.isEnabled()
    window.reset_password()
    assert not window.unlock_button.isEnabled()
    session.set_current(None)
    assert auth.login("rosa", "otra-temporal").must_change_password


def test_the_last_admin_cannot_be_deactivated_from_the_window(qtbot, database, clock, monkeypatch):
    make_user("jefa", permissions.ROLE_ADMIN)
    login_as(permissions.ROLE_ADMIN)  # a second admin, acting
    errors = []
    monkeypatch.setattr(prompts, "confirm", lambda *a: True)
    monkeypatch.setattr(prompts, "error", lambda parent, title, text: errors.append(text))
    window = UsersWindow()
    qtbot.addWidget(window)
    window.view.selectRow(window.model.row_of_id(User.get(User.username_folded == "jefa").id))
    window.toggle_active()
    assert not errors and window.current_row()["status"] == "Inactivo"
    window.view.selectRow(window.model.row_of_id(session.current().id))
    window.toggle_active()
    assert errors and "propio usuario" in errors[0]


def test_render_users_window(qtbot, database, clock):
    login_as(permissions.ROLE_ADMIN)
    make_user("rosa", permissions.ROLE_RECEPTION, full_name="Rosa Mejía", must_change=True)
    make_user("carlos", permissions.ROLE_SUPERVISOR, full_name="Carlos Fúnez")
    window = UsersWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.grab().save("/tmp/users_window.png")
    dialog = UserDialog(parent=window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.grab().save("/tmp/user_dialog.png")
    assert users_window.COLUMNS[0].title == "Usuario"
