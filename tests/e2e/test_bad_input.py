"""Issue 15, point 10: bad input gets a message, never a traceback (CLI exit 1 or 2).

Each case of the issue, through the real command line (a subprocess where a traceback
would show on stderr) or the service every screen uses, as the role that types it.
"""

from __future__ import annotations

import io
import re
import sqlite3
from pathlib import Path

import pytest

from patolab_desktop.services.access import permissions, session
from tests.safety_helpers import ROOT, cli_env, lab_in_its_own_home, make_lab, run, run_process
from tests.security_helpers import login_as

WORDS_300 = " ".join(f"palabra{i}" for i in range(300))
CONTROL_INPUTS = [
    "pé\x00rez",
    "\x00",
    "ana\x1b[31m",
    "jo\u200bsé",
    "\x07\x08\x7f",
    "ma\u202eria",
    WORDS_300,
    "a " * 500,
    "(" * 300 + "x",
    '"' * 200,
    "SPS-2026-" + "9" * 400,
    "0801" * 300,
]


@pytest.fixture(scope="module")
def lab_file(tmp_path_factory) -> Path:
    # the tests then read the numbers as a workstation without the key: fully hidden
    return lab_in_its_own_home(tmp_path_factory, "bad", customers=40, requests=20)


def _no_traceback(done) -> None:
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout, done.stderr


@pytest.mark.sqlite_only
def test_a_database_of_a_newer_schema_is_a_message(tmp_path):
    path = make_lab(tmp_path / "nueva.db", customers=2, requests=0)
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO schema_version (version, applied_at) VALUES (999, '2030-01-01')")
    conn.commit()
    conn.close()
    for args in (("check",), ("export", "customers", "--out", tmp_path / "x.csv")):
        done = run_process(*args, "--db", path)
        assert done.returncode == 1, done
        assert re.search("versión más nueva|versión del esquema 999", done.stdout + done.stderr)
        _no_traceback(done)


def test_a_postgresql_url_with_port_abc_is_a_message(tmp_path):
    done = run_process("--db", "postgresql://lab@localhost:abc/patolab", "check")
    assert done.returncode == 1 and "puerto" in done.stderr.lower()
    _no_traceback(done)
    done = run_process(
        "--db",
        "postgresql://lab@localhost:abc/patolab",
        "export",
        "customers",
        "--out",
        tmp_path / "x.csv",
    )
    assert done.returncode == 1 and "puerto" in done.stderr.lower()
    assert not (tmp_path / "x.csv").exists()


@pytest.mark.sqlite_only
@pytest.mark.parametrize("option", ["--patient", "--doctor", "--branch"])
def test_a_huge_record_number_is_a_message(lab_file, tmp_path, option):
    huge = "9" * 30
    done = run_process(
        "export", "requests", "--db", lab_file, "--out", tmp_path / "s.csv", option, huge
    )
    assert done.returncode == 2, done
    _no_traceback(done)
    assert not (tmp_path / "s.csv").exists()


@pytest.mark.sqlite_only
def test_a_directory_as_out_is_a_message(lab_file, tmp_path):
    for args in (
        ("export", "customers", "--out", tmp_path),
        ("report", "--from", "01/01/2026", "--to", "31/01/2026", "--pdf", tmp_path),
    ):
        done = run_process(*args, "--db", lab_file)
        assert done.returncode in (1, 2) and "carpeta" in done.stderr, done
        _no_traceback(done)


@pytest.mark.sqlite_only
def test_database_is_locked_after_the_busy_timeout_is_a_message(lab_file):
    holder = sqlite3.connect(lab_file)
    holder.execute("BEGIN EXCLUSIVE")  # another program holds the write lock
    try:
        done = run_process("--db", lab_file, "backup", env=cli_env(PATOLAB_BUSY_TIMEOUT_MS=50))
    finally:
        holder.rollback()
        holder.close()
    assert done.returncode == 1, done
    assert "bloqueada" in done.stderr or "ocupada" in done.stderr
    _no_traceback(done)


@pytest.mark.sqlite_only
def test_check_of_a_mistyped_path_creates_no_file(tmp_path):
    folder = tmp_path / "datos"
    folder.mkdir()
    done = run_process("--db", folder / "lba.db", "check")
    assert done.returncode == 1 and "no existe" in done.stderr
    _no_traceback(done)
    assert list(folder.iterdir()) == []


MISTYPED_PATH_COMMANDS = [
    ("export", "customers", "--out", "{folder}/c.csv"),
    ("users", "reset-admin", "marta", "--password-stdin"),
    ("users", "list", "--user", "marta"),
    ("request-status", "SPS-2026-000001"),
    ("import-catalog", "{folder}/catalogo.csv"),
    ("daily-sales",),
    ("notify",),
    ("workstation",),
    ("recovery-key",),
]


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    "command", MISTYPED_PATH_COMMANDS, ids=lambda c: " ".join(w for w in c[:2] if "{" not in w)
)
def test_a_mistyped_path_is_refused_by_every_command_and_creates_no_file(
    tmp_path, capsys, monkeypatch, command
):
    """Only the commands that start a new database (``users create-admin``, ``seed-demo``)
    create one; any other is refused like ``check``, not run on a new empty file."""
    monkeypatch.setenv("PATOLAB_PASSWORD", "clave-de-marta")
    monkeypatch.setattr("sys.stdin", io.StringIO("Temporal-2026\n"))
    folder = tmp_path / "datos"
    folder.mkdir()
    (folder / "catalogo.csv").write_text("codigo,nombre\n", encoding="utf-8")
    args = [part.format(folder=folder) for part in command]
    assert run("--db", folder / "patolab.bd", *args) == 1
    err = capsys.readouterr().err
    assert "no existe" in err and "no se creó ningún archivo" in err, err
    assert sorted(p.name for p in folder.iterdir()) == ["catalogo.csv"]


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    "command",
    [("users", "create-admin", "ana", "--full-name", "Ana", "--password-stdin"), ("seed-demo",)],
)
def test_the_commands_of_the_first_start_create_the_database(
    tmp_path, capsys, monkeypatch, command
):
    monkeypatch.setattr("sys.stdin", io.StringIO("Clave-Nueva-2026\n"))
    extra = ["--customers", "5", "--requests", "2"] if command[0] == "seed-demo" else []
    assert run("--db", tmp_path / "nueva.db", *command, *extra) == 0, capsys.readouterr().err
    assert (tmp_path / "nueva.db").stat().st_size > 0


@pytest.mark.sqlite_only
@pytest.mark.parametrize("target", ["not-a-url", "{folder}/destino.db", "mysql://x@y/z"])
def test_migrate_to_something_not_a_url_creates_no_file(lab_file, tmp_path, target):
    folder = tmp_path / "destino"
    folder.mkdir()
    done = run_process("--db", lab_file, "migrate-to", "--to", target.format(folder=folder))
    assert done.returncode == 1, done
    assert "postgresql://" in done.stderr
    _no_traceback(done)
    assert list(folder.iterdir()) == []
    assert not (ROOT / "not-a-url").exists()


@pytest.mark.parametrize("text", CONTROL_INPUTS)
def test_every_search_ignores_control_characters_and_long_input(database, text):
    """As a receptionist types or pastes it: customers, requests, referrers, catalog; as
    an administrator: users."""
    from patolab_desktop.services import catalog, customers, requests
    from patolab_desktop.services.access import users
    from patolab_desktop.services.catalog import referrers
    from patolab_desktop.services.paging import PageRequest

    with session.acting_as(login_as(permissions.ROLE_RECEPTION)):
        customers.page(customers.CustomerFilter(search=text), PageRequest())
        requests.page(requests.RequestFilter(search=text), PageRequest())
        referrers.search(text)
        referrers.page(referrers.ReferrerFilter(search=text), PageRequest())
        catalog.search(text)
        catalog.page(catalog.CatalogFilter(search=text), PageRequest())
    with session.acting_as(login_as(permissions.ROLE_ADMIN)):
        users.page(users.UserFilter(search=text), PageRequest())


def test_control_characters_are_ignored_not_searched(database):
    from patolab_desktop.util.text import MAX_SEARCH_TERMS, search_input

    assert search_input("pé\x00rez") == "pérez"
    assert search_input("ana\tmaría\n") == "ana maría"
    assert search_input("jo\u200bsé") == "josé"
    assert len(search_input(WORDS_300).split()) == MAX_SEARCH_TERMS


@pytest.mark.sqlite_only
def test_a_huge_cli_search_is_cut_not_an_error(lab_file, tmp_path):
    out = tmp_path / "c.csv"
    assert run("export", "customers", "--db", lab_file, "--out", out, "--search", WORDS_300) == 0
    assert out.exists()


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    ("option", "said"),
    [
        ("--patient", "No existe el paciente con el id 999999."),
        ("--doctor", "No existe el médico remitente con el id 999999."),
        ("--branch", "sucursal desconocida"),
    ],
)
def test_an_export_for_a_record_that_does_not_exist_is_refused(
    lab_file, tmp_path, capsys, option, said
):
    """Not an empty file that reads as "this patient has no requests"."""
    out = tmp_path / "s.csv"
    assert run("export", "requests", "--db", lab_file, "--out", out, option, "999999") == 2
    assert said in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.sqlite_only
def test_the_backups_of_a_folder_that_does_not_exist_are_refused(lab_file, tmp_path, capsys):
    with pytest.raises(SystemExit) as exited:  # argparse: a bad argument
        run("backups", "--db", lab_file, "--folder", tmp_path / "no-existe")
    assert exited.value.code == 2
    assert "la carpeta no existe" in capsys.readouterr().err
    assert run("backups", "--db", lab_file, "--folder", tmp_path) == 0
    assert "No hay copias de seguridad." in capsys.readouterr().out
