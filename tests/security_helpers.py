"""Shared set-up for the users/permissions/audit tests (issue 5).

Users are created through the services acting as the system actor, then their forced
password change is cleared so ``login_as`` returns a working actor.
"""

from __future__ import annotations

import pytest

from patolab_desktop.db.models import Role, User
from patolab_desktop.services.access import auth, permissions, session, users

PASSWORD = "clave-segura-1"
ADMIN, SUPERVISOR, RECEPTION = (
    permissions.ROLE_ADMIN,
    permissions.ROLE_SUPERVISOR,
    permissions.ROLE_RECEPTION,
)
ROLE_USERNAMES = {
    permissions.ROLE_RECEPTION: "recepcion",
    permissions.ROLE_SUPERVISOR: "supervisor",
    permissions.ROLE_ADMIN: "admin",
    permissions.ROLE_LAB: "laboratorio",
}


def role_id(name: str) -> int:
    return Role.get(Role.name == name).id


def make_user(
    username: str,
    role_name: str,
    password: str = PASSWORD,
    full_name: str | None = None,
    must_change: bool = False,
) -> int:
    with session.acting_as(session.system_actor("tests")):
        user_id = users.create(
            users.UserData(
                username=username,
                full_name=full_name or username.title(),
                role_id=role_id(role_name),
            ),
            password,
        )
    if not must_change:
        User.update(must_change_password=False).where(User.id == user_id).execute()
    return user_id


def login_as(role_name: str, password: str = PASSWORD) -> session.Actor:
    """Create (once) the user of ``role_name`` and log in as them."""
    username = ROLE_USERNAMES[role_name]
    if not User.select().where(User.username_folded == username).exists():
        make_user(username, role_name, password)
    return auth.login(username, password)


def as_admin_elsewhere(change) -> None:
    """An administrator's action on another desk (the same process): the signed-in actor
    is put back as it was afterwards."""
    me = session.current()
    login_as(permissions.ROLE_ADMIN)
    change()
    session.set_current(me)


def make_actor(username: str, full_name: str, role: str, granted) -> session.Actor:
    """Someone with exactly the permissions ``granted``, not saved as a user (id None)."""
    return session.Actor(
        id=None, username=username, full_name=full_name, role=role, permissions=frozenset(granted)
    )


class Clock:
    """A clock the tests move by hand (no sleeping)."""

    def __init__(self, start):
        self.now = start

    def __call__(self):
        return self.now

    def advance(self, **delta):
        import datetime as dt

        self.now = self.now + dt.timedelta(**delta)


@pytest.fixture
def no_session():
    """Nobody logged in before and after the test."""
    session.set_current(None)
    yield
    session.set_current(None)


@pytest.fixture
def clock(monkeypatch):
    import datetime as dt

    fake = Clock(dt.datetime(2026, 3, 2, 9, 0, 0))
    monkeypatch.setattr(auth, "clock", fake)
    return fake


@pytest.fixture
def fast_hashing(monkeypatch):
    """Cheap argon2id parameters for tests that are not about hashing itself (speed).

    test_auth.py keeps the real defaults: it proves the format, the cost and the rehash.
    """
    from argon2 import PasswordHasher

    monkeypatch.setattr(
        auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
