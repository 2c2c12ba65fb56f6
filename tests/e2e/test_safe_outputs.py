"""Issue 15, point 1: no writer ever writes over a database, a backup or a folder.

Every CLI writer (``--out``, ``--pdf``, ``--json``, ``--to``), the GUI save dialog (the
one ``prompts.save_file`` every screen uses) and the backup folder go through
``services.safety.outputs``; an ordinary file is replaced atomically.
"""

from __future__ import annotations

import os
import re
import sqlite3
import stat
from pathlib import Path

import pytest

from patolab_desktop.services.bootstrap import close_db, open_db
from patolab_desktop.services.safety import backups, outputs
from tests.safety_helpers import ROOT, SQLITE_HEADER, make_lab, run, temp_files

pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def lab(tmp_path) -> Path:
    return make_lab(tmp_path / "lab.db")


def _intact(db: Path) -> None:
    assert db.read_bytes()[:16] == SQLITE_HEADER
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT COUNT(*) FROM customer").fetchone()[0] == 30
    finally:
        conn.close()


# each export pointed at a file it must not overwrite: (what, --out)
EXPORTS_OVER = [
    ("customers", "{db}"),
    ("patients", "{db}"),
    ("requests", "{db}-wal"),
    ("referrers", "{db}-shm"),
    ("catalog", "{db}-journal"),
    ("customers", "{other}"),
    ("customers", "{renamed}"),
    ("customers", "{backup}"),
    ("customers", "{folder}"),
]


@pytest.mark.parametrize(
    "args",
    [("export", what, "--out", target) for what, target in EXPORTS_OVER]
    + [
        ("report", "--from", "01/01/2026", "--to", "31/12/2026", "--pdf", "{db}"),
        ("print-summary", "{number}", "--pdf", "{renamed}"),
        ("labels", "{number}", "--pdf", "{backup}"),
    ],
)
def test_cli_writers_refuse_databases_backups_and_folders(lab, tmp_path, capsys, args):
    other = make_lab(tmp_path / "otra.db", customers=3, requests=0)
    renamed = tmp_path / "clientes.csv"  # an SQLite file with an innocent name
    renamed.write_bytes(other.read_bytes())
    open_db(lab)
    backup = backups.backup_now(tmp_path / "copias", kind="inicio")
    from patolab_desktop.db.models import LabRequest

    number = LabRequest.select(LabRequest.request_number).first().request_number
    close_db()
    folder = tmp_path / "carpeta"
    folder.mkdir()
    values = {
        "db": lab,
        "other": other,
        "renamed": renamed,
        "backup": backup,
        "folder": folder,
        "number": number,
    }
    argv = [a.format(**values) for a in args]
    before = {p: p.read_bytes() for p in (lab, other, renamed, backup)}

    code = run(*argv, "--db", lab)

    captured = capsys.readouterr()
    assert code == 1, captured
    assert "Traceback" not in captured.err
    assert re.search(r"base de datos|copias de seguridad|carpeta|SQLite", captured.err)
    for path, content in before.items():
        assert path.read_bytes()[:16] == content[:16] == SQLITE_HEADER
    _intact(lab)
    assert not Path(f"{lab}-journal").exists() or Path(f"{lab}-journal").stat().st_size == 0
    assert temp_files(tmp_path) == []


def test_ordinary_file_is_replaced_atomically(lab, tmp_path, capsys):
    out = tmp_path / "clientes.csv"
    out.write_text("versión anterior\n", encoding="utf-8")
    assert run("export", "customers", "--db", lab, "--out", out) == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbfNombre")
    assert temp_files(tmp_path) == []


def test_guard_refuses_each_kind_of_target(lab, tmp_path):
    open_db(lab)
    try:
        for target in (lab, f"{lab}-wal", f"{lab}-shm", f"{lab}-journal", tmp_path):
            with pytest.raises(outputs.OutputRefused):
                outputs.check_output(target)
        with pytest.raises(outputs.OutputRefused, match="no existe"):
            outputs.check_output(tmp_path / "no" / "x.csv")
        named = tmp_path / "lab-20260101-090000-manual.db"  # named like our backups
        with pytest.raises(outputs.OutputRefused):
            outputs.check_output(named)
        dump = tmp_path / "copia.bin"
        dump.write_bytes(b"PGDMP\x01\x0e")
        with pytest.raises(outputs.OutputRefused):
            outputs.check_output(dump)
        assert outputs.check_output(tmp_path / "nuevo.csv") == tmp_path / "nuevo.csv"
        # the backup folder may not be the database (or any file)
        with pytest.raises(outputs.OutputRefused):
            backups.backup_now(lab)
        note = tmp_path / "nota.txt"
        note.write_text("x", encoding="utf-8")
        for folder in (note, note / "sub"):
            with pytest.raises(outputs.OutputRefused):
                backups.backup_now(folder)
        assert note.read_text(encoding="utf-8") == "x"
    finally:
        close_db()
    _intact(lab)


def test_bench_json_is_refused_before_measuring(lab, capsys):
    assert run("bench", "--customers", "1", "--requests", "1", "--json", lab) == 1
    assert re.search("SQLite|base de datos abierta", capsys.readouterr().err)
    _intact(lab)


def test_gui_save_dialog_refuses_the_database_and_asks_again(lab, tmp_path, monkeypatch, qapp):
    from PySide6.QtWidgets import QFileDialog

    from patolab_desktop.ui import prompts

    answers = [str(lab), str(tmp_path), str(tmp_path / "bien.csv")]
    errors = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (answers.pop(0), ""))
    monkeypatch.setattr(prompts, "error", lambda parent, title, text: errors.append(text))
    open_db(lab)
    try:
        assert prompts.save_file(None, "Exportar", "x.csv", "CSV (*.csv)") == str(
            tmp_path / "bien.csv"
        )
    finally:
        close_db()
    assert len(errors) == 2 and "base de datos abierta" in errors[0] and "carpeta" in errors[1]


def test_every_gui_save_dialog_goes_through_the_guarded_prompt():
    """Only ui/prompts.py may call QFileDialog.getSaveFileName: every screen asks through
    ``prompts.save_file`` (guarded) or ``prompts.save_database_file`` (the DB chooser)."""
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "patolab_desktop").rglob("*.py")
        if "getSaveFileName" in path.read_text(encoding="utf-8") and path.name != "prompts.py"
    ]
    assert offenders == []


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_exported_file_replaces_without_leaving_a_readable_temp(lab, tmp_path):
    out = tmp_path / "pacientes.csv"
    assert run("export", "patients", "--db", lab, "--out", out) == 0
    assert out.exists() and stat.S_ISREG(out.stat().st_mode)
    assert temp_files(tmp_path) == []


@pytest.mark.parametrize("which", ["lab", "other", "text"])
def test_migrate_to_never_writes_into_an_existing_file(lab, tmp_path, capsys, which):
    other = make_lab(tmp_path / "otra.db", customers=3, requests=0)
    text = tmp_path / "notas.txt"
    text.write_text("notas\n", encoding="utf-8")
    target = {"lab": lab, "other": other, "text": text}[which]
    before = target.read_bytes()
    assert run("--db", lab, "migrate-to", "--to", f"sqlite:///{target}") == 1
    assert re.search("ya existe|ya tiene datos", capsys.readouterr().err)
    assert target.read_bytes() == before
    _intact(lab)


def test_gui_start_sweeps_leftovers(tmp_path, qapp):
    from patolab_desktop import paths
    from patolab_desktop.ui.admin import backup_actions

    dead = tmp_path / ".patolab-tmp-999999999-0123abcd-x.csv.tmp"
    dead.write_text("datos a medias", encoding="utf-8")
    (paths.data_dir() / outputs.TEMP_FOLDERS_FILE).write_text(f"{tmp_path}\n", encoding="utf-8")
    assert backup_actions.sweep_leftovers() == 1
    assert not dead.exists()
