"""The investigation catalog: what can be ordered, at what price, and panels.

Rules (each has a test):
- the code is unique ignoring case and is stored in upper case;
- the name is required; the price is a Decimal with 3 places, never a float, never
  negative, with at most 3 decimals;
- a panel lists other investigations: never itself, never a panel that (at any depth)
  contains it, and only active ones; an investigation that belongs to an active panel
  cannot be deactivated until it is taken out of it;
- every price (the first one included) is recorded in ``PriceChange`` with its date and
  who changed it; requests copy prices, so a change never touches an existing request;
- deactivated investigations are hidden from pickers (``search``, ``list_active``) and
  kept for history (``get`` still reads them).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Callable, Iterable

from peewee import Case, IntegrityError, fn

from ...db.database import write_transaction
from ...db.models import Investigation, PanelMember, PriceChange, now
from ...util.money import MAX_AMOUNT, PLACES
from ...util.text import clean, fold, search_input
from ..access import audit, session
from ..errors import ConflictError, NotFoundError, RuleError, ValidationError
from ..paging import Page, PageRequest, keyset_page
from ..texts import translate

CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,19}$")
NAME_MAX = 200
SAMPLE_MAX = 100
IMPORT_MAX_BYTES = 5 * 1024 * 1024

CSV_COLUMNS = ["code", "name", "sample_type", "price", "panel_members", "active"]
IMPORT_REQUIRED = ("code", "name", "price")
_HEADER_ALIASES = {
    "code": "code",
    "codigo": "code",
    "cod": "code",
    "name": "name",
    "nombre": "name",
    "investigacion": "name",
    "sample_type": "sample_type",
    "sample": "sample_type",
    "tipo_de_muestra": "sample_type",
    "tipo_muestra": "sample_type",
    "muestra": "sample_type",
    "price": "price",
    "precio": "price",
    "panel_members": "panel_members",
    "members": "panel_members",
    "miembros": "panel_members",
    "perfil": "panel_members",
    "miembros_del_perfil": "panel_members",
    "active": "active",
    "activo": "active",
    "activa": "active",
    "estado": "active",
}
_TRUE = {"1", "si", "s", "true", "yes", "y", "activo", "activa", "x"}
_FALSE = {"0", "no", "n", "false", "inactivo", "inactiva"}


@dataclass
class InvestigationData:
    id: int | None = None
    code: str = ""
    name: str = ""
    sample_type: str = ""
    price: Decimal | str | int | None = None
    is_panel: bool = False
    active: bool = True
    member_ids: list[int] = field(default_factory=list)
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    version: int = 1


@dataclass
class CatalogFilter:
    search: str = ""
    kind: str | None = None  # None = all, "single" = not panels, "panel" = panels only
    include_inactive: bool = False
    sample_type: str | None = None


# --- values -------------------------------------------------------------------------------


def normalize_code(text: str) -> str:
    return clean(text).upper()


def _not_a_number(value) -> str:
    return translate("services.catalog", "El precio no es un número: «{value}».").format(
        value=value
    )


def _missing(investigation_id) -> NotFoundError:
    return NotFoundError(
        translate("services.catalog", "La investigación {id} no existe.").format(
            id=investigation_id
        )
    )


def parse_price(value) -> Decimal:
    """An exact Decimal with 3 places from user or file input; ValueError (message) if not.

    Floats are refused outright: 0.1 + 0.2 as floats is not 0.3.
    """
    if isinstance(value, bool) or isinstance(value, float):
        raise ValueError(
            translate(
                "services.catalog",
                "El precio debe ser un número decimal exacto, no de coma flotante.",
            )
        )
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError(translate("services.catalog", "Escriba el precio."))
    if isinstance(value, Decimal):
        amount = value
    else:
        text = str(value).strip()
        if text[:1] in ("L", "l"):
            text = text[1:].strip()
        text = text.replace(",", "").replace(" ", "")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValueError(_not_a_number(value)) from None
    if not amount.is_finite():
        raise ValueError(_not_a_number(value))
    if amount < 0:
        raise ValueError(translate("services.catalog", "El precio no puede ser negativo."))
    if amount != amount.quantize(PLACES):
        raise ValueError(translate("services.catalog", "El precio admite como máximo 3 decimales."))
    if amount > MAX_AMOUNT:
        raise ValueError(translate("services.catalog", "El precio es demasiado grande."))
    return amount.quantize(PLACES)


# --- reading ------------------------------------------------------------------------------


def get(investigation_id: int) -> InvestigationData:
    """Any investigation, active or not."""
    session.require("catalog.view")
    row = Investigation.get_or_none(Investigation.id == investigation_id)
    if row is None:
        raise _missing(investigation_id)
    return InvestigationData(
        id=row.id,
        code=row.code,
        name=row.name,
        sample_type=row.sample_type,
        price=row.price,
        is_panel=row.is_panel,
        active=row.active,
        member_ids=panel_members(row.id),
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
    )


def get_by_code(code: str) -> InvestigationData:
    session.require("catalog.view")
    row = Investigation.get_or_none(Investigation.code == normalize_code(code))
    if row is None:
        raise NotFoundError(
            translate("services.catalog", "No existe la investigación con código «{code}».").format(
                code=normalize_code(code)
            )
        )
    return get(row.id)


def panel_members(investigation_id: int) -> list[int]:
    """Ids of the direct members of a panel, in their order ([] for a single test)."""
    session.require("catalog.view")
    query = (
        PanelMember.select(PanelMember.member)
        .where(PanelMember.panel == investigation_id)
        .order_by(PanelMember.position, PanelMember.id)
    )
    return [member for (member,) in query.tuples()]


def members_detail(investigation_id: int) -> list[dict]:
    """Direct members with their data: id, code, name, sample_type, price, is_panel, active."""
    session.require("catalog.view")
    query = (
        Investigation.select(
            Investigation.id,
            Investigation.code,
            Investigation.name,
            Investigation.sample_type,
            Investigation.price,
            Investigation.is_panel,
            Investigation.active,
        )
        .join(PanelMember, on=(PanelMember.member == Investigation.id))
        .where(PanelMember.panel == investigation_id)
        .order_by(PanelMember.position, PanelMember.id)
    )
    return list(query.dicts())


def leaf_members(investigation_id: int) -> list[int]:
    """The single tests a panel stands for, nested panels expanded, first occurrence kept.

    A single test returns ``[investigation_id]``.
    """
    session.require("catalog.view")
    edges = _edges()
    out: list[int] = []
    seen: set[int] = set()

    def walk(node: int, path: tuple[int, ...]) -> None:
        children = edges.get(node)
        if not children:
            if node not in seen:
                seen.add(node)
                out.append(node)
            return
        for child in children:
            if child not in path:  # defensive: cycles are refused on save
                walk(child, path + (child,))

    walk(investigation_id, (investigation_id,))
    return out


def details(ids: Iterable[int]) -> dict[int, dict]:
    """id → {id, code, name, sample_type, price, is_panel, active} for many ids in one query."""
    session.require("catalog.view")
    ids = list(dict.fromkeys(ids))
    if not ids:
        return {}
    query = Investigation.select(
        Investigation.id,
        Investigation.code,
        Investigation.name,
        Investigation.sample_type,
        Investigation.price,
        Investigation.is_panel,
        Investigation.active,
    ).where(Investigation.id.in_(ids))
    return {row["id"]: row for row in query.dicts()}


def price_history(investigation_id: int) -> list[dict]:
    """Newest first: id, changed_at, old_price (None for the first price), new_price, changed_by."""
    session.require("catalog.view")
    query = (
        PriceChange.select(
            PriceChange.id,
            PriceChange.changed_at,
            PriceChange.old_price,
            PriceChange.new_price,
            PriceChange.changed_by,
        )
        .where(PriceChange.investigation == investigation_id)
        .order_by(PriceChange.changed_at.desc(), PriceChange.id.desc())
    )
    return list(query.dicts())


def sample_types() -> list[str]:
    """Distinct sample types in use, for the dialog's completer."""
    session.require("catalog.view")
    query = (
        Investigation.select(Investigation.sample_type)
        .distinct()
        .where(Investigation.sample_type != "")
    )
    return sorted((s for (s,) in query.tuples()), key=fold)


def _search_condition(text: str):
    text = clean(search_input(text))
    if not text:
        return None
    by_code = Investigation.code.startswith(normalize_code(text))
    terms = fold(text).split()
    by_name = None
    for term in terms:
        condition = Investigation.name_folded.contains(term)
        by_name = condition if by_name is None else (by_name & condition)
    return by_code | by_name if by_name is not None else by_code


def search(text: str, limit: int = 20) -> list[dict]:
    """For pickers: active investigations whose code starts with ``text`` or whose name
    contains every word of it (accents and case ignored). Exact code first, then code
    prefixes, then by name. Rows: id, code, name, sample_type, price (Decimal), is_panel."""
    session.require("catalog.view")
    query = Investigation.select(
        Investigation.id,
        Investigation.code,
        Investigation.name,
        Investigation.sample_type,
        Investigation.price,
        Investigation.is_panel,
    ).where(Investigation.active == True)  # noqa: E712
    condition = _search_condition(text)
    order = [Investigation.name_folded, Investigation.id]
    if condition is not None:
        query = query.where(condition)
        code = normalize_code(text)
        rank = Case(
            None, [(Investigation.code == code, 0), (Investigation.code.startswith(code), 1)], 2
        )
        order = [rank, *order]
    return list(query.order_by(*order).limit(max(1, int(limit))).dicts())


def list_active() -> list[dict]:
    """Every active investigation by name (the catalog is small: hundreds of rows)."""
    session.require("catalog.view")
    query = (
        Investigation.select(
            Investigation.id,
            Investigation.code,
            Investigation.name,
            Investigation.sample_type,
            Investigation.price,
            Investigation.is_panel,
        )
        .where(Investigation.active == True)
        .order_by(  # noqa: E712
            Investigation.name_folded, Investigation.id
        )
    )
    return list(query.dicts())


SORTS: dict[str, list] = {
    "code": [Investigation.code],
    "name": [Investigation.name_folded],
    "sample_type": [fn.LOWER(Investigation.sample_type), Investigation.name_folded],
    "price": [Investigation.price],
    "active": [Investigation.active, Investigation.name_folded],
    "is_panel": [Investigation.is_panel, Investigation.name_folded],
}
_SORT_KEYS = {
    "code": ["code"],
    "name": ["name_folded"],
    "sample_type": ["sample_sort", "name_folded"],
    "price": ["price_raw"],
    "active": ["active", "name_folded"],
    "is_panel": ["is_panel", "name_folded"],
}


def _cursor(row: dict, keys: list[str]) -> tuple:
    # the price column holds thousandths: compare the cursor in the stored unit
    values = [int(row["price"] * 1000) if k == "price_raw" else row[k] for k in keys]
    return (*values, row["id"])


def _base_query(filters: CatalogFilter):
    query = Investigation.select(
        Investigation.id,
        Investigation.code,
        Investigation.name,
        Investigation.name_folded,
        Investigation.sample_type,
        fn.LOWER(Investigation.sample_type).alias("sample_sort"),
        Investigation.price,
        Investigation.is_panel,
        Investigation.active,
        Investigation.updated_at,
    )
    if not filters.include_inactive:
        query = query.where(Investigation.active == True)  # noqa: E712
    if filters.kind == "panel":
        query = query.where(Investigation.is_panel == True)  # noqa: E712
    elif filters.kind == "single":
        query = query.where(Investigation.is_panel == False)  # noqa: E712
    if filters.sample_type:
        query = query.where(Investigation.sample_type == filters.sample_type)
    condition = _search_condition(filters.search)
    if condition is not None:
        query = query.where(condition)
    return query


def page(filters: CatalogFilter | None, request: PageRequest) -> Page:
    """A keyset page. Row keys: id, code, name, sample_type, price (Decimal), is_panel,
    active, members (codes "COL, HDL"), member_count, updated_at."""
    session.require("catalog.view")
    filters = filters or CatalogFilter()
    sort = request.sort if request.sort in SORTS else "code"
    keys = _SORT_KEYS[sort]
    result = keyset_page(
        _base_query(filters), SORTS[sort], Investigation.id, request, lambda row: _cursor(row, keys)
    )
    panels = [row["id"] for row in result.rows if row["is_panel"]]
    members: dict[int, list[str]] = {}
    if panels:
        query = (
            PanelMember.select(PanelMember.panel, Investigation.code)
            .join(Investigation, on=(PanelMember.member == Investigation.id))
            .where(PanelMember.panel.in_(panels))
            .order_by(PanelMember.panel, PanelMember.position, PanelMember.id)
        )
        for panel, code in query.tuples():
            members.setdefault(panel, []).append(code)
    for row in result.rows:
        codes = members.get(row["id"], [])
        row["members"] = ", ".join(codes)
        row["member_count"] = len(codes)
    return result


def count(filters: CatalogFilter | None = None) -> int:
    session.require("catalog.view")
    return _base_query(filters or CatalogFilter()).count()


# --- panels -------------------------------------------------------------------------------


def _edges() -> dict[int, list[int]]:
    """panel id → ordered member ids, for the whole catalog (a few hundred rows)."""
    edges: dict[int, list[int]] = {}
    query = PanelMember.select(PanelMember.panel, PanelMember.member).order_by(
        PanelMember.panel, PanelMember.position, PanelMember.id
    )
    for panel, member in query.tuples():
        edges.setdefault(panel, []).append(member)
    return edges


def _path(edges: dict, start, goal) -> list | None:
    """A path start → … → goal following panel edges, or None."""
    stack = [(start, [start])]
    seen = set()
    while stack:
        node, path = stack.pop()
        if node == goal:
            return path
        if node in seen:
            continue
        seen.add(node)
        for child in edges.get(node, ()):
            stack.append((child, path + [child]))
    return None


def _cycle_message(path: list[str]) -> str:
    chain = " → ".join(path)
    return translate(
        "services.catalog",
        "Se formaría un ciclo de perfiles: {chain}. Un perfil no puede contenerse a sí mismo.",
    ).format(chain=chain)


def check_members(panel_id: int | None, panel_code: str, member_ids: list[int]) -> str | None:
    """The reason (a message for the user) ``member_ids`` cannot be the members of the
    panel ``panel_id`` (None for a panel not saved yet), or None when they can. The dialog
    asks this on every member added, and every save asks it again."""
    if len(set(member_ids)) != len(member_ids):
        return translate("services.catalog", "Una investigación aparece dos veces en el perfil.")
    if panel_id is not None and panel_id in member_ids:
        return translate("services.catalog", "Un perfil no puede contenerse a sí mismo.")
    info = details(member_ids)
    missing = [m for m in member_ids if m not in info]
    if missing:
        return translate("services.catalog", "No existen las investigaciones {ids}.").format(
            ids=", ".join(map(str, missing))
        )
    inactive = [info[m]["code"] for m in member_ids if not info[m]["active"]]
    if inactive:
        return translate(
            "services.catalog",
            "Solo se pueden agregar investigaciones activas; están desactivadas: {codes}.",
        ).format(codes=", ".join(inactive))
    if panel_id is not None:
        edges = _edges()
        codes = None
        for member in member_ids:
            path = _path(edges, member, panel_id)
            if path is not None:
                if codes is None:
                    codes = dict(
                        Investigation.select(Investigation.id, Investigation.code).tuples()
                    )
                return _cycle_message([panel_code] + [codes[n] for n in path])
    return None


def _write_members(panel_id: int, member_ids: list[int]) -> None:
    PanelMember.delete().where(PanelMember.panel == panel_id).execute()
    if member_ids:
        PanelMember.insert_many(
            [{"panel": panel_id, "member": m, "position": i} for i, m in enumerate(member_ids)]
        ).execute()


def set_members(panel_id: int, member_ids: list[int]) -> None:
    """Replace a panel's members (ordered); RuleError on self, cycles, inactive members.

    An empty list turns the panel back into a single test.
    """
    session.require("catalog.edit")
    member_ids = [int(m) for m in member_ids]
    with write_transaction():
        row = Investigation.get_or_none(Investigation.id == panel_id)
        if row is None:
            raise _missing(panel_id)
        problem = check_members(panel_id, row.code, member_ids)
        if problem:
            raise RuleError(problem)
        before = _member_ids(panel_id)
        _write_members(panel_id, member_ids)
        Investigation.update(
            is_panel=bool(member_ids), updated_at=now(), version=Investigation.version + 1
        ).where(Investigation.id == panel_id).execute()
        if before != member_ids:
            audit.record("update", "investigation", panel_id, {"member_ids": (before, member_ids)})


def panels_containing(investigation_id: int, active_only: bool = True) -> list[dict]:
    """Panels that list this investigation directly: id, code, name, active."""
    session.require("catalog.view")
    query = (
        Investigation.select(
            Investigation.id, Investigation.code, Investigation.name, Investigation.active
        )
        .join(PanelMember, on=(PanelMember.panel == Investigation.id))
        .where(PanelMember.member == investigation_id)
        .order_by(Investigation.code)
    )
    if active_only:
        query = query.where(Investigation.active == True)  # noqa: E712
    return list(query.dicts())


# --- writing ------------------------------------------------------------------------------


def _member_ids(investigation_id: int) -> list[int]:
    """``panel_members`` without the permission check (for the audit)."""
    query = (
        PanelMember.select(PanelMember.member)
        .where(PanelMember.panel == investigation_id)
        .order_by(PanelMember.position, PanelMember.id)
    )
    return [member for (member,) in query.tuples()]


def _audit_view(investigation_id: int) -> dict:
    """The audited fields of a stored investigation (member ids in order)."""
    row = Investigation.get_by_id(investigation_id)
    return {
        "code": row.code,
        "name": row.name,
        "sample_type": row.sample_type,
        "price": row.price,
        "is_panel": row.is_panel,
        "active": row.active,
        "member_ids": _member_ids(investigation_id),
    }


def _who(changed_by: str) -> str:
    """``changed_by`` for the price history; defaults to the acting user."""
    return clean(changed_by or session.username_for_audit())[:80]


def _normalized(data: InvestigationData) -> tuple[InvestigationData, dict[str, str]]:
    errors: dict[str, str] = {}
    out = InvestigationData(**{**data.__dict__})
    out.member_ids = [int(m) for m in (data.member_ids or [])]
    out.code = normalize_code(data.code)
    out.name = clean(data.name)
    out.sample_type = clean(data.sample_type)
    if not out.code:
        errors["code"] = translate("services.catalog", "Escriba el código de la investigación.")
    elif not CODE_RE.match(out.code):
        errors["code"] = translate(
            "services.catalog",
            "El código admite hasta 20 letras sin tilde, números, punto, "
            "guion o guion bajo, sin espacios.",
        )
    else:
        query = Investigation.select(Investigation.id, Investigation.name).where(
            Investigation.code == out.code
        )
        if data.id is not None:
            query = query.where(Investigation.id != data.id)
        other = query.first()
        if other is not None:
            errors["code"] = translate(
                "services.catalog", "El código {code} ya lo tiene «{name}»."
            ).format(code=out.code, name=other.name)
    if not out.name:
        errors["name"] = translate("services.catalog", "Escriba el nombre de la investigación.")
    elif len(out.name) > NAME_MAX:
        errors["name"] = translate(
            "services.catalog", "El nombre admite como máximo {max} caracteres."
        ).format(max=NAME_MAX)
    if len(out.sample_type) > SAMPLE_MAX:
        errors["sample_type"] = translate(
            "services.catalog", "El tipo de muestra admite como máximo {max} caracteres."
        ).format(max=SAMPLE_MAX)
    try:
        out.price = parse_price(data.price)
    except ValueError as exc:
        errors["price"] = str(exc)
    out.is_panel = bool(data.is_panel or out.member_ids)
    if data.is_panel and not out.member_ids:
        errors["members"] = translate(
            "services.catalog", "Un perfil necesita al menos una investigación."
        )
    elif out.member_ids:
        problem = check_members(data.id, out.code or "?", out.member_ids)
        if problem:
            errors["members"] = problem
    return out, errors


def validate(data: InvestigationData) -> dict[str, str]:
    """Field name (code, name, sample_type, price, members) → message."""
    return _normalized(data)[1]


def _unique_violation(exc: IntegrityError, code: str) -> ValidationError:
    return ValidationError(
        {"code": translate("services.catalog", "El código {code} ya existe.").format(code=code)}
    )


def create(data: InvestigationData, changed_by: str = "") -> int:
    session.require("catalog.create")
    with write_transaction():
        clean_data, errors = _normalized(data)
        if errors:
            raise ValidationError(errors)
        try:
            row = Investigation.create(
                code=clean_data.code,
                name=clean_data.name,
                name_folded=fold(clean_data.name),
                sample_type=clean_data.sample_type,
                price=clean_data.price,
                is_panel=clean_data.is_panel,
                active=bool(clean_data.active),
            )
        except IntegrityError as exc:
            raise _unique_violation(exc, clean_data.code) from exc
        PriceChange.create(
            investigation=row.id,
            old_price=None,
            new_price=clean_data.price,
            changed_by=_who(changed_by),
        )
        _write_members(row.id, clean_data.member_ids)
        audit.record("create", "investigation", row.id, audit.diff({}, _audit_view(row.id)))
        return row.id


def update(data: InvestigationData, changed_by: str = "") -> None:
    """Save the dialog's data; a stale ``version`` raises ConflictError; a new price is
    recorded in the price history."""
    session.require("catalog.edit")
    if data.id is None:
        raise NotFoundError(translate("services.catalog", "Falta la investigación a modificar."))
    with write_transaction():
        current = Investigation.get_or_none(Investigation.id == data.id)
        if current is None:
            raise _missing(data.id)
        clean_data, errors = _normalized(data)
        if errors:
            raise ValidationError(errors)
        before = _audit_view(data.id)
        if current.active and not clean_data.active:
            _check_can_deactivate(current)
        if clean_data.active and not current.active:
            _check_can_reactivate(current, clean_data.member_ids)
        try:
            updated = (
                Investigation.update(
                    code=clean_data.code,
                    name=clean_data.name,
                    name_folded=fold(clean_data.name),
                    sample_type=clean_data.sample_type,
                    price=clean_data.price,
                    is_panel=clean_data.is_panel,
                    active=bool(clean_data.active),
                    updated_at=now(),
                    version=Investigation.version + 1,
                )
                .where((Investigation.id == data.id) & (Investigation.version == data.version))
                .execute()
            )
        except IntegrityError as exc:
            raise _unique_violation(exc, clean_data.code) from exc
        if not updated:
            raise ConflictError(
                translate(
                    "services.catalog",
                    "Otra persona modificó esta investigación mientras usted la editaba. "
                    "Cierre el diálogo y ábralo de nuevo para ver los datos actuales.",
                )
            )
        if clean_data.price != current.price:
            PriceChange.create(
                investigation=data.id,
                old_price=current.price,
                new_price=clean_data.price,
                changed_by=_who(changed_by),
            )
        if clean_data.member_ids != _member_ids(data.id):
            _write_members(data.id, clean_data.member_ids)
        changes = audit.diff(before, _audit_view(data.id))
        if changes:
            audit.record("update", "investigation", data.id, changes)
        if "price" in changes:
            audit.record("price_change", "investigation", data.id, {"price": changes["price"]})


def set_price(investigation_id: int, price, changed_by: str = "") -> None:
    """Change the price and record it (date, old, new, who). Same price: nothing happens."""
    session.require("catalog.edit")
    try:
        price = parse_price(price)
    except ValueError as exc:
        raise ValidationError({"price": str(exc)}) from exc
    with write_transaction():
        current = Investigation.get_or_none(Investigation.id == investigation_id)
        if current is None:
            raise _missing(investigation_id)
        if current.price == price:
            return
        Investigation.update(
            price=price, updated_at=now(), version=Investigation.version + 1
        ).where(Investigation.id == investigation_id).execute()
        PriceChange.create(
            investigation=investigation_id,
            old_price=current.price,
            new_price=price,
            changed_by=_who(changed_by),
        )
        audit.record(
            "price_change", "investigation", investigation_id, {"price": (current.price, price)}
        )


def _check_can_deactivate(row: Investigation) -> None:
    panels = panels_containing(row.id, active_only=True)
    if panels:
        names = ", ".join(p["code"] for p in panels)
        raise RuleError(
            translate(
                "services.catalog",
                "No se puede desactivar {code}: forma parte de los perfiles activos {panels}. "
                "Quítela primero de esos perfiles (o desactívelos).",
            ).format(code=row.code, panels=names)
        )


def _check_can_reactivate(row: Investigation, member_ids: list[int]) -> None:
    info = details(member_ids)
    inactive = [info[m]["code"] for m in member_ids if m in info and not info[m]["active"]]
    if inactive:
        raise RuleError(
            translate(
                "services.catalog",
                "No se puede reactivar el perfil {code}: sus miembros {members} están "
                "desactivados. Reactívelos primero.",
            ).format(code=row.code, members=", ".join(inactive))
        )


def deactivate(investigation_id: int) -> None:
    """Hide from pickers; kept for history. Refused while an active panel contains it."""
    session.require("catalog.delete")
    with write_transaction():
        row = Investigation.get_or_none(Investigation.id == investigation_id)
        if row is None:
            raise _missing(investigation_id)
        _check_can_deactivate(row)
        Investigation.update(
            active=False, updated_at=now(), version=Investigation.version + 1
        ).where(Investigation.id == investigation_id).execute()
        if row.active:
            audit.record("deactivate", "investigation", investigation_id, {"active": (True, False)})


def reactivate(investigation_id: int) -> None:
    session.require("catalog.delete")
    with write_transaction():
        row = Investigation.get_or_none(Investigation.id == investigation_id)
        if row is None:
            raise _missing(investigation_id)
        _check_can_reactivate(row, _member_ids(investigation_id))
        Investigation.update(
            active=True, updated_at=now(), version=Investigation.version + 1
        ).where(Investigation.id == investigation_id).execute()
        if not row.active:
            audit.record("reactivate", "investigation", investigation_id, {"active": (False, True)})


# --- CSV import ---------------------------------------------------------------------------


@dataclass
class RejectedRow:
    line: int  # line number in the file (the header is line 1)
    code: str
    reason: str


@dataclass
class CatalogImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)
    committed: bool = False

    @property
    def ok(self) -> bool:
        return not self.rejected

    def lines(self) -> list[str]:
        if self.ok:
            if self.committed:
                text = translate(
                    "services.catalog",
                    "Se importaron {rows} filas: {created} "
                    "nuevas, {updated} modificadas, {unchanged} sin cambios.",
                )
            else:
                text = translate(
                    "services.catalog",
                    "Se pueden importar {rows} filas: {created} "
                    "nuevas, {updated} modificadas, {unchanged} sin cambios.",
                )
            return [
                text.format(
                    rows=self.rows,
                    created=self.created,
                    updated=self.updated,
                    unchanged=self.unchanged,
                )
            ]
        out = [
            translate(
                "services.catalog", "{rejected} de {rows} filas tienen errores; no se importó nada:"
            ).format(rejected=len(self.rejected), rows=self.rows)
        ]
        for item in self.rejected:
            code = f" ({item.code})" if item.code else ""
            out.append(
                "  "
                + translate("services.catalog", "línea {line}{code}: {reason}").format(
                    line=item.line, code=code, reason=item.reason
                )
            )
        return out


@dataclass
class _Row:
    line: int
    code: str
    name: str
    sample_type: str
    price: Decimal | None
    members: list[str]
    active: bool | None
    errors: list[str] = field(default_factory=list)


def _reason(message: str) -> str:
    """A service message as a report reason: lower-case start, no final period."""
    message = message.rstrip(".")
    return message[:1].lower() + message[1:]


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _header_key(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", fold(text.strip().lstrip("\ufeff")))


def _read_rows(path) -> list[_Row]:
    path = Path(path)
    if not path.is_file():
        raise ValidationError(
            {
                "file": translate("services.catalog", "No se encontró el archivo {path}.").format(
                    path=path
                )
            }
        )
    size = path.stat().st_size
    if size > IMPORT_MAX_BYTES:
        raise ValidationError(
            {"file": translate("services.catalog", "El archivo pasa de 5 MB; divídalo en partes.")}
        )
    text = _decode(path.read_bytes())
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise ValidationError(
            {"file": translate("services.catalog", "El archivo está vacío.")}
        ) from None
    except csv.Error as exc:
        raise ValidationError(
            {
                "file": translate(
                    "services.catalog", "El archivo no es un CSV válido: {error}"
                ).format(error=exc)
            }
        ) from None
    columns: dict[str, int] = {}
    for index, title in enumerate(header):
        key = _HEADER_ALIASES.get(_header_key(title))
        if key and key not in columns:
            columns[key] = index
    missing = [c for c in IMPORT_REQUIRED if c not in columns]
    if missing:
        raise ValidationError(
            {
                "file": translate(
                    "services.catalog",
                    "Faltan columnas en el encabezado: {columns}. Se esperan: "
                    "code,name,sample_type,price,panel_members.",
                ).format(columns=", ".join(missing))
            }
        )
    rows: list[_Row] = []
    line = reader.line_num
    while True:
        start = line + 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            rows.append(
                _Row(
                    start,
                    "",
                    "",
                    "",
                    None,
                    [],
                    None,
                    [
                        translate("services.catalog", "fila CSV mal formada: {error}").format(
                            error=exc
                        )
                    ],
                )
            )
            break
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue

        def cell(key: str) -> str:
            index = columns.get(key)
            return values[index].strip() if index is not None and index < len(values) else ""

        row = _Row(
            start,
            normalize_code(cell("code")),
            clean(cell("name")),
            clean(cell("sample_type")),
            None,
            [normalize_code(m) for m in cell("panel_members").split(";") if m.strip()],
            None,
        )
        if not row.code:
            row.errors.append(translate("services.catalog", "falta el código"))
        elif not CODE_RE.match(row.code):
            row.errors.append(
                translate(
                    "services.catalog",
                    "código no válido «{code}» (letras sin tilde, números, . - _)",
                ).format(code=row.code)
            )
        if not row.name:
            row.errors.append(translate("services.catalog", "falta el nombre"))
        elif len(row.name) > NAME_MAX:
            row.errors.append(
                translate("services.catalog", "el nombre pasa de {max} caracteres").format(
                    max=NAME_MAX
                )
            )
        if len(row.sample_type) > SAMPLE_MAX:
            row.errors.append(
                translate("services.catalog", "el tipo de muestra pasa de {max} caracteres").format(
                    max=SAMPLE_MAX
                )
            )
        try:
            row.price = parse_price(cell("price"))
        except ValueError as exc:
            row.errors.append(
                translate("services.catalog", "falta el precio")
                if not cell("price")
                else _reason(str(exc))
            )
        active_text = fold(cell("active"))
        if active_text:
            if active_text in _TRUE:
                row.active = True
            elif active_text in _FALSE:
                row.active = False
            else:
                row.errors.append(
                    translate(
                        "services.catalog", "valor de «active» no reconocido «{value}» (use 1 o 0)"
                    ).format(value=cell("active"))
                )
        if len(set(row.members)) != len(row.members):
            row.errors.append(
                translate("services.catalog", "un miembro del perfil aparece dos veces")
            )
        if row.code and row.code in row.members:
            row.errors.append(
                translate("services.catalog", "un perfil no puede contenerse a sí mismo")
            )
        rows.append(row)
    return rows


def import_catalog(path, dry_run: bool = False, changed_by: str = "") -> CatalogImportReport:
    """Create or update investigations from a CSV with columns code, name, sample_type,
    price, panel_members (member codes separated by ";") and optionally active.

    All or nothing: when any row is rejected nothing is written and the report lists
    every rejected row with its line number and reason. Existing codes are updated
    (their price change recorded); ``active`` left out keeps an existing row's state.

    Requires ``catalog.edit`` and ``imports.run``; a committed import writes one audit row.
    """
    session.require("catalog.edit")
    session.require("imports.run")
    file_name = getattr(path, "name", None) or str(path)
    rows = _read_rows(path)
    report = CatalogImportReport(rows=len(rows))
    existing = {
        r["code"]: r
        for r in Investigation.select(
            Investigation.id,
            Investigation.code,
            Investigation.name,
            Investigation.sample_type,
            Investigation.price,
            Investigation.active,
            Investigation.is_panel,
        ).dicts()
    }
    by_id = {r["id"]: r["code"] for r in existing.values()}
    seen: dict[str, _Row] = {}
    for row in rows:
        if row.code and row.code in seen:
            row.errors.append(
                translate(
                    "services.catalog", "código repetido en el archivo (ya está en la línea {line})"
                ).format(line=seen[row.code].line)
            )
        elif row.code:
            seen[row.code] = row

    # the catalog as it would be after the import, by code
    final_active = {code: r["active"] for code, r in existing.items()}
    current_edges: dict[str, list[str]] = {}
    for panel, members in _edges().items():
        current_edges[by_id[panel]] = [by_id[m] for m in members]
    final_edges = dict(current_edges)
    bad = {code for code, row in seen.items() if row.errors}
    for code, row in seen.items():
        final_active[code] = (
            row.active if row.active is not None else existing.get(code, {}).get("active", True)
        )
        final_edges[code] = list(row.members)

    for row in seen.values():
        for member in row.members:
            if member not in final_active:
                row.errors.append(
                    translate(
                        "services.catalog",
                        "el miembro «{code}» no existe en el catálogo ni en el archivo",
                    ).format(code=member)
                )
            elif member in bad and member != row.code:
                row.errors.append(
                    translate(
                        "services.catalog", "el miembro «{code}» tiene errores (línea {line})"
                    ).format(code=member, line=seen[member].line)
                )
        if final_active.get(row.code) and row.members:
            inactive = [m for m in row.members if m in final_active and not final_active[m]]
            if inactive:
                row.errors.append(
                    translate("services.catalog", "miembros desactivados: {codes}").format(
                        codes=", ".join(inactive)
                    )
                )
        for member in row.members:
            if member == row.code or member not in final_active:
                continue
            path = _path(final_edges, member, row.code)
            if path is not None:
                row.errors.append(
                    translate("services.catalog", "ciclo de perfiles: {chain}").format(
                        chain=" → ".join([row.code] + path)
                    )
                )
                break
    # a row that deactivates a member of an active panel kept outside the file
    for code, row in seen.items():
        if row.active is False:
            holders = [
                p
                for p, members in final_edges.items()
                if code in members and final_active.get(p) and p not in seen
            ]
            if holders:
                row.errors.append(
                    translate(
                        "services.catalog",
                        "no se puede desactivar: forma parte de los perfiles activos {panels}",
                    ).format(panels=", ".join(sorted(holders)))
                )

    report.rejected = [RejectedRow(r.line, r.code, "; ".join(r.errors)) for r in rows if r.errors]
    if report.rejected:
        return report
    for code, row in seen.items():
        old = existing.get(code)
        if old is None:
            report.created += 1
        elif (old["name"], old["sample_type"], old["price"], old["active"]) != (
            row.name,
            row.sample_type,
            row.price,
            old["active"] if row.active is None else row.active,
        ) or final_edges[code] != current_edges.get(code, []):
            report.updated += 1
        else:
            report.unchanged += 1
    if dry_run:
        return report
    try:
        from pathlib import Path

        _write_import(
            seen,
            existing,
            current_edges,
            changed_by,
            detail=(
                f"{Path(file_name).name}: {report.created} nuevas, {report.updated} actualizadas, "
                f"{len(report.rejected)} rechazadas"
            ),
        )
    except IntegrityError as exc:  # someone else saved the same code meanwhile
        raise ValidationError(
            {
                "file": translate(
                    "services.catalog",
                    "Otra persona cambió el catálogo durante la importación: {error}",
                ).format(error=exc)
            }
        ) from exc
    report.committed = True
    return report


def _write_import(
    rows: dict[str, _Row],
    existing: dict[str, dict],
    current_edges: dict[str, list[str]],
    changed_by: str,
    detail: str = "",
) -> None:
    who = _who(changed_by)
    with write_transaction():
        ids = {code: r["id"] for code, r in existing.items()}
        for code, row in rows.items():
            old = existing.get(code)
            fields = dict(
                name=row.name,
                name_folded=fold(row.name),
                sample_type=row.sample_type,
                price=row.price,
                is_panel=bool(row.members),
            )
            if old is None:
                new = Investigation.create(code=code, active=row.active is not False, **fields)
                ids[code] = new.id
                PriceChange.create(
                    investigation=new.id, old_price=None, new_price=row.price, changed_by=who
                )
                continue
            if row.active is not None:
                fields["active"] = row.active
            Investigation.update(
                **fields, updated_at=now(), version=Investigation.version + 1
            ).where(Investigation.id == old["id"]).execute()
            if old["price"] != row.price:
                PriceChange.create(
                    investigation=old["id"],
                    old_price=old["price"],
                    new_price=row.price,
                    changed_by=who,
                )
        for code, row in rows.items():
            if code in existing and row.members == current_edges.get(code, []):
                continue
            _write_members(ids[code], [ids[m] for m in row.members])
        audit.record("import", "investigation", None, detail=detail)


# --- CSV export ---------------------------------------------------------------------------


def export_catalog(
    filters: CatalogFilter | None,
    path,
    progress: Callable | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> int:
    """Write the catalog in the import format (code, name, sample_type, price,
    panel_members, active) so the file can be edited and imported back.

    Requires ``exports.run``; writes one audit row (file name and row count)."""
    from pathlib import Path

    from .. import csvio

    session.require("exports.run")

    filters = filters or CatalogFilter(include_inactive=True)

    def rows():
        request = PageRequest(sort="code", limit=1000)
        while True:
            result = page(filters, request)
            for r in result.rows:
                yield [
                    r["code"],
                    r["name"],
                    r["sample_type"],
                    f"{r['price']:.3f}",
                    r["members"].replace(", ", ";"),
                    "1" if r["active"] else "0",
                ]
            if result.cursor is None:
                return
            request = PageRequest(sort="code", after=result.cursor, limit=1000)

    count = csvio.write_csv(
        path, CSV_COLUMNS, rows(), text_columns=None, progress=progress, cancelled=cancelled
    )
    if not (cancelled is not None and cancelled()):
        audit.record(
            "export",
            "investigation",
            None,
            detail=f"Exportación del catálogo a {Path(path).name}: {count} filas.",
        )
    return count
