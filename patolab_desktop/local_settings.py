"""Settings of THIS computer (not of the lab): which database, where backups go, and the
branch and punto de emisión it issues from in each database (``services.workstation``).

Stored as JSON in ``paths.config_dir()/local_settings.json`` (0600 on POSIX); lab-wide
settings live in the database (``services/settings.py``). A missing or damaged file gives
the defaults; saving writes a temporary file and renames it over the old one.

A PostgreSQL password is NEVER written here: ``save`` moves it into the OS credential
store (``util.credentials``) and keeps the URL without it; a file written by an older
version with a password in it is cleaned the first time it is read.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import paths
from .util import files
from .util.credentials import CredentialStoreError

__all__ = ["CredentialStoreError", "LocalSettings", "database_target", "load", "save", "update"]

log = logging.getLogger(__name__)

FILE_NAME = "local_settings.json"
DEFAULT_KEEP_DAYS = 30


@dataclass
class LocalSettings:
    database: str = ""  # SQLite path or postgresql:// URL; "" = the default file
    backup_folder: str = ""  # "" = paths.data_dir()/backups
    backup_keep_days: int = DEFAULT_KEEP_DAYS
    auto_backup: bool = True  # once a day at start and on exit
    language: str = "es"  # interface language, "es" (source) or "en"; see i18n.py
    # this computer's branch and punto de emisión, per database (``services.workstation``):
    # ``{db.database.open_target(): {"branch_id": 2, "point": "001"}}``
    stations: dict = dataclasses.field(default_factory=dict)

    def resolved_backup_folder(self) -> Path:
        if self.backup_folder:
            return Path(self.backup_folder).expanduser()
        return paths.data_dir() / "backups"


def database_target(explicit: str | None = None) -> str:
    """The database to open: ``explicit`` (``--db``) when given, else the connection saved
    on this computer (Archivo → Base de datos…), else the default file. The GUI and the
    CLI both ask here, so a workstation moved to PostgreSQL runs its commands there too."""
    return str(explicit or load().database or paths.default_db_path())


def settings_path() -> Path:
    return paths.config_dir() / FILE_NAME


def _coerce(field: dataclasses.Field[Any], value: Any) -> Any:
    if field.default_factory is dict:
        return value if isinstance(value, dict) else {}
    default = field.default
    if isinstance(default, bool):
        return value if isinstance(value, bool) else default
    if isinstance(default, int):
        try:
            number = int(value)
        except (TypeError, ValueError):
            return default
        return number if number >= 1 else default
    return value if isinstance(value, str) else default


def load() -> LocalSettings:
    path = settings_path()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return LocalSettings()
    except (OSError, ValueError) as exc:
        log.warning("Ignoring unreadable local settings %s: %s", path, exc)
        return LocalSettings()
    if not isinstance(raw, dict):
        return LocalSettings()
    values = {
        f.name: _coerce(f, raw[f.name]) for f in dataclasses.fields(LocalSettings) if f.name in raw
    }
    settings = LocalSettings(**values)
    if _has_password(settings.database):
        settings = _move_password_out(settings)
    return settings


def _has_password(target: str) -> bool:
    if not target.startswith(("postgresql://", "postgres://")):
        return False
    from .util.credentials import split_password

    try:
        return split_password(target)[1] is not None
    except ValueError:
        return False


def _move_password_out(settings: LocalSettings) -> LocalSettings:
    """A file of an older version holds the password: into the credential store with it,
    and the file rewritten without it (when there is no store, it is only logged)."""
    from .util.credentials import CredentialStoreError

    try:
        return save(settings)
    except CredentialStoreError:
        log.warning("local_settings.json holds a database password and there is no store")
        return settings


def save(settings: LocalSettings) -> LocalSettings:
    """Write the settings (0600, atomically). A password in a PostgreSQL URL goes to the
    OS credential store first (CredentialStoreError, nothing written, when there is no
    store); the file keeps the URL without it. Returns what was written."""
    if _has_password(settings.database):
        from .util.credentials import store

        settings = dataclasses.replace(settings, database=store(settings.database))
    files.write_text_atomic(
        settings_path(),
        json.dumps(dataclasses.asdict(settings), ensure_ascii=False, indent=2),
    )
    return settings


def update(**changes: Any) -> LocalSettings:
    """Load, change the given fields, save; returns the new settings."""
    return save(dataclasses.replace(load(), **changes))
