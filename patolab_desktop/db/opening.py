"""Opening a database: connect, initialise the proxy, migrate and seed.

Kept apart from :mod:`.database` (the proxy and the low-level helpers that the models,
migrations and seed use) so that no module of this layer imports one that imports it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from peewee import Database

from ..util.translation import translate
from . import migrations, seed
from .database import DatabaseOpenError, db, describe, make_database


def open_database(
    target: str | Path, migrate: bool = True, roles: Mapping | None = None
) -> Database:
    """Initialise the global proxy on ``target``, migrate it and seed reference data.

    ``roles`` (name -> (description, permission keys)) are the roles a new database is
    seeded with; the services pass theirs, so this layer knows no permission."""
    database = make_database(target)
    try:
        database.connect(reuse_if_open=True)
    except Exception as exc:  # sqlite3/psycopg errors differ; the message is what matters
        raise DatabaseOpenError(
            translate("db.database", "No se pudo abrir la base de datos {target}: {error}").format(
                target=describe(str(target)), error=exc
            )
        ) from exc
    db.initialize(database)
    if migrate:
        migrations.upgrade(database)
        seed.seed_reference_data(roles)
    return database
