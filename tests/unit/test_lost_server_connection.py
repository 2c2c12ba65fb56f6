"""After the PostgreSQL server restarted (or dropped the desk's connection) every later
action failed with «InterfaceError: connection already closed» until the program was
restarted. Now the statement that meets the broken connection raises ConnectionLost, a
Spanish message that says what to do, and the next one connects again."""

from __future__ import annotations

import pytest

from patolab_desktop.db.database import db, planner_off, write_transaction
from patolab_desktop.db.models import Customer
from patolab_desktop.services import customers
from patolab_desktop.services.errors import ConnectionLost
from tests.lost_connection import drop_desk_connection, needs_pg
from tests.unit.requests_fixtures import make_customer

pytestmark = needs_pg

LOST = "Se perdió la conexión con el servidor de la base de datos"


def test_a_service_call_after_the_break_fails_once_then_the_desk_works(database):
    customer_id = make_customer("Ana María Pérez")
    drop_desk_connection()
    with pytest.raises(ConnectionLost, match=LOST) as caught:
        customers.get(customer_id)
    assert "vuelva a intentarlo" in str(caught.value)
    assert customers.get(customer_id).name == "Ana María Pérez"
    assert customers.get(customer_id).name == "Ana María Pérez"


def test_a_save_that_meets_the_break_saves_nothing_and_the_next_one_saves(database, patient):
    form = patient()
    drop_desk_connection()
    with pytest.raises(ConnectionLost, match=LOST):
        customers.create(form)
    assert Customer.select().count() == 0
    customers.create(form)
    assert Customer.select().count() == 1


def test_in_a_transaction_the_break_is_raised_not_the_failed_rollback(database):
    with pytest.raises(ConnectionLost, match=LOST), write_transaction():
        db.execute_sql("SELECT 1")
        drop_desk_connection()
        db.execute_sql("SELECT 2")
    with pytest.raises(ConnectionLost, match=LOST), db.atomic(), planner_off("enable_seqscan"):
        drop_desk_connection()
        db.execute_sql("SELECT 3")
    assert db.execute_sql("SELECT 4").fetchone() == (4,)
