"""The SQLite file: how this program opens it (its pragmas, the smaller page cache of a
worker thread's connection), the refusal of a path that cannot be one, the check that
it is still the file that was opened, and its copy with SQLite's backup API.
Re-exported by :mod:`.database`; nothing here reads the open database's proxy."""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

from peewee import Database, SqliteDatabase

from ..util import files
from ..util.translation import translate
from .errors import DatabaseFileGone, DatabaseOpenError

MAIN_CACHE_KIB = 48000
SQLITE_PRAGMAS = (
    ("journal_mode", "wal"),
    ("foreign_keys", 1),
    ("synchronous", "normal"),
    # how long a write waits for another one (PATOLAB_BUSY_TIMEOUT_MS: tests, slow disks)
    ("busy_timeout", int(os.environ.get("PATOLAB_BUSY_TIMEOUT_MS") or 15000)),
    # 48 MB page cache (the operating system keeps the file's pages too). Measured at
    # 1,000,000 customers after browsing: 64 → 48 MB, peak RSS 200.1 → 181.8 MB; search
    # p95 19.6 → 20.0 ms and requests by name 25.9 → 27.3 ms, within run-to-run noise
    # (32 MB: requests by name 39.7 ms, its walk reads customer rows at random).
    ("cache_size", -MAIN_CACHE_KIB),
    ("temp_store", "memory"),
    ("mmap_size", 0),  # no mmap: mapped file pages count towards RSS (target ≤ 300 MB)
)
# A connection a worker thread opens (the match count as you type, a header sort, an
# export) gets a smaller page cache: each thread has its own connection, and a full
# main-sized cache each was half the memory over the 200 MB target after browsing (issue 20).
# Measured at 1,000,000 customers: a sort by Edad or Correo reads the table once and
# takes the same time with 8 MB; the count of "maria" 22 → 31 ms warm.
WORKER_CACHE_KIB = 8000
# SQLite's own ceiling for a mapping (SQLITE_MAX_MMAP_SIZE): a larger file is mapped as
# far as this and read beyond it
READING_MMAP_BYTES = 0x7FFF0000


class _SqliteDatabase(SqliteDatabase):
    """``SqliteDatabase`` whose connections opened outside the main thread take
    ``WORKER_CACHE_KIB`` of page cache."""

    def _add_conn_hooks(self, conn: sqlite3.Connection) -> None:
        super()._add_conn_hooks(conn)
        if threading.current_thread() is not threading.main_thread():
            conn.execute(f"PRAGMA cache_size = -{WORKER_CACHE_KIB}")


def refuse_unusable(path: Path, create: bool) -> None:
    """Refuse (``DatabaseOpenError``) a path that cannot be this program's SQLite file:
    its folder missing, a folder, a file not there when ``create`` is False, a file that is
    not SQLite, or a place ``location.check_local`` refuses (``make_database``)."""
    if not path.parent.exists():
        raise DatabaseOpenError(
            translate("db.database", "La carpeta de la base de datos no existe: {folder}").format(
                folder=path.parent
            )
        )
    if path.is_dir():
        raise DatabaseOpenError(
            translate(
                "db.database", "{path} es una carpeta, no un archivo de base de datos."
            ).format(path=path)
        )
    if not create and not path.exists():
        raise DatabaseOpenError(
            translate(
                "db.database",
                "La base de datos {path} no existe. Revise la ruta (no se creó ningún archivo).",
            ).format(path=path)
        )
    if path.exists() and path.stat().st_size > 0 and not files.is_sqlite_file(path):
        raise DatabaseOpenError(
            translate(
                "db.database", "El archivo {path} no es una base de datos de PatoLab (SQLite)."
            ).format(path=path)
        )
    from .location import check_local

    refusal = check_local(path)
    if refusal:
        raise DatabaseOpenError(refusal)


def same_file_still(database: Database) -> None:
    """Refuse a write (``DatabaseFileGone``) when the SQLite file is no longer the one this
    program opened (``open_db`` notes it with a first call): its path gone, or another
    file there (deleted, moved or replaced while open). Linux and macOS let an open file
    be removed, and its writes then go nowhere anyone can read. One ``stat`` per write
    transaction."""
    name = str(database.database or "")
    if name in ("", ":memory:"):
        return
    try:
        found = os.stat(name)
    except FileNotFoundError:
        now = None
    except OSError:
        return  # cannot tell: SQLite says what is wrong, if anything
    else:
        now = (found.st_dev, found.st_ino)
    known = getattr(database, "file_identity", None)
    if known is None:
        database.file_identity = now
    elif now != known:
        raise DatabaseFileGone(name)


def backup_sqlite(source: Database, destination: Path) -> Path:
    """Copy a live SQLite database with the backup API (never a file copy).

    Written to a temporary file (``util.files`` pattern, mode 0600) beside the
    destination and renamed at the end; a failure (a full disk) removes it."""
    destination = Path(destination)
    files.ensure_private_dir(destination.parent, tighten=False)
    with files.atomic_path(destination) as tmp:
        files.create_private_file(tmp)
        target = sqlite3.connect(str(tmp))
        try:
            source.connection().backup(target)
            # A self-contained file: no -wal/-shm beside the copy when it is opened later.
            target.execute("PRAGMA journal_mode=DELETE")
        finally:
            target.close()
    return destination
