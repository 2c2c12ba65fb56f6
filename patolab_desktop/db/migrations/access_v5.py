"""Schema version 9 (issue 15; reserved as 5, numbered after main's 8): optimistic-lock
``version`` columns on every editable record that lacked one (settings, branches,
referrer types, roles, users)."""

from __future__ import annotations

from peewee import Database

VERSIONED_TABLES = ("setting", "branch", "referrer_type", "role", "user")


def add_version_columns(database: Database) -> None:
    """``ADD COLUMN … NOT NULL DEFAULT 1`` on SQLite and PostgreSQL alike (no table
    rebuild: the user table is referenced by the audit trail)."""
    for table in VERSIONED_TABLES:
        columns = {c.name for c in database.get_columns(table)}
        if "version" not in columns:
            database.execute_sql(
                f'ALTER TABLE "{table}" ADD COLUMN version INTEGER NOT NULL DEFAULT 1'
            )
