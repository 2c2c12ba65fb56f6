"""Opening the database: one proxy, SQLite by path or PostgreSQL by URL."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path
from urllib.parse import unquote, urlparse

from peewee import Database, DatabaseProxy, PostgresqlDatabase, SqliteDatabase

from ..util.translation import translate

db = DatabaseProxy()

SQLITE_PRAGMAS = (
    ("journal_mode", "wal"),
    ("foreign_keys", 1),
    ("synchronous", "normal"),
    ("busy_timeout", 15000),
    ("cache_size", -64000),  # 64 MB page cache
    ("temp_store", "memory"),
    ("mmap_size", 0),  # no mmap: mapped file pages count towards RSS (target ≤ 300 MB)
)


class DatabaseOpenError(Exception):
    """The database could not be opened; the message says why in Spanish."""


def is_postgres_url(target: str) -> bool:
    return str(target).startswith(("postgresql://", "postgres://"))


def describe(target: str) -> str:
    """A display form of the target without a password."""
    if is_postgres_url(target):
        parsed = urlparse(target)
        user, port = parsed.username or "", parsed.port or 5432
        return f"postgresql://{user}@{parsed.hostname}:{port}{parsed.path}"
    return str(target)


def make_database(target: str | Path) -> Database:
    """Build (but do not migrate) a peewee database for a path or URL."""
    target = str(target)
    if is_postgres_url(target):
        parsed = urlparse(target)
        return PostgresqlDatabase(
            parsed.path.lstrip("/"),
            user=unquote(parsed.username or "") or None,
            password=unquote(parsed.password or "") or None,
            host=parsed.hostname or "127.0.0.1",
            port=parsed.port or 5432,
        )
    if target.startswith("sqlite:///"):
        target = target[len("sqlite:///") :]
    path = Path(target).expanduser()
    if not path.parent.exists():
        raise DatabaseOpenError(
            translate("db.database", "La carpeta de la base de datos no existe: {folder}").format(
                folder=path.parent
            )
        )
    if target != ":memory:":
        from .location import check_local

        refusal = check_local(path)
        if refusal:
            raise DatabaseOpenError(refusal)
    return SqliteDatabase(str(path), pragmas=SQLITE_PRAGMAS, check_same_thread=False)


def close_database() -> None:
    if db.obj is not None and not db.is_closed():
        if is_sqlite():
            # keep the planner's statistics fresh (cheap; SQLite decides what to analyse);
            # never block closing on housekeeping
            with contextlib.suppress(Exception):
                db.execute_sql("PRAGMA optimize")
        db.close()


def is_sqlite(database: Database | None = None) -> bool:
    database = database or db.obj
    return isinstance(database, SqliteDatabase)


def write_transaction():
    """A transaction that takes the write lock at once (BEGIN IMMEDIATE on SQLite).

    Use it for read-then-write sequences such as request numbering so two
    workstations never read the same counter value.
    """
    if is_sqlite() and db.transaction_depth() == 0:
        return db.atomic("IMMEDIATE")
    return db.atomic()


def backup_sqlite(source: Database, destination: Path) -> Path:
    """Copy a live SQLite database with the backup API (never a file copy)."""
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    tmp = destination.with_suffix(destination.suffix + ".part")
    if tmp.exists():
        tmp.unlink()
    target = sqlite3.connect(str(tmp))
    try:
        source.connection().backup(target)
        # A self-contained file: no -wal/-shm beside the copy when it is opened later.
        target.execute("PRAGMA journal_mode=DELETE")
    finally:
        target.close()
    tmp.replace(destination)
    return destination
