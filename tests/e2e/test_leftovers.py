"""Issue 15, point 2: no leftovers, and a full disk is one clear message.

* one temporary-file pattern (``.patolab-tmp-<pid>-<hex>-<name>.tmp``), removed on every
  failure path, swept at the next start (CLI and GUI) when a killed writer left one;
* a full disk (a fault-injecting writer; a real file-size limit on a subprocess) gives one
  clear message, leaves the previous file intact and the database openable.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from patolab_desktop.services.bootstrap import close_db, open_db
from patolab_desktop.services.safety import backups, check, outputs
from patolab_desktop.util import files
from tests.cli_process import run_captured
from tests.safety_helpers import (
    cli_env,
    disk_full_after,
    kill_at,
    make_lab,
    needs_mounts,
    run,
    run_process,
    temp_files,
)

pytestmark = [
    pytest.mark.sqlite_only,
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX signals"),
]


@pytest.fixture
def lab(tmp_path) -> Path:
    return make_lab(tmp_path / "lab.db")


def _database_is_fine(db: Path) -> None:
    open_db(db, create=False)
    try:
        assert check.check().ok
    finally:
        close_db()


def test_full_disk_during_an_export_is_one_message_and_changes_nothing(
    lab, tmp_path, monkeypatch, capsys
):
    out = tmp_path / "clientes.csv"
    out.write_text("la exportación de ayer\n", encoding="utf-8")
    disk_full_after(monkeypatch, 300)

    assert run("export", "customers", "--db", lab, "--out", out) == 1

    err = capsys.readouterr().err
    assert err.count("Error:") == 1 and "espacio" in err and "Traceback" not in err
    assert out.read_text(encoding="utf-8") == "la exportación de ayer\n"  # previous intact
    assert temp_files(tmp_path) == []  # the temporary file went with the failure
    monkeypatch.undo()
    _database_is_fine(lab)


def test_full_disk_raises_disk_full_from_the_service(lab, tmp_path, monkeypatch):
    disk_full_after(monkeypatch, 10)
    with (
        pytest.raises(outputs.DiskFull, match="espacio"),
        outputs.atomic_output(tmp_path / "x.json") as fh,
    ):
        fh.write("x" * 100)
        fh.flush()
    assert list(tmp_path.glob("*.json")) == [] and temp_files(tmp_path) == []


def _in_a_full_folder(folder: Path, earlier: Path, *cli_args, room_kb: int = 24) -> list[str]:
    """Run ``main.py CLI_ARGS`` with ``folder`` a REAL full disk: a tmpfs with room for the
    previous file ``earlier`` (copied into it) and ``room_kb`` more, mounted in a private
    mount namespace of the child process. Asserts one Spanish message about the space and
    exit 1; returns the folder's listing afterwards, with ``SAME`` when ``earlier`` is
    intact."""
    folder.mkdir()
    size_kb = earlier.stat().st_size // 1024 + room_kb  # the old file fits, a new one not
    script = (
        f'mount -t tmpfs -o size={size_kb}k tmpfs "$1" || exit 97\n'
        'cp -p "$2" "$1"/ || exit 98\n'
        "shift 2\n"
        '"$@"\n'
        'echo "EXIT=$?"\n'
        'ls -A "$OLDPWD_FOLDER"\n'
        'cmp "$OLDPWD_FOLDER/$OLD_NAME" "$OLD_COPY" && echo SAME\n'
    )
    env = cli_env(OLDPWD_FOLDER=folder, OLD_NAME=earlier.name, OLD_COPY=earlier)
    argv = ["unshare", "-rm", "sh", "-c", script, "sh", folder, earlier, sys.executable]
    done = run_captured([*argv, "main.py", *cli_args], env, check=False)
    assert "EXIT=1" in done.stdout, done
    assert "espacio" in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.count("Error:") == 1, done.stderr
    assert "disk is full" not in done.stderr and "rollback" not in done.stderr, done.stderr
    listing = done.stdout.split("EXIT=1", 1)[1].split()
    assert not any(files.is_temp_name(name) for name in listing)
    return listing


@needs_mounts
def test_backup_into_a_full_folder_is_one_message_and_the_database_opens(lab, tmp_path):
    folder = tmp_path / "copias"
    open_db(lab)
    earlier = backups.backup_now(tmp_path / "antes", kind="inicio")
    close_db()
    listing = _in_a_full_folder(folder, earlier, "--db", lab, "backup", "--folder", folder)
    assert listing[0] == earlier.name and "SAME" in listing  # only the previous copy, intact
    _database_is_fine(lab)


@needs_mounts
def test_pdf_into_a_full_folder_is_one_message_and_the_old_pdf_stays(lab, tmp_path):
    """QPdfWriter reports success when its writes fail: the PDF was empty, and replaced
    the good one of the same name, while the CLI said «guardado» (exit 0)."""
    report = ("report", "--from", "01/01/2024", "--to", "31/12/2030", "--db", lab, "--pdf")
    earlier = tmp_path / "antes" / "informe.pdf"
    earlier.parent.mkdir()
    assert run(*report, earlier) == 0 and earlier.read_bytes().rstrip().endswith(b"%%EOF")
    folder = tmp_path / "informes"
    listing = _in_a_full_folder(folder, earlier, *report, folder / earlier.name)
    assert listing[0] == earlier.name and "SAME" in listing
    _database_is_fine(lab)


@needs_mounts
def test_a_database_on_a_full_disk_is_one_spanish_message(lab, tmp_path):
    """A REAL full disk under the database: the COMMIT fails, SQLite undoes the
    transaction, and peewee's ROLLBACK then fails too; the command line printed that
    second error in English («cannot rollback - no transaction is active»)."""
    folder = tmp_path / "datos"
    more = ("seed-demo", "--customers", "3000", "--requests", "0")
    # room for SQLite's 32 KB shared-memory file and a little of the write-ahead log
    listing = _in_a_full_folder(folder, lab, "--db", folder / lab.name, *more, room_kb=96)
    assert lab.name in listing


def test_killed_export_leaves_a_temp_file_that_the_next_start_sweeps(lab, tmp_path):
    folder = tmp_path / "exportaciones"
    folder.mkdir()
    out = folder / "clientes.csv"
    out.write_text("anterior\n", encoding="utf-8")

    kill_at("atomic-commit", "export", "customers", "--db", lab, "--out", out)

    left = temp_files(folder)
    assert len(left) == 1 and left[0].startswith(".patolab-tmp-")  # one recognisable name
    assert out.read_text(encoding="utf-8") == "anterior\n"
    # the next start of the program (any command) removes it: the folder was remembered
    assert run_process("--db", lab, "check").returncode == 0
    assert temp_files(folder) == []
    assert out.read_text(encoding="utf-8") == "anterior\n"


def test_killed_backup_leaves_nothing_after_the_next_start(lab, tmp_path):
    folder = tmp_path / "copias"
    kill_at("atomic-commit", "--db", lab, "backup", "--folder", folder)
    assert len(temp_files(folder)) == 1  # the half-made copy, under the temp pattern
    assert not [p for p in folder.iterdir() if not files.is_temp_name(p.name)]
    assert run_process("--db", lab, "backups", "--folder", folder).returncode == 0
    assert list(folder.iterdir()) == []
    _database_is_fine(lab)


def test_sweep_keeps_a_live_writer_and_removes_dead_and_legacy_files(tmp_path):
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead_pid = int(dead.stdout)
    mine = tmp_path / f".patolab-tmp-{os.getpid()}-0123abcd-en-curso.csv.tmp"
    gone = tmp_path / f".patolab-tmp-{dead_pid}-0123abcd-muerto.csv.tmp"
    legacy = tmp_path / ".clientes.csv.1a2b3c4d.part"
    keep = tmp_path / "datos.csv"
    for path in (mine, gone, legacy, keep):
        path.write_text("x", encoding="utf-8")
    download = tmp_path / "informe.pdf.part"  # a browser's download: not ours
    old_backup = tmp_path / "lab-20260101-090000-manual.db.part"
    for path in (download, old_backup):
        path.write_text("x", encoding="utf-8")
    removed = files.sweep([tmp_path], own_folders=False)  # a folder the user exported to
    assert sorted(p.name for p in removed) == sorted([gone.name, legacy.name])
    assert mine.exists() and keep.exists() and download.exists() and old_backup.exists()
    assert files.sweep([tmp_path]) == [old_backup]  # the program's own folders: also that
    # a day later even a "live" pid (reused) does not keep it
    assert files.sweep([tmp_path], now=mine.stat().st_mtime + files.STALE_AFTER_S + 1) == [mine]


def test_failed_sqlite_backup_removes_its_temp_and_journal(lab, tmp_path, monkeypatch):
    folder = tmp_path / "copias"
    open_db(lab)
    try:

        def failing(*args, **kwargs):
            raise sqlite3.OperationalError("database or disk is full")

        monkeypatch.setattr("patolab_desktop.db.database.sqlite3.connect", failing)
        with pytest.raises(backups.BackupError, match="espacio"):
            backups.backup_now(folder)
    finally:
        monkeypatch.undo()
        close_db()
    assert list(folder.iterdir()) == []
    _database_is_fine(lab)
