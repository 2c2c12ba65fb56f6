"""Backups with the SQLite backup API, retention, automatic backups, validated restores."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from patolab_desktop import local_settings
from patolab_desktop.db.database import db, is_sqlite
from patolab_desktop.db.migrations import SCHEMA_VERSION
from patolab_desktop.db.models import Customer, Gender
from patolab_desktop.services.access import session
from patolab_desktop.services.bootstrap import close_db, open_db
from patolab_desktop.services.errors import PermissionDenied
from patolab_desktop.services.safety import backups
from patolab_desktop.services.safety.backups import BackupError


@pytest.fixture
def admin():
    with session.acting_as(session.system_actor("test")) as actor:
        yield actor


def _gender_names():
    return [g.name for g in Gender.select().order_by(Gender.id)]


@pytest.mark.sqlite_only
def test_backup_now_writes_a_consistent_self_contained_copy(database, tmp_path):
    Gender.create(code="X", name="Prueba")
    path = backups.backup_now(tmp_path / "copias")
    assert path.parent == tmp_path / "copias"
    assert path.name.startswith("test-") and path.name.endswith("-manual.db")
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert conn.execute("SELECT name FROM gender WHERE code='X'").fetchone() == ("Prueba",)
    finally:
        conn.close()
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]  # no -wal/-shm/.part


@pytest.mark.sqlite_only
def test_default_folder_and_keep_days_come_from_local_settings(database, tmp_path):
    assert backups.backup_folder() == local_settings.LocalSettings().resolved_backup_folder()
    assert backups.keep_days() == 30
    local_settings.update(backup_folder=str(tmp_path / "mis-copias"), backup_keep_days=7)
    assert backups.backup_now().parent == tmp_path / "mis-copias"
    assert backups.keep_days() == 7


@pytest.mark.sqlite_only
def test_backup_restore_round_trip(database, tmp_path, admin):
    before = _gender_names()
    backup = backups.backup_now(tmp_path)
    Gender.create(code="X", name="Después de la copia")
    assert _gender_names() == before + ["Después de la copia"]

    result = backups.restore(backup)

    assert _gender_names() == before  # the live database holds the backup's data again
    assert result.schema_version == SCHEMA_VERSION
    assert result.safety_backup.exists() and "antes-de-restaurar" in result.safety_backup.name
    conn = sqlite3.connect(result.safety_backup)
    try:  # the state just before the restore is kept
        assert conn.execute("SELECT 1 FROM gender WHERE code='X'").fetchone() == (1,)
    finally:
        conn.close()
    assert database is not db.obj or not db.is_closed()  # re-opened
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"
    from patolab_desktop.db.models import AuditLog

    assert AuditLog.select().where(AuditLog.action == "restore").count() == 1


@pytest.mark.sqlite_only
def test_restore_refuses_a_corrupted_file_and_changes_nothing(database, tmp_path, admin):
    good = backups.backup_now(tmp_path)
    data = bytearray(good.read_bytes())
    page = 4096
    for offset in range(2 * page, len(data) - page, page):  # trash every page after the 2nd
        data[offset + 8 : offset + 64] = b"\xff" * 56
    damaged = tmp_path / "danada.db"
    damaged.write_bytes(bytes(data))
    garbage = tmp_path / "no-es-base.db"
    garbage.write_bytes(b"esto no es una base de datos" * 100)
    Gender.create(code="X", name="Actual")
    before = _gender_names()
    files_before = sorted(p.name for p in tmp_path.iterdir())
    for bad, message in ((damaged, "dañad"), (garbage, "no es una copia válida")):
        with pytest.raises(BackupError, match=message):
            backups.restore(bad)
    assert _gender_names() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == files_before
    assert not any("antes-de-restaurar" in b.path.name for b in backups.list_backups())


def _execute(path, statement: str) -> None:
    """One statement on the SQLite file ``path``, committed (behind the app's back)."""
    conn = sqlite3.connect(path)
    conn.execute(statement)
    conn.commit()
    conn.close()


@pytest.mark.sqlite_only
def test_restore_refuses_a_newer_schema_and_a_foreign_file(database, tmp_path, admin):
    newer = backups.backup_now(tmp_path)
    _execute(newer, "INSERT INTO schema_version (version, applied_at) VALUES (99, '2030-01-01')")
    with pytest.raises(BackupError, match="más nueva"):
        backups.restore(newer)
    other = tmp_path / "otra.db"
    _execute(other, "CREATE TABLE t (x)")
    with pytest.raises(BackupError, match="no es una base de datos de PatoLab"):
        backups.restore(other)
    with pytest.raises(BackupError, match="no existe"):
        backups.restore(tmp_path / "falta.db")


@pytest.mark.sqlite_only
def test_restore_needs_the_backup_permission(database, tmp_path):
    backup = backups.backup_now(tmp_path)
    with session.acting_as(None), pytest.raises(PermissionDenied):  # nobody logged in
        backups.restore(backup)


@pytest.mark.sqlite_only
def test_automatic_backup_once_a_day_at_start_and_on_exit(database, tmp_path):
    local_settings.update(backup_folder=str(tmp_path))
    morning = dt.datetime(2026, 3, 2, 8, 0, 0)
    first = backups.auto_backup_if_due(now=morning)
    assert first is not None and first.name.endswith("-inicio.db")
    assert backups.auto_backup_if_due(now=morning.replace(hour=11)) is None  # already today
    exit1 = backups.auto_backup_if_due(on_exit=True, now=morning.replace(hour=12))
    exit2 = backups.auto_backup_if_due(on_exit=True, now=morning.replace(hour=18))
    assert exit1 is not None and not exit1.exists()  # replaced by the later exit backup
    assert exit2.exists() and exit2.name.endswith("-salida.db")
    next_day = backups.auto_backup_if_due(now=morning + dt.timedelta(days=1))
    assert next_day is not None
    assert [b.kind for b in backups.list_backups()] == ["inicio", "salida", "inicio"]
    local_settings.update(auto_backup=False)
    assert backups.auto_backup_if_due(now=morning + dt.timedelta(days=2)) is None


@pytest.mark.sqlite_only
def test_old_backups_are_pruned_but_the_newest_stays(database, tmp_path):
    stamps = [dt.datetime(2026, 1, d, 9, 0) for d in (1, 5, 20, 30)]
    for when in stamps:
        backups.backup_now(tmp_path, when=when)
    foreign = tmp_path / "otro-archivo.db"
    foreign.write_bytes(b"no se toca")
    removed = backups.prune(tmp_path, days=15, today=dt.date(2026, 1, 31), keep=1)
    assert sorted(p.name[-25:] for p in removed) == sorted(
        f"{w:%Y%m%d-%H%M%S}-manual.db" for w in stamps[:2]
    )
    assert [b.taken_at for b in backups.list_backups(tmp_path)] == [stamps[3], stamps[2]]
    assert foreign.exists()
    # nothing recent at all: the newest copy is kept anyway
    assert len(backups.prune(tmp_path, days=1, today=dt.date(2027, 1, 1), keep=1)) == 1
    assert [b.taken_at for b in backups.list_backups(tmp_path)] == [stamps[3]]


def test_postgresql_backup_uses_pg_dump_or_says_why(database, tmp_path, monkeypatch):
    """PostgreSQL: pg_dump -Fc when installed, else a clear message (SQLite: the API)."""
    if is_sqlite():
        monkeypatch.setattr(backups.shutil, "which", lambda name: None)
        assert backups.backup_now(tmp_path).suffix == ".db"  # SQLite never needs pg_dump
        return
    path = backups.backup_now(tmp_path)
    assert path.suffix == ".dump" and path.read_bytes()[:5] == b"PGDMP"
    monkeypatch.setattr(backups.shutil, "which", lambda name: None)
    with pytest.raises(BackupError, match="pg_dump"):
        backups.backup_now(tmp_path)
    assert backups.auto_backup_if_due() is None  # automatic backups skip quietly
    with (
        session.acting_as(session.system_actor("test")),
        pytest.raises(BackupError, match="pg_restore"),
    ):
        backups.restore(path)


def test_cli_backup_and_restore(tmp_path, capsys):
    from patolab_desktop.cli import main

    db_file = tmp_path / "cli.db"
    open_db(db_file)  # backup and restore never create a database from a mistyped path
    close_db()
    assert main(["--db", str(db_file), "backup", "--folder", str(tmp_path / "c")]) == 0
    out = capsys.readouterr().out
    copy = Path(out.strip().rsplit(" ", 1)[-1])
    assert copy.exists()
    assert main(["--db", str(db_file), "restore", str(copy)]) == 0
    assert "Estado anterior guardado en" in capsys.readouterr().out
    bad = tmp_path / "mala.db"
    bad.write_bytes(b"x" * 5000)
    assert main(["--db", str(db_file), "restore", str(bad)]) == 1
    assert "no es una copia válida" in capsys.readouterr().err
    assert Customer is not None
