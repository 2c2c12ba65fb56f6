"""Two desks started at the same moment on an empty or an older PostgreSQL database: one
creates or upgrades the schema, the other waits for it and opens the schema ready (it got
PostgreSQL's English «duplicate key value violates unique constraint
"pg_class_relname_nsp_index"» instead)."""

from __future__ import annotations

import multiprocessing

import pytest

from tests.conftest import PG_URL, scratch_pg_database

pytestmark = pytest.mark.skipif(
    not PG_URL,
    reason="PostgreSQL-only: several desks share one database only on a server (an SQLite "
    "file stays on one computer's disk), and the lock is the server's advisory lock",
)


def _first_desk(url: str, inside, release, pids, results) -> None:
    """Opens the database and stops inside the transaction that stamps the schema version
    (the schema created or upgraded, not committed) until ``release``."""
    from patolab_desktop.db import migrations
    from patolab_desktop.db.database import db
    from patolab_desktop.services.bootstrap import close_db, open_db

    stamp = migrations.SchemaVersion

    class Held:
        @staticmethod
        def create(**fields):
            row = stamp.create(**fields)
            pids.put(db.connection().get_backend_pid())
            inside.set()
            release.wait(120)
            return row

    migrations.SchemaVersion = Held
    _open(url, open_db, close_db, results)


def _second_desk(url: str, results) -> None:
    from patolab_desktop.services.bootstrap import close_db, open_db

    _open(url, open_db, close_db, results)


def _open(url, open_db, close_db, results) -> None:
    try:
        open_db(url)
        from patolab_desktop.db.migrations import SCHEMA_VERSION, current_version
        from patolab_desktop.db.models import Role

        results.put(("ok", current_version(Role._meta.database), SCHEMA_VERSION))
    except Exception as exc:  # the parent looks at it
        results.put(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        close_db()


def _older(url: str) -> None:
    """The database one step behind (schema 20): its last step is undone."""
    import psycopg2

    from patolab_desktop.db import search

    conn = psycopg2.connect(url)
    with conn, conn.cursor() as cur:
        cur.execute(f"DROP INDEX {search.DOCUMENT_ORDER_INDEX}")
        cur.execute("UPDATE schema_version SET version = 20 WHERE version >= 21")
    conn.close()


@pytest.mark.parametrize("start", ["empty", "older"])
def test_the_second_desk_waits_for_the_schema_and_opens(start, request):
    import psycopg2

    if start == "older":
        request.getfixturevalue("_pg_template")
    template = "patolab_test_template" if start == "older" else None
    ctx = multiprocessing.get_context("spawn")
    with scratch_pg_database("t_two_starts_", template=template) as url:
        if start == "older":
            _older(url)
        inside, release = ctx.Event(), ctx.Event()
        pids, first_result, second_result = ctx.Queue(), ctx.Queue(), ctx.Queue()
        first = ctx.Process(target=_first_desk, args=(url, inside, release, pids, first_result))
        first.start()
        second = ctx.Process(target=_second_desk, args=(url, second_result))
        try:
            assert inside.wait(120)
            first_pid = pids.get(timeout=10)
            second.start()
            watcher = psycopg2.connect(PG_URL)
            watcher.autocommit = True
            waited = False
            with watcher.cursor() as cur:
                while not waited and second.is_alive():
                    cur.execute(
                        "SELECT count(*) FROM pg_stat_activity "
                        "WHERE %s = ANY(pg_blocking_pids(pid))",
                        (first_pid,),
                    )
                    waited = cur.fetchone()[0] > 0
                    second.join(timeout=0.01)  # a condition wait: at once when it ends
            watcher.close()
        finally:
            release.set()
        outcomes = [first_result.get(timeout=120), second_result.get(timeout=120)]
        first.join(60)
        second.join(60)
    assert waited, outcomes
    assert [o[0] for o in outcomes] == ["ok", "ok"], outcomes
    assert all(o[1] == o[2] for o in outcomes), outcomes
