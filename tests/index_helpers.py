"""Indexes of the test database, a database upgraded from before a schema step, and an
index a schema step makes, made again by it."""

from __future__ import annotations

from patolab_desktop.db import migrations
from patolab_desktop.db.database import db, is_sqlite


def index_names() -> set[str]:
    """The names of every index of the test database (either backend)."""
    sql = "SELECT name FROM sqlite_master" if is_sqlite() else "SELECT indexname FROM pg_indexes"
    return {r[0] for r in db.execute_sql(sql).fetchall()}


def upgrade_from_before(step: int) -> None:
    """PostgreSQL: take the database back to before schema ``step`` and upgrade it."""
    db.execute_sql("UPDATE schema_version SET version = %s WHERE version >= %s", (step - 1, step))
    assert migrations.upgrade(db.obj) == migrations.SCHEMA_VERSION >= step


def made_again_by_upgrade(index: str, step: int) -> str:
    """PostgreSQL: drop ``index``, take the database back to before schema ``step``, upgrade
    it; the definition of the index the upgrade made ("" when none)."""
    db.execute_sql(f"DROP INDEX {index}")
    upgrade_from_before(step)
    found = db.execute_sql(
        "SELECT indexdef FROM pg_indexes WHERE indexname = %s", (index,)
    ).fetchone()
    return found[0] if found else ""
