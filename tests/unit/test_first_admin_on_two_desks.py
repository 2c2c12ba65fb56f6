"""Two desks on a new PostgreSQL database each create "the first administrator" at the same
moment: one is created, the other desk is refused with the usual message."""

from __future__ import annotations

import pytest

from patolab_desktop.db.models import User
from patolab_desktop.services.access import auth
from patolab_desktop.services.errors import RuleError
from tests.conftest import PG_URL
from tests.two_desks import second_waits

pytestmark = pytest.mark.skipif(
    not PG_URL,
    reason="the race between desks exists only on PostgreSQL (SQLite's write transaction, "
    "BEGIN IMMEDIATE, lets one desk in at a time)",
)

PASSWORD = "una-clave-muy-larga-1"


def test_only_one_desk_creates_the_first_administrator(database):
    assert auth.needs_first_admin()
    second = second_waits(
        lambda: auth.create_first_admin("marta", "Marta Zelaya", PASSWORD),
        lambda: auth.create_first_admin("jorge", "Jorge Zelaya", PASSWORD),
    )
    assert isinstance(second.error, RuleError)
    assert "Ya existe un administrador: inicie sesión con su usuario." in str(second.error)
    assert [u.username for u in User.select()] == ["marta"]
