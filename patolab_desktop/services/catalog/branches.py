"""Branches (lab locations). The code prefixes request numbers (SPS-2026-000123).

Rules: name required; code of 2–10 upper-case letters or digits, unique; the phone is
stored in E.164 when given; one default branch chosen in the lab settings; the default
branch cannot be deactivated; a branch's code cannot change once requests carry it;
deactivated branches are hidden from pickers and kept for history (a list's filter still
offers them: their requests stay, and deactivating a branch with unfinished requests is
allowed once the person has been told how many, ``open_request_count``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from peewee import IntegrityError

from ...db.database import update_versioned, write_transaction
from ...db.models import Branch, LabRequest, Municipality, now
from ...util.dataclass_rows import from_row, values_of
from ...util.lookups import present
from ...util.text import clean
from .. import settings, workstation
from ..access import audit, session
from ..errors import ConflictError, NotFoundError, RuleError, ValidationError, stale, valid
from ..texts import QT_TRANSLATE_NOOP, translate
from .activation import _code_holder, _name_error, set_active
from .referrers import format_phone, normalize_phone

CODE_RE = re.compile(r"^[A-Z0-9]{2,10}$")
NAME_MAX = 120

# the errors of the name (``activation._name_error``), translated when shown
_NAME_MESSAGES = (
    QT_TRANSLATE_NOOP("services.branches", "Escriba el nombre de la sucursal."),
    QT_TRANSLATE_NOOP("services.branches", "El nombre admite como máximo {max} caracteres."),
)


@dataclass
class BranchData:
    id: int | None = None
    name: str = ""
    code: str = ""
    address: str = ""
    phone: str = ""
    active: bool = True
    is_default: bool = False  # filled by get()
    department_id: int | None = None  # where the branch is (default place of new patients)
    municipality_id: int | None = None
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    version: int = 1  # optimistic lock: ``update`` refuses a stale version


def list_all(include_inactive: bool = True) -> list[dict]:
    """The branch rows (every column) with phone (display), phone_raw, is_default — by
    name."""
    session.require("branches.manage")
    return _rows(include_inactive)


def _rows(include_inactive: bool) -> list[dict]:
    default = _lab_default_id()
    query = Branch.select(Branch, Branch.phone.alias("phone_raw")).order_by(Branch.name, Branch.id)
    if not include_inactive:
        query = query.where(Branch.active == True)  # noqa: E712
    rows = list(query.dicts())
    for row in rows:
        row["phone"] = format_phone(row["phone_raw"])
        row["is_default"] = row["id"] == default
    return rows


def list_active() -> list[dict]:
    """For pickers: id, code, name of the active branches, the default first (no check:
    names and codes only): the filter's list without the deactivated ones."""
    return [
        {"id": b["id"], "code": b["code"], "name": b["name"]}
        for b in list_for_filters()
        if b["active"]
    ]


def list_for_filters() -> list[dict]:
    """For a list's filter: id, code, name, active of every branch, the active ones first
    (the default first), then the deactivated ones, whose requests (some still pending)
    a person must still be able to list (no check: names and codes only)."""
    rows = _rows(include_inactive=True)
    rows.sort(key=lambda r: (not r["active"], not r["is_default"], r["name"]))
    return [{k: r[k] for k in ("id", "code", "name", "active")} for r in rows]


def _missing(branch_id: int) -> NotFoundError:
    return NotFoundError(
        translate("services.branches", "La sucursal {id} no existe.").format(id=branch_id)
    )


def _code_exists(code: str) -> str:
    return translate("services.branches", "El código {code} ya existe.").format(code=code)


def get(branch_id: int) -> BranchData:
    session.require("branches.manage")
    row = Branch.get_or_none(Branch.id == branch_id)
    if row is None:
        raise _missing(branch_id)
    return from_row(BranchData, row, is_default=row.id == _lab_default_id())


def request_count(branch_id: int) -> int:
    session.require("branches.manage")
    return LabRequest.select().where(LabRequest.branch == branch_id).count()


def open_request_count(branch_id: int) -> int:
    """How many of the branch's requests are not finished (neither completed nor
    cancelled): what deactivating it should mention. They keep the branch and can still
    be worked on, charged and found by the requests list's branch filter, so deactivating
    is not refused for them; the screens ask first (and a branch reopens with
    ``reactivate``)."""
    from ..requests.types import READ_ONLY  # requests import the catalog: no cycle at load

    session.require("branches.manage")
    return (
        LabRequest.select()
        .where((LabRequest.branch == branch_id) & LabRequest.status.not_in(sorted(READ_ONLY)))
        .count()
    )


# the fields stored and audited under their own name (department and municipality by id)
_FIELDS = ("name", "code", "address", "phone", "active")


def _audit_view(branch_id: int) -> dict:
    """The audited fields of a stored branch (department and municipality by id)."""
    row = Branch.get_by_id(branch_id)
    return {
        **values_of(row, _FIELDS),
        "department": row.department_id,
        "municipality": row.municipality_id,
    }


def _normalized(data: BranchData) -> tuple[BranchData, dict[str, str]]:
    errors: dict[str, str] = {}
    out = BranchData(**{**data.__dict__})
    out.name = clean(data.name)
    out.code = clean(data.code).upper()
    out.address = (data.address or "").strip()
    if name_error := _name_error(out.name, NAME_MAX, "services.branches", _NAME_MESSAGES):
        errors["name"] = name_error
    if not out.code:
        errors["code"] = translate(
            "services.branches", "Escriba el código de la sucursal (por ejemplo SPS)."
        )
    elif not CODE_RE.match(out.code):
        errors["code"] = translate(
            "services.branches", "El código lleva de 2 a 10 letras mayúsculas sin tilde o números."
        )
    elif (other := _code_holder(Branch, out.code, data.id)) is not None:
        errors["code"] = translate(
            "services.branches", "El código {code} ya lo usa la sucursal «{name}»."
        ).format(code=out.code, name=other.name)
    try:
        out.phone = normalize_phone(data.phone)
    except ValueError as exc:
        errors["phone"] = str(exc)
    _check_place(out, errors)
    return out, errors


def _check_place(data: BranchData, errors: dict[str, str]) -> None:
    """The municipality, when given, must be one of the department's."""
    if data.municipality_id is None:
        return
    owner = (
        Municipality.select(Municipality.department)
        .where(Municipality.id == data.municipality_id)
        .scalar()
    )
    if owner is None or (data.department_id is not None and owner != data.department_id):
        errors["municipality_id"] = translate(
            "services.branches", "El municipio no pertenece al departamento elegido."
        )
    elif data.department_id is None:
        data.department_id = owner


def place(branch_id: int | None = None) -> tuple[int | None, int | None]:
    """(department id, municipality id) of a branch (the default branch when None): the
    place a new patient registered there gets by default. Ids only, no permission."""
    branch_id = branch_id or default_branch_id()
    row = (
        Branch.select(Branch.department, Branch.municipality)
        .where(Branch.id == branch_id)
        .tuples()
        .first()
    )
    return (row[0], row[1]) if row else (None, None)


def validate(data: BranchData) -> dict[str, str]:
    return _normalized(data)[1]


def _stored(data: BranchData) -> dict:
    """The columns of a branch row, from checked data (create and update)."""
    return {
        **values_of(data, _FIELDS),
        "active": bool(data.active),
        "department": data.department_id,
        "municipality": data.municipality_id,
    }


def create(data: BranchData) -> int:
    session.require("branches.manage")
    with write_transaction():
        clean_data = valid(_normalized(data))
        try:
            branch_id = Branch.create(**_stored(clean_data)).id
            audit.record("create", "branch", branch_id, audit.diff({}, _audit_view(branch_id)))
            return branch_id
        except IntegrityError as exc:
            raise ValidationError({"code": _code_exists(clean_data.code)}) from exc


def update(data: BranchData) -> None:
    session.require("branches.manage")
    if data.id is None:
        raise NotFoundError(translate("services.branches", "Falta la sucursal a modificar."))
    with write_transaction():
        current = present(Branch.get_or_none(Branch.id == data.id), _missing(data.id))
        if current.version != data.version:
            raise _stale(current)
        clean_data = valid(_normalized(data))
        before = _audit_view(data.id)
        if clean_data.code != current.code:
            used = request_count(data.id)
            if used:
                if used == 1:
                    message = translate(
                        "services.branches",
                        "El código no se puede cambiar: 1 solicitud ya "
                        "lleva el número con «{code}».",
                    )
                else:
                    message = translate(
                        "services.branches",
                        "El código no se puede cambiar: {count} solicitudes "
                        "ya llevan el número con «{code}».",
                    )
                raise ValidationError(
                    {"code": message.format(count=f"{used:,}", code=current.code)}
                )
        if current.active and not clean_data.active:
            _check_can_deactivate(data.id)
        try:
            updated = update_versioned(
                Branch, data.id, data.version, **_stored(clean_data), updated_at=now()
            )
            if updated != 1:
                raise _stale(current)
            data.version += 1
            changes = audit.diff(before, _audit_view(data.id))
            if changes:
                audit.record("update", "branch", data.id, changes)
        except IntegrityError as exc:
            raise ValidationError({"code": _code_exists(clean_data.code)}) from exc


def _stale(row: Branch) -> ConflictError:
    return stale(translate("services.branches", "la sucursal «{name}»").format(name=row.name))


def _check_can_deactivate(branch_id: int) -> None:
    if branch_id == _lab_default_id():
        raise RuleError(
            translate(
                "services.branches",
                "No se puede desactivar la sucursal predeterminada. "
                "Elija antes otra sucursal como predeterminada.",
            )
        )


def _set_active(branch_id: int, active: bool) -> None:
    session.require("branches.manage")
    with write_transaction():
        row = present(Branch.get_or_none(Branch.id == branch_id), _missing(branch_id))
        if not active:
            _check_can_deactivate(branch_id)
        set_active(Branch, "branch", row, active)


def deactivate(branch_id: int) -> None:
    _set_active(branch_id, False)


def reactivate(branch_id: int) -> None:
    _set_active(branch_id, True)


def set_default(branch_id: int) -> None:
    """Make an active branch the lab's default (new requests use it)."""
    session.require("branches.manage")
    with write_transaction():
        row = Branch.get_or_none(Branch.id == branch_id)
        if row is None:
            raise _missing(branch_id)
        if not row.active:
            raise RuleError(
                translate(
                    "services.branches",
                    "La sucursal «{name}» está desactivada; reactívela primero.",
                ).format(name=row.name)
            )
        old = settings.get("default_branch_id")
        settings.put("default_branch_id", row.id)
        if old != row.id:
            audit.record("settings_change", "setting", None, {"default_branch_id": (old, row.id)})


def default_branch() -> tuple[int, str] | None:
    """``(id, code)`` of the branch a new request or patient at this desk starts with:
    this workstation's (``services.workstation``: set on this computer) when it is active,
    else the lab's default when active, else the first active branch by name; None when no
    branch is active. One query after the setting (a request's save asks it)."""
    return _first_active(workstation.local_branch_id(), settings.get("default_branch_id"))


def _first_active(*preferred: int | None) -> tuple[int, str] | None:
    """``(id, code)`` of the first active branch of ``preferred``, else the first by name."""
    order: list = [Branch.id != int(chosen) for chosen in preferred if chosen]
    row = (
        Branch.select(Branch.id, Branch.code)
        .where(Branch.active == True)  # noqa: E712 - a peewee expression
        .order_by(*order, Branch.name, Branch.id)
        .tuples()
        .first()
    )
    return (int(row[0]), str(row[1])) if row else None


def default_branch_id() -> int:
    """The id of :func:`default_branch` (0 when there is no active branch at all)."""
    found = default_branch()
    return found[0] if found else 0


def _lab_default_id() -> int:
    """The lab's default branch (the settings'; the one the branches list marks), whatever
    this workstation's is; 0 when there is no active branch."""
    found = _first_active(settings.get("default_branch_id"))
    return found[0] if found else 0


def id_by_code(code: str) -> int:
    """The id of the branch of ``code`` (inactive ones too: a report covers their past
    requests); NotFoundError when there is none. No check: a code and an id only, what
    anyone who picks a branch for a report or a filter already sees (``list_active``);
    the report itself requires its own permission. ``get_by_code`` is the whole record,
    for whoever manages branches."""
    found = Branch.select(Branch.id).where(Branch.code == clean(code).upper()).scalar()
    if found is None:
        raise NotFoundError(
            translate("services.branches", "No existe la sucursal con código «{code}».").format(
                code=clean(code).upper()
            )
        )
    return int(found)


def get_by_code(code: str) -> BranchData:
    session.require("branches.manage")
    return get(id_by_code(code))
