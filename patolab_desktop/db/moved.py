"""An SQLite file whose data ``migrate-to`` copied to another database ("moved").

A desk not yet switched kept saving into the old file after the move, and gave request
and factura numbers the new database had already given. ``migrate-to`` ends by writing
``MOVED_KEY`` in the file's ``setting`` table (where the data went and when); from then
on the file is not opened for work (``refuse_moved``, from ``opening``) and a program
that still has it open is refused its next change (``services.safety.moved``).
"""

from __future__ import annotations

import datetime as dt
import json

from peewee import Database, DatabaseError

from ..util.translation import translate
from .errors import DatabaseOpenError

MOVED_KEY = "database_moved_to"


class DatabaseMovedError(DatabaseOpenError):
    """The file was moved to ``target`` (a URL or path without a password)."""

    def __init__(self, message: str, target: str) -> None:
        super().__init__(message)
        self.target = target


def moved_to(database: Database) -> tuple[str, dt.datetime | None] | None:
    """(where the data went, when) of a moved SQLite file; None when it was not moved."""
    try:
        row = database.execute_sql(
            "SELECT value FROM setting WHERE key = ?", (MOVED_KEY,)
        ).fetchone()
    except DatabaseError:  # a new file, without the table yet
        return None
    if not row:
        return None
    try:
        value = json.loads(row[0])
        when = dt.datetime.fromisoformat(value["at"]) if value.get("at") else None
        return str(value["to"]), when
    except (ValueError, KeyError, TypeError):
        return str(row[0]), None


def mark_moved(database: Database, target: str) -> None:
    """Record in the file that its data now lives in ``target`` (no password in it)."""
    value = json.dumps({"to": target, "at": dt.datetime.now().isoformat(timespec="seconds")})
    database.execute_sql(
        "INSERT INTO setting (key, value, version) VALUES (?, ?, 1) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value, version = version + 1",
        (MOVED_KEY, value),
    )


def moved_message(target: str, when: dt.datetime | None) -> str:
    return translate(
        "db.moved",
        "Los datos de esta base de datos se trasladaron a {target}{when}. Ya no se guarda "
        "nada aquí: los números de solicitud y de factura continúan en la nueva base de "
        "datos. Use la nueva en esta computadora (Archivo → Conexión a base de datos…, o "
        "--db {target} en la línea de órdenes).",
    ).format(
        target=target,
        when=(
            translate("db.moved", " el {date}").format(date=f"{when:%d/%m/%Y %H:%M}")
            if when
            else ""
        ),
    )


def refuse_moved(database: Database) -> None:
    """DatabaseMovedError (the connection closed) when ``database`` is a moved file."""
    moved = moved_to(database)
    if moved is None:
        return
    database.close()
    raise DatabaseMovedError(moved_message(*moved), moved[0])
