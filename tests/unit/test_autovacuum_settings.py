"""Issue 20: on PostgreSQL, autovacuum keeps the visibility map of the searched tables
(``db/autovacuum.py``), so the index-only walks of the customer search and the requests
list stay index-only after an import. The defaults waited for a fifth of the table."""

from __future__ import annotations

import pytest

from patolab_desktop.db import autovacuum, migrations
from patolab_desktop.db.database import db, is_sqlite
from tests.conftest import PG_URL

pytestmark = pytest.mark.skipif(not PG_URL, reason="needs PATOLAB_TEST_PG (make test-pg)")


def _options() -> dict[str, dict[str, str]]:
    rows = db.execute_sql(
        "SELECT relname, coalesce(reloptions, '{}') FROM pg_class "
        "WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' AND relname IN %s",
        (autovacuum.TABLES,),
    ).fetchall()
    return {name: dict(option.split("=", 1) for option in options) for name, options in rows}


def test_a_new_database_has_the_settings_on_its_searched_tables(database):
    assert not is_sqlite()
    assert _options() == {table: autovacuum.SETTINGS for table in autovacuum.TABLES}


def test_a_database_of_schema_15_gets_them_when_it_is_upgraded(database):
    for table in autovacuum.TABLES:
        db.execute_sql(f'ALTER TABLE "{table}" RESET ({", ".join(autovacuum.SETTINGS)})')
    db.execute_sql("UPDATE schema_version SET version = 15")
    assert _options() == {table: {} for table in autovacuum.TABLES}

    assert migrations.upgrade(db.obj) == migrations.SCHEMA_VERSION

    assert _options() == {table: autovacuum.SETTINGS for table in autovacuum.TABLES}
