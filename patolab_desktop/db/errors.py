"""The database layer's errors and the words a user reads for them: a database that
could not be opened (``DatabaseOpenError``), a connection to the server lost
(``ConnectionLost``), and a driver's refusal turned into what to do, in Spanish
(``friendly_error``; ``database_refusal`` for the three a desk meets: locked, disk full,
read-only). Split from :mod:`.database`, which re-exports these names; the texts keep
their translation context ``db.database``."""

from __future__ import annotations

import sqlite3

from peewee import DatabaseError, OperationalError

from ..util.exceptions import chain
from ..util.translation import QT_TRANSLATE_NOOP, translate

# libpq's words when the server asked for a password and none was given (a constant of
# libpq, never translated), and the server's when the one given was wrong (in English or
# in the server's language: "password authentication failed", "la autentificación
# password falló"); the SQLSTATE of a refused login is not reported for a connection.
_LOGIN_REFUSED = ("fe_sendauth", "password", "autentica", "authentication")


def _login_refused(exc: Exception) -> bool:
    text = str(exc).lower()
    return any(word in text for word in _LOGIN_REFUSED)


class DatabaseOpenError(Exception):
    """The database could not be opened; the message says why in Spanish."""


class ConnectionLost(OperationalError):
    """The connection to the PostgreSQL server broke (the server restarted or stopped, the
    network dropped): the statement that met it failed, and the next one connects again.
    The message says what to do, in Spanish. An ``OperationalError``, as the driver's was:
    code that catches the database's errors still does."""


class DatabaseFileGone(OperationalError):
    """The SQLite file the program opened is no longer at its path (deleted, moved or
    replaced while open): on Linux and macOS the program would go on writing into the
    removed file, and every save would be lost. The message says what to do, in Spanish."""

    def __init__(self, path: str) -> None:
        super().__init__(
            translate(
                "db.database",
                "el archivo de la base de datos ({path}) ya no está donde se abrió: alguien "
                "lo borró, lo movió o lo reemplazó. Deje de registrar datos y llame al "
                "administrador antes de cerrar el programa.",
            ).format(path=path)
        )


def _detail(exc: BaseException | str) -> str:
    """The driver's own words, short, after a Spanish message: its first line, without
    libpq's «connection to server at "host", port N failed:» (the message names the
    server already), spaces folded."""
    lines = str(exc).strip().splitlines()
    short = " ".join(lines[0].rsplit(" failed: ", 1)[-1].split()) if lines else ""
    return f" ({short})" if short else ""


def friendly_error(exc: BaseException) -> str:
    """The message of a database error, with "locked", a full disk, a read-only database
    (``database_refusal``) and the common refusals of a PostgreSQL connection explained
    (what to do, in Spanish; libpq's own words as a short detail at the end, for whoever
    looks after the server). libpq's texts never hold the password."""
    text = str(exc)
    if isinstance(exc, ConnectionLost):
        return text  # already said in Spanish
    said = database_refusal(exc)
    if said is not None:
        return said
    advice = _connection_advice(text.lower())
    return advice + _detail(text) if advice else text


# The database's words (SQLite's, PostgreSQL's), lower case, for each refusal.
_LOCKED = ("locked", "busy")
_FULL = ("disk is full", "no space left on device", "could not extend file")
_READ_ONLY = ("readonly database", "read-only transaction", "read-only file system")


def _from_a_database(exc: BaseException) -> bool:
    """An error of peewee, sqlite3 or psycopg2 (not an OS error that says «busy»)."""
    return isinstance(exc, DatabaseError | sqlite3.Error) or type(exc).__module__.startswith(
        "psycopg"
    )


# what the driver says (locked, full, read-only) -> what the desk reads
_REFUSALS = (
    (
        _LOCKED,
        QT_TRANSLATE_NOOP(
            "db.database",
            "la base de datos está ocupada por otro programa o computadora (bloqueada). "
            "Espere a que termine, o cierre los demás programas que la usan, y vuelva a "
            "intentarlo.",
        ),
    ),
    (
        _FULL,
        QT_TRANSLATE_NOOP(
            "db.database",
            "no queda espacio en el disco de la base de datos. Libere espacio en ese disco "
            "(o pida ayuda al administrador) y vuelva a intentarlo.",
        ),
    ),
    (
        _READ_ONLY,
        QT_TRANSLATE_NOOP(
            "db.database",
            "no se puede escribir en la base de datos: el archivo o su carpeta son de solo "
            "lectura, o esta cuenta no tiene permiso para modificarlos. Pida al "
            "administrador que lo revise.",
        ),
    ),
)


def database_refusal(exc: BaseException) -> str | None:
    """What to do, in Spanish, when the database refused because another program holds it
    (locked), its disk is full or it cannot be written (read-only); None for any other
    error. Looks through the errors that led to ``exc``: when a COMMIT fails on a full
    disk, SQLite has already undone the transaction, and peewee's ROLLBACK fails in turn
    with «cannot rollback - no transaction is active», hiding «database or disk is full»."""
    gone = [e for e in chain(exc) if isinstance(e, DatabaseFileGone)]
    if gone:
        return str(gone[0])
    texts = [str(e).lower() for e in chain(exc) if _from_a_database(e)]
    for words, advice in _REFUSALS:
        if any(word in text for text in texts for word in words):
            return translate("db.database", advice)
    return None


def _connection_advice(text: str) -> str | None:
    """What to do about a PostgreSQL connection refused, from libpq's or the server's
    words (in English, or in Spanish for a server that speaks it); None for another
    error."""
    if "fe_sendauth" in text or "no password supplied" in text:
        return translate(
            "db.database",
            "el servidor pide una contraseña y no se dio ninguna. Guárdela en Archivo → "
            "Conexión a base de datos… (queda en el almacén de contraseñas del sistema), o "
            "póngala en la variable PGPASSWORD o en el archivo .pgpass, y vuelva a "
            "intentarlo; nunca en la línea de comandos.",
        )
    if "authentication failed" in text or "autentifica" in text or "autentica" in text:
        return translate(
            "db.database",
            "el servidor rechazó el usuario o la contraseña. Revise el usuario de la URL y "
            "la contraseña guardada (Archivo → Conexión a base de datos…, la variable "
            "PGPASSWORD o el archivo .pgpass) y vuelva a intentarlo.",
        )
    if ('role "' in text and "does not exist" in text) or "no existe el rol" in text:
        return translate(
            "db.database",
            "ese usuario no existe en el servidor. Revise el usuario de la URL o pida al "
            "administrador del servidor que lo cree.",
        )
    if ('database "' in text and "does not exist" in text) or "no existe la base" in text:
        return translate(
            "db.database",
            "esa base de datos no existe en el servidor. Revise su nombre en la URL o pida "
            "al administrador del servidor que la cree.",
        )
    if "pg_hba.conf" in text:
        return translate(
            "db.database",
            "el servidor no acepta conexiones de esta computadora con ese usuario y esa base "
            "(pg_hba.conf). Pida al administrador del servidor que la permita.",
        )
    if any(
        words in text
        for words in (
            "translate host name",
            "name or service not known",
            "nodename nor servname",
            "failure in name resolution",
        )
    ):
        return translate(
            "db.database",
            "no se encontró el servidor por su nombre. Revise el nombre del servidor en la "
            "URL (o use su dirección IP) y la conexión a la red.",
        )
    if any(
        words in text
        for words in (
            "connection refused",
            "is the server running",
            "timeout expired",
            "timed out",
            "no route to host",
            "network is unreachable",
            "could not connect",
            "rehusada",
            "rechazada",
        )
    ):
        return translate(
            "db.database",
            "no se pudo conectar con el servidor. Revise que PostgreSQL esté encendido en esa "
            "computadora, que el servidor y el puerto de la URL sean los correctos y que la "
            "red llegue a él (cable, Wi-Fi, cortafuegos), y vuelva a intentarlo.",
        )
    return None
