"""Bulk writes on PostgreSQL with ``COPY … FROM STDIN`` (issue 20).

A row-by-row (or multi-row ``INSERT``) load of millions of rows spends its time in
statement round trips and parsing; ``COPY`` streams the rows in PostgreSQL's text format
in one statement per batch. Used by the synthetic data of the benchmark (``demo``) and by
``migrate-to``. Values are what the driver would be given: None, bool, int, str,
date/datetime, Decimal, bytes.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from itertools import chain

from peewee import (
    EXCEPTIONS,
    CharField,
    Database,
    ExceptionWrapper,
    Field,
    PostgresqlDatabase,
    TextField,
)

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_cell(value: object) -> str:
    """One value in COPY's text format (``\\N`` is NULL, specials backslash-escaped)."""
    if value.__class__ is str:  # most cells: the type test first (a patient import: 3.3M)
        return value.translate(_ESCAPES)
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    value = getattr(value, "adapted", value)  # psycopg2.Binary (a BlobField's db_value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "\\\\x" + bytes(value).hex()  # bytea hex input, its backslash escaped
    return str(value).translate(_ESCAPES)


def copy_text(rows: Iterable[Sequence]) -> str:
    return "".join("\t".join(map(copy_cell, row)) + "\n" for row in rows)


def copy_statement(table: str, columns: Sequence[str], freeze: bool = False) -> str:
    """``COPY table (columns) FROM STDIN``; ``freeze`` adds ``WITH (FREEZE)``, for a
    table emptied by ``truncate_for_frozen_load`` in the same transaction."""
    names = ", ".join(f'"{c}"' for c in columns)
    return f'COPY "{table}" ({names}) FROM STDIN' + (" WITH (FREEZE)" if freeze else "")


def copy_rows(
    database: Database, table: str, columns: Sequence[str], rows: list, freeze: bool = False
) -> int:
    """``COPY table (columns) FROM STDIN`` with ``rows`` (tuples); returns their count.

    Runs on the database's current connection, so inside the caller's transaction. The
    driver's errors are raised as peewee's, as for any other statement (a duplicate key:
    ``peewee.IntegrityError``)."""
    if not rows:
        return 0
    buffer = io.StringIO(copy_text(rows))
    cursor = database.cursor()
    with ExceptionWrapper(EXCEPTIONS):
        cursor.copy_expert(copy_statement(table, columns, freeze), buffer)
    return len(rows)


MAX_PARAMS = 30_000  # below SQLite's (32,766) and PostgreSQL's (65,535) limits


def insert_rows(fields: Sequence[Field], rows: list[tuple], chunk: int = 500) -> None:
    """Insert ``rows`` (tuples of ``fields``' values, all fields of one model) with
    ``INSERT … VALUES (…), (…)`` of ``chunk`` rows, one SQL text per statement size,
    values adapted by each field's ``db_value``: peewee's query builder spent ~0.3 ms a
    row composing it (a patient import), ~0.25 ms a row for the catalog's. Runs on the
    model's database, inside the caller's transaction.

    On PostgreSQL the rows go in with one ``COPY … FROM STDIN`` instead (``copy_rows``):
    100,000 new customers into a million took 13.3-13.9 s as 500-row ``INSERT``s (5.4 s
    of this process's CPU), 7.5-8.0 s by COPY (1.3-1.4 s). The keys, the foreign keys
    and the errors are the same (a duplicate key is a peewee ``IntegrityError`` either
    way)."""
    if not rows:
        return
    model = fields[0].model
    database = model._meta.database
    table = model._meta.table_name
    width = len(fields)
    # text columns already hold their str (or None): only the others are adapted, a
    # column at a time over the flat list of values (the rows' 2.4 million values, one
    # Python call each, were a second of a 100,000-row import)
    adapted = [
        (index, f.db_value)
        for index, f in enumerate(fields)
        if not isinstance(f, (CharField, TextField))
    ]

    def flat(part: list[tuple]) -> list:
        values = list(chain.from_iterable(part))
        for index, to_db in adapted:
            values[index::width] = map(to_db, values[index::width])
        return values

    if is_postgres(database.obj if hasattr(database, "obj") else database):
        copied = list(zip(*[iter(flat(rows))] * width, strict=True))
        copy_rows(database, table, [f.column_name for f in fields], copied)
        return
    per_statement = max(1, min(chunk, MAX_PARAMS // width))
    param = database.param
    head = (
        f'INSERT INTO "{table}" ('  # SQL-standard quotes: both backends
        + ", ".join(f'"{f.column_name}"' for f in fields)
        + ") VALUES "
    )
    one = "(" + ", ".join([param] * width) + ")"
    sql_for: dict[int, str] = {}
    for start in range(0, len(rows), per_statement):
        part = rows[start : start + per_statement]
        sql = sql_for.get(len(part))
        if sql is None:
            sql = sql_for[len(part)] = head + ", ".join([one] * len(part))
        database.execute_sql(sql, flat(part))


def drop_before_insert_triggers(database: Database, table: str) -> list[str]:
    """Drop the BEFORE INSERT row triggers of ``table`` (PostgreSQL) for a load; the
    statements that create them again.

    COPY inserts a row at a time into a table with such a trigger, even a disabled one:
    slower, and a frozen COPY then marks no page all-visible (only its batched inserts
    do)."""
    triggers = database.execute_sql(
        "SELECT t.tgname, pg_get_triggerdef(t.oid) FROM pg_trigger t "
        "JOIN pg_class c ON c.oid = t.tgrelid WHERE c.relname = %s "
        "AND c.relnamespace = 'public'::regnamespace AND NOT t.tgisinternal "
        "AND t.tgtype & 7 = 7",  # tgtype bits: 1 row, 2 before, 4 insert
        (table,),
    ).fetchall()
    for name, _definition in triggers:
        database.execute_sql(f'DROP TRIGGER "{name}" ON "{table}"')
    return [definition for _name, definition in triggers]


def truncate_for_frozen_load(database: Database, tables: Sequence[str]) -> None:
    """Empty ``tables`` (already empty, foreign keys dropped) in the current transaction,
    so that the COPYs that follow in it may say ``FREEZE``.

    A frozen COPY writes its rows as visible to every transaction and, since PostgreSQL
    14, marks their pages all-visible in the visibility map. Without it, a freshly loaded
    table has no page marked: every index-only scan (the customer search's walk of the
    name index) reads the table row of each entry until a VACUUM has passed, and
    autovacuum later rewrites every page of the load to freeze it."""
    if tables:
        database.execute_sql("TRUNCATE " + ", ".join(f'"{t}"' for t in tables))


def is_postgres(database: Database) -> bool:
    return isinstance(database, PostgresqlDatabase)


def secondary_indexes(database: Database, table: str) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the non-unique indexes of ``table`` (PostgreSQL)."""
    return _indexes(database, table, unique=False)


def _indexes(database: Database, table: str, unique: bool) -> list[tuple[str, str]]:
    """The indexes of ``table`` that back no constraint, unique or not, by name."""
    return [
        (name, sql)
        for name, sql in database.execute_sql(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
            "WHERE t.relname = %s AND x.indisunique = %s AND NOT x.indisprimary "
            "AND t.relnamespace = 'public'::regnamespace "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) "
            "ORDER BY i.relname",
            (table, unique),
        ).fetchall()
    ]


def drop_foreign_keys(database: Database, table: str) -> list[str]:
    """Drop the foreign keys of a PostgreSQL ``table``; the statements that add them back.

    A load then copies rows without a trigger per row and key checking each value (a
    row that points at a later row of its own table goes in as it is); added back once
    the data is there, each constraint checks every row in one join, as ``pg_restore``
    does."""
    return _drop_constraints(database, table, "f")


def drop_keys_and_indexes(database: Database, table: str) -> list[str]:
    """Drop the primary key, the unique and the secondary indexes of an EMPTY PostgreSQL
    table whose foreign keys, and those pointing at it, are already dropped; the
    statements that build them again, the primary key first."""
    if database.execute_sql(f'SELECT 1 FROM "{table}" LIMIT 1').fetchone():
        return []
    return (
        _drop_constraints(database, table, "pu")
        + _drop_indexes(database, table, True)
        + _drop_indexes(database, table, False)
    )


def _drop_constraints(database: Database, table: str, kinds: str) -> list[str]:
    """Drop the constraints of ``table`` whose ``pg_constraint.contype`` is one of
    ``kinds``; the statements that add them back, by kind ("p" before "u") and name."""
    statements = []
    for name, definition in database.execute_sql(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype::text = ANY(%s) ORDER BY contype, conname",
        (f'"{table}"', list(kinds)),
    ).fetchall():
        database.execute_sql(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        statements.append(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
    return statements


def drop_secondary_indexes(database: Database, table: str) -> list[str]:
    """Drop the non-unique indexes of an EMPTY PostgreSQL table; their CREATE statements.

    Building an index once after the load is several times faster than keeping it up to
    date while a million rows arrive (the trigram GIN index most of all)."""
    if database.execute_sql(f'SELECT 1 FROM "{table}" LIMIT 1').fetchone():
        return []
    return _drop_indexes(database, table, False)


def _drop_indexes(database: Database, table: str, unique: bool) -> list[str]:
    statements = []
    for name, sql in _indexes(database, table, unique):
        database.execute_sql(f'DROP INDEX IF EXISTS "{name}"')
        statements.append(sql)
    return statements


def recreate_indexes(
    database: Database, statements: list[str], done: Callable[[int], None] | None = None
) -> None:
    """Run the statements that build indexes and add constraints back, with the memory
    of a restore for the sorts and the joins that check a foreign key's rows; ``done``
    is told how many have run, before the first and after each."""
    if not statements:
        return
    database.execute_sql("SET maintenance_work_mem = '256MB'")
    database.execute_sql("SET work_mem = '128MB'")
    for count, sql in enumerate(statements):
        if done is not None:
            done(count)
        database.execute_sql(sql)
    if done is not None:
        done(len(statements))
    database.execute_sql("RESET work_mem")
    database.execute_sql("RESET maintenance_work_mem")


def analyze(database: Database, tables: Iterable[str] = ()) -> None:
    """Planner statistics after a bulk load (autovacuum would take its time)."""
    names = list(tables)
    if names:
        for table in names:
            database.execute_sql(f'ANALYZE "{table}"')
    else:
        database.execute_sql("ANALYZE")
