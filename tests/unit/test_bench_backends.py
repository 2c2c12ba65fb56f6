"""Issue 20: the benchmark on either backend — ``bench --db URL``, COPY seeding, the JSON.

The COPY paths run against PostgreSQL when PATOLAB_TEST_PG is set (``make test-pg``, CI);
on SQLite the same seeding takes the executemany path and must give the same counts.
"""

from __future__ import annotations

import uuid

import pytest

from patolab_desktop.bench import databases, figures, runner
from patolab_desktop.db import bulk
from patolab_desktop.db.database import db, is_sqlite
from patolab_desktop.db.models import Customer, LabRequest, RequestEvent, RequestLine
from tests.conftest import PG_URL


def test_copy_text_format_escapes_and_nulls():
    rows = [
        (1, None, True, False, "a\tb", "línea\nnueva", "c:\\ruta", b"\x00\xff", "\r"),
    ]
    assert bulk.copy_text(rows) == (
        "1\t\\N\tt\tf\ta\\tb\tlínea\\nnueva\tc:\\\\ruta\t\\\\x00ff\t\\r\n"
    )
    assert bulk.copy_text([]) == ""


def test_bench_accepts_a_postgresql_url_and_existing():
    from patolab_desktop.cli import build_parser

    url = "postgresql://patolab@127.0.0.1:55444/postgres"
    args = build_parser().parse_args(["bench", "--db", url, "--customers", "10", "--existing"])
    assert args.db == url and args.existing and args.customers == 10
    # the global form still works, and without --db the bench uses its own SQLite file
    args = build_parser().parse_args(["--db", url, "bench"])
    assert args.db == url and not args.existing
    assert build_parser().parse_args(["bench"]).db is None


def test_bench_database_names_on_a_server():
    assert databases.bench_pg_name(1000, 20, 7) == "patolab_bench_c1000_r20_s7"
    url = "postgresql://patolab@127.0.0.1:55444/postgres"
    assert (
        databases.with_database(url, "patolab_bench_c1_r2_s3")
        == "postgresql://patolab@127.0.0.1:55444/patolab_bench_c1_r2_s3"
    )


def test_prepare_target_existing_and_sqlite_path(tmp_path):
    with pytest.raises(ValueError):
        databases.prepare_target(None, 10, 10, 1, log=lambda _t: None, existing=True)
    url = "postgresql://u@h:5432/lab"
    assert databases.prepare_target(url, 10, 10, 1, lambda _t: None, existing=True) == (url, None)
    existing = tmp_path / "ya.db"
    existing.write_bytes(b"")  # an existing path is measured as it is (reused)
    assert databases.prepare_target(str(existing), 10, 10, 1, lambda _t: None) == (
        str(existing),
        None,
    )


def test_machine_and_backend_fields(database):
    info = figures.machine()
    for key in ("platform", "cpu", "cpu_count", "cores", "python", "load_average"):
        assert info[key], key
    backend = databases.describe_backend()
    assert backend["backend"] == ("sqlite" if is_sqlite() else "postgresql")
    assert backend["server_version"]
    assert backend["bytes"] > 0
    assert "backend" in runner.RESULT_KEYS
    if not is_sqlite():  # the server's settings, which change what the same data measures
        settings = backend["settings"]
        assert set(settings) == set(databases.SERVER_SETTINGS)
        assert settings["jit"] == "off" and settings["shared_buffers"].endswith("B")


def test_copy_rows_round_trip(database):
    """PostgreSQL: COPY keeps NULLs, empty strings, tabs, newlines and backslashes."""
    if is_sqlite():
        pytest.skip("COPY is PostgreSQL's (the SQLite path is executemany)")
    db.execute_sql("CREATE TEMP TABLE copied (n int, t text, b boolean, raw bytea)")
    rows = [(1, None, True, b"\x01"), (2, "", False, None), (3, "a\tb\nc\\d", None, b"")]
    with db.atomic():
        assert bulk.copy_rows(db.obj, "copied", ("n", "t", "b", "raw"), rows) == 3
    got = db.execute_sql("SELECT n, t, b, raw FROM copied ORDER BY n").fetchall()
    assert [(n, t, b, bytes(raw) if raw is not None else None) for n, t, b, raw in got] == rows


def test_seeding_counts_and_indexes_on_the_bulk_path(database, monkeypatch):
    """The bulk path (indexes dropped, COPY on PostgreSQL, indexes rebuilt, ANALYZE) gives
    exactly the requested rows, and leaves every index as it was."""
    from patolab_desktop.demo import customers as demo_customers
    from patolab_desktop.demo import fill
    from patolab_desktop.demo import requests as demo_requests
    from patolab_desktop.services import customers
    from patolab_desktop.services.customers import CustomerFilter
    from patolab_desktop.services.paging import PageRequest

    monkeypatch.setattr(demo_customers, "REBUILD_THRESHOLD", 50)
    monkeypatch.setattr(demo_customers, "BATCH", 70)
    monkeypatch.setattr(demo_requests, "BATCH", 60)
    copied: list[str] = []
    real_copy = bulk.copy_rows
    monkeypatch.setattr(
        bulk, "copy_rows", lambda d, table, *a: copied.append(table) or real_copy(d, table, *a)
    )
    before = None if is_sqlite() else sorted(bulk.secondary_indexes(db.obj, "customer"))
    before_lines = None if is_sqlite() else sorted(bulk.secondary_indexes(db.obj, "request_line"))

    fill.seed_demo(customers=230, requests=150, seed=11)

    assert Customer.select().count() == 230
    assert LabRequest.select().count() == 150
    assert RequestLine.select().count() >= 150
    assert RequestEvent.select().count() >= 150
    if not is_sqlite():
        assert {"customer", "lab_request", "request_line", "request_event"} <= set(copied)
        assert sorted(bulk.secondary_indexes(db.obj, "customer")) == before
        assert sorted(bulk.secondary_indexes(db.obj, "request_line")) == before_lines
        analysed = db.execute_sql(
            "SELECT count(*) FROM pg_stat_user_tables WHERE relname = 'customer' "
            "AND last_analyze IS NOT NULL"
        ).fetchone()[0]
        assert analysed == 1
        # the sequence is past the copied ids: a new request gets a fresh id
        next_id = db.execute_sql("SELECT nextval(pg_get_serial_sequence('lab_request', 'id'))")
        assert next_id.fetchone()[0] > 150
    name = Customer.select(Customer.name_folded).order_by(Customer.id).first().name_folded
    found = customers.page(CustomerFilter(search=name.split()[0]), PageRequest(limit=10))
    assert found.rows


def _vacuums_of_customer(url: str) -> int:
    import psycopg2

    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = 'customer'")
            return int(cur.fetchone()[0])
    finally:
        conn.close()


@pytest.mark.skipif(not PG_URL, reason="needs PATOLAB_TEST_PG (make test-pg)")
def test_pg_bench_database_is_built_once_then_reused(tmp_path):
    import psycopg2

    base = PG_URL.rsplit("/", 1)[0] + "/postgres"
    seed = int(uuid.uuid4().int % 10**6)
    lines: list[str] = []
    url, built = databases.ensure_pg_database(base, 40, 30, seed, lines.append)
    try:
        assert built is not None
        assert url.endswith("/" + databases.bench_pg_name(40, 30, seed))
        vacuums_before = _vacuums_of_customer(url)
        again, reused = databases.ensure_pg_database(base, 40, 30, seed, lambda _t: None)
        assert again == url and reused is None
        # what earlier runs rolled back is vacuumed away before a reused database is measured
        assert _vacuums_of_customer(url) > vacuums_before
        conn = psycopg2.connect(url)
        with conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM customer")
            assert cur.fetchone()[0] == 40
            cur.execute("SELECT count(*) FROM lab_request")
            assert cur.fetchone()[0] == 30
        conn.close()

        # two desks at once for a moment: what they saved is all there, gap-free
        from patolab_desktop.bench import desks

        result = desks.run_desks(url, 2, 2, log=lambda _t: None)
        checks = result["checks"]
        assert checks["requests_saved"] > 0
        assert checks["requests_saved"] == result["operations"]["request_save"]["n"]
        assert checks["requests_missing"] == 0
        assert checks["number_duplicates"] == 0 and checks["number_gaps"] == 0
        assert checks["lost_updates"] == 0
        assert result["errors"] == []
    finally:
        admin = psycopg2.connect(base)
        admin.autocommit = True
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{databases.bench_pg_name(40, 30, seed)}"')
        admin.close()
