"""CLI subcommands, one module per area; each has ``register(subparsers, common)``."""

from __future__ import annotations

from pathlib import Path

from ..local_settings import database_target


def db_target(args) -> str:
    """The database chosen with --db, else this computer's saved connection, else the
    user's default file (``local_settings.database_target``)."""
    return database_target(getattr(args, "db", None))


OUTPUT_OPTIONS = ("out", "pdf", "json")
MAX_INT = 2**63 - 1  # the largest id or count a database column holds


def open_from_args(args, create: bool = True):
    """Open the database of ``--db``; then refuse an output file (``--out``, ``--pdf``,
    ``--json``) that is the open database, any SQLite file, a backup or a folder, before
    any work is done (``services.safety.outputs``; the writers check again).

    ``create=False`` (check, backup, restore, migrate-to): a missing SQLite file is an
    error instead of a new empty database."""
    from ..services.bootstrap import open_db
    from ..services.safety import outputs

    database = open_db(db_target(args), create=create)
    for option in OUTPUT_OPTIONS:
        value = getattr(args, option, None)
        if value:
            outputs.check_output(value)
    return database


def positive_int(text: str) -> int:
    import argparse

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"no es un número entero: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"debe ser 0 o mayor: {value}")
    if value > MAX_INT:
        raise argparse.ArgumentTypeError(f"número demasiado grande: {text}")
    return value


def record_id(text: str) -> int:
    """An id given on the command line: a whole number from 1 to 2⁶³-1."""
    import argparse

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"no es un número de registro: {text!r}") from None
    if not 1 <= value <= MAX_INT:
        raise argparse.ArgumentTypeError(f"no es un número de registro válido: {text}")
    return value


def out_path(text: str) -> Path:
    import argparse

    if "\x00" in text or not text.strip():
        raise argparse.ArgumentTypeError(f"nombre de archivo no válido: {text!r}")
    path = Path(text).expanduser()
    if not path.parent.exists() if str(path.parent) else False:
        raise argparse.ArgumentTypeError(f"la carpeta no existe: {path.parent}")
    return path
