"""Read-only reference data for pickers: departments, municipalities, genders, branches."""

from __future__ import annotations

from functools import lru_cache

from ..db.models import Branch, Department, Gender, Municipality
from .texts import QT_TRANSLATE_NOOP, translate

# the seeded genders as shown on screen (stored in Spanish); issue 16
GENDER_LABELS = {
    "Mujer": QT_TRANSLATE_NOOP("services.reference", "Mujer"),
    "Hombre": QT_TRANSLATE_NOOP("services.reference", "Hombre"),
    "Otro": QT_TRANSLATE_NOOP("services.reference", "Otro"),
}


def gender_label(name: str | None) -> str:
    source = GENDER_LABELS.get(name or "")
    return translate("services.reference", source) if source else (name or "")


@lru_cache(maxsize=1)
def departments() -> list[tuple[int, str]]:
    return [(d.id, d.name) for d in Department.select().order_by(Department.code)]


@lru_cache(maxsize=32)
def municipalities(department_id: int) -> list[tuple[int, str]]:
    query = (
        Municipality.select(Municipality.id, Municipality.name)
        .where(Municipality.department == department_id)
        .order_by(Municipality.name)
    )
    return [(m.id, m.name) for m in query]


@lru_cache(maxsize=1)
def _genders() -> list[tuple[int, str]]:
    return [(g.id, g.name) for g in Gender.select().order_by(Gender.id)]


def genders() -> list[tuple[int, str]]:
    """(id, name in the active language) of every gender."""
    return [(gender_id, gender_label(name)) for gender_id, name in _genders()]


def branches(active_only: bool = True) -> list[tuple[int, str, str]]:
    query = Branch.select().order_by(Branch.name)
    if active_only:
        query = query.where(Branch.active == True)  # noqa: E712
    return [(b.id, b.code, b.name) for b in query]


def clear_caches() -> None:
    """Call after opening another database."""
    departments.cache_clear()
    municipalities.cache_clear()
    _genders.cache_clear()
