"""Opening and closing the database for the GUI, the CLI and the tests."""

from __future__ import annotations

from pathlib import Path

from peewee import Database

from ..db import database, identity, opening
from ..db.database import DatabaseOpenError, describe, is_postgres_url
from ..db.moved import DatabaseMovedError
from . import reference
from .access.permissions import SEEDED_ROLES
from .billing import authorisations as _fiscal_numbers  # noqa: F401  (registers its restore counter)
from .safety import moved as _moved  # noqa: F401  (refuses the changes to a moved file)

__all__ = [
    "DatabaseMovedError",
    "DatabaseOpenError",
    "close_db",
    "close_worker_connection",
    "database_is_remote",
    "describe",
    "is_postgres_url",
    "open_db",
    "reconnect",
]


def open_db(target: str | Path, migrate: bool = True, create: bool = True) -> Database:
    from ..paths import config_dir
    from ..util import credential_store, identity_crypto

    folder = config_dir()  # the per-user configuration folder (created if missing)
    identity_crypto.use_key_folder(folder)  # only used without an OS credential store
    credential_store.remember_in(folder)  # the store keyring found, for the next start
    reference.clear_caches()
    identity.clear_cache()  # the identity key is read again from this computer's store
    return opening.open_database(target, migrate=migrate, roles=SEEDED_ROLES, create=create)


def close_db() -> None:
    database.close_database()
    reference.clear_caches()


def reconnect() -> None:
    """A fresh connection to the open database, and fresh caches: a restore has put
    another database under its name (``safety.pg_restoring``)."""
    close_db()
    identity.clear_cache()
    database.db.connect(reuse_if_open=True)


def database_is_remote() -> bool:
    """True when the open database is a server (PostgreSQL): its reads wait on the network
    and the server, not on this process."""
    return database.db.obj is not None and not database.is_sqlite()


def close_worker_connection() -> None:
    """Close the connection peewee opened for the calling worker thread (not the GUI's)."""
    if database.db.obj is not None and not database.db.is_closed():
        database.db.close()
