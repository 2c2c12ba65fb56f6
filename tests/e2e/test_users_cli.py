"""``patolab users …``: access recovery from the command line, acting as ``cli``."""

from __future__ import annotations

import argparse
import io

import pytest

from patolab_desktop.commands import users as users_cmd
from patolab_desktop.db.models import AuditLog, User
from patolab_desktop.services.access import auth, permissions, session
from patolab_desktop.services.bootstrap import close_db, open_db
from tests.security_helpers import fast_hashing, no_session  # noqa: F401

pytestmark = [pytest.mark.usefixtures("no_session", "fast_hashing"), pytest.mark.sqlite_only]


def _run(db_path, *argv, stdin="", monkeypatch=None):
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", default=argparse.SUPPRESS)
    parser = argparse.ArgumentParser(prog="patolab")
    sub = parser.add_subparsers(dest="command")
    users_cmd.register(sub, common)
    args = parser.parse_args(["users", *argv, "--db", str(db_path)])
    if monkeypatch is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    try:
        return args.handler(args)
    finally:
        close_db()


def test_create_admin_reset_password_and_unlock(db_path, monkeypatch, capsys):
    assert (
        _run(
            db_path,
            "create-admin",
            "marta",
            "--full-name",
            "Marta Zelaya",
            "--password-stdin",
            stdin="una-clave-larga\n",
            monkeypatch=monkeypatch,
        )
        == 0
    )
    open_db(db_path)
    assert User.get(User.username_folded == "marta").password_hash.startswith("$argon2id$")
    assert not auth.needs_first_admin()
    User.update(locked_until=auth.clock().replace(year=2099)).execute()
    close_db()
    assert _run(db_path, "unlock", "marta") == 0
    assert (
        _run(
            db_path,
            "reset-password",
            "MARTA",
            "--password-stdin",
            stdin="temporal-123\n",
            monkeypatch=monkeypatch,
        )
        == 0
    )
    assert _run(db_path, "list") == 0
    out = capsys.readouterr().out
    assert "marta" in out and "debe cambiar" in out
    open_db(db_path)
    actor = auth.login("marta", "temporal-123")
    assert actor.must_change_password and actor.role == permissions.ROLE_ADMIN
    rows = [(r.username, r.action) for r in AuditLog.select().order_by(AuditLog.id)]
    assert ("cli", "account_unlock") in rows and ("cli", "password_reset") in rows
    session.set_current(None)
    close_db()


def test_unknown_user_is_a_clear_error(db_path):
    from patolab_desktop.services.errors import NotFoundError

    with pytest.raises(NotFoundError, match="No existe el usuario"):
        _run(db_path, "unlock", "nadie")
