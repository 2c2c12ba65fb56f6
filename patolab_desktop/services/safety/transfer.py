"""Moving a lab from one SQLite file to a PostgreSQL server, and testing a connection.

``migrate_to(url)`` copies every table of the open (SQLite) database into an EMPTY
target: the schema is created there by the normal migrations, then every table is copied
in foreign-key order, in batches, inside ONE transaction on the target (a failure leaves
no half-copied data), the PostgreSQL id sequences are moved past the copied ids, and the
row counts of both sides are compared before committing. On PostgreSQL (issue 20) the
rows go in with COPY (20,000 a statement) into bare tables: the foreign keys, keys and
indexes are dropped for the load and built once after it (``_load_bare``), the rows are
written frozen (``COPY … WITH (FREEZE)`` into tables truncated in the same transaction:
their pages are all-visible at once, so the index-only walks of the searches do not read
the table before a VACUUM), and the tables are ANALYZEd at the end, so the planner has
statistics at once.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from functools import partial
from pathlib import Path

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    Database,
    DateField,
    DateTimeField,
    Field,
    ForeignKeyField,
    IntegerField,
    IntegrityError,
    Model,
    PostgresqlDatabase,
    TextField,
    sort_models,
)

from ...db import bulk, migrations, request_search
from ...db.database import (
    DatabaseOpenError,
    db,
    describe,
    friendly_error,
    is_postgres_url,
    is_sqlite,
    make_database,
)
from ...db.models import ALL_MODELS, SchemaVersion
from ...db.moved import mark_moved, moved_message, moved_to
from ...db.opening import refuse_old_server
from ..errors import RuleError
from ..texts import translate

log = logging.getLogger(__name__)

BATCH = 1000
COPY_BATCH = 20_000  # rows per COPY statement when the target is PostgreSQL


class TransferError(RuleError):
    pass


def check_connection(target: str) -> str:
    """Try to connect to ``target`` (a path or a postgresql:// URL); a summary for the user.

    Raises DatabaseOpenError with the reason when it cannot connect. Writes nothing
    (an SQLite file that does not exist yet is reported, not created).
    """
    from pathlib import Path

    target = (target or "").strip()
    if not target:
        raise DatabaseOpenError(
            translate("services.transfer", "Escriba la ruta del archivo o la URL postgresql://.")
        )
    database = make_database(target)  # also refuses network shares and missing folders
    if is_sqlite(database):
        path = Path(database.database)
        if not path.exists():
            return translate(
                "services.transfer", "El archivo {path} no existe todavía: se creará al abrirlo."
            ).format(path=path)
    try:
        database.connect()
    except Exception as exc:  # psycopg2 / sqlite3 errors differ
        raise DatabaseOpenError(_cannot_connect(target, exc)) from exc
    refuse_old_server(database)
    try:
        version = migrations.current_version(database)
        if isinstance(database, PostgresqlDatabase):
            server = database.execute_sql("SHOW server_version").fetchone()[0]
            kind = f"PostgreSQL {server}"
        else:
            kind = "SQLite"
    finally:
        database.close()
    if version:
        schema = translate("services.transfer", "esquema versión {version}").format(version=version)
    else:
        schema = translate("services.transfer", "base de datos vacía")
    return translate("services.transfer", "Conexión correcta: {kind}, {schema}.").format(
        kind=kind, schema=schema
    )


def _cannot_connect(target: str, exc: Exception) -> str:
    return translate("services.transfer", "No se pudo conectar a {target}: {error}").format(
        target=describe(target), error=friendly_error(exc)
    )


def _is_patolab_sqlite(path: str | Path) -> bool:
    """An SQLite file with PatoLab's schema table (then the "already has data" rule
    decides); any other existing file is never written into."""
    import sqlite3

    from ...util import files

    if not files.is_sqlite_file(path):
        return False
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return bool(
                conn.execute(
                    "SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_version'"
                ).fetchone()
            )
        finally:
            conn.close()
    except sqlite3.Error:
        return False


def _models() -> list:
    return sort_models(ALL_MODELS)  # parents before children


def _count(database: Database, table: str) -> int:
    return int(database.execute_sql(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0])


def _copy_table(
    source: Database,
    target: Database,
    model: type[Model],
    batch: int,
    progress: Callable[[str], None] | None,
    freeze: bool = False,
) -> int:
    table = model._meta.table_name
    fields = list(model._meta.sorted_fields)
    copy = isinstance(target, PostgresqlDatabase)  # COPY, not INSERT (issue 20)
    if copy and is_sqlite(source) and all(_sqlite_text_ready(f) for f in fields):
        return _copy_table_as_text(source, target, model, fields, batch, progress, freeze)
    columns = ", ".join(f'"{f.column_name}"' for f in fields)
    placeholders = "(" + ", ".join([target.param] * len(fields)) + ")"
    # A row may point at a later row of its own table (request_line.parent_line): such
    # columns are inserted empty and filled in once every row of the table is there.
    self_refs = [
        i for i, f in enumerate(fields) if isinstance(f, ForeignKeyField) and f.rel_model is model
    ]
    pk_index = fields.index(model._meta.primary_key)
    later: list[tuple[int, object, object]] = []
    last_rowid = -(2**63)
    copied = 0
    while True:
        rows = source.execute_sql(
            f'SELECT rowid, {columns} FROM "{table}" WHERE rowid > ? ORDER BY rowid LIMIT ?',
            (last_rowid, batch),
        ).fetchall()
        if not rows:
            break
        last_rowid = rows[-1][0]
        values: list = []
        for row in rows:
            cells = [
                field.db_value(field.python_value(raw)) if raw is not None else None
                for field, raw in zip(fields, row[1:], strict=False)
            ]
            for index in self_refs:
                if cells[index] is not None:
                    later.append((index, cells[pk_index], cells[index]))
                    cells[index] = None
            values.extend(cells)
        if copy:
            width = len(fields)
            bulk.copy_rows(
                target,
                table,
                [f.column_name for f in fields],
                [values[i : i + width] for i in range(0, len(values), width)],
                freeze,
            )
        else:
            marks = ", ".join([placeholders] * len(rows))
            target.execute_sql(f'INSERT INTO "{table}" ({columns}) VALUES {marks}', values)
        copied += len(rows)
        _report(progress, table, copied)
    pk = model._meta.primary_key.column_name
    for index in self_refs:
        column = fields[index].column_name
        pairs = [(key, ref) for i, key, ref in later if i == index]
        for start in range(0, len(pairs), batch):
            chunk = pairs[start : start + batch]
            target.execute_sql(
                f'UPDATE "{table}" SET "{column}" = v.column2 FROM (VALUES '
                + ", ".join([f"({target.param}, {target.param})"] * len(chunk))
                + f') AS v WHERE "{table}"."{pk}" = v.column1',
                [x for pair in chunk for x in pair],
            )
    return copied


def _report(progress: Callable[[str], None] | None, table: str, copied: int) -> None:
    if progress is not None:
        progress(
            translate("services.transfer", "{table}: {count} filas").format(
                table=table, count=copied
            )
        )


def _report_rebuild(progress: Callable[[str], None], total: int, count: int) -> None:
    progress(
        translate("services.transfer", "Creando índices y claves: {count} de {total}").format(
            count=count, total=total
        )
    )


# Field kinds whose SQLite value PostgreSQL reads as it is in COPY's text format: whole
# numbers (ids, money in thousandths, booleans stored 0/1, which PostgreSQL reads as
# false/true), and texts, dates and date-times, stored by peewee as ISO text.
_AS_NUMBER = (IntegerField, BooleanField, ForeignKeyField)
_AS_TEXT = (CharField, TextField, DateField, DateTimeField)


def _sqlite_text_ready(field: Field) -> bool:
    if isinstance(field, ForeignKeyField):
        return isinstance(field.rel_field, IntegerField)
    return isinstance(field, _AS_NUMBER + _AS_TEXT)


def _copy_line_sql(fields: list) -> str:
    """One SQLite expression that writes a row as a line of COPY's text format: NULL as
    ``\\N``, a text's backslash, tab, newline and carriage return backslash-escaped,
    columns joined by tabs. SQLite does per cell what Python did 20 million times over
    (issue 20: the per-cell conversion was most of ``migrate-to``'s time).

    A text is escaped only when one GLOB scan finds one of those four characters in it
    (four REPLACE copies of every text cost 2.3 s a million request lines), and the line
    is made by one ``printf`` per ``_PRINTF_CELLS`` columns instead of a ``||`` per
    column, each of which copied the line so far (1M request lines: 3.9 → 2.5 s)."""
    cells = []
    for field in fields:
        column = f'"{field.column_name}"'
        if isinstance(field, _AS_NUMBER):
            cells.append(f"COALESCE({column}, '\\N')")
        else:
            escaped = f"REPLACE({column}, '\\', '\\\\')"
            for char, code in (("t", 9), ("n", 10), ("r", 13)):
                escaped = f"REPLACE({escaped}, char({code}), '\\{char}')"
            special = f"{column} GLOB '*[' || char(9, 10, 13, 92) || ']*'"
            cells.append(f"COALESCE(CASE WHEN {special} THEN {escaped} ELSE {column} END, '\\N')")
    groups = [cells[i : i + _PRINTF_CELLS] for i in range(0, len(cells), _PRINTF_CELLS)]
    return " || char(9) || ".join(
        f"printf('{chr(9).join(['%s'] * len(group))}', {', '.join(group)})" for group in groups
    )


_PRINTF_CELLS = 50  # below SQLite's limit on a function's arguments (100 by default)


def _copy_table_as_text(
    source: Database,
    target: Database,
    model: type[Model],
    fields: list,
    batch: int,
    progress: Callable[[str], None] | None,
    freeze: bool = False,
) -> int:
    """``_copy_table`` from SQLite to PostgreSQL with the COPY lines written by SQLite.

    The next batch is read (by SQLite, on a read-only connection of its own, in a worker
    thread) while PostgreSQL takes the current one: the two sides work at the same time.
    (Two reading threads were slower than one: SQLite's allocations, in every REPLACE and
    printf, take one mutex for the whole process.)
    The table's foreign keys are dropped (``migrate_to``), so a reference to a later row
    of the same table is copied as it is; the constraints are added back, and so
    checked, once every table is loaded."""
    import sqlite3
    from concurrent.futures import ThreadPoolExecutor

    table = model._meta.table_name
    statement = bulk.copy_statement(table, [f.column_name for f in fields], freeze)
    query = (
        f'SELECT rowid, {_copy_line_sql(fields)} FROM "{table}" '
        "WHERE rowid > ? ORDER BY rowid LIMIT ?"
    )
    reader = sqlite3.connect(
        f"file:{Path(source.database).resolve()}?mode=ro", uri=True, check_same_thread=False
    )

    def read(after: int) -> list:
        return reader.execute(query, (after, batch)).fetchall()

    cursor = target.cursor()
    copied = 0
    try:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="migrate-read") as pool:
            pending = pool.submit(read, -(2**63))
            while rows := pending.result():
                pending = pool.submit(read, rows[-1][0])
                text = "\n".join(row[1] for row in rows) + "\n"
                cursor.copy_expert(statement, io.StringIO(text))
                copied += len(rows)
                _report(progress, table, copied)
    finally:
        reader.close()
    return copied


def _load_bare(target: Database, tables: list[str]) -> list[str]:
    """Drop the foreign keys, keys and indexes of the EMPTY PostgreSQL ``tables`` for the
    load, as ``pg_restore`` does, and their BEFORE INSERT triggers, then truncate them so
    that the COPYs may write frozen rows; the statements that put them back, in an order
    that works: keys and indexes, then the foreign keys that need the keys they point at,
    then the triggers.

    Measured at 1M customers (issue 20): a foreign key costs a trigger and an index probe
    per row copied (2M requests, 6.8M lines and 9.7M events), and a key or index kept up
    to date row by row costs more than one sorted build at the end."""
    foreign = [sql for table in tables for sql in bulk.drop_foreign_keys(target, table)]
    keys = [sql for table in tables for sql in bulk.drop_keys_and_indexes(target, table)]
    triggers = [sql for table in tables for sql in bulk.drop_before_insert_triggers(target, table)]
    bulk.truncate_for_frozen_load(target, tables)  # the COPYs may then write frozen rows
    return keys + foreign + triggers


def _reset_sequences(target: Database) -> None:
    if not isinstance(target, PostgresqlDatabase):
        return
    for model in _models():
        pk = model._meta.primary_key
        if isinstance(pk, AutoField):
            table = model._meta.table_name
            target.execute_sql(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{pk.column_name}'), "
                f'COALESCE((SELECT MAX("{pk.column_name}") FROM "{table}"), 1), '
                f'(SELECT MAX("{pk.column_name}") FROM "{table}") IS NOT NULL)'
            )


def _copy_all(
    source: Database,
    target: Database,
    batch: int,
    progress: Callable[[str], None] | None,
    finish: Callable[[dict[str, int]], None] = lambda counts: None,
) -> dict[str, int]:
    """Every table, in ONE transaction on the target: the counts copied, compared; then
    ``finish(counts)`` in the same transaction (the target's audit row of the copy)."""
    counts: dict[str, int] = {}
    postgres = isinstance(target, PostgresqlDatabase)
    models = [model for model in _models() if model is not SchemaVersion]
    tables = [m._meta.table_name for m in models]
    with target.atomic():
        rebuild = _load_bare(target, tables) if postgres else []
        for model in models:
            counts[model._meta.table_name] = _copy_table(
                source,
                target,
                model,
                max(batch, COPY_BATCH) if postgres else batch,
                progress,
                freeze=postgres,
            )
        if rebuild:
            told = None if progress is None else partial(_report_rebuild, progress, len(rebuild))
            bulk.recreate_indexes(target, rebuild, told)
            request_search.fill(target, missing_only=True)  # its insert trigger was gone
        _reset_sequences(target)
        for table, rows in counts.items():
            expected = _count(source, table)
            found = _count(target, table)
            if found != expected or rows != expected:
                raise TransferError(
                    translate(
                        "services.transfer",
                        "La tabla {table} no coincide después de copiar: origen {expected} "
                        "filas, "
                        "destino {found}. No se guardó nada en el destino.",
                    ).format(table=table, expected=expected, found=found)
                )
        finish(counts)
    return counts


def _audit_in_target(target: Database, source: Database, counts: dict[str, int]) -> None:
    """The copy's audit row in the target, in the copy's transaction."""
    from ..access import audit

    with target.bind_ctx(ALL_MODELS):
        audit.record(
            "import",
            "database",
            None,
            detail=(
                f"Copiada desde {source.database}: {sum(counts.values())} filas en "
                f"{len(counts)} tablas. El archivo de origen queda trasladado."
            ),
        )


def migrate_to(
    target_url: str, batch: int = BATCH, progress: Callable[[str], None] | None = None
) -> dict[str, int]:
    """Copy the open SQLite database into the empty database ``target_url``.

    Returns ``{table: rows}``. Refuses a target that already holds data (any table other
    than the schema version with a row), and a source that is not SQLite.
    Requires ``backups.run`` (the CLI acts as ``cli``); audited in the target (in the
    copy's transaction) and in the source, which is then marked as moved (``db.moved``):
    it is not opened for work again, and a desk that still has it open saves nothing more.
    """
    from ..access import audit, session

    session.require_now("backups.run")
    source = db.obj
    if source is None or not is_sqlite(source):
        raise TransferError(
            translate(
                "services.transfer",
                "Abra primero la base de datos SQLite de origen (--db ARCHIVO).",
            )
        )
    moved = moved_to(source)
    if moved is not None:  # its data already went elsewhere: one copy at work, not two
        raise TransferError(moved_message(*moved))
    target_text = str(target_url).strip()
    if not (is_postgres_url(target_text) or target_text.startswith("sqlite:///")):
        # Never create a file from a mistyped URL: the target is a server (or, for tests
        # and moves between disks, an explicit sqlite:///path URL).
        raise TransferError(
            translate(
                "services.transfer",
                "El destino debe ser una URL postgresql://usuario@servidor:5432/base "
                "(se recibió {target}). No se creó nada.",
            ).format(target=target_text[:200])
        )
    if target_text.startswith("sqlite:///"):
        from pathlib import Path

        existing_file = Path(target_text[len("sqlite:///") :]).expanduser()
        if existing_file.exists() and (
            existing_file.is_dir()
            or (existing_file.stat().st_size and not _is_patolab_sqlite(existing_file))
        ):
            raise TransferError(
                translate(
                    "services.transfer",
                    "{target} ya existe: la copia se hace solo a un archivo nuevo.",
                ).format(target=existing_file)
            )
    if str(target_url).strip() == str(source.database):
        raise TransferError(
            translate("services.transfer", "El destino es la misma base de datos que el origen.")
        )
    try:
        target = make_database(target_url)
        target.connect()
    except DatabaseOpenError:
        raise
    except Exception as exc:
        raise DatabaseOpenError(_cannot_connect(target_url, exc)) from exc
    refuse_old_server(target)  # before a single row is copied
    try:
        version = migrations.current_version(target)
        if version > migrations.SCHEMA_VERSION:
            raise TransferError(
                translate(
                    "services.transfer",
                    "El destino es de una versión más nueva de PatoLab Desktop.",
                )
            )
        existing = set(target.get_tables())
        for model in _models():
            table = model._meta.table_name
            if model is not SchemaVersion and table in existing and _count(target, table):
                raise TransferError(
                    translate(
                        "services.transfer",
                        "La base de datos de destino {target} ya tiene datos (tabla {table}). Use "
                        "una "
                        "base de datos vacía: la copia no mezcla datos.",
                    ).format(target=describe(target_url), table=table)
                )
        with target.bind_ctx(ALL_MODELS):  # the models normally point at the source
            migrations.upgrade(target)  # creates the schema (and the search index) when empty
        postgres = isinstance(target, PostgresqlDatabase)
        try:
            counts = _copy_all(
                source, target, batch, progress, partial(_audit_in_target, target, source)
            )
        except IntegrityError as exc:  # a key or reference the source broke (no FK check)
            raise TransferError(
                translate(
                    "services.transfer",
                    "El origen tiene filas con referencias rotas o repetidas ({error}). No se "
                    "guardó nada en el destino: revise el origen con «patolab check».",
                ).format(error=str(exc).strip().splitlines()[0][:300])
            ) from exc
        if postgres:  # planner statistics now, not when autovacuum gets to it
            if progress is not None:
                progress(translate("services.transfer", "Analizando las tablas (ANALYZE)…"))
            bulk.analyze(target)
        log.info("Copied %s rows into %s", sum(counts.values()), describe(target_url))
        with source.atomic():  # the source gives no number again (``moved``)
            audit.record(
                "export",
                "database",
                None,
                detail=(
                    f"Copia a {describe(target_url)}: {sum(counts.values())} filas en "
                    f"{len(counts)} tablas. Este archivo queda trasladado: ya no se guarda "
                    f"nada en él."
                ),
            )
            mark_moved(source, describe(target_url))
        return counts
    finally:
        target.close()
