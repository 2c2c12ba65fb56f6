"""Interpreting the cells of one imported row: types, genders, dates, ages and places
written the many ways people write them, resolved once per distinct text."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Mapping
from typing import Any

from ...db.models import Municipality
from ...util.text import fold
from ..errors import ValidationError
from ..texts import label, translate
from . import bulk, formats, resolve
from .import_file import _DATA_LABELS
from .import_plan import ImportRow

# --- interpreting cells -------------------------------------------------------------------


# Words the customers service does not know, mapped to ones it does (``resolve_*``).
_TYPE_SYNONYMS = {
    "individual": "paciente",
    "person": "paciente",
    "institution": "empresa",
    "business": "empresa",
    "compania": "empresa",
}
_GENDER_SYNONYMS = {
    "femenino": "Mujer",
    "female": "Mujer",
    "woman": "Mujer",
    "fem": "Mujer",
    "masculino": "Hombre",
    "male": "Hombre",
    "man": "Hombre",
    "masc": "Hombre",
    "h": "Hombre",
    "other": "Otro",
    "x": "Otro",
}
_DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%d.%m.%Y", "%Y/%m/%d", "%d/%m/%y")
_AGE_RE = re.compile(r"^(\d{1,3})(?:[.,]0+)?(?:\s*(?:anos|ano|years|year|a))?$")


# the preview lists a row's missing fields in this order
_MISSING_ORDER = ("id_number", "age", "gender_id", "department_id", "municipality_id", "phone")


class _Resolver:
    """Names typed in the file -> ids, through ``customers.resolve_*``, memoised per text
    (a file repeats the same few departments thousands of times); and what an analysis
    asks once: its day (``today``, for ages and birthdays) and the labels of each set of
    missing fields (``missing_labels``); and the customers service's checks of a new
    customer on that day, its permission asked once (``prepare``)."""

    def __init__(self) -> None:
        self._memo: dict[tuple, object] = {}
        self.today = dt.date.today()
        self.prepare = bulk.preparer(self.today)
        self._labels: dict[tuple, tuple[str, ...]] = {}

    def missing_labels(self, missing: Collection[str]) -> list[str]:
        """The labels of the missing fields, in the preview's order, translated once per
        set of fields (100,000 rows, each missing the same four: 0.24 s of look-ups)."""
        key = tuple(missing)
        labels = self._labels.get(key)
        if labels is None:
            labels = tuple(label(_DATA_LABELS, k) for k in _MISSING_ORDER if k in missing)
            self._labels[key] = labels
        return list(labels)

    def _resolve(self, key: tuple, fn: Any, *args: Any) -> Any:
        if key not in self._memo:
            try:
                self._memo[key] = fn(*args)
            except ValidationError as exc:
                self._memo[key] = ValueError(" ".join(exc.fields.values()))
        value = self._memo[key]
        if isinstance(value, ValueError):
            raise value
        return value

    def type(self, text: str) -> str:
        word = _TYPE_SYNONYMS.get(fold(text), text)
        return self._resolve(("type", fold(text)), resolve.resolve_type, word)

    def gender(self, text: str) -> int:
        word = _GENDER_SYNONYMS.get(fold(text).rstrip("."), text)
        return self._resolve(("gender", fold(text)), resolve.resolve_gender, word)

    def department(self, text: str) -> int:
        return self._resolve(("department", fold(text)), resolve.resolve_department, text)

    def municipality(self, text: str, department_id: int | None) -> tuple[int, int]:
        """(municipality id, its department id)."""
        municipality_id = self._resolve(
            ("municipality", fold(text), department_id),
            resolve.resolve_municipality,
            text,
            department_id,
        )
        if department_id is None:
            department_id = self._resolve(
                ("owner", municipality_id), _department_of, municipality_id
            )
        return municipality_id, department_id


def _department_of(municipality_id: int) -> int:
    return (
        Municipality.select(Municipality.department)
        .where(Municipality.id == municipality_id)
        .scalar()
    )


def _parse_date(text: str) -> dt.date:
    value = text.strip().split(" ")[0]
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(
        translate(
            "services.patient_import", "Fecha de nacimiento no válida: «{text}» (use dd/mm/aaaa)."
        ).format(text=text)
    )


def _parse_age(text: str) -> int:
    match = _AGE_RE.match(fold(text))
    if match is None:
        raise ValueError(
            translate(
                "services.patient_import", "Edad no válida: «{text}» (un número de años)."
            ).format(text=text)
        )
    return int(match.group(1))


def _file_values(row: ImportRow, lookups: _Resolver) -> dict:
    """CustomerData attributes given by the row's non-empty cells (raises ValueError)."""
    v = row.values
    out: dict = {}
    for key in ("name", "email", "address", "notes", "secondary_phone", "external_file"):
        if v.get(key):
            out[key] = v[key]
    if v.get("phone"):
        out["phone"] = v["phone"]
    if v.get("id_number"):  # «Pasaporte A123…» gives its kind (``formats.read_document_cell``)
        out["document_type"], out["id_number"] = formats.read_document_cell(v["id_number"])
    if v.get("type"):
        out["type"] = lookups.type(v["type"])
    if v.get("gender"):
        out["gender_id"] = lookups.gender(v["gender"])
    if v.get("date_of_birth"):
        out["date_of_birth"] = _parse_date(v["date_of_birth"])
    if v.get("age"):
        out["age"] = _parse_age(v["age"])
    department_id = lookups.department(v["department"]) if v.get("department") else None
    if department_id is not None:
        out["department_id"] = department_id
    if v.get("municipality"):
        out["municipality_id"], out["department_id"] = lookups.municipality(
            v["municipality"], department_id
        )
    return out


def _reason(errors: Mapping[str, str]) -> str:
    """The service's messages, each prefixed with its field's name unless it names the field
    already ("Teléfono: Demasiado largo…", but "El teléfono no es un número válido.")."""
    messages = []
    for key, message in errors.items():
        name = label(_DATA_LABELS, key) if key in _DATA_LABELS else ""
        named = not name or fold(name) in fold(message)
        messages.append(message if named else f"{name[:1].upper()}{name[1:]}: {message}")
    return " ".join(messages)
