"""Schema 21: the "Identidad/RTN" header sorts by the kind of document, then by
registration, on (active, document_type, id), on both backends. The numbers are encrypted
with a fresh nonce each, so the order of their ciphertexts, which SQLite walked until
schema 20, was no order a person could follow (and each new customer landed at a random
place in that index)."""

from __future__ import annotations

import pytest

from patolab_desktop.db import migrations
from patolab_desktop.db import search as fts
from patolab_desktop.db.database import db, is_sqlite
from patolab_desktop.db.models import Customer
from patolab_desktop.services import customers
from patolab_desktop.services.bootstrap import close_db, open_db
from patolab_desktop.services.paging import PageRequest
from tests.conftest import PG_URL
from tests.index_helpers import index_names, upgrade_from_before
from tests.unit.sql_spy import statements_with_params

needs_pg = pytest.mark.skipif(not PG_URL, reason="PostgreSQL-only (make test-pg)")

# a DNI holder, someone without any document, a passport holder, another DNI holder
PEOPLE = [
    dict(id_number="0801-1990-12349"),
    dict(id_number="", document_type="ninguno", incomplete=True, gender_id=None),
    dict(id_number="AB123456", document_type="pasaporte"),
    dict(id_number="0801-1990-12340"),
]


@pytest.fixture
def people(register, company) -> list[int]:
    """The four above and a company (RTN), registered in that order."""
    ids = [register(phone=f"9911-22{n:02d}", **kw) for n, kw in enumerate(PEOPLE)]
    return [*ids, customers.create(company())]


def test_a_new_database_has_the_document_index_and_not_the_ciphertext_one(database):
    names = index_names()
    assert fts.DOCUMENT_ORDER_INDEX in names
    assert fts.CIPHERTEXT_ORDER_INDEX not in names


@pytest.mark.parametrize("descending", [False, True])
def test_the_identity_header_groups_by_kind_of_document(people, descending):
    kinds = {c.id: c.document_type for c in Customer.select()}
    assert sorted(set(kinds.values())) == ["dni", "ninguno", "pasaporte", "rtn"]
    request = PageRequest(sort="id_number", descending=descending, after=None, limit=2)
    seen = [r["id"] for r in _every_page(request)]
    assert sorted(seen) == sorted(people)
    assert seen == sorted(seen, key=lambda i: (kinds[i], i), reverse=descending)


def _every_page(request: PageRequest) -> list[dict]:
    rows: list[dict] = []
    while True:
        page = customers.page(customers.CustomerFilter(), request)
        rows += page.rows
        if page.cursor is None:
            return rows
        request = PageRequest(
            sort=request.sort, descending=request.descending, after=page.cursor, limit=2
        )


def test_the_sort_walks_the_index_in_order(people, monkeypatch):
    seen = statements_with_params(monkeypatch)
    request = PageRequest(sort="id_number", descending=False, after=None, limit=2)
    assert len(customers.page(customers.CustomerFilter(), request).rows) == 2
    monkeypatch.undo()
    sql, params = next((s, p) for s, p in seen if "ORDER BY" in s and "document_type" in s)
    assert "id_number" not in sql.split("ORDER BY")[1]  # never the ciphertexts
    if is_sqlite():
        plan = " ".join(
            str(row[-1]) for row in db.execute_sql(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
        )
        assert fts.DOCUMENT_ORDER_INDEX in plan, plan
        assert "TEMP B-TREE" not in plan, plan  # walked in order, not sorted


@pytest.mark.sqlite_only
def test_an_sqlite_file_of_schema_20_gets_the_new_index_without_a_copy(tmp_path, monkeypatch):
    monkeypatch.setattr(migrations, "STEPS", [s for s in migrations.STEPS if s[0] <= 21])
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", 21)  # only this step is missing
    path = tmp_path / "lab.db"
    open_db(path)
    db.execute_sql(f"DROP INDEX {fts.DOCUMENT_ORDER_INDEX}")
    db.execute_sql(f"CREATE INDEX {fts.CIPHERTEXT_ORDER_INDEX} ON customer (active, id_number, id)")
    db.execute_sql("DELETE FROM schema_version WHERE version = 21")
    close_db()
    open_db(path)
    try:
        assert migrations.current_version(db.obj) == migrations.SCHEMA_VERSION == 21
        names = index_names()
    finally:
        close_db()
    assert fts.DOCUMENT_ORDER_INDEX in names and fts.CIPHERTEXT_ORDER_INDEX not in names
    assert [p.name for p in tmp_path.iterdir() if ".bak" in p.name] == []  # indexes only


@pytest.mark.sqlite_only
def test_the_new_index_gets_planner_statistics_when_the_file_has_them(tmp_path):
    """Without its own, SQLite's planner took it for ``active = 1`` alone: a search page
    read the whole table."""
    path = tmp_path / "lab.db"
    open_db(path)
    db.execute_sql(f"DROP INDEX {fts.DOCUMENT_ORDER_INDEX}")
    db.execute_sql(  # ANALYZE writes no statistics for an empty table
        "INSERT INTO customer (uid, type, name, first_name, last_name, name_folded, phone, "
        "secondary_phone, email, address, address2, postal_code, country, external_file, "
        "notes, is_blocked, incomplete, active, search_text, created_at, updated_at, version) "
        "VALUES ('u1', 'cliente', 'Ana Paz', 'Ana', 'Paz', 'ana paz', '+50499887766', '', '', "
        "'', '', '', 'Honduras', '', '', 0, 1, 1, 'ana paz', '2026-01-01', '2026-01-01', 1)"
    )
    db.execute_sql("ANALYZE")
    db.execute_sql("DELETE FROM schema_version WHERE version >= 21")
    close_db()
    open_db(path)
    try:
        stats = db.execute_sql(
            "SELECT stat FROM sqlite_stat1 WHERE idx = ?", (fts.DOCUMENT_ORDER_INDEX,)
        ).fetchall()
    finally:
        close_db()
    assert len(stats) == 1


@needs_pg
def test_a_postgresql_database_of_schema_20_gets_the_new_index(database):
    db.execute_sql(f"DROP INDEX {fts.DOCUMENT_ORDER_INDEX}")
    db.execute_sql(f"CREATE INDEX {fts.CIPHERTEXT_ORDER_INDEX} ON customer (active, id_number, id)")
    upgrade_from_before(21)
    names = index_names()
    assert fts.DOCUMENT_ORDER_INDEX in names and fts.CIPHERTEXT_ORDER_INDEX not in names


@needs_pg
def test_a_postgresql_database_of_schema_19_loses_the_ciphertext_index(database):
    db.execute_sql(f"CREATE INDEX {fts.CIPHERTEXT_ORDER_INDEX} ON customer (active, id_number, id)")
    upgrade_from_before(20)
    assert fts.CIPHERTEXT_ORDER_INDEX not in index_names()
    assert 20 in migrations.POSTGRES_ONLY_STEPS  # an SQLite file is not copied for it
