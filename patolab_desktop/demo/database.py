"""The demo database of ``make run``: filled under a working name, then written to its place
as a copy made by SQLite's backup API.

The copy is what makes the file complete and movable. The filled file can outlive its
close: a cursor kept by a stored traceback (keyring's first backend search keeps the
caller's frames) defers SQLite's close, with the ``-wal`` beside the file, and Windows
refuses to rename a file that is still open. The backup API writes a temporary file,
closes it and renames it into place (``db.database.backup_sqlite``)."""

from __future__ import annotations

from pathlib import Path

from ..util.files import remove_quietly

DEMO_CUSTOMERS = 2000
DEMO_SEED = 2026


def create_demo_database(path: Path) -> None:
    """Fill a new demo database (customers, requests, the demo users) and put it at
    ``path``; the working files are removed."""
    from ..db.database import backup_sqlite, db
    from ..services.access import session
    from ..services.bootstrap import close_db, open_db
    from . import fill
    from .users import create_demo_users

    working = path.with_suffix(".creating")
    leftovers = (
        working,
        working.with_name(working.name + "-wal"),
        working.with_name(working.name + "-shm"),
    )
    for leftover in leftovers:
        remove_quietly(leftover)
    open_db(working)
    try:
        with session.acting_as(session.system_actor("demo")):
            fill.seed_demo(customers=DEMO_CUSTOMERS, seed=DEMO_SEED)
            create_demo_users()
        backup_sqlite(db.obj, path)
    finally:
        close_db()
        for leftover in leftovers:  # one still open (Windows) is removed next time
            remove_quietly(leftover)
