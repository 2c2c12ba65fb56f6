"""What names a database: an SQLite file path or a ``postgresql://`` URL, read into
connection parameters (``parse_postgres_url``) and shown without its password
(``describe``, ``cannot_open``). Split from :mod:`.database`, which re-exports these
names; the texts keep their translation context ``db.database``."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import ParseResult, unquote, urlparse

from ..util.translation import translate
from .errors import DatabaseOpenError, friendly_error


def is_postgres_url(target: str) -> bool:
    return str(target).startswith(("postgresql://", "postgres://"))


def _port(parsed: ParseResult) -> int:
    try:
        return parsed.port or 5432
    except ValueError:
        raise DatabaseOpenError(
            translate(
                "db.database",
                "El puerto de la URL no es válido: {port!r}. Use un número entre 1 y 65535, "
                "p. ej. postgresql://usuario@servidor:5432/base",
            ).format(port=parsed.netloc.rsplit(":", 1)[-1])
        ) from None


def describe(target: str) -> str:
    """A display form of the target without a password."""
    if is_postgres_url(target):
        parsed = urlparse(target)
        try:
            port = str(parsed.port or 5432)
        except ValueError:
            port = "?"
        return f"postgresql://{parsed.username or ''}@{parsed.hostname}:{port}{parsed.path}"
    return str(target)


def parse_postgres_url(target: str, stored_password: bool = True) -> dict:
    """Connection parameters of a ``postgresql://`` URL; DatabaseOpenError when the URL is
    malformed. Without a password in the URL it comes from the credential store (then
    libpq's own PGPASSWORD / .pgpass); ``stored_password=False`` leaves it out (None)."""
    try:
        parsed = urlparse(target)
        hostname = parsed.hostname
    except ValueError as exc:
        raise DatabaseOpenError(
            translate("db.database", "La URL de PostgreSQL no es válida: {error}").format(error=exc)
        ) from None
    name = unquote(parsed.path.lstrip("/"))
    if not name or "/" in name:
        raise DatabaseOpenError(
            translate(
                "db.database",
                "Falta el nombre de la base de datos en la URL: "
                "postgresql://usuario@servidor:5432/base",
            )
        )
    password = unquote(parsed.password or "") or None
    if password is None and stored_password:
        from ..util import credentials

        password = credentials.lookup(target)
    return {
        "database": name,
        "user": unquote(parsed.username or "") or None,
        "password": password,
        "host": hostname or "127.0.0.1",
        "port": _port(parsed),
    }


def sqlite_path(target: str | Path) -> Path:
    target = str(target)
    if target.startswith("sqlite:///"):
        target = target[len("sqlite:///") :]
    return Path(target).expanduser()


def cannot_open(target: str | os.PathLike[str], exc: BaseException | str) -> DatabaseOpenError:
    error = exc if isinstance(exc, str) else friendly_error(exc)
    return DatabaseOpenError(
        translate("db.database", "No se pudo abrir la base de datos {target}: {error}").format(
            target=describe(str(target)), error=error
        )
    )
