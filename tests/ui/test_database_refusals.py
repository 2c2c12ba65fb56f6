"""The database refused the change: another program holds it (locked), its disk is full,
or it is read-only. The desk reads which, and what to do, in Spanish, keeps what was
typed, and the driver's English words go to the log only (they showed «Error inesperado
… OperationalError: database is locked», «attempt to write a readonly database»)."""

from __future__ import annotations

import os
import shutil
import sqlite3

import pytest
from peewee import OperationalError

from patolab_desktop.db.database import db
from patolab_desktop.ui import errors
from patolab_desktop.ui.admin.login_dialog import LoginDialog
from tests.security_helpers import PASSWORD, make_user

from .desk_helpers import enter_request
from .requests_helpers import acting, desk  # noqa: F401 (fixtures)
from .role_helpers import main_window_as
from .test_crash_handler import crash_handler  # noqa: F401 (fixture)
from .test_customers_window import _no_real_prompts  # noqa: F401 (an autouse fixture)

# the application's own exception hook, not pytest-qt's capture
pytestmark = [pytest.mark.sqlite_only, pytest.mark.qt_no_exception_capture]

REFUSED = "La base de datos no aceptó la operación"


def _entry(qtbot):
    """The receptionist's request entry with a request typed in."""
    window = main_window_as(qtbot, "Recepción")
    window.show()
    entry = window.show_tab("requests").entry
    enter_request(qtbot, entry, "munoz banegas", "martinez", "HEM", "GLU")
    return entry


def _refused(shown, says: str, driver: str) -> None:
    """One message, in Spanish, saying ``says``; the driver's ``driver`` in the log."""
    [(title, text)] = shown
    assert title == REFUSED and says in text, text
    assert "Error" not in text and driver not in text, text
    assert driver in errors.log_file().read_text(encoding="utf-8")


def _kept(entry) -> None:
    assert entry.last_saved() is None
    assert entry.patient()["name"] == "Josefa Muñoz Banegas"
    assert len(entry.investigation_ids()) == 2


def test_guardar_while_another_program_holds_the_database(qtbot, desk, db_path, crash_handler):
    entry = _entry(qtbot)
    db.execute_sql("PRAGMA busy_timeout = 50")  # not the desk's 15 s
    holder = sqlite3.connect(db_path)
    holder.execute("BEGIN IMMEDIATE")  # another program writes
    try:
        entry.save_button.click()
    finally:
        holder.rollback()
        holder.close()
    _refused(crash_handler, "está ocupada por otro programa", "database is locked")
    assert "vuelva a intentarlo" in crash_handler[0][1]
    _kept(entry)
    entry.save_button.click()  # the other program finished
    assert entry.last_saved() is not None and len(crash_handler) == 1


def test_guardar_on_a_full_disk_says_free_space(qtbot, desk, crash_handler, monkeypatch):
    """As on a real full disk: the COMMIT fails and SQLite has undone the transaction, so
    peewee's ROLLBACK fails too, with «cannot rollback - no transaction is active», the
    words the desk read (the disk-full error only in that error's context)."""
    entry = _entry(qtbot)

    def full_disk_commit():
        db.obj.cursor().execute("ROLLBACK")  # what SQLite does when the COMMIT fails
        raise OperationalError("database or disk is full")

    with monkeypatch.context() as full:
        full.setattr(db.obj, "commit", full_disk_commit)
        entry.save_button.click()
    _refused(crash_handler, "no queda espacio en el disco", "disk is full")
    assert "No se guardó nada" in crash_handler[0][1] and "rollback" not in crash_handler[0][1]
    _kept(entry)
    entry.save_button.click()  # space was freed
    assert entry.last_saved() is not None and len(crash_handler) == 1


@pytest.mark.skipif(os.name != "posix", reason="Windows does not delete an open file")
@pytest.mark.parametrize("how", ["deleted", "replaced"])
def test_guardar_after_the_file_was_deleted_says_call_the_administrator(
    qtbot, desk, db_path, crash_handler, how
):
    """Someone deleted (or replaced) the database file while the desk worked: each save
    «succeeded» into the removed file, and was lost when the program closed."""
    entry = _entry(qtbot)
    if how == "deleted":
        db_path.unlink()  # its -wal and -shm stay
    else:
        shutil.copy(db_path, db_path.with_name("copia.db"))
        os.replace(db_path.with_name("copia.db"), db_path)
    entry.save_button.click()
    _refused(crash_handler, "ya no está donde se abrió", "DatabaseFileGone")
    assert "llame al administrador" in crash_handler[0][1]
    _kept(entry)


def test_sign_in_to_a_read_only_database_says_ask_the_administrator(
    qtbot, database, fast_hashing, crash_handler
):
    make_user("ana", "Recepción")
    dialog = LoginDialog(None)
    qtbot.addWidget(dialog)
    dialog.show()
    db.execute_sql("PRAGMA query_only = 1")  # as a file or folder nobody may write
    dialog.username_edit.setText("ana")
    dialog.password_edit.setText(PASSWORD)
    dialog.login_button.click()
    _refused(crash_handler, "solo lectura", "attempt to write a readonly database")
    assert "administrador" in crash_handler[0][1] and dialog.actor is None
