"""Referrers: the doctors and institutions that send patients to the lab (seed 000).

Rules: a name and a type are required; the phone is stored in E.164 (default region
Honduras) and the email is validated when given; referrers are never deleted, only
deactivated (kept for the requests that name them, hidden from pickers); a new
referrer with the same folded name and the same institution or phone as an existing
one is reported as a likely duplicate before saving.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from peewee import ModelSelect, fn

from ...db.database import update_versioned, write_transaction
from ...db.models import LabRequest, Referrer, ReferrerType, now
from ...util.dataclass_rows import from_row, values_of
from ...util.lookups import present
from ...util.text import clean, digits, fold, search_input
from .. import customers
from ..access import audit, session
from ..errors import ConflictError, NotFoundError, valid
from ..paging import Page, PageRequest, cursor_by, every_page, keyset_page
from ..texts import QT_TRANSLATE_NOOP, translate
from .activation import _name_error, set_active

_PHONEISH = re.compile(r"[0-9+()./-]+")
NAME_MAX = 200

# the errors of the name (``activation._name_error``), translated when shown
_NAME_MESSAGES = (
    QT_TRANSLATE_NOOP("services.referrers", "Escriba el nombre del remitente."),
    QT_TRANSLATE_NOOP("services.referrers", "El nombre admite como máximo {max} caracteres."),
)

# deactivating or reactivating, by ``deactivate``/``reactivate`` or by ``update`` with a
# changed ``active``: the same permission either way (the dialog reads it to turn the box off)
ACTIVE_PERMISSION = "referrers.delete"

EXPORT_COLUMNS = [
    "Nombre",
    "Tipo",
    "Institución",
    "Teléfono",
    "Correo",
    "Dirección",
    "Notas",
    "Estado",
    "Registrado",
]


@dataclass
class ReferrerFilter:
    search: str = ""
    type_id: int | None = None
    include_inactive: bool = False


@dataclass
class ReferrerData:
    id: int | None = None
    name: str = ""
    type_id: int | None = None
    phone: str = ""  # as typed; stored and returned by get() in E.164
    email: str = ""
    address: str = ""
    institution: str = ""
    notes: str = ""
    active: bool = True
    type_name: str = ""  # filled by get()
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    version: int = 1


# --- phones and e-mail: the same rules as customers (they live in services.customers) -------


def normalize_phone(text: str) -> str:
    """E.164 for a phone typed in any usual way ("9988-7766" → "+50499887766"), default
    region Honduras; ValueError with a message when it is not a valid number."""
    return customers.normalise_phone(text)


def format_phone(e164: str) -> str:
    """Display form: "+504 9988-7766"."""
    return customers.format_phone(e164)


def _normalize_email(text: str) -> str:
    return customers.normalise_email(clean(text))


def _search_text(name: str, institution: str, phone: str, email: str, address: str) -> str:
    parts = [fold(name), fold(institution), digits(phone), fold(email), fold(address)]
    return " ".join(p for p in parts if p)


# --- validation ----------------------------------------------------------------------------


def _missing(referrer_id: int) -> NotFoundError:
    return NotFoundError(
        translate("services.referrers", "El remitente {id} no existe.").format(id=referrer_id)
    )


def _normalized(data: ReferrerData) -> tuple[ReferrerData, dict[str, str]]:
    """A cleaned copy of ``data`` and the field errors found while cleaning it."""
    errors: dict[str, str] = {}
    out = ReferrerData(**{**data.__dict__})
    out.name = clean(data.name)
    out.institution = clean(data.institution)
    out.address = (data.address or "").strip()
    out.notes = (data.notes or "").strip()
    if name_error := _name_error(out.name, NAME_MAX, "services.referrers", _NAME_MESSAGES):
        errors["name"] = name_error
    if len(out.institution) > 200:
        errors["institution"] = translate(
            "services.referrers", "La institución admite como máximo 200 caracteres."
        )
    if data.type_id is None:
        errors["type_id"] = translate("services.referrers", "Elija el tipo de remitente.")
    elif not ReferrerType.select().where(ReferrerType.id == data.type_id).exists():
        errors["type_id"] = translate(
            "services.referrers", "El tipo de remitente elegido no existe."
        )
    try:
        out.phone = normalize_phone(data.phone)
    except ValueError as exc:
        errors["phone"] = str(exc)
    try:
        out.email = _normalize_email(data.email)
    except ValueError as exc:
        errors["email"] = str(exc)
    return out, errors


def validate(data: ReferrerData) -> dict[str, str]:
    """Field name → message; empty when the data can be saved."""
    return _normalized(data)[1]


def find_duplicates(data: ReferrerData) -> list[dict]:
    """Existing referrers with the same folded name and the same folded institution
    (both empty counts as the same) or the same phone.

    Rows: id, name, institution, phone (display), type, active, reason.
    """
    session.require("referrers.view")
    name = fold(data.name)
    if not name:
        return []
    institution = fold(data.institution)
    try:
        phone = normalize_phone(data.phone)
    except ValueError:
        phone = ""
    query = (
        Referrer.select(
            Referrer.id,
            Referrer.name,
            Referrer.institution,
            Referrer.phone,
            Referrer.active,
            ReferrerType.name.alias("type"),
        )
        .join(ReferrerType)
        .where(Referrer.name_folded == name)
        .order_by(Referrer.active.desc(), Referrer.id)
    )
    if data.id is not None:
        query = query.where(Referrer.id != data.id)
    found = []
    for row in query.dicts():
        reasons = []
        if fold(row["institution"]) == institution:
            reasons.append(
                translate("services.referrers", "mismo nombre e institución")
                if institution
                else translate("services.referrers", "mismo nombre, sin institución")
            )
        if phone and row["phone"] == phone:
            reasons.append(translate("services.referrers", "mismo nombre y teléfono"))
        if reasons:
            found.append(
                {
                    "id": row["id"],
                    "name": row["name"],
                    "institution": row["institution"],
                    "phone": format_phone(row["phone"]),
                    "type": row["type"],
                    "active": row["active"],
                    "reason": "; ".join(reasons),
                }
            )
    return found


# --- reading --------------------------------------------------------------------------------

_TYPE_SORT = fn.LOWER(ReferrerType.name)

SORTS: dict[str, list] = {
    "name": [Referrer.name_folded],
    "type": [_TYPE_SORT, Referrer.name_folded],
    "institution": [fn.LOWER(Referrer.institution), Referrer.name_folded],
    "phone": [Referrer.phone],
    "email": [Referrer.email],
    "created_at": [Referrer.created_at],
    "active": [Referrer.active, Referrer.name_folded],
}
_SORT_KEYS = {
    "name": ["name_folded"],
    "type": ["type_sort", "name_folded"],
    "institution": ["institution_sort", "name_folded"],
    "phone": ["phone_raw"],
    "email": ["email"],
    "created_at": ["created_at"],
    "active": ["active", "name_folded"],
}


def _base_query(filters: ReferrerFilter) -> ModelSelect:
    query = Referrer.select(
        Referrer.id,
        Referrer.name,
        Referrer.name_folded,
        Referrer.type.alias("type_id"),
        ReferrerType.name.alias("type"),
        _TYPE_SORT.alias("type_sort"),
        Referrer.institution,
        fn.LOWER(Referrer.institution).alias("institution_sort"),
        Referrer.phone.alias("phone_raw"),
        Referrer.email,
        Referrer.address,
        Referrer.active,
        Referrer.created_at,
    ).join(ReferrerType)
    if not filters.include_inactive:
        query = query.where(Referrer.active == True)  # noqa: E712
    if filters.type_id is not None:
        query = query.where(Referrer.type == filters.type_id)
    for term in _terms(filters.search):
        query = query.where(Referrer.search_text.contains(term))
    return query


def _terms(text: str) -> list[str]:
    """Folded search terms; a term that looks like a phone ("9988-7766") keeps its digits."""
    terms = []
    for word in fold(search_input(text)).split():
        if _PHONEISH.fullmatch(word) and digits(word):
            word = digits(word)
        terms.append(word)
    return terms


def page(filters: ReferrerFilter | None, request: PageRequest) -> Page:
    """A keyset page of referrers. Row keys: id, name, type_id, type, institution, phone
    (display), phone_raw (E.164), email, address, active, created_at."""
    session.require("referrers.view")
    filters = filters or ReferrerFilter()
    sort = request.sort if request.sort in SORTS else "name"
    result = keyset_page(
        _base_query(filters), SORTS[sort], Referrer.id, request, cursor_by(_SORT_KEYS[sort])
    )
    for row in result.rows:
        row["phone"] = format_phone(row["phone_raw"])
    return result


def count(filters: ReferrerFilter | None = None) -> int:
    session.require("referrers.view")
    return _base_query(filters or ReferrerFilter()).count()


def search(
    text: str, limit: int = 20, type_id: int | None = None, include_inactive: bool = False
) -> list[dict]:
    """For pickers: active referrers matching ``text`` (folded, any order of words), the
    best first: the same name, then names that start with it, then names with a word
    that starts with it, then the rest, each by name (issue 16). ``type_id``: only
    referrers of that type (seed 000: the types "group and filter referrers on the
    specimen creation form"). ``include_inactive``: deactivated ones too, each after the
    active ones of its rank (a list's filter: a retired doctor's requests are still there).

    Rows: id, name, type, institution, phone (display), email, active.
    """
    session.require("referrers.view")
    text = search_input(text)  # a pasted NUL: PostgreSQL refused the query (an error)
    wanted = fold(text)
    found: dict[int, dict] = {}
    if wanted:  # the exact and prefix matches first, whatever the alphabet says
        query = (
            _base_query(ReferrerFilter(type_id=type_id, include_inactive=include_inactive))
            .where(Referrer.name_folded.startswith(wanted))
            .order_by(Referrer.active.desc(), Referrer.name_folded, Referrer.id)
            .limit(limit)
            .dicts()
        )
        for row in query:
            found.setdefault(row["id"], row)
    wanted_rows = ReferrerFilter(search=text, type_id=type_id, include_inactive=include_inactive)
    rows = page(wanted_rows, PageRequest(sort="name", limit=limit)).rows
    for row in rows:
        found.setdefault(row["id"], row)
    for row in found.values():
        if "phone" not in row:
            row["phone"] = format_phone(row["phone_raw"])
    ranked = sorted(
        found.values(),
        key=lambda r: (_rank(r["name_folded"], wanted), not r["active"], r["name_folded"], r["id"]),
    )
    keys = ("id", "name", "type", "type_id", "institution", "phone", "email", "active")
    return [{k: r[k] for k in keys} for r in ranked[:limit]]


def _rank(name_folded: str, wanted: str) -> int:
    """0 the same name, 1 starts with it, 2 a word starts with it, 3 contains it."""
    if not wanted:
        return 0
    if name_folded == wanted:
        return 0
    if name_folded.startswith(wanted):
        return 1
    if any(word.startswith(wanted) for word in name_folded.replace(".", " ").split()):
        return 2
    return 3


def list_active(limit: int = 1000) -> list[dict]:
    return search("", limit=limit)


def get(referrer_id: int) -> ReferrerData:
    """Any referrer, active or not (history still shows deactivated ones)."""
    session.require("referrers.view")
    row = (
        Referrer.select(Referrer, ReferrerType.name.alias("type_name"))
        .join(ReferrerType)
        .where(Referrer.id == referrer_id)
        .dicts()
        .first()
    )
    if row is None:
        raise _missing(referrer_id)
    return from_row(ReferrerData, row, type_id=row["type"])


def request_count(referrer_id: int) -> int:
    """How many lab requests name this referrer (any status)."""
    session.require("referrers.view")
    return LabRequest.select().where(LabRequest.doctor == referrer_id).count()


def edit_notice(referrer_id: int) -> str:
    """What the edit dialog says about the requests that will show the changes."""
    used = request_count(referrer_id)
    if not used:
        return ""
    if used == 1:
        return translate(
            "services.referrers",
            "Este remitente tiene 1 solicitud; el cambio se verá también en ella.",
        )
    return translate(
        "services.referrers",
        "Este remitente tiene {count} solicitudes; el cambio se verá también en ellas.",
    ).format(count=f"{used:,}")


# --- writing --------------------------------------------------------------------------------


_AUDITED = ("name", "type_id", "phone", "email", "address", "institution", "notes", "active")


def _audit_view(row: Referrer | None) -> dict:
    """The audited fields of a stored referrer."""
    return {} if row is None else values_of(row, _AUDITED)


def _fields(data: ReferrerData) -> dict:
    return {
        "name": data.name,
        "name_folded": fold(data.name),
        "type": data.type_id,
        "phone": data.phone,
        "email": data.email,
        "address": data.address,
        "institution": data.institution,
        "notes": data.notes,
        "search_text": _search_text(
            data.name, data.institution, data.phone, data.email, data.address
        ),
    }


def create(data: ReferrerData) -> int:
    """Save a new referrer; ValidationError(fields) when the data is not valid.

    Duplicates are not refused here (two doctors may share a name): the dialog asks
    ``find_duplicates`` first and lets the user decide.
    """
    session.require("referrers.create")
    clean_data = valid(_normalized(data))
    with write_transaction():
        row = Referrer.create(**_fields(clean_data), active=bool(data.active))
        audit.record(
            "create", "referrer", row.id, audit.diff({}, _audit_view(Referrer.get_by_id(row.id)))
        )
        return row.id


def update(data: ReferrerData) -> None:
    """Save changes; refuses a stale ``version`` with ConflictError. Changing ``active``
    here is deactivating or reactivating, so it needs ``ACTIVE_PERMISSION`` as well (a
    role that may edit doctors but not retire them cannot do it through the edit)."""
    session.require("referrers.edit")
    if data.id is None:
        raise NotFoundError(translate("services.referrers", "Falta el remitente a modificar."))
    clean_data = valid(_normalized(data))
    with write_transaction():
        current = present(Referrer.get_or_none(Referrer.id == data.id), _missing(data.id))
        if bool(current.active) != bool(data.active):
            session.require(ACTIVE_PERMISSION)
        before = _audit_view(current)
        updated = update_versioned(
            Referrer,
            data.id,
            data.version,
            **_fields(clean_data),
            active=bool(data.active),
            updated_at=now(),
        )
        if not updated:
            raise ConflictError(
                translate(
                    "services.referrers",
                    "Otra persona modificó este remitente mientras usted lo editaba. "
                    "Cierre el diálogo y ábralo de nuevo para ver los datos actuales.",
                )
            )
        changes = audit.diff(before, _audit_view(Referrer.get_by_id(data.id)))
        if changes:
            audit.record("update", "referrer", data.id, changes)


def _set_active(referrer_id: int, active: bool) -> None:
    session.require(ACTIVE_PERMISSION)
    with write_transaction():
        current = present(Referrer.get_or_none(Referrer.id == referrer_id), _missing(referrer_id))
        set_active(Referrer, "referrer", current, active)


def deactivate(referrer_id: int) -> None:
    """Hide from pickers; the requests that name the referrer keep it."""
    _set_active(referrer_id, False)


def reactivate(referrer_id: int) -> None:
    _set_active(referrer_id, True)


# --- export ---------------------------------------------------------------------------------


def export_referrers(
    filters: ReferrerFilter | None,
    path: str | Path,
    progress: Callable | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> int:
    """Write the referrers matching ``filters`` to a CSV (UTF-8 with BOM); returns the count.

    Requires ``exports.run``; writes one audit row (file name and row count)."""
    from .. import csvio

    session.require_now("exports.run")

    filters = filters or ReferrerFilter()

    def rows() -> Iterator[list[str]]:
        for result in every_page(lambda request: page(filters, request), "name"):
            ids = [r["id"] for r in result.rows]
            notes = (
                dict(
                    Referrer.select(Referrer.id, Referrer.notes)
                    .where(Referrer.id.in_(ids))
                    .tuples()
                )
                if ids
                else {}
            )
            for r in result.rows:
                yield [
                    r["name"],
                    r["type"],
                    r["institution"],
                    r["phone"],
                    r["email"],
                    r["address"],
                    notes.get(r["id"], ""),
                    "Activo" if r["active"] else "Inactivo",
                    r["created_at"].strftime("%d/%m/%Y") if r["created_at"] else "",
                ]

    return csvio.export_csv(
        path,
        EXPORT_COLUMNS,
        rows(),
        entity="referrer",
        what="de remitentes",
        progress=progress,
        cancelled=cancelled,
    )
