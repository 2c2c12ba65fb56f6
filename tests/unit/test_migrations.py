"""Schema migrations: from the first released schema (fixture) to the current one, and the
mechanism itself (backup before migrating, one transaction per step)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from patolab_desktop.db import migrations
from patolab_desktop.db.database import db
from patolab_desktop.db.models import ALL_MODELS, Customer, LabRequest
from patolab_desktop.services.bootstrap import close_db, open_db
from patolab_desktop.services.safety import check as maintenance
from tests.expected import LINE_STATUS_OF

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "schema_v1.db"

pytestmark = pytest.mark.sqlite_only  # about SQLite files; PostgreSQL runs the same STEPS


def _counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        present = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        return {  # tables added after schema 1 are not in the fixture
            m._meta.table_name: conn.execute(
                f'SELECT COUNT(*) FROM "{m._meta.table_name}"'
            ).fetchone()[0]
            for m in ALL_MODELS
            if m._meta.table_name in present
        }
    finally:
        conn.close()


@pytest.fixture
def v1_copy(tmp_path) -> Path:
    target = tmp_path / "lab.db"
    shutil.copyfile(FIXTURE, target)
    return target


def test_fixture_is_schema_1_with_rows_in_every_table():
    conn = sqlite3.connect(f"file:{FIXTURE}?mode=ro", uri=True)
    try:
        assert conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == 1
    finally:
        conn.close()
    empty = [t for t, n in _counts(FIXTURE).items() if n == 0]
    assert empty == []


def test_first_schema_upgrades_to_the_current_version(v1_copy):
    before = _counts(v1_copy)
    steps = [s for s in migrations.STEPS if s[0] > 1]
    open_db(v1_copy)
    try:
        assert migrations.current_version(db.obj) == migrations.SCHEMA_VERSION
        applied = [
            v for (v,) in db.execute_sql("SELECT version FROM schema_version ORDER BY version")
        ]
        assert applied == [1] + [number for number, _d, _f in steps]  # every step, in order
        assert maintenance.check().ok
        assert "customer_email" not in [i.name for i in db.get_indexes("customer")]  # step 3
        # the data survived: every row of the first schema is still there
        assert Customer.select().count() == before["customer"]
        assert LabRequest.select().count() == before["lab_request"]
        after = {m._meta.table_name: m.select().count() for m in ALL_MODELS}
        for table, rows in before.items():
            if table != "schema_version":
                assert after[table] >= rows, table
    finally:
        close_db()


def test_step_2_rebuilds_the_search_index_without_positions(v1_copy):
    conn = sqlite3.connect(v1_copy)
    try:
        old = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'customer_fts'").fetchone()
        someone = conn.execute(
            "SELECT id, search_text FROM customer WHERE active ORDER BY id LIMIT 1"
        ).fetchone()
    finally:
        conn.close()
    assert "detail" not in old[0]
    open_db(v1_copy)
    try:
        from patolab_desktop.services import customers
        from patolab_desktop.services.access import session
        from patolab_desktop.services.paging import PageRequest

        new = db.execute_sql("SELECT sql FROM sqlite_master WHERE name = 'customer_fts'")
        assert "detail=none" in new.fetchone()[0]
        word = max(someone[1].split(), key=len)
        with session.acting_as(session.system_actor("test")):
            found = customers.page(
                customers.CustomerFilter(search=word), PageRequest(limit=500)
            ).rows
        assert someone[0] in [row["id"] for row in found]
        # the triggers follow later changes
        db.execute_sql("UPDATE customer SET search_text = 'zzqx nuevo' WHERE id = ?", (someone[0],))
        ids = [
            r[0]
            for r in db.execute_sql(
                "SELECT rowid FROM customer_fts WHERE customer_fts MATCH '\"zzq\"'"
            )
        ]
        assert ids == [someone[0]]
    finally:
        close_db()


def _fake_step_add_column(database):
    database.execute_sql("ALTER TABLE customer ADD COLUMN nickname TEXT DEFAULT ''")
    database.execute_sql("UPDATE customer SET nickname = 'x'")


def test_a_new_step_runs_after_a_backup(v1_copy, monkeypatch):
    monkeypatch.setattr(migrations, "STEPS", [(2, "apodo del cliente", _fake_step_add_column)])
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", 2)
    # the made-up version 2 lacks later columns (role.version) that seeding a role added
    # since (Laboratorio, issue 18) would write
    monkeypatch.setattr("patolab_desktop.db.seed.seed_roles", lambda roles: None)
    before = _counts(v1_copy)
    open_db(v1_copy)
    try:
        assert migrations.current_version(db.obj) == 2
        assert (
            db.execute_sql("SELECT COUNT(*) FROM customer WHERE nickname = 'x'").fetchone()[0]
            == before["customer"]
        )
    finally:
        close_db()
    backups = list(v1_copy.parent.glob("lab.v1.*.bak"))
    assert len(backups) == 1  # written before migrating, at the old version
    conn = sqlite3.connect(backups[0])
    try:
        assert conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == 1
        columns = [r[1] for r in conn.execute("PRAGMA table_info(customer)")]
        assert "nickname" not in columns
    finally:
        conn.close()


def test_a_failing_step_leaves_version_and_data_unchanged(v1_copy, monkeypatch):
    def good(database):
        database.execute_sql("CREATE TABLE extra_good (id INTEGER PRIMARY KEY)")

    def bad(database):
        database.execute_sql("ALTER TABLE customer ADD COLUMN half_done TEXT")
        database.execute_sql("DELETE FROM request_event")
        raise RuntimeError("falla a la mitad")

    monkeypatch.setattr(migrations, "STEPS", [(2, "buena", good), (3, "mala", bad)])
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", 3)
    before = _counts(v1_copy)
    with pytest.raises(RuntimeError, match="falla a la mitad"):
        open_db(v1_copy)
    close_db()
    conn = sqlite3.connect(v1_copy)
    try:
        # step 2 committed in its own transaction; step 3 rolled back completely
        assert conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == 2
        assert conn.execute("SELECT name FROM sqlite_master WHERE name='extra_good'").fetchone()
        assert "half_done" not in [r[1] for r in conn.execute("PRAGMA table_info(customer)")]
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
    after = _counts(v1_copy)
    assert after == {**before, "schema_version": before["schema_version"] + 1}


def test_a_database_newer_than_the_program_is_refused(v1_copy):
    conn = sqlite3.connect(v1_copy)
    conn.execute("INSERT INTO schema_version (version, applied_at) VALUES (99, '2030-01-01')")
    conn.commit()
    conn.close()
    with pytest.raises(migrations.MigrationError, match="más nueva"):
        open_db(v1_copy)
    close_db()


def test_version_columns_reach_a_database_of_schema_8(tmp_path):
    """Issue 15 point 9: a database made before the optimistic locks (schema 8, without
    the ``version`` columns) gets them at the next open, and its settings read again."""
    from patolab_desktop.db.migrations.access_v5 import VERSIONED_TABLES

    path = tmp_path / "v8.db"
    open_db(path)
    close_db()
    conn = sqlite3.connect(path)
    for table in VERSIONED_TABLES:
        conn.execute(f'ALTER TABLE "{table}" DROP COLUMN version')
    conn.execute("DELETE FROM schema_version WHERE version > 8")
    conn.execute("INSERT INTO setting (key, value) VALUES ('lab_name', 'Lab Ocho')")
    conn.commit()
    conn.close()
    open_db(path)
    try:
        assert migrations.current_version(db.obj) == migrations.SCHEMA_VERSION
        for table in VERSIONED_TABLES:
            assert "version" in {c.name for c in db.get_columns(table)}, table
        from patolab_desktop.services import settings

        assert settings.get("lab_name") == "Lab Ocho"
        assert settings.versions(["lab_name"]) == {"lab_name": 1}
    finally:
        close_db()


def test_step_12_gives_lines_their_own_status_and_counts(v1_copy):
    """Issue 18: lines that copied their request's status get their own, the progress
    counts are filled, and Supervisor may release results."""
    conn = sqlite3.connect(v1_copy)
    try:
        before = dict(
            conn.execute(
                "SELECT l.id, r.status FROM request_line l JOIN lab_request r "
                "ON r.id = l.lab_request_id"
            ).fetchall()
        )
    finally:
        conn.close()
    open_db(v1_copy)
    try:
        rows = db.execute_sql("SELECT id, status FROM request_line").fetchall()
        assert rows and all(status == LINE_STATUS_OF[before[line_id]] for line_id, status in rows)
        totals = db.execute_sql(
            "SELECT r.id, r.lines_total, r.lines_released, r.status FROM lab_request r"
        ).fetchall()
        for _request_id, total, released, status in totals:
            assert total >= 1
            assert (released == total) == (status == "completed")
        supervisor = db.execute_sql(
            "SELECT COUNT(*) FROM role_permission p JOIN role r ON r.id = p.role_id "
            "WHERE r.name = 'Supervisor' AND p.permission = 'results.release'"
        ).fetchone()[0]
        assert supervisor == 1
        assert db.table_exists("outbox")
    finally:
        close_db()


def test_a_step_that_changes_nothing_in_sqlite_takes_no_copy_of_the_file(tmp_path, monkeypatch):
    """Issue 20: schema 16 only sets PostgreSQL's autovacuum; an SQLite database that
    lacks only that step is brought to 16 without the copy taken before a migration
    (a 4.5 GB file took about 20 s at the first start of the new version)."""
    monkeypatch.setattr(migrations, "STEPS", [s for s in migrations.STEPS if s[0] <= 16])
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", 16)
    path = tmp_path / "lab.db"
    open_db(path)
    db.execute_sql("UPDATE schema_version SET version = 15")
    close_db()
    open_db(path)
    try:
        assert migrations.current_version(db.obj) == migrations.SCHEMA_VERSION == 16
    finally:
        close_db()
    assert [p.name for p in tmp_path.iterdir() if ".bak" in p.name] == []
    assert 16 in migrations.POSTGRES_ONLY_STEPS
