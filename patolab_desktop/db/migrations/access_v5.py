"""Schema version 5 (issue 15): optimistic-lock ``version`` columns on every editable
record that lacked one (settings, branches, referrer types, roles, users)."""

from __future__ import annotations

from peewee import Database, IntegerField
from playhouse.migrate import PostgresqlMigrator, SqliteMigrator, migrate

from ..database import is_sqlite

VERSIONED_TABLES = ("setting", "branch", "referrer_type", "role", "user")


def add_version_columns(database: Database) -> None:
    migrator = SqliteMigrator(database) if is_sqlite(database) else PostgresqlMigrator(database)
    for table in VERSIONED_TABLES:
        columns = {c.name for c in database.get_columns(table)}
        if "version" not in columns:
            migrate(migrator.add_column(table, "version", IntegerField(default=1)))
