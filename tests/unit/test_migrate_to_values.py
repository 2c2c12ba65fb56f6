"""migrate-to keeps every value: each row of each table reads back the same on the target.

On PostgreSQL the COPY lines are written by SQLite itself (issue 20), so the escaping of
texts (backslash, tab, newline, carriage return, a literal ``\\N``), NULLs, booleans, money
and dates is checked value by value, not only by row counts.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from patolab_desktop.db.models import ALL_MODELS, Customer, LabRequest, RequestLine
from patolab_desktop.services.bootstrap import close_db, open_db
from patolab_desktop.services.safety import transfer
from tests.conftest import PG_URL, scratch_pg_database

AWKWARD = "Tab\there\nnew line\r\nback\\slash \\N \\x00 ñandú «Ü» \U0001f9ea"


@pytest.fixture(autouse=True)
def _acting_user():
    from patolab_desktop.services.access import session

    with session.acting_as(session.system_actor("test")) as actor:
        yield actor


@pytest.fixture
def target(tmp_path):
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'destino.db'}"
        return
    with scratch_pg_database("mv_") as url:
        yield url


@pytest.fixture
def source(tmp_path):
    from patolab_desktop.demo import fill as demo

    path = tmp_path / "origen.db"
    open_db(path)
    demo.seed_demo(customers=40, requests=50, seed=11)
    first, second = Customer.select().order_by(Customer.id).limit(2)
    Customer.update(
        notes=AWKWARD, address="\\N", address2="", is_blocked=True, date_of_birth=None
    ).where(Customer.id == first.id).execute()
    Customer.update(notes="\\", address="\t", date_of_birth=dt.date(1930, 2, 28)).where(
        Customer.id == second.id
    ).execute()
    request_row = LabRequest.select().order_by(LabRequest.id).first()
    LabRequest.update(total_amount=Decimal("1234567.891")).where(
        LabRequest.id == request_row.id
    ).execute()
    # a line that points at a LATER line of its table (copied as it is, checked after)
    first_line, last_line = (
        RequestLine.select().order_by(RequestLine.id).first(),
        RequestLine.select().order_by(RequestLine.id.desc()).first(),
    )
    RequestLine.update(parent_line=last_line.id).where(RequestLine.id == first_line.id).execute()
    yield path
    close_db()


def _rows(model) -> list[tuple]:
    return list(model.select().order_by(model._meta.primary_key).tuples())


def test_every_value_of_every_table_reads_back_the_same(source, target):
    before = {model: _rows(model) for model in ALL_MODELS}
    assert AWKWARD in {row for rows in before.values() for r in rows for row in r}

    transfer.migrate_to(target)

    close_db()
    open_db(target)
    after = {model: _rows(model) for model in ALL_MODELS}
    for model in ALL_MODELS:
        if model._meta.table_name == "schema_version":
            continue
        assert after[model] == before[model], model._meta.table_name
    if PG_URL:  # the constraint dropped for the load is back, and it holds
        from patolab_desktop.db.database import db

        assert db.execute_sql(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = "
            "'request_line'::regclass AND confrelid = conrelid AND contype = 'f'"
        ).fetchall() == [
            ("FOREIGN KEY (parent_line_id) REFERENCES request_line(id) ON DELETE CASCADE",)
        ]
