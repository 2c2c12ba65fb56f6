"""Referrer types (Doctor, Hospital, Clínica Privada, Empresa, Otro): CRUD with rules.

Names are unique ignoring case and accents ("clinica privada" is the same type as
"Clínica Privada"). A type that referrers use cannot be deleted, only renamed, so no
referrer ever loses its classification.
"""

from __future__ import annotations

from peewee import JOIN, IntegrityError, fn

from ...db.database import update_versioned, write_transaction
from ...db.models import Referrer, ReferrerType
from ...util.lookups import present
from ...util.text import clean, fold
from ..access import audit, session
from ..errors import NotFoundError, RuleError, ValidationError, stale
from ..texts import translate

NAME_MAX = 80


def _missing(type_id: int) -> str:
    return translate("services.referrer_types", "El tipo de remitente {id} no existe.").format(
        id=type_id
    )


def list_all(include_inactive: bool = True) -> list[dict]:
    """Every type with how many referrers use it: id, name, active, in_use."""
    session.require("referrers.view")
    usage = fn.COUNT(Referrer.id)
    query = (
        ReferrerType.select(
            ReferrerType.id,
            ReferrerType.name,
            ReferrerType.active,
            ReferrerType.version,
            usage.alias("in_use"),
        )
        .join(Referrer, JOIN.LEFT_OUTER, on=(Referrer.type == ReferrerType.id))
        .group_by(ReferrerType.id, ReferrerType.name, ReferrerType.active, ReferrerType.version)
    )
    if not include_inactive:
        query = query.where(ReferrerType.active == True)  # noqa: E712
    rows = list(query.dicts())
    rows.sort(key=lambda r: (fold(r["name"]), r["id"]))
    return rows


def list_active() -> list[dict]:
    """For pickers: id, name of the active types, by name."""
    return [{"id": r["id"], "name": r["name"]} for r in list_all(include_inactive=False)]


def get(type_id: int) -> dict:
    session.require("referrers.view")
    row = present(
        ReferrerType.get_or_none(ReferrerType.id == type_id), NotFoundError(_missing(type_id))
    )
    return {
        "id": row.id,
        "name": row.name,
        "active": row.active,
        "version": row.version,
        "in_use": usage_count(row.id),
    }


def usage_count(type_id: int) -> int:
    """How many referrers (active or not) have this type."""
    session.require("referrers.view")
    return Referrer.select().where(Referrer.type == type_id).count()


def find_by_name(name: str) -> int | None:
    """The id of the type whose folded name equals ``fold(name)``, or None."""
    session.require("referrers.view")
    wanted = fold(name)
    if not wanted:
        return None
    for row in ReferrerType.select(ReferrerType.id, ReferrerType.name).tuples():
        if fold(row[1]) == wanted:
            return row[0]
    return None


def _checked_name(name: str, own_id: int | None = None) -> str:
    name = clean(name)
    if not name:
        raise ValidationError(
            {
                "name": translate(
                    "services.referrer_types", "Escriba el nombre del tipo de remitente."
                )
            }
        )
    if len(name) > NAME_MAX:
        raise ValidationError(
            {
                "name": translate(
                    "services.referrer_types", "El nombre admite como máximo {max} caracteres."
                ).format(max=NAME_MAX)
            }
        )
    other = find_by_name(name)
    if other is not None and other != own_id:
        existing = ReferrerType.get_by_id(other).name
        raise ValidationError(
            {
                "name": translate(
                    "services.referrer_types", "Ya existe el tipo de remitente «{name}»."
                ).format(name=existing)
            }
        )
    return name


def create(name: str) -> int:
    session.require("referrers.edit")
    with write_transaction():
        name = _checked_name(name)
        type_id = ReferrerType.create(name=name).id
        audit.record("create", "referrer_type", type_id, {"name": (None, name)})
        return type_id


def rename(type_id: int, name: str, version: int) -> None:
    """Rename a type read at ``version`` (``get``/``list_all``); ConflictError when someone
    changed it since."""
    session.require("referrers.edit")
    with write_transaction():
        current = present(
            ReferrerType.get_or_none(ReferrerType.id == type_id), NotFoundError(_missing(type_id))
        )
        name = _checked_name(name, own_id=type_id)
        updated = update_versioned(ReferrerType, type_id, version, name=name)
        if updated != 1:
            raise stale(
                translate("services.referrer_types", "el tipo de remitente «{name}»").format(
                    name=current.name
                )
            )
        if current.name != name:
            audit.record("update", "referrer_type", type_id, {"name": (current.name, name)})


def set_active(type_id: int, active: bool) -> None:
    """Inactive types are not offered for new referrers; existing ones keep them."""
    session.require("referrers.edit")
    with write_transaction():
        current = ReferrerType.get_or_none(ReferrerType.id == type_id)
        updated = (
            ReferrerType.update(active=bool(active), version=ReferrerType.version + 1)
            .where(ReferrerType.id == type_id)
            .execute()
        )
        if not updated:
            raise NotFoundError(_missing(type_id))
        if current is not None and bool(current.active) != bool(active):
            audit.record(
                "reactivate" if active else "deactivate",
                "referrer_type",
                type_id,
                {"active": (bool(current.active), bool(active))},
            )


def why_not_deletable(type_id: int) -> str:
    """The reason a type cannot be deleted, for the user ("" when it can)."""
    session.require("referrers.view")
    row = ReferrerType.get_or_none(ReferrerType.id == type_id)
    if row is None:
        return _missing(type_id)
    used = usage_count(type_id)
    if not used:
        return ""
    if used == 1:
        text = translate(
            "services.referrer_types",
            "No se puede eliminar el tipo «{name}»: 1 remitente lo usa. "
            "Solo se le puede cambiar el nombre (o desactivarlo).",
        )
    else:
        text = translate(
            "services.referrer_types",
            "No se puede eliminar el tipo «{name}»: {count} remitentes lo usan. "
            "Solo se le puede cambiar el nombre (o desactivarlo).",
        )
    return text.format(name=row.name, count=f"{used:,}")


def delete(type_id: int) -> None:
    """Delete an unused type; a type in use raises RuleError (it can only be renamed)."""
    session.require("referrers.delete")
    with write_transaction():
        row = present(
            ReferrerType.get_or_none(ReferrerType.id == type_id), NotFoundError(_missing(type_id))
        )
        problem = why_not_deletable(type_id)
        if problem:
            raise RuleError(problem)
        try:
            row.delete_instance()
        except IntegrityError as exc:  # a referrer got this type meanwhile
            raise RuleError(
                translate(
                    "services.referrer_types",
                    "No se puede eliminar el tipo «{name}»: está en uso. "
                    "Solo se le puede cambiar el nombre.",
                ).format(name=row.name)
            ) from exc
        audit.record("delete", "referrer_type", type_id, {"name": (row.name, None)})
