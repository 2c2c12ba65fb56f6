"""The identity-number key for people (issue 15, point 13): the recovery key an
administrator prints or saves at set-up, and the one a new workstation (or a restore on
another PC) is asked for. The numbers themselves: ``services.identity``."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from ..db import identity as db_identity
from ..db.database import write_transaction
from ..util import identity_crypto as crypto
from ..util.identity_crypto import KeyMissing, RecoveryKeyError
from .access import audit, session
from .errors import ValidationError
from .identity import IdentityKeyNeeded, loss_warning, status

PERMISSION = "identity.recovery_key"


def recovery_key() -> str:
    """The 56-character recovery key of this database (in groups of four), for an
    administrator to print or save. ``IdentityKeyNeeded`` when this workstation has none."""
    session.require(PERMISSION)
    try:
        return crypto.recovery_text(db_identity.stored_raw_key())
    except KeyMissing:
        raise IdentityKeyNeeded() from None


def recovery_pending() -> bool:
    """Whether nobody has confirmed yet that the recovery key was printed or saved (the
    GUI shows it to the next administrator who signs in). A database without a key gets
    it here, so the first administrator sees the recovery key, and what losing it means,
    before any identity number is encrypted with it."""
    session.require(PERMISSION)
    if not db_identity.has_key():
        with write_transaction():
            db_identity.create_key()
    return status() == "ready" and not db_identity.recovery_saved()


def save_recovery_key(path: str | os.PathLike, text: str) -> Path:
    """Write the recovery key sheet ``text`` to ``path`` (a file the administrator chose,
    e.g. on a USB stick); refused over a database, a backup or a folder. Audited."""
    from .safety import outputs

    session.require(PERMISSION)
    if recovery_key() not in text:
        raise ValueError("the sheet must hold the recovery key")
    target = outputs.check_output(path)
    with outputs.atomic_output(target) as fh:
        fh.write(text)
    with write_transaction():
        audit.record("recovery_key_file", "identity_key", None, None, target.name)
    return target


def confirm_recovery_saved() -> None:
    """The administrator printed or saved the recovery key (audited)."""
    actor = session.require(PERMISSION)
    stamp = dt.datetime.now().replace(microsecond=0).isoformat(sep=" ")
    with write_transaction():
        db_identity.mark_recovery_saved(f"{actor.username} {stamp}")
        audit.record("recovery_key_saved", "identity_key", None, None, "")


def unlock(text: str) -> None:
    """Store the database's key, typed as its recovery key, in this workstation's
    credential store. ``ValidationError`` when it is mistyped or another database's."""
    try:
        key = crypto.key_from_recovery(text, db_identity.key_check())
        db_identity.install_recovered_key(key)
    except RecoveryKeyError as exc:
        raise ValidationError({"recovery_key": str(exc)}) from None


__all__ = [
    "PERMISSION",
    "confirm_recovery_saved",
    "loss_warning",
    "recovery_key",
    "recovery_pending",
    "save_recovery_key",
    "status",
    "unlock",
]
