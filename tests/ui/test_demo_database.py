"""The demo database of ``make run`` opens with the users the README names."""

from __future__ import annotations

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
