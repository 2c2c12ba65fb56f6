"""Acting as the person who uses a screen (issue 16).

``as_role("Recepción")`` creates (once) a real user with a seeded role and logs in as them,
so services check that role's permissions, not the all-powerful test actor's.
``main_window_as(qtbot, role)`` is the real main window after that login. ``DialogTrap``
replaces ``QDialog.exec`` so a test can open every dialog, try its main action and close it
without a modal loop. ``PromptLog`` records every message box (``ui/prompts``) instead of
showing it, and the crash dialog of ``ui/errors`` fails the test.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtWidgets import QApplication, QDialog

from patolab_desktop.services.access import permissions, session
from tests.security_helpers import login_as

ROLES = (permissions.ROLE_RECEPTION, permissions.ROLE_SUPERVISOR, permissions.ROLE_ADMIN)


@dataclass
class PromptLog:
    """Every prompt shown: (kind, title, text). ``confirm`` answers ``answer``."""

    calls: list = field(default_factory=list)
    answer: bool = True
    texts: list = field(default_factory=list)  # answers for ask_text and ask_item, in order
    save_path: str | None = None
    open_path: str | None = None

    def install(self, monkeypatch) -> PromptLog:
        from patolab_desktop.ui import prompts

        def record(kind, value=None):
            def prompt(parent, title="", text="", *rest, **kw):
                self.calls.append((kind, title, text))
                return value() if callable(value) else value

            return prompt

        monkeypatch.setattr(prompts, "confirm", record("confirm", lambda: self.answer))
        monkeypatch.setattr(prompts, "info", record("info"))
        monkeypatch.setattr(prompts, "error", record("error"))
        monkeypatch.setattr(
            prompts,
            "ask_text",
            record("ask_text", lambda: self.texts.pop(0) if self.texts else None),
        )
        monkeypatch.setattr(
            prompts,
            "ask_item",
            record("ask_item", lambda: self.texts.pop(0) if self.texts else None),
        )
        monkeypatch.setattr(prompts, "save_file", record("save_file", lambda: self.save_path))
        monkeypatch.setattr(prompts, "open_file", record("open_file", lambda: self.open_path))
        return self

    def kinds(self, kind: str) -> list:
        return [c for c in self.calls if c[0] == kind]

    def clear(self) -> None:
        self.calls.clear()


class DialogTrap:
    """``QDialog.exec`` shows the dialog, calls ``on_open(dialog)`` (a test's hook) and
    returns what the hook returns (Rejected by default) without a nested event loop."""

    def __init__(self):
        self.opened: list[str] = []
        self.on_open = None
        self.handlers: dict = {}  # dialog class name -> hook (takes precedence over on_open)

    def install(self, monkeypatch) -> DialogTrap:
        trap = self

        def exec_(dialog):
            trap.opened.append(type(dialog).__name__)
            dialog.show()
            hook = trap.handlers.get(type(dialog).__name__, trap.on_open)
            if hook is not None:
                hook(dialog)
            if dialog.isVisible():  # the hook left it open: close it as Esc would, unasked
                QDialog.done(dialog, int(QDialog.DialogCode.Rejected.value))
            return dialog.result()

        monkeypatch.setattr(QDialog, "exec", exec_)
        return self


def fail_on_crash_dialog(monkeypatch) -> list:
    """The crash dialog of ``ui/errors`` fails the test (its message is recorded first)."""
    from patolab_desktop.ui import errors

    crashes: list = []

    def crash(text):
        crashes.append(text)
        raise AssertionError(f"crash dialog shown: {text}")

    monkeypatch.setattr(errors, "_show_dialog", crash)
    return crashes


def act_as(role_name: str) -> session.Actor:
    """Log in as the seeded ``role_name`` (the user is created once per database)."""
    return login_as(role_name)


def as_custom_role(role_name: str, granted, username: str) -> session.Actor:
    """A custom role holding exactly ``granted``, made in the matrix's way by a real
    administrator (``users.create_role`` + ``set_role_permission``), and a user of it
    signed in: the partial roles a laboratory makes for its own desks."""
    from patolab_desktop.db.models import User
    from patolab_desktop.services.access import auth, users
    from tests.security_helpers import PASSWORD, make_user

    login_as(permissions.ROLE_ADMIN)
    users.create_role(role_name, "", copy_from=None)
    for key in sorted(granted):
        users.set_role_permission(role_name, key, True)
    if not User.select().where(User.username_folded == username).exists():
        make_user(username, role_name)
    session.set_current(None)
    return auth.login(username, PASSWORD)


def window_for(qtbot, actor: session.Actor):
    """The real main window for ``actor`` (already signed in), as after the login."""
    from patolab_desktop.ui.admin import login_flow
    from patolab_desktop.ui.main_window import MainWindow

    window = MainWindow(db_label="prueba.db")
    qtbot.addWidget(window)
    login_flow.install_admin(window, actor, lock_minutes=0)
    window.apply_permissions(session.has)
    return window


def fill_first_admin(dialog, password: str = "una-clave-larga") -> None:
    """Type Marta Zelaya's administrator account into the first-start dialog."""
    dialog.full_name_edit.setText("Marta Zelaya")
    dialog.username_edit.setText("marta")
    dialog.password_edit.setText(password)
    dialog.repeat_edit.setText(password)


def main_window_as(qtbot, role_name: str, lock_minutes: int = 0):
    from patolab_desktop.ui.admin import login_flow
    from patolab_desktop.ui.main_window import MainWindow

    actor = act_as(role_name)
    window = MainWindow(db_label="prueba.db")
    qtbot.addWidget(window)
    login_flow.install_admin(window, actor, lock_minutes=lock_minutes)
    window.apply_permissions(session.has)
    return window


def shown_as(qtbot, role_name: str, make, *args):
    """Log in as the seeded ``role_name``, then ``make(*args)`` a window and show it."""
    login_as(role_name)
    widget = make(*args)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def close_top_levels(keep=()) -> None:
    for widget in QApplication.topLevelWidgets():
        if widget.isVisible() and widget not in keep:
            widget.hide()
