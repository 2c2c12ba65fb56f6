"""After the PostgreSQL server restarted while the desks waited, each desk's first action
(or first sign-in) failed with «Se perdió la conexión…» and only the second try worked. A
connection idle for ``IDLE_CHECK_S`` is now checked before anything is sent on it and
replaced when dead; a statement that meets the break after it was sent still raises
ConnectionLost (it may have been done: it is never sent again by itself)."""

from __future__ import annotations

import pytest

from patolab_desktop.db import database as db_module
from patolab_desktop.db.database import db, write_transaction
from patolab_desktop.db.models import Customer
from patolab_desktop.services import customers
from patolab_desktop.services.access import auth, session
from patolab_desktop.services.errors import ConnectionLost
from patolab_desktop.services.paging import PageRequest
from tests.lost_connection import drop_desk_connection, needs_pg
from tests.security_helpers import PASSWORD, fast_hashing, login_as, make_user  # noqa: F401
from tests.unit.requests_fixtures import make_customer

pytestmark = [needs_pg, pytest.mark.usefixtures("fast_hashing")]

LOST = "Se perdió la conexión con el servidor de la base de datos"


@pytest.fixture
def idle(monkeypatch):
    """From now on every connection counts as idle for longer than the check's threshold
    (no waiting): call it after the break."""
    return lambda: monkeypatch.setattr(db_module, "IDLE_CHECK_S", 0.0, raising=False)


def test_a_desk_idle_during_the_restart_searches_on_the_first_try(database, idle):
    login_as("Recepción")
    make_customer("Ana María Pérez")
    drop_desk_connection()
    idle()
    rows = customers.page(customers.CustomerFilter(search="ana maria"), PageRequest()).rows
    assert [row["name"] for row in rows] == ["Ana María Pérez"]


def test_a_desk_idle_during_the_restart_saves_on_the_first_try(database, idle, patient):
    login_as("Recepción")
    drop_desk_connection()
    idle()
    customers.create(patient())
    assert Customer.select().count() == 1


def test_the_first_sign_in_after_the_restart_works(database, idle):
    make_user("ana", "Recepción")
    session.set_current(None)
    drop_desk_connection()
    idle()
    assert auth.login("ana", PASSWORD).username == "ana"


def test_a_statement_that_meets_the_break_once_sent_still_raises(database, idle):
    idle()
    with pytest.raises(ConnectionLost, match=LOST):
        db.execute_sql("SELECT pg_terminate_backend(pg_backend_pid())")
    assert db.execute_sql("SELECT 1").fetchone() == (1,)


def test_a_commit_on_a_connection_that_broke_in_the_transaction_raises_and_saves_nothing(
    database, idle, patient
):
    """The check is not made before COMMIT: on a new connection it would commit nothing
    and say the save was done."""
    login_as("Recepción")
    form = patient()
    idle()
    with pytest.raises(ConnectionLost, match=LOST), write_transaction():
        customers.create(form)
        drop_desk_connection()
    assert Customer.select().count() == 0
