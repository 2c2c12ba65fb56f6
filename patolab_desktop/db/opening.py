"""Opening a database: connect, initialise the proxy, migrate and seed.

Kept apart from :mod:`.database` (the proxy and the low-level helpers that the models,
migrations and seed use) so that no module of this layer imports one that imports it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from pathlib import Path

from peewee import Database, DatabaseError

from ..util import files
from ..util.translation import translate
from . import migrations, request_search, search, seed
from .database import (
    DatabaseOpenError,
    cannot_open,
    db,
    friendly_error,
    is_sqlite,
    make_database,
    same_file_still,
)
from .moved import refuse_moved


def open_database(
    target: str | Path,
    migrate: bool = True,
    roles: Mapping | None = None,
    create: bool = True,
) -> Database:
    """Initialise the global proxy on ``target``, migrate it and seed reference data.

    ``roles`` (name -> (description, permission keys)) are the roles a new database is
    seeded with; the services pass theirs, so this layer knows no permission.

    ``create=False``: a missing SQLite file is an error, never a new empty database. A new
    SQLite file is created 0600 (SQLite gives its -wal/-shm the same mode). A newer schema,
    a damaged file or a locked database raise DatabaseOpenError with a message, never a
    traceback. An interrupted search-index rebuild is redone here (``search.repair``)."""
    database = make_database(target, create=create)
    if is_sqlite(database) and database.database != ":memory:":
        path = Path(database.database)
        if not path.exists():
            files.create_private_file(path)
    try:
        database.connect(reuse_if_open=True)
    except Exception as exc:  # sqlite3/psycopg errors differ; the message is what matters
        raise cannot_open(target, exc) from exc
    if is_sqlite(database):
        same_file_still(database)  # notes which file it is (see write_transaction)
    refuse_old_server(database)
    if is_sqlite(database):
        refuse_moved(database)  # its data went elsewhere with ``migrate-to``
    db.initialize(database)
    if migrate:
        try:
            with one_desk_at_a_time(database):
                migrations.upgrade(database)
                seed.seed_reference_data(roles)
                search.repair(database)
                if request_search.missing_parts(database):  # a trigger dropped by hand
                    request_search.install(database)
        except DatabaseOpenError:  # migrations.MigrationError: a newer schema
            database.close()
            raise
        except DatabaseError as exc:  # peewee: damaged file, locked, server gone
            database.close()
            raise cannot_open(target, friendly_error(exc)) from exc
    return database


# the key of the advisory lock ``one_desk_at_a_time`` holds ("PatoLab" in ASCII)
SCHEMA_LOCK_KEY = 0x5061746F4C6162


@contextlib.contextmanager
def one_desk_at_a_time(database: Database) -> Iterator[None]:
    """PostgreSQL: the block (creating or upgrading the schema, seeding) runs on one desk
    at a time. Two desks started at once on an empty or older database would both find it
    to create or upgrade, and the second one's CREATE TABLE failed on the first one's
    (``duplicate key value violates unique constraint "pg_class_relname_nsp_index"``).
    A session advisory lock (held across the steps' transactions) makes the second desk
    wait, then find the schema ready. Released at the end, or with the connection when
    the server goes away. SQLite: nothing (its file is on one computer's local disk, never
    shared by desks)."""
    if is_sqlite(database):
        yield
        return
    database.execute_sql("SELECT pg_advisory_lock(%s)", (SCHEMA_LOCK_KEY,))
    try:
        yield
    finally:
        # a connection the server dropped took the lock with it: the block's own error
        # is the one to report
        with contextlib.suppress(DatabaseError):
            database.execute_sql("SELECT pg_advisory_unlock(%s)", (SCHEMA_LOCK_KEY,))


# the oldest PostgreSQL the searches run on: ``enable_incremental_sort`` (13) in the walks
# by name; ``AS MATERIALIZED`` (12) in the trigram lists
MIN_POSTGRES = 130000


def refuse_old_server(database: Database) -> None:
    """A PostgreSQL server older than ``MIN_POSTGRES``: closed, with a message that names
    both versions (its first search would have failed on a setting it does not know).
    Opening a database, testing a connection and ``migrate-to``'s target ask it."""
    if is_sqlite(database):
        return
    version = int(database.server_version or 0)
    if version >= MIN_POSTGRES:
        return
    database.close()
    raise DatabaseOpenError(
        translate(
            "db.opening",
            "El servidor es PostgreSQL {found}; PatoLab necesita PostgreSQL {needed} o más "
            "nuevo. Actualice el servidor o use otro.",
        ).format(found=_version_text(version), needed=MIN_POSTGRES // 10000)
    )


def _version_text(version: int) -> str:
    """libpq's version number as people write it: 120017 "12.17", 90624 "9.6.24" (before
    10 the number held three parts)."""
    if version >= 100000:
        return f"{version // 10000}.{version % 10000}"
    return f"{version // 10000}.{version // 100 % 100}.{version % 100}"
