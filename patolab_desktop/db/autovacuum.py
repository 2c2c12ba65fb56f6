"""PostgreSQL: autovacuum keeps the visibility map of the searched tables up to date.

The customer search walks the name index and the requests list walks its patient-search
index as index-only scans (issue 20): an entry is answered from the index alone only when
its table page is marked all-visible, and only VACUUM marks pages. By default autovacuum
comes after inserts or dead rows of a fifth of the table, so after an import of 100,000
patients into 1,000,000 (committed, or cancelled and rolled back) it never came: every
walk read the table row of each new entry. Measured on that database, «jose martinez»
walked in 96 ms with 22,340 table reads, and in 43 ms with none after a VACUUM.
With a hundredth (inserts) and a fiftieth (dead rows) of the table, autovacuum passes
within its nap time after such an import, and about monthly for a desk's daily new rows.
"""

from __future__ import annotations

from peewee import Database, PostgresqlDatabase

TABLES = ("customer", "lab_request")
SETTINGS = {
    "autovacuum_vacuum_insert_scale_factor": "0.01",
    "autovacuum_vacuum_scale_factor": "0.02",
}


def install(database: Database) -> None:
    """Set ``SETTINGS`` on ``TABLES`` (PostgreSQL; nothing on SQLite)."""
    if not isinstance(database, PostgresqlDatabase):
        return
    options = ", ".join(f"{name} = {value}" for name, value in SETTINGS.items())
    for table in TABLES:
        database.execute_sql(f'ALTER TABLE "{table}" SET ({options})')
