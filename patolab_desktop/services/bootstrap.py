"""Opening and closing the database for the GUI, the CLI and the tests."""

from __future__ import annotations

from pathlib import Path

from ..db import database
from . import reference


def open_db(target: str | Path, migrate: bool = True, create: bool = True):
    reference.clear_caches()
    return database.open_database(target, migrate=migrate, create=create)


def close_db() -> None:
    database.close_database()
    reference.clear_caches()
