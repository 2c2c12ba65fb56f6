"""A PostgreSQL server older than the searches need is refused when the database is
opened, with a message naming both versions (its first search failed on
``enable_incremental_sort``, a setting PostgreSQL 12 does not know)."""

from __future__ import annotations

import re

import pytest

from patolab_desktop.db import opening
from patolab_desktop.db.database import DatabaseOpenError, _PostgresDatabase
from patolab_desktop.services.safety import transfer
from tests.conftest import PG_URL, scratch_pg_database

needs_pg = pytest.mark.skipif(not PG_URL, reason="PostgreSQL-only (make test-pg)")


OLD = r"PostgreSQL 12\.17.*PostgreSQL 13 o más"


def _server_reports(monkeypatch, number: int = 120017) -> None:
    """Every PostgreSQL connection from now on reports libpq's version ``number``."""
    monkeypatch.setattr(
        _PostgresDatabase,
        "_set_server_version",
        lambda self, conn: setattr(self, "server_version", number),
    )


@needs_pg
def test_a_server_older_than_13_is_refused_with_both_versions(db_target, monkeypatch):
    _server_reports(monkeypatch)
    with pytest.raises(DatabaseOpenError, match=OLD):
        opening.open_database(db_target)


@needs_pg
def test_testing_a_connection_to_it_says_so(monkeypatch):
    _server_reports(monkeypatch)
    with pytest.raises(DatabaseOpenError, match=OLD):
        transfer.check_connection(PG_URL)


@needs_pg
def test_migrate_to_it_copies_nothing(tmp_path, monkeypatch):
    from patolab_desktop.services.access import session
    from patolab_desktop.services.bootstrap import close_db, open_db

    open_db(tmp_path / "origen.db")
    try:
        with scratch_pg_database("m_") as url, session.acting_as(session.system_actor("t")):
            _server_reports(monkeypatch)
            with pytest.raises(DatabaseOpenError, match=OLD):
                transfer.migrate_to(url)
            monkeypatch.undo()
            assert transfer.check_connection(url).endswith("base de datos vacía.")
    finally:
        close_db()


@needs_pg
def test_the_test_server_is_new_enough(database):
    assert database.server_version >= opening.MIN_POSTGRES


def test_a_new_enough_server_or_an_sqlite_file_stays_open(database):
    opening.refuse_old_server(database)  # nothing raised
    assert not database.is_closed()


@needs_pg
@pytest.mark.parametrize(("number", "shown"), [(120017, "12.17"), (90624, "9.6.24")])
def test_the_refused_connection_is_closed_and_its_version_written_as_people_do(
    monkeypatch, number, shown
):
    from patolab_desktop.db.database import make_database

    _server_reports(monkeypatch, number)
    server = make_database(PG_URL)
    server.connect()
    with pytest.raises(DatabaseOpenError, match=rf"PostgreSQL {re.escape(shown)};"):
        opening.refuse_old_server(server)
    assert server.is_closed()
