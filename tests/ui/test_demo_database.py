"""The demo database of ``make run`` opens with the users the README names."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from patolab_desktop.demo.users import DEMO_USERS
from patolab_desktop.services.access import auth
from patolab_desktop.services.bootstrap import close_db, open_db
from patolab_desktop.ui.app import ensure_demo_database

README = Path(__file__).resolve().parents[2] / "README.md"


def test_each_demo_user_logs_in_with_the_readme_password_and_its_role():
    target = ensure_demo_database()
    open_db(target)
    try:
        text = README.read_text(encoding="utf-8")
        logged_in = []
        for username, (_name, role, password) in DEMO_USERS.items():
            if role not in {r for r in _roles()}:
                continue  # a role this version does not seed
            actor = auth.login(username, password)
            assert actor.role == role and not actor.must_change_password
            assert f"`{username}`" in text and f"`{password}`" in text
            logged_in.append(username)
            auth.logout()
        assert {"admin", "supervisor", "recepcion"} <= set(logged_in)
    finally:
        close_db()


def _roles():
    from patolab_desktop.db.models import Role

    return [r.name for r in Role.select()]


def test_the_demo_file_is_complete_alone_and_nothing_of_its_making_is_left(tmp_path, monkeypatch):
    """A statement that outlives its connection (a cursor kept by a stored traceback, as
    keyring's first backend search keeps one) defers SQLite's close: the filled file stays
    open with its -wal. The demo file is a backup-API copy, so it is complete without any
    -wal, and the working files are removed (Windows cannot rename a file still open)."""
    from patolab_desktop.db.database import db
    from patolab_desktop.demo import fill
    from patolab_desktop.paths import demo_db_path

    kept = []
    real_seed = fill.seed_demo

    def seed_and_keep_a_cursor(*args, **kwargs):
        result = real_seed(*args, **kwargs)
        cursor = db.cursor()
        cursor.executemany("INSERT INTO gender (code, name) VALUES (?, ?)", [("Z", "Demo")])
        kept.append(cursor)  # outlives the close
        return result

    monkeypatch.setattr(fill, "seed_demo", seed_and_keep_a_cursor)
    target = Path(ensure_demo_database())
    assert target == demo_db_path()
    beside = sorted(p.name for p in target.parent.iterdir() if p.name.startswith(target.stem))
    assert beside == [target.name]  # no -wal, -shm or .creating files
    with sqlite3.connect(target) as alone:
        users = {row[0] for row in alone.execute("SELECT username FROM user")}
        genders = {row[0] for row in alone.execute("SELECT name FROM gender")}
    assert {"admin", "supervisor", "recepcion"} <= users and "Demo" in genders
    kept.clear()
