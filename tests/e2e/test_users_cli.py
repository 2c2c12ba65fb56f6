"""The CLI cannot escalate (issue 15, point 5).

A command that reads or changes lab data acts as the user named by ``--user`` (password
from ``getpass`` or ``PATOLAB_PASSWORD``), with that user's permissions. Without one,
only a brand-new SQLite database (no users) is served, and ``users reset-admin`` is the
physical-access recovery on a local SQLite file — never on PostgreSQL.
"""

from __future__ import annotations

import io

import pytest

from patolab_desktop import cli
from patolab_desktop.db.models import AuditLog, User
from patolab_desktop.services.access import auth, permissions, session
from patolab_desktop.services.bootstrap import close_db, open_db
from tests.security_helpers import fast_hashing, make_user, no_session  # noqa: F401

pytestmark = [pytest.mark.usefixtures("no_session", "fast_hashing"), pytest.mark.sqlite_only]

ADMIN_PASSWORD = "una-clave-larga"
RECEPTION_PASSWORD = "clave-segura-1"


def run(capsys, *argv, stdin=None, monkeypatch=None, password=None):
    if monkeypatch is not None:
        if stdin is not None:
            monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        if password is None:
            monkeypatch.delenv("PATOLAB_PASSWORD", raising=False)
        else:
            monkeypatch.setenv("PATOLAB_PASSWORD", password)
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def lab(db_path, capsys, monkeypatch):
    """A lab database with an administrator (marta) and a receptionist (ana)."""
    create_marta = ("create-admin", "marta", "--full-name", "Marta Zelaya", "--password-stdin")
    stdin = ADMIN_PASSWORD + "\n"
    code, _, err = run(
        capsys, "--db", db_path, "users", *create_marta, stdin=stdin, monkeypatch=monkeypatch
    )
    assert code == 0, err
    open_db(db_path)
    make_user("ana", permissions.ROLE_RECEPTION, RECEPTION_PASSWORD)
    close_db()
    return db_path


def test_first_admin_on_a_brand_new_database_needs_no_user(lab):
    open_db(lab)
    assert User.get(User.username_folded == "marta").password_hash.startswith("$argon2id$")
    assert not auth.needs_first_admin()
    close_db()


def test_without_user_a_database_with_users_is_refused(lab, capsys, monkeypatch):
    for argv in (
        ("users", "list"),
        ("users", "create-admin", "eva", "--full-name", "Eva", "--password-stdin"),
        ("seed-demo", "--customers", "1"),
        ("export", "customers", "--out", lab.parent / "c.csv"),
        ("backup", "--folder", lab.parent / "copias"),
    ):
        code, _out, err = run(
            capsys, "--db", lab, *argv, stdin="otra-clave-larga\n", monkeypatch=monkeypatch
        )
        assert code == 1, argv
        assert "--user" in err and "PATOLAB_PASSWORD" in err, argv
    assert not (lab.parent / "c.csv").exists()
    open_db(lab)
    assert not User.select().where(User.username_folded == "eva").exists()
    close_db()


def test_read_only_health_commands_need_no_user(lab, capsys, monkeypatch):
    code, out, _ = run(capsys, "--db", lab, "check", monkeypatch=monkeypatch)
    assert code == 0 and "Integridad: correcta" in out
    code, _, _ = run(
        capsys, "--db", lab, "backups", "--folder", lab.parent, monkeypatch=monkeypatch
    )
    assert code == 0


def test_a_receptionist_cannot_escalate(lab, capsys, monkeypatch):
    def as_ana(*argv, stdin=None):
        return run(
            capsys,
            *("--db", lab, "--user", "ana", *argv),
            stdin=stdin,
            monkeypatch=monkeypatch,
            password=RECEPTION_PASSWORD,
        )

    new_admin = ("create-admin", "eva", "--full-name", "Eva", "--password-stdin")
    code, _, err = as_ana("users", *new_admin, stdin="otra-clave-larga\n")
    assert code == 1 and "permiso" in err
    reset = ("reset-password", "marta", "--password-stdin")
    code, _, err = as_ana("users", *reset, stdin="me-quedo-con-todo\n")
    assert code == 1 and "permiso" in err
    code, _, err = as_ana("export", "customers", "--out", lab.parent / "c.csv")
    assert code == 1 and "permiso" in err and not (lab.parent / "c.csv").exists()
    open_db(lab)
    assert not User.select().where(User.username_folded == "eva").exists()
    assert auth.login("marta", ADMIN_PASSWORD).username == "marta"  # password unchanged
    session.set_current(None)
    close_db()


def test_a_wrong_password_is_refused_and_counted(lab, capsys, monkeypatch):
    code, _, err = run(
        capsys, "--db", lab, "--user", "marta", "users", "list",
        monkeypatch=monkeypatch, password="no-es-la-clave",
    )  # fmt: skip
    assert code == 1 and "Usuario o contraseña incorrectos" in err
    open_db(lab)
    assert User.get(User.username_folded == "marta").failed_attempts == 1
    close_db()


def test_an_administrator_acts_with_her_permissions_and_is_audited(lab, capsys, monkeypatch):
    as_marta = ("--db", lab, "--user", "marta")
    reset_ana = ("users", "reset-password", "ANA", "--password-stdin")
    code, out, err = run(
        capsys,
        *as_marta,
        *reset_ana,
        stdin="temporal-1234\n",
        monkeypatch=monkeypatch,
        password=ADMIN_PASSWORD,
    )
    assert code == 0, err
    code, out, _ = run(
        capsys, "--db", lab, "--user", "marta", "users", "list",
        monkeypatch=monkeypatch, password=ADMIN_PASSWORD,
    )  # fmt: skip
    assert code == 0 and "ana" in out and "debe cambiar" in out
    open_db(lab)
    rows = [(r.username, r.action) for r in AuditLog.select().order_by(AuditLog.id)]
    assert ("marta", "password_reset") in rows and ("marta", "login") in rows
    assert not any(name == "cli" for name, _ in rows[2:])  # only the first admin's set-up
    close_db()


def test_password_is_asked_with_getpass_when_not_in_the_environment(lab, capsys, monkeypatch):
    asked = []
    monkeypatch.setattr("getpass.getpass", lambda prompt="": asked.append(prompt) or ADMIN_PASSWORD)
    code, out, _ = run(
        capsys, "--db", lab, "--user", "marta", "users", "list", monkeypatch=monkeypatch
    )
    assert code == 0 and asked == ["Contraseña de marta: "] and "marta" in out


def test_reset_admin_is_the_physical_access_recovery(lab, capsys, monkeypatch):
    open_db(lab)
    User.update(locked_until=auth.clock().replace(year=2099)).execute()
    close_db()
    code, _out, err = run(
        capsys,
        "--db",
        lab,
        "users",
        "reset-admin",
        "marta",
        "--password-stdin",
        stdin="temporal-1234\n",
        monkeypatch=monkeypatch,
    )
    assert code == 0, err
    open_db(lab)
    actor = auth.login("marta", "temporal-1234")
    assert actor.must_change_password and actor.role == permissions.ROLE_ADMIN
    rows = [(r.username, r.action) for r in AuditLog.select().order_by(AuditLog.id)]
    assert ("recuperacion", "password_reset") in rows
    session.set_current(None)
    close_db()


def test_never_without_a_user_on_postgresql(lab, capsys, monkeypatch):
    """A server database: neither the recovery nor the brand-new exception applies (the
    PostgreSQL connection is simulated: the database answers "not SQLite")."""
    from patolab_desktop.db import database

    monkeypatch.setattr(database, "is_sqlite", lambda *a, **k: False)
    code, _, err = run(
        capsys, "--db", lab, "users", "reset-admin", "marta", "--password-stdin",
        stdin="temporal-1234\n", monkeypatch=monkeypatch,
    )  # fmt: skip
    assert code == 1 and "PostgreSQL" in err


def test_brand_new_exception_is_sqlite_only(db_path, capsys, monkeypatch):
    from patolab_desktop.db import database

    open_db(db_path)  # a brand-new database: no users
    close_db()
    monkeypatch.setattr(database, "is_sqlite", lambda *a, **k: False)
    code, _, err = run(
        capsys, "--db", db_path, "seed-demo", "--customers", "1", "--requests", "0",
        monkeypatch=monkeypatch,
    )  # fmt: skip
    assert code == 1 and "--user" in err


def test_unknown_user_is_a_clear_error(lab, capsys, monkeypatch):
    code, _, err = run(
        capsys, "--db", lab, "--user", "marta", "users", "unlock", "nadie",
        monkeypatch=monkeypatch, password=ADMIN_PASSWORD,
    )  # fmt: skip
    assert code == 1 and "No existe el usuario" in err


def _end_of_input(monkeypatch):
    """``getpass`` answered with end of input (Ctrl+D, or a script piping nothing): like
    the real one without a terminal, it writes the prompt and raises ``EOFError``."""
    import sys

    def getpass(prompt=""):
        sys.stderr.write(prompt)
        raise EOFError

    monkeypatch.setattr("getpass.getpass", getpass)


def test_end_of_input_at_a_password_prompt_says_so_in_spanish(lab, capsys, monkeypatch):
    _end_of_input(monkeypatch)
    code, _, err = run(
        capsys, "--db", lab, "--user", "marta", "users", "list", monkeypatch=monkeypatch
    )
    assert code == 1 and "EOFError" not in err
    assert "Contraseña de marta: \nError: No se leyó ninguna contraseña (fin de la entrada)" in err
    assert "PATOLAB_PASSWORD" in err


def test_end_of_input_when_creating_the_first_admin(db_path, capsys, monkeypatch):
    _end_of_input(monkeypatch)
    code, _, err = run(
        capsys, "--db", db_path, "users", "create-admin", "marta", "--full-name", "Marta Zelaya",
        monkeypatch=monkeypatch,
    )  # fmt: skip
    assert code == 1 and "EOFError" not in err
    assert "Contraseña: \nError: No se leyó ninguna contraseña (fin de la entrada)" in err
    assert "--password-stdin" in err
    open_db(db_path)
    assert auth.needs_first_admin()  # nobody was created
    close_db()
