"""CLI subcommands, one module per area; each has ``register(subparsers, common)``."""

from __future__ import annotations

from pathlib import Path

from ..local_settings import database_target


def db_target(args) -> str:
    """The database chosen with --db, else this computer's saved connection, else the
    user's default file (``local_settings.database_target``)."""
    return database_target(getattr(args, "db", None))


def open_from_args(args):
    from ..services.bootstrap import open_db

    return open_db(db_target(args))


def positive_int(text: str) -> int:
    import argparse

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"no es un número entero: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"debe ser 0 o mayor: {value}")
    return value


def out_path(text: str) -> Path:
    import argparse

    path = Path(text)
    if not path.parent.exists() if str(path.parent) else False:
        raise argparse.ArgumentTypeError(f"la carpeta no existe: {path.parent}")
    return path
