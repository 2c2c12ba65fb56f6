"""The server drops a desk's connection, as a restart of PostgreSQL does: the tests of a
desk that must recover by itself (``db.database.ConnectionLost``)."""

from __future__ import annotations

import pytest

from tests.conftest import PG_URL

needs_pg = pytest.mark.skipif(
    not PG_URL,
    reason="needs PATOLAB_TEST_PG (make test-pg): an SQLite file has no server connection to lose",
)


def drop_desk_connection() -> None:
    """The server ends this thread's connection (``pg_terminate_backend``, waiting until the
    backend has gone); the desk finds out at its next statement, as after a restart."""
    import psycopg2

    from patolab_desktop.db.database import db

    pid = db.execute_sql("SELECT pg_backend_pid()").fetchone()[0]
    admin = psycopg2.connect(PG_URL)
    admin.autocommit = True
    try:
        with admin.cursor() as cur:
            cur.execute("SELECT pg_terminate_backend(%s, 10000)", (pid,))
            assert cur.fetchone() == (True,)
    finally:
        admin.close()
