"""Issue 20, schema 20: the index on (active, id_number, id) stays only where a query walks
it. SQLite sorts the list by the "Identidad/RTN" header on it; PostgreSQL sorts by
``COALESCE(id_number, '')``, which it does not hold, so there it is dropped (each imported
customer landed at a random place in it)."""

from __future__ import annotations

import pytest

from patolab_desktop.db import migrations
from patolab_desktop.db import search as fts
from patolab_desktop.db.database import db, is_sqlite
from patolab_desktop.services import customers
from patolab_desktop.services.paging import PageRequest
from tests.conftest import PG_URL
from tests.index_helpers import index_names, upgrade_from_before
from tests.unit.sql_spy import statements_with_params

needs_pg = pytest.mark.skipif(not PG_URL, reason="PostgreSQL-only (make test-pg)")


def test_the_index_is_kept_on_sqlite_only(database):
    assert (fts.CIPHERTEXT_ORDER_INDEX in index_names()) is is_sqlite()
    assert 20 in migrations.POSTGRES_ONLY_STEPS  # an SQLite file is not copied for it


@pytest.mark.sqlite_only
def test_sqlite_walks_it_for_the_identity_sort(register, monkeypatch):
    for n in range(3):
        register(id_number=f"0801-1990-1234{n}", phone=f"9911-223{n}")
    seen = statements_with_params(monkeypatch)
    request = PageRequest(sort="id_number", descending=False, after=None, limit=2)
    page = customers.page(customers.CustomerFilter(), request)
    assert len(page.rows) == 2
    monkeypatch.undo()
    sql, params = next((s, p) for s, p in seen if "ORDER BY" in s and "id_number" in s)
    plan = " ".join(
        str(row[-1]) for row in db.execute_sql(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
    )
    assert fts.CIPHERTEXT_ORDER_INDEX in plan, plan
    assert "TEMP B-TREE" not in plan, plan  # walked in order, not sorted


@needs_pg
def test_a_postgresql_database_of_schema_19_loses_it(database):
    db.execute_sql(f"CREATE INDEX {fts.CIPHERTEXT_ORDER_INDEX} ON customer (active, id_number, id)")
    upgrade_from_before(20)
    assert fts.CIPHERTEXT_ORDER_INDEX not in index_names()


@needs_pg
def test_postgresql_still_sorts_by_the_identity_header(register):
    numbers = ["0801-1990-12342", "0801-1990-12340", "", "0801-1990-12341"]
    ids = [register(id_number=n, phone=f"9911-224{i}") for i, n in enumerate(numbers)]
    request = PageRequest(sort="id_number", descending=False, after=None, limit=10)
    page = customers.page(customers.CustomerFilter(), request)
    assert sorted(r["id"] for r in page.rows) == sorted(ids)
    assert page.rows[0]["id_number"] == ""  # no number first, as on SQLite
