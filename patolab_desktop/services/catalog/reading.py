"""Reading the investigation catalog: one item, panel members, search, the active list,
the paged list with its SQL sorts, price history."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TypeVar

from peewee import Case, Expression, ModelSelect, fn

from ...db.models import Investigation, PanelMember, PriceChange
from ...util.dataclass_rows import from_row
from ...util.lookups import present
from ...util.text import clean, fold, search_input
from ..access import session
from ..errors import NotFoundError
from ..paging import Page, PageRequest, keyset_page
from ..texts import translate
from .values import CatalogFilter, InvestigationData, _missing, normalize_code

# --- reading ------------------------------------------------------------------------------

# what a picker shows of an investigation; with ``active``, what a member list shows
PICKER_COLUMNS = (
    Investigation.id,
    Investigation.code,
    Investigation.name,
    Investigation.sample_type,
    Investigation.price,
    Investigation.is_panel,
)
ITEM_COLUMNS = (*PICKER_COLUMNS, Investigation.active)


def get(investigation_id: int) -> InvestigationData:
    """Any investigation, active or not."""
    session.require("catalog.view")
    row = Investigation.get_or_none(Investigation.id == investigation_id)
    if row is None:
        raise _missing(investigation_id)
    return from_row(
        InvestigationData,
        row,
        member_ids=panel_members(row.id),
        tax_class=row.tax_class or "exento",
    )


def get_by_code(code: str) -> InvestigationData:
    session.require("catalog.view")
    row = present(
        Investigation.get_or_none(Investigation.code == normalize_code(code)),
        NotFoundError(
            translate("services.catalog", "No existe la investigación con código «{code}».").format(
                code=normalize_code(code)
            )
        ),
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
        Investigation.select(*ITEM_COLUMNS)
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
    query = Investigation.select(*ITEM_COLUMNS).where(Investigation.id.in_(ids))
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


def _search_condition(text: str) -> Expression | None:
    text = clean(search_input(text))  # no control characters, at most 8 terms
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
    text = search_input(text)  # a pasted NUL: PostgreSQL refused the query (an error)
    query = Investigation.select(*PICKER_COLUMNS).where(
        Investigation.active == True  # noqa: E712
    )
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
        Investigation.select(*PICKER_COLUMNS)
        .where(Investigation.active == True)  # noqa: E712 - a peewee expression, not a truth test
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


def _base_query(filters: CatalogFilter) -> ModelSelect:
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
        Investigation.tax_class,
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
    active, members (codes "COL, HDL"), member_count, updated_at, tax_class."""
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


def _edges() -> dict[int, list[int]]:
    """panel id → ordered member ids, for the whole catalog (a few hundred rows)."""
    edges: dict[int, list[int]] = {}
    query = PanelMember.select(PanelMember.panel, PanelMember.member).order_by(
        PanelMember.panel, PanelMember.position, PanelMember.id
    )
    for panel, member in query.tuples():
        edges.setdefault(panel, []).append(member)
    return edges


Node = TypeVar("Node", int, str)  # investigation ids, or codes while importing


def _path(edges: Mapping[Node, list[Node]], start: Node, goal: Node) -> list[Node] | None:
    """A path start → … → goal following panel edges, or None."""
    stack = [(start, [start])]
    seen: set[Node] = set()
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
