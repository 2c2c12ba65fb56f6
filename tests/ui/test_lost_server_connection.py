"""The PostgreSQL server restarted (or dropped the desk's connection) while a window was
open: the action that meets the break says so in Spanish, without the crash dialog and
keeping what was typed, and the next try works (it showed «Error inesperado … InterfaceError:
connection already closed» on every action until the program was restarted)."""

from __future__ import annotations

import sys

import pytest

from patolab_desktop.services import customers
from patolab_desktop.ui import errors
from patolab_desktop.ui.admin.login_dialog import LoginDialog
from tests.lost_connection import drop_desk_connection, needs_pg
from tests.security_helpers import PASSWORD, make_user

from .role_helpers import fail_on_crash_dialog
from .test_customer_dialog import fill_patient, no_prompts, open_dialog  # noqa: F401 (fixture)
from .test_customers_window import _no_real_prompts  # noqa: F401 (an autouse fixture)

# the application's own exception hook, not pytest-qt's capture
pytestmark = [needs_pg, pytest.mark.qt_no_exception_capture]

LOST = "Se perdió la conexión con el servidor de la base de datos"


@pytest.fixture
def crashes(monkeypatch):
    monkeypatch.setattr(sys, "excepthook", errors.handle_exception)
    return fail_on_crash_dialog(monkeypatch)


def test_guardar_after_the_break_says_so_keeps_the_form_and_saves_next(
    qtbot, as_role, no_prompts, crashes
):
    as_role("Recepción")
    dialog = open_dialog(qtbot)
    fill_patient(qtbot, dialog)
    drop_desk_connection()
    dialog.save_button.click()
    assert crashes == []
    [(kind, title, text)] = no_prompts
    assert (kind, title) == ("error", "Sin conexión con la base de datos")
    assert LOST in text and "vuelva a intentarlo" in text
    assert dialog.isVisible() and dialog.customer_id is None
    assert (dialog.first_name_edit.text(), dialog.last_name_edit.text()) == (
        "María José",
        "Pérez Muñoz",
    )
    no_prompts.clear()
    dialog.save_button.click()
    assert crashes == [] and no_prompts == []
    assert dialog.customer_id is not None
    assert customers.get(dialog.customer_id).name == "María José Pérez Muñoz"


def test_the_login_window_says_so_and_the_next_try_signs_in(qtbot, database, fast_hashing, crashes):
    make_user("ana", "Recepción")
    dialog = LoginDialog(None)
    qtbot.addWidget(dialog)
    dialog.show()
    drop_desk_connection()
    dialog.username_edit.setText("ana")
    dialog.password_edit.setText(PASSWORD)
    dialog.login_button.click()
    assert crashes == [] and dialog.actor is None
    assert LOST in dialog.message.text()
    assert dialog.password_edit.text() == PASSWORD  # not to be typed again
    dialog.login_button.click()
    assert crashes == [] and dialog.actor is not None and dialog.actor.username == "ana"


def test_a_login_window_left_open_through_the_restart_signs_in_on_the_first_try(
    qtbot, database, fast_hashing, crashes, monkeypatch
):
    """The login window waited (overnight, say) while the server restarted: its
    connection is checked before the sign-in is sent, and replaced."""
    from patolab_desktop.db import database as db_module

    make_user("ana", "Recepción")
    dialog = LoginDialog(None)
    qtbot.addWidget(dialog)
    dialog.show()
    drop_desk_connection()
    monkeypatch.setattr(db_module, "IDLE_CHECK_S", 0.0, raising=False)  # idle that long
    dialog.username_edit.setText("ana")
    dialog.password_edit.setText(PASSWORD)
    dialog.login_button.click()
    assert crashes == [] and dialog.message.text() == ""
    assert dialog.actor is not None and dialog.actor.username == "ana"
