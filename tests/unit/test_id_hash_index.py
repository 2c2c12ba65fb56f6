"""Issue 20: one unique index on the identity numbers' keyed hash and the active flag
(schema 17) instead of a plain index and a partial unique one: an identity number is
unique among the ACTIVE customers, any number of inactive ones may keep it, and the exact
search finds a number among all customers through the same index."""

from __future__ import annotations

import pytest
from peewee import IntegrityError

from patolab_desktop.db import migrations, search
from patolab_desktop.db.database import db
from patolab_desktop.services.bootstrap import close_db, open_db

HASH = "h1:" + "ab" * 16


def _insert(active: bool, number_hash: str | None = HASH) -> int:
    db.execute_sql(
        "INSERT INTO customer (uid, type, name, first_name, last_name, name_folded, id_hash, "
        "phone, secondary_phone, email, address, address2, postal_code, country, "
        "external_file, notes, is_blocked, incomplete, active, search_text, created_at, "
        "updated_at, version) VALUES (?, 'patient', 'Ana', 'Ana', '', 'ana', ?, '', '', '', "
        "'', '', '', '', '', '', ?, ?, ?, 'ana', '2026-12-06', '2026-12-06', 1)".replace(
            "?", db.param
        ),
        (f"uid-{_insert.count}", number_hash, False, False, active),
    )
    _insert.count += 1
    return _insert.count


_insert.count = 0


def _back_to_schema_16() -> None:
    """The open database as schema 16 left it (the two old indexes), with an active and
    an inactive holder of the same number."""
    db.execute_sql(f"DROP INDEX {search.ID_HASH_INDEX}")
    db.execute_sql("CREATE INDEX customer_id_hash ON customer (id_hash)")
    db.execute_sql(
        "CREATE UNIQUE INDEX customer_active_id_hash ON customer (id_hash) "
        "WHERE active AND id_hash IS NOT NULL"
    )
    _insert(active=True)
    _insert(active=False)
    db.execute_sql("UPDATE schema_version SET version = 16")


def _indexes() -> set[str]:
    return {index.name for index in db.get_indexes("customer")}


def test_the_customer_table_has_the_one_index_and_not_the_two_it_replaced(database):
    assert search.ID_HASH_INDEX in _indexes()
    assert not {"customer_id_hash", "customer_active_id_hash"} & _indexes()


def test_two_active_holders_of_a_number_are_refused(database):
    _insert(active=True)
    with pytest.raises(IntegrityError), db.atomic():
        _insert(active=True)


def test_inactive_holders_never_collide(database):
    _insert(active=False)
    _insert(active=False)
    _insert(active=True)  # the active one beside two inactive ones
    _insert(active=True, number_hash=None)  # and customers without a number
    _insert(active=True, number_hash=None)
    count = db.execute_sql(
        f"SELECT COUNT(*) FROM customer WHERE id_hash = {db.param}", (HASH,)
    ).fetchone()[0]
    assert count == 3


def test_reactivating_a_second_holder_is_refused(database):
    _insert(active=True)
    _insert(active=False)
    with pytest.raises(IntegrityError), db.atomic():
        db.execute_sql(
            f"UPDATE customer SET active = {db.param} WHERE id_hash = {db.param}", (True, HASH)
        )


@pytest.mark.sqlite_only
def test_the_exact_search_among_all_customers_uses_it(database):
    plan = db.execute_sql(
        "EXPLAIN QUERY PLAN SELECT id FROM customer WHERE id_hash = ?", (HASH,)
    ).fetchall()
    assert any(search.ID_HASH_INDEX in row[-1] for row in plan), plan


@pytest.mark.sqlite_only
def test_a_database_of_schema_16_gets_it_and_keeps_the_rule(tmp_path):
    path = tmp_path / "lab.db"
    open_db(path)
    _back_to_schema_16()
    close_db()

    open_db(path)
    try:
        assert migrations.current_version(db.obj) == migrations.SCHEMA_VERSION >= 17
        assert search.ID_HASH_INDEX in _indexes()
        assert not {"customer_id_hash", "customer_active_id_hash"} & _indexes()
        with pytest.raises(IntegrityError), db.atomic():
            _insert(active=True)
    finally:
        close_db()


def test_the_step_replaces_the_two_old_indexes_on_either_backend(database):
    """Schema 17 on the open database itself (on PostgreSQL too: the template database
    already has the new index, so the step is exercised here from the old state)."""
    _back_to_schema_16()
    assert migrations.upgrade(db.obj) == migrations.SCHEMA_VERSION >= 17
    assert search.ID_HASH_INDEX in _indexes()
    assert not {"customer_id_hash", "customer_active_id_hash"} & _indexes()
    with pytest.raises(IntegrityError), db.atomic():
        _insert(active=True)
