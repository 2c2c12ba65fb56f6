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


@lru_cache(maxsize=1)
def known_ids() -> tuple[frozenset[int], frozenset[int], dict[int, int]]:
    """(gender ids, department ids, municipality id -> its department id): what a
    customer's choices are checked against (``customers.validation``). Seeded data that no
    screen edits, read once per opened database: asked of the database at every check,
    they were three statements a customer (an import updating 10,000 patients checks
    each one three times)."""
    return (
        frozenset(gender_id for gender_id, _name in _genders()),  # the pickers' lists
        frozenset(department_id for department_id, _name in departments()),
        dict(Municipality.select(Municipality.id, Municipality.department).tuples()),
    )


@lru_cache(maxsize=1)
def dni_places() -> tuple[frozenset[str], dict[str, str]]:
    """(department codes, municipality code -> its department's name): the places a DNI's
    first four digits name (``customers.validation.dni_place_error``), read once per
    opened database."""
    return (
        frozenset(d.code for d in Department.select(Department.code)),
        dict(Municipality.select(Municipality.code, Department.name).join(Department).tuples()),
    )


def clear_caches() -> None:
    """Call after opening another database (``bootstrap.open_db`` and ``close_db`` do)."""
    departments.cache_clear()
    municipalities.cache_clear()
    _genders.cache_clear()
    known_ids.cache_clear()
    dni_places.cache_clear()
