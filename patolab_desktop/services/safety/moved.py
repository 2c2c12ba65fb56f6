"""After ``migrate-to``: the SQLite source is marked as moved (``db.moved``) and gives no
number again.

* ``check_not_moved`` runs at the start of every write transaction on SQLite: a program
  that still had the file open when it was moved (another user of this computer) is
  refused its next change, with where the data went;
* ``switch_this_desk`` points this computer's connection (``local_settings``) at the new
  database when it was using the moved file.
"""

from __future__ import annotations

import logging
from pathlib import Path

from ... import local_settings
from ...db.database import check_writes_with, db, is_postgres_url, is_sqlite
from ...db.moved import moved_message, moved_to
from ..errors import RuleError

log = logging.getLogger(__name__)


def check_not_moved() -> None:
    """RuleError when the open SQLite file was moved (inside the write transaction)."""
    if db.obj is None or not is_sqlite():
        return
    moved = moved_to(db.obj)
    if moved is not None:
        raise RuleError(moved_message(*moved))


check_writes_with(check_not_moved)


def _same_file(target: str, source: Path) -> bool:
    if not target or is_postgres_url(target):
        return False
    text = target[len("sqlite:///") :] if target.startswith("sqlite:///") else target
    return Path(text).expanduser().resolve() == source.resolve()


def switch_this_desk(source: str | Path, target: str) -> bool:
    """When this computer opens ``source`` (its saved connection, or the default file when
    none is saved), save ``target`` as its connection instead; True when switched. A
    password in ``target`` goes to the credential store (``local_settings.save``); without
    a store the switch is left to the person (logged), never the password in the file."""
    if not _same_file(local_settings.database_target(), Path(source)):
        return False
    try:
        local_settings.update(database=target)
    except local_settings.CredentialStoreError as exc:
        log.warning("This computer was not switched to the new database: %s", exc)
        return False
    return True
