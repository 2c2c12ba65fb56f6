"""A PostgreSQL server older than the searches need is refused when the database is
opened, with a message naming both versions (its first search failed on
``enable_incremental_sort``, a setting PostgreSQL 12 does not know)."""

from __future__ import annotations

import pytest

from patolab_desktop.db import opening
from patolab_desktop.db.database import DatabaseOpenError, _PostgresDatabase
from tests.conftest import PG_URL

needs_pg = pytest.mark.skipif(not PG_URL, reason="PostgreSQL-only (make test-pg)")


@needs_pg
def test_a_server_older_than_13_is_refused_with_both_versions(db_target, monkeypatch):
    monkeypatch.setattr(
        _PostgresDatabase,
        "_set_server_version",
        lambda self, conn: setattr(self, "server_version", 120017),
    )
    with pytest.raises(DatabaseOpenError, match=r"PostgreSQL 12\.17.*PostgreSQL 13 o más"):
        opening.open_database(db_target)


@needs_pg
def test_the_test_server_is_new_enough(database):
    assert database.server_version >= opening.MIN_POSTGRES


def test_a_new_enough_server_or_an_sqlite_file_stays_open(database):
    opening._refuse_an_old_server(database)  # nothing raised
    assert not database.is_closed()
