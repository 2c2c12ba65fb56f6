"""Settings of THIS computer (not of the lab): which database, where backups go.

Stored as JSON in ``paths.config_dir()/local_settings.json``; lab-wide settings live in
the database (``services/settings.py``). A missing or damaged file gives the defaults;
saving writes a temporary file and renames it over the old one.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from . import paths

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


def _coerce(field: dataclasses.Field, value):
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
    return LocalSettings(**values)


def save(settings: LocalSettings) -> Path:
    path = settings_path()
    tmp = path.with_suffix(".json.part")
    tmp.write_text(
        json.dumps(dataclasses.asdict(settings), ensure_ascii=False, indent=2), encoding="utf-8"
    )
    os.replace(tmp, path)
    return path


def update(**changes) -> LocalSettings:
    """Load, change the given fields, save; returns the new settings."""
    settings = dataclasses.replace(load(), **changes)
    save(settings)
    return settings
