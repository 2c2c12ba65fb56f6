"""Where PatoLab Desktop keeps its files (per user, never beside the executable)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from platformdirs import PlatformDirs

from . import APP_AUTHOR, APP_NAME

_dirs = PlatformDirs(APP_NAME, APP_AUTHOR)
_checked: set[Path] = set()


def _ensure(path: Path) -> Path:
    """Create the folder 0700 on POSIX (an existing one is tightened to 0700): it holds
    the database, backups, logs and settings, readable by this user only."""
    if path not in _checked or not path.is_dir():
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        if os.name == "posix":
            try:
                if path.stat().st_mode & 0o777 != 0o700:
                    os.chmod(path, 0o700)
            except OSError:
                pass
        _checked.add(path)
    return path


def data_dir() -> Path:
    override = os.environ.get("PATOLAB_HOME")
    return _ensure(Path(override) if override else Path(_dirs.user_data_dir))


def log_dir() -> Path:
    override = os.environ.get("PATOLAB_HOME")
    return _ensure(Path(override) / "logs" if override else Path(_dirs.user_log_dir))


def config_dir() -> Path:
    override = os.environ.get("PATOLAB_HOME")
    return _ensure(Path(override) / "config" if override else Path(_dirs.user_config_dir))


def default_db_path() -> Path:
    return data_dir() / "patolab.db"


def demo_db_path() -> Path:
    return data_dir() / "patolab-demo.db"


def resources_dir() -> Path:
    """Bundled resources: beside the package in a checkout, inside _MEIPASS when frozen."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)
