"""Archivo → Copia de seguridad ahora / Restaurar copia… / Conexión a base de datos…, and
the integrity check at start."""

from __future__ import annotations

import sqlite3

import pytest

from patolab_desktop import local_settings
from patolab_desktop.db.models import Gender
from patolab_desktop.services.access import session
from patolab_desktop.services.safety import backups
from patolab_desktop.ui import prompts
from patolab_desktop.ui.admin import backup_actions
from patolab_desktop.ui.admin.database_dialog import DatabaseDialog
from patolab_desktop.ui.main_window import MainWindow

pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def said(monkeypatch):
    """Every message box and question, recorded instead of shown."""
    record = {"info": [], "error": [], "confirm": [], "answer": True, "open": None}
    monkeypatch.setattr(prompts, "info", lambda p, t, x: record["info"].append((t, x)))
    monkeypatch.setattr(prompts, "error", lambda p, t, x: record["error"].append((t, x)))

    def confirm(p, t, x):
        record["confirm"].append((t, x))
        return record["answer"]

    monkeypatch.setattr(prompts, "confirm", confirm)
    monkeypatch.setattr(prompts, "open_file", lambda *a: record["open"])
    return record


@pytest.fixture
def admin():
    with session.acting_as(session.system_actor("test")) as actor:
        yield actor


def _menu_texts(window) -> list[str]:
    return [a.text().replace("&", "") for a in window.menu("file").actions()]


def test_file_menu_has_the_three_actions(qtbot, database):
    window = MainWindow(db_label="prueba.db")
    qtbot.addWidget(window)
    texts = _menu_texts(window)
    for text in ("Copia de seguridad ahora", "Restaurar copia…", "Conexión a base de datos…"):
        assert text in texts
    permissions = {
        a.text().replace("&", ""): a.property("permission") for a in window.menu("file").actions()
    }
    assert permissions["Restaurar copia…"] == "backups.run"


def test_backup_now_tells_where(qtbot, database, said, tmp_path):
    local_settings.update(backup_folder=str(tmp_path))
    path = backup_actions.backup_now(None)
    assert path.parent == tmp_path and path.exists()
    assert said["info"] and str(path) in said["info"][0][1]


def test_restore_asks_backs_up_first_and_restores(qtbot, database, said, admin, tmp_path):
    local_settings.update(backup_folder=str(tmp_path))
    copy = backups.backup_now()
    Gender.create(code="X", name="Nuevo")
    said["open"] = str(copy)

    said["answer"] = False  # "No": nothing changes
    assert backup_actions.restore_backup(None) is None
    assert Gender.select().where(Gender.code == "X").exists()
    assert len(backups.list_backups()) == 1

    said["answer"] = True
    result = backup_actions.restore_backup(None)
    assert result is not None and result.safety_backup.exists()
    assert not Gender.select().where(Gender.code == "X").exists()
    assert "antes" in said["confirm"][-1][1].lower()
    assert str(result.safety_backup) in said["info"][-1][1]


def test_restore_of_a_damaged_file_shows_the_reason(qtbot, database, said, admin, tmp_path):
    bad = tmp_path / "mala.db"
    bad.write_bytes(b"\x00" * 8192)
    said["open"] = str(bad)
    assert backup_actions.restore_backup(None) is None
    assert said["confirm"] == []  # never asked: refused before
    assert "no es una copia válida" in said["error"][0][1] or "dañad" in said["error"][0][1]


def test_startup_check_ok_makes_the_daily_backup(qtbot, database, said, tmp_path):
    local_settings.update(backup_folder=str(tmp_path))
    assert backup_actions.startup_checks(None) is True
    assert said["error"] == []
    assert [b.kind for b in backups.list_backups()] == ["inicio"]
    backup_actions.exit_backup()
    assert sorted(b.kind for b in backups.list_backups()) == ["inicio", "salida"]


def test_startup_check_failure_explains_how_to_restore(
    qtbot, database, said, tmp_path, monkeypatch
):
    from patolab_desktop.services.safety import check as maintenance

    local_settings.update(backup_folder=str(tmp_path))
    report = maintenance.CheckReport("x.db", 1, 1, ["quick_check: página 7 dañada"])
    monkeypatch.setattr(maintenance, "check", lambda quick=False: report)
    assert backup_actions.startup_checks(None) is False
    title, text = said["error"][0]
    assert "problemas" in title
    assert "Restaurar copia" in text and "restore" in text and "página 7 dañada" in text
    assert backups.list_backups() == []  # no automatic backup of a damaged database
    backup_actions.exit_backup()
    assert backups.list_backups() == []
    backup_actions._state["healthy"] = True


@pytest.mark.parametrize("refused", ["locked", "read-only"])
def test_a_locked_or_read_only_database_is_not_called_damaged(
    qtbot, database, db_path, said, tmp_path, refused
):
    """The search index's check is a write: a database another program held, or one
    nobody may write, was reported «tiene problemas» with the advice to restore a backup
    (everything since would be lost), and the exit backup was turned off."""
    from patolab_desktop.db.database import db
    from patolab_desktop.services.safety import check as maintenance

    local_settings.update(backup_folder=str(tmp_path))
    holder = sqlite3.connect(db_path)
    if refused == "locked":
        db.execute_sql("PRAGMA busy_timeout = 50")  # not the desk's 15 s
        holder.execute("BEGIN IMMEDIATE")  # another program writes
    else:
        db.execute_sql("PRAGMA query_only = 1")  # as a file nobody may write
    try:
        assert backup_actions.startup_checks(None) is True
        report = maintenance.check(quick=True)
    finally:
        holder.rollback()
        holder.close()
        db.execute_sql("PRAGMA query_only = 0")
    assert said["error"] == [] and report.ok
    says = "ocupada por otro programa" if refused == "locked" else "solo lectura"
    assert says in "\n".join(report.lines()) and report.unchecked
    backup_actions.exit_backup()
    assert "salida" in [b.kind for b in backups.list_backups()]


def test_database_dialog_tests_and_saves_the_connection(qtbot, database, tmp_path):
    dialog = DatabaseDialog()
    qtbot.addWidget(dialog)
    assert dialog.sqlite_radio.isChecked() and not dialog.url_edit.isEnabled()
    dialog.path_edit.setText(str(tmp_path / "nueva.db"))
    assert dialog.test_connection()
    assert "se creará" in dialog.status_label.text()
    dialog.path_edit.setText(r"\\servidor\compartido\lab.db")
    assert not dialog.test_connection()
    assert "PostgreSQL" in dialog.error_label.text()

    dialog.pg_radio.setChecked(True)
    assert dialog.url_edit.isEnabled() and not dialog.path_edit.isEnabled()
    dialog.url_edit.setText("mysql://x")
    dialog.accept()
    assert "postgresql://" in dialog.error_label.text()
    assert local_settings.load().database == ""  # nothing saved

    existing = tmp_path / "lab.db"
    sqlite3.connect(existing).close()
    dialog.sqlite_radio.setChecked(True)
    dialog.path_edit.setText(str(existing))
    dialog.keep_days_spin.setValue(45)
    dialog.accept()
    saved = local_settings.load()
    assert saved.database == str(existing) and saved.backup_keep_days == 45
    dialog.grab().save(str(tmp_path / "dialog.png"))


def test_startup_checks_run_off_the_gui_thread_and_report_back(
    qtbot, database, said, tmp_path, monkeypatch
):
    """The check and the daily backup run in a worker thread (a big file must not delay
    the login); a failure is still reported on the GUI thread with how to restore."""
    import threading

    from patolab_desktop.services.safety import check as maintenance

    local_settings.update(backup_folder=str(tmp_path))
    threads = []
    report = maintenance.CheckReport("x.db", 1, 1, ["quick_check: página 9 dañada"])

    def fake_check(quick=False):
        threads.append(threading.current_thread())
        return report

    monkeypatch.setattr(maintenance, "check", fake_check)
    task = backup_actions.startup_checks_in_background(None)
    qtbot.waitUntil(lambda: task.outcome is not None and bool(said["error"]), timeout=10000)
    assert threads and threads[0] is not threading.main_thread()
    assert "página 9 dañada" in said["error"][0][1]
    assert backup_actions._state["healthy"] is False
    backup_actions._state["healthy"] = True


def test_background_startup_check_makes_the_daily_backup(qtbot, database, said, tmp_path):
    local_settings.update(backup_folder=str(tmp_path))
    task = backup_actions.startup_checks_in_background(None)
    qtbot.waitUntil(lambda: task.outcome is not None, timeout=10000)
    task.wait()
    assert said["error"] == []
    assert [b.kind for b in backups.list_backups()] == ["inicio"]


def test_startup_checks_wait_for_the_event_loop_when_delayed(qtbot, database, said, tmp_path):
    """Issue 20: at start the checks begin once the login window is up (the event loop
    turning), so their imports and reads do not slow the start."""
    local_settings.update(backup_folder=str(tmp_path))
    task = backup_actions.startup_checks_in_background(None, delay_ms=0)
    assert not task.is_running() and task.outcome is None  # nothing before the loop turns
    qtbot.waitUntil(lambda: task.outcome is not None, timeout=10000)
    task.wait()
    assert said["error"] == []
    assert [b.kind for b in backups.list_backups()] == ["inicio"]


def test_restore_from_the_window_while_whatsapp_sends(
    qtbot, database, said, as_role, tmp_path, monkeypatch
):
    """The WhatsApp sender's thread keeps a connection open; the restore needs the file
    to itself: it stops the sender for the copy and starts it again after."""
    import threading

    from patolab_desktop.db.database import db
    from patolab_desktop.services.access import permissions
    from patolab_desktop.ui.notify import area as notify_area
    from patolab_desktop.ui.notify.worker import SenderThread

    opened = threading.Event()

    class Reading:  # a sender that holds its thread's connection until stopped
        def run(self, stop, idle):
            Gender.select().count()
            opened.set()
            stop.wait()

        def close(self, release_connection=False):
            db.close()

    as_role(permissions.ROLE_ADMIN)
    local_settings.update(backup_folder=str(tmp_path))
    copy = backups.backup_now()
    Gender.create(code="X", name="Nuevo")
    window = MainWindow(db_label="test.db")
    qtbot.addWidget(window)
    window.notify_sender = SenderThread(window, sender_factory=Reading)
    window.notify_sender.start()
    assert opened.wait(10)
    started = []
    monkeypatch.setattr(notify_area, "start_sender", lambda w: started.append(w))
    said["open"] = str(copy)
    result = backup_actions.restore_backup(window)
    assert result is not None and not said["error"], said["error"]
    assert not Gender.select().where(Gender.code == "X").exists()
    assert started == [window]  # sending goes on after the restore
