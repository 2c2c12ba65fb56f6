"""Deactivating and reactivating a catalog record (an investigation, a branch, a referrer):
the flag set with the version bumped, and an audit row when it really changed; the record
that already holds a code (codes are unique); and the rule every record's name follows."""

from __future__ import annotations

from typing import Any

from ...db.models import now
from ..access import audit
from ..texts import translate


def set_active(model: Any, entity: str, row: Any, active: bool) -> None:
    """Set ``active`` on the stored ``row`` of ``model`` (inside the caller's transaction,
    after its ``require`` and its checks); audited as ``entity`` when the flag changes."""
    model.update(active=active, updated_at=now(), version=model.version + 1).where(
        model.id == row.id
    ).execute()
    if bool(row.active) != active:
        audit.record(
            "reactivate" if active else "deactivate",
            entity,
            row.id,
            {"active": (not active, active)},
        )


def _code_holder(model: Any, code: str, own_id: int | None) -> Any:
    """The stored row of ``model`` other than ``own_id`` whose code is ``code`` (its id and
    name), or None; private: the caller has checked the permission."""
    query = model.select(model.id, model.name).where(model.code == code)
    if own_id is not None:
        query = query.where(model.id != own_id)
    return query.first()


def _name_error(name: str, limit: int, context: str, messages: tuple[str, str]) -> str | None:
    """The error of a record's cleaned ``name``, or None: it is required and at most ``limit``
    characters long. ``messages`` (missing, too long with ``{max}``) are marked
    ``QT_TRANSLATE_NOOP(context, …)`` by the caller and translated here."""
    missing, too_long = messages
    if not name:
        return translate(context, missing)
    if len(name) > limit:
        return translate(context, too_long).format(max=limit)
    return None
