"""Issue 15, point 13 from the command line: ``recovery-key`` for an administrator, and
``--recovery-key`` on a workstation that does not hold the identity key yet."""

from __future__ import annotations

import csv

import pytest

from patolab_desktop import cli
from patolab_desktop.db import identity as db_identity
from patolab_desktop.services.bootstrap import close_db, open_db
from patolab_desktop.util import identity_crypto as crypto
from tests.e2e.lab_customers import add_jose_perez
from tests.security_helpers import PASSWORD, fast_hashing, make_user  # noqa: F401


@pytest.fixture
def lab_db(tmp_path, monkeypatch, fast_hashing):  # noqa: F811
    path = tmp_path / "lab.db"
    open_db(path)
    try:
        add_jose_perez()
        make_user("admin", "Administrador")
        ident = db_identity.database_id()
    finally:
        close_db()
    monkeypatch.setenv("PATOLAB_PASSWORD", PASSWORD)
    return path, ident


def run(*args) -> int:
    return cli.main([str(a) for a in args])


def _exported_numbers(path) -> list[str]:
    rows = list(csv.reader(path.read_bytes().decode("utf-8-sig").splitlines()))
    return [r[1] for r in rows[1:]]


def test_recovery_key_command_and_a_new_workstation(lab_db, tmp_path, capsys):
    db, ident = lab_db
    assert run("recovery-key", "--db", db, "--user", "admin") == 0
    out = capsys.readouterr().out
    key = next(line for line in out.splitlines() if line.count("-") == 13)
    assert "NADIE podrá volver a leer" in out and "--confirm" in out
    assert run("recovery-key", "--db", db, "--user", "admin", "--confirm") == 0

    crypto.forget_key(ident)  # the same database opened on another PC
    export = tmp_path / "clientes.csv"
    capsys.readouterr()
    # no key here: no file of «****-****-*****» (it said it went well), the way to the key
    assert run("export", "customers", "--db", db, "--user", "admin", "--out", export) == 1
    assert "--recovery-key" in capsys.readouterr().err and not export.exists()

    def export_with_key(recovery_key):
        exporting = ("export", "customers", "--db", db, "--user", "admin", "--out", export)
        return run("--recovery-key", recovery_key, *exporting)  # a global option, before it

    assert export_with_key("AAAA-BBBB") == 1
    assert "no es correcta" in capsys.readouterr().err

    assert export_with_key(key) == 0
    assert _exported_numbers(export) == ["0501-1990-12345"]
    assert crypto.stored_key(ident)  # kept in this workstation's store from now on


def test_the_sheet_is_saved_to_the_file_asked(lab_db, tmp_path, capsys):
    db, _ident = lab_db
    sheet = tmp_path / "usb" / "clave.txt"
    sheet.parent.mkdir()
    assert run("recovery-key", "--db", db, "--user", "admin", "--out", sheet) == 0
    text = sheet.read_text(encoding="utf-8")
    assert "NADIE" in text and text.count("-") >= 13
    assert run("recovery-key", "--db", db, "--user", "admin", "--out", db) == 1  # never the db


def test_a_receptionist_cannot_see_the_recovery_key(lab_db, capsys):
    db, _ident = lab_db
    open_db(db)
    try:
        make_user("recepcion", "Recepción")
    finally:
        close_db()
    assert run("recovery-key", "--db", db, "--user", "recepcion") == 1
    assert "permiso" in capsys.readouterr().err.lower()
