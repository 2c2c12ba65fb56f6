"""Full-text index over the folded ``customer.search_text`` column.

SQLite: an external-content FTS5 table with the trigram tokenizer, kept in sync by
triggers, so any substring of 3+ characters is found through the index.
PostgreSQL: a pg_trgm GIN index on the same column, which serves ``LIKE '%term%'``.
The column itself is folded (lower case, no accents) by the service that saves the
row, so "perez" finds "Pérez" on both backends.
"""
from __future__ import annotations

from peewee import Database, PostgresqlDatabase

FTS_TABLE = "customer_fts"

_SQLITE_DDL = [
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(
        search_text, content='customer', content_rowid='id', tokenize='trigram')""",
    f"""CREATE TRIGGER IF NOT EXISTS customer_fts_ai AFTER INSERT ON customer BEGIN
        INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS customer_fts_ad AFTER DELETE ON customer BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS customer_fts_au AFTER UPDATE OF search_text ON customer
    BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
        INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
]

_POSTGRES_DDL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS customer_search_trgm ON customer "
    "USING gin (search_text gin_trgm_ops)",
]

_COMMON_DDL = [
    # id_number is unique among active customers only (a deactivated duplicate may stay).
    "CREATE UNIQUE INDEX IF NOT EXISTS customer_active_id_number "
    "ON customer (id_number) WHERE active AND id_number IS NOT NULL",
]

MIN_TRIGRAM = 3


def install(database: Database) -> None:
    ddl = _POSTGRES_DDL if isinstance(database, PostgresqlDatabase) else _SQLITE_DDL
    for statement in ddl + _COMMON_DDL:
        database.execute_sql(statement)


def rebuild(database: Database) -> None:
    """Rebuild the SQLite index from the content table (after bulk loads)."""
    if not isinstance(database, PostgresqlDatabase):
        database.execute_sql(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")


def match_expression(terms: list[str]) -> str:
    """FTS5 MATCH string: every term (3+ chars, already folded) must appear."""
    quoted = ['"' + term.replace('"', '""') + '"' for term in terms if len(term) >= MIN_TRIGRAM]
    return " AND ".join(quoted)
