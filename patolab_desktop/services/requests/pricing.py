"""Pricing of a lab request: catalog snapshot, panel expansion and discounts.

Rules (seed 004 and PRODUCT.md):

* a line's price is copied from the catalog when the line is created and never follows
  later catalog changes (the copy lives in ``request_line.price``);
* a panel line carries the panel's price; its members come with it at price 0 and
  point at it (``parent``); an investigation already on the request, ordered directly,
  as a member, or as a panel inside a panel on the request, is never added twice, so
  never charged twice (``holder``): picked again it is refused; a direct line that a
  newly added panel includes (a single investigation, or a panel inside it with its
  members) moves under that panel at price 0 and keeps its own price for the day the
  panel is removed;
* the age discount comes from the patient's age on the request date (tercera edad
  ``senior_age`` → ``senior_discount`` %, cuarta edad ``elder_age`` → ``elder_discount`` %,
  from settings); institutions (``empresa``) get none; a manual percentage replaces it
  when larger;
* line discount = price × percent / 100 rounded half-up to the cent, as the factura
  rounds each line's discount (Ley ISV Art. 9); total = Σ price rounded to the cent as
  the factura rounds each unit price, discount = Σ line discounts, net = total −
  discount (``totals``); all Decimal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ...db.models import Investigation, PanelMember
from ...util.money import SHOWN_PLACES, ZERO, to_money
from .. import settings
from ..access import session
from ..billing import amounts
from ..billing.amounts import DocumentAmounts
from ..catalog.reading import ITEM_COLUMNS
from ..texts import translate

HUNDRED = Decimal(100)


# --- data ------------------------------------------------------------------------------


@dataclass
class PricedLine:
    investigation_id: int
    code: str
    name: str
    sample_type: str
    price: Decimal
    discount: Decimal = ZERO
    net_price: Decimal = ZERO
    parent_investigation_id: int | None = None  # the panel's investigation id for members
    notes: str = ""
    is_panel: bool = False
    own_price: Decimal | None = None  # ordered on its own before a panel that includes it


@dataclass
class Pricing:
    lines: list[PricedLine]
    total: Decimal
    discount: Decimal
    net: Decimal
    discount_kind: str  # "" | "age" | "manual"
    discount_percent: Decimal
    patient_age: int | None
    warnings: list[str] = field(default_factory=list)  # e.g. an investigation picked twice
    # panels inside the request's panels, id → name: on the request, though not lines
    inner_panels: dict[int, str] = field(default_factory=dict)
    # what a factura will charge, ISV included (``entry.preview``; ``billing.amounts``)
    charged: DocumentAmounts | None = None


@dataclass
class CatalogItem:
    id: int
    code: str
    name: str
    sample_type: str
    price: Decimal
    is_panel: bool
    active: bool
    # the panels a panel holds at any depth (``load_for``): no line of their own, their
    # members are; ordered again they add nothing (``holder``)
    inner_panels: frozenset[int] = frozenset()


# --- age -------------------------------------------------------------------------------


def full_years(start: dt.date, end: dt.date) -> int:
    """Completed years from ``start`` to ``end`` (a birthday counts on its day)."""
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def age_on(
    date_of_birth: dt.date | None,
    declared_age: int | None,
    age_recorded_on: dt.date | None,
    day: dt.date,
) -> int | None:
    """Age on ``day``: from the date of birth, or from the declared age (never projected
    backwards onto an earlier day): the customers service's rule, ``formats.age_from``."""
    from ..customers.formats import age_from

    return age_from(date_of_birth, declared_age, age_recorded_on, day)


def customer_age_on(customer: Any, day: dt.date) -> int | None:
    """Age of a ``Customer`` row (or anything with its fields) on ``day``.

    Uses the customers service's rule (``customers.age_on``) so both areas agree.
    """
    from ..customers.formats import age_on as customers_age_on

    return customers_age_on(customer, day)


# --- discounts -------------------------------------------------------------------------


@dataclass(frozen=True)
class AgeRules:
    senior_age: int
    senior_discount: Decimal
    elder_age: int
    elder_discount: Decimal

    @classmethod
    def from_settings(cls) -> AgeRules:
        value = settings.get_many(settings.DISCOUNT_KEYS)
        return cls(
            senior_age=int(value["senior_age"]),
            senior_discount=Decimal(value["senior_discount"]),
            elder_age=int(value["elder_age"]),
            elder_discount=Decimal(value["elder_discount"]),
        )

    def percent_for(self, age: int | None, customer_type: str = "cliente") -> Decimal:
        """The age discount percent; 0 for institutions or an unknown age."""
        if age is None or customer_type == "empresa":
            return Decimal(0)
        rules = ((self.senior_age, self.senior_discount), (self.elder_age, self.elder_discount))
        met = [pct for threshold, pct in rules if age >= threshold]
        return max(met, default=Decimal(0))


def age_discount(patient: Any, day: dt.date) -> tuple[int | None, Decimal]:
    """(age, age discount percent) of ``patient`` on ``day`` by the settings' rules: the
    entry, a patient changed on a saved request and a manual discount weighed against the
    age one all start here. No patient yet (a draft): unknown age, no age discount."""
    age = customer_age_on(patient, day) if patient is not None else None
    kind = getattr(patient, "type", "cliente") if patient is not None else "cliente"
    return age, AgeRules.from_settings().percent_for(age, kind)


def choose_discount(age_percent: Decimal, manual_percent: Decimal | None) -> tuple[str, Decimal]:
    """``(kind, percent)``: a manual percentage replaces the age one when larger."""
    age_percent = Decimal(age_percent or 0)
    if manual_percent is not None and Decimal(manual_percent) > age_percent:
        return "manual", Decimal(manual_percent)
    if age_percent > 0:
        return "age", age_percent
    return "", Decimal(0)


def line_discount(price: Decimal, percent: Decimal) -> Decimal:
    """price × percent / 100, rounded half-up to the cent; the percent is held to 0–100,
    so a line's net is never negative whatever a setting holds.

    To the cent because the factura charges each line's discount so (``billing.amounts``,
    Ley ISV Art. 9): to 3 places the request said another amount than its factura
    (95.50 at 15 %: a discount of 14.325 and a net of 81.175, shown L 81.18 on the
    summary and in the WhatsApp message, charged L 81.17)."""
    if not percent:
        return ZERO
    percent = min(max(Decimal(percent), ZERO), HUNDRED)
    return (to_money(price) * percent / HUNDRED).quantize(SHOWN_PLACES, ROUND_HALF_UP)


def apply_percent(lines: list[PricedLine], percent: Decimal) -> None:
    for line in lines:
        line.discount = line_discount(line.price, percent)
        line.net_price = to_money(line.price - line.discount)


def totals(lines: Iterable[Any]) -> tuple[Decimal, Decimal, Decimal]:
    """``(total, discount, net)`` of priced lines (objects with price and discount), as the
    factura computes its lines before ISV (``billing.amounts.line_amount``: each price
    rounded half-up to the cent, Ley ISV Art. 9). What a request stores, so the list, the
    reports, the entry, the summary and the factura read one number: summed to 3 places,
    three lines at L 10.005 made L 30.015, listed L 30.02 where the factura charged
    L 30.03. The lines keep the catalog's price with its 3 places."""
    charged = [
        amounts.line_amount(amounts.LineInput("", to_money(line.price), to_money(line.discount)))
        for line in lines
    ]
    total = to_money(sum((line.unit_price for line in charged), ZERO))
    discount = to_money(sum((line.discount for line in charged), ZERO))
    return total, discount, to_money(total - discount)


# --- catalog ---------------------------------------------------------------------------


def load_items(ids: Iterable[int | str]) -> dict[int, CatalogItem]:
    session.require("catalog.view")
    return _items(ids)


def _items(ids: Iterable[int | str]) -> dict[int, CatalogItem]:
    ids = {int(i) for i in ids}
    if not ids:
        return {}
    query = Investigation.select(*ITEM_COLUMNS).where(Investigation.id.in_(list(ids)))
    return {
        row.id: CatalogItem(
            row.id,
            row.code,
            row.name,
            row.sample_type or "",
            row.price,
            bool(row.is_panel),
            bool(row.active),
        )
        for row in query
    }


def load_members(panel_ids: Iterable[int | str]) -> dict[int, list[int]]:
    """Member investigation ids of each panel, in the catalog's order."""
    session.require("catalog.view")
    return _members(panel_ids)


def _members(panel_ids: Iterable[int | str]) -> dict[int, list[int]]:
    panels = [int(i) for i in panel_ids]
    members: dict[int, list[int]] = {pid: [] for pid in panels}
    if not panels:
        return members
    query = (
        PanelMember.select(PanelMember.panel, PanelMember.member)
        .where(PanelMember.panel.in_(panels))
        .order_by(PanelMember.panel, PanelMember.position, PanelMember.id)
        .tuples()
    )
    for panel_id, member_id in query:
        members[panel_id].append(member_id)
    return members


def load_for(ids: Iterable[int | str]) -> tuple[dict[int, CatalogItem], dict[int, list[int]]]:
    """Catalog rows of ``ids`` and of the members of the panels among them (2–3 queries;
    two more for each level of a panel inside a panel), with each panel's members as the
    request takes them (``_opened``)."""
    session.require("catalog.view")
    return _load_for(ids)


def _load_for(ids: Iterable[int | str]) -> tuple[dict[int, CatalogItem], dict[int, list[int]]]:
    """``load_for`` for the services that read a saved request's panels under their own
    permission (``results``: marking results asks for no catalog permission)."""
    items = _items(ids)
    panels = [i for i, item in items.items() if item.is_panel]
    direct: dict[int, list[int]] = {}
    asked = list(panels)
    while asked:
        found = _members(asked)
        direct.update(found)
        missing = {m for ms in found.values() for m in ms} - set(items)
        if missing:
            items.update(_items(missing))
        asked = [m for ms in found.values() for m in ms if items[m].is_panel and m not in direct]
    return items, {panel: _opened(panel, items, direct) for panel in panels}


def _opened(panel: int, items: dict[int, CatalogItem], direct: dict[int, list[int]]) -> list[int]:
    """The investigations ``panel`` brings to a request, in the catalog's order: a panel
    among its members is opened into its own (seed 004: a panel brings all its members;
    the catalog lets a panel hold another, never itself). A request's lines are one level
    deep, so the inner panel is not a line: a panel CHK = [GLU, PLIP] with PLIP = [COL, TRI,
    HDL] ordered only CHK, GLU and PLIP, and COL, TRI and HDL were never done. The inner
    panels are kept on the panel's item (``inner_panels``) so that ordering PLIP again
    adds nothing. Sets ``items[panel].inner_panels``."""
    out: list[int] = []
    inner: set[int] = set()

    def walk(current: int, path: frozenset[int]) -> None:
        for member in direct.get(current, []):
            if not items[member].is_panel:
                out.append(member)
            elif member not in path:  # a cycle the catalog refuses: never followed
                inner.add(member)
                walk(member, path | {member})

    walk(panel, frozenset({panel}))
    items[panel].inner_panels = frozenset(inner)
    return list(dict.fromkeys(out))


# --- expansion -------------------------------------------------------------------------


def _line(
    item: CatalogItem,
    price: Decimal,
    parent: int | None,
    notes: str = "",
    own_price: Decimal | None = None,
) -> PricedLine:
    """The priced line of catalog ``item`` (a member when ``parent`` is its panel's id); the
    request's saved lines are read back through it too (``investigations``)."""
    return PricedLine(
        investigation_id=item.id,
        code=item.code,
        name=item.name,
        sample_type=item.sample_type,
        price=to_money(price),
        parent_investigation_id=parent,
        notes=notes,
        is_panel=item.is_panel and parent is None,
        own_price=own_price,
    )


def holder(
    investigation_id: int, lines: Iterable[PricedLine], items: dict[int, CatalogItem]
) -> PricedLine | None:
    """The line that already brings ``investigation_id`` to the request: its own line
    (ordered directly or as a panel's member), or the line of a panel that holds it as an
    inner panel (no line: CHK = [GLU, PLIP] brings PLIP's members). None when it is not
    on the request. The one check of «never added twice, so never charged twice», for
    the entry (``expand``) and a saved request (``add_investigation``)."""
    lines = list(lines)
    for line in lines:
        if line.investigation_id == investigation_id:
            return line
    for line in lines:
        item = items.get(line.investigation_id)
        if line.parent_investigation_id is None and item and investigation_id in item.inner_panels:
            return line
    return None


def inner_panels(lines: Iterable[PricedLine], items: dict[int, CatalogItem]) -> dict[int, str]:
    """The panels the request's panels hold inside (no line of their own), id → name:
    what the entry screen also names as already on the request."""
    return {
        panel_id: items[panel_id].name
        for line in lines
        if line.parent_investigation_id is None and line.investigation_id in items
        for panel_id in items[line.investigation_id].inner_panels
        if panel_id in items
    }


def holding_panel(investigation_id: int, held: PricedLine) -> int | None:
    """The panel through which ``held`` (``holder``'s answer) brings ``investigation_id``:
    the panel of a member line, or ``held``'s own panel when it holds the investigation
    as an inner panel; None when ``held`` is the investigation's own top line."""
    if held.parent_investigation_id is not None:
        return held.parent_investigation_id
    return held.investigation_id if held.investigation_id != investigation_id else None


def _repeated(item: CatalogItem, held: PricedLine, items: dict[int, CatalogItem]) -> str:
    """The warning for ``item`` picked again while ``held`` brings it (``holder``)."""
    panel_id = holding_panel(item.id, held)
    if panel_id is not None:
        return translate(
            "services.request_pricing", "{code} {name} ya está incluida en el panel {panel}."
        ).format(code=item.code, name=item.name, panel=items[panel_id].code)
    return translate("services.request_pricing", "{code} {name} ya está en la solicitud.").format(
        code=item.code, name=item.name
    )


def _absorb(line: PricedLine, panel: CatalogItem, warnings: list[str]) -> None:
    """``line``, ordered on its own before ``panel`` that includes it, now comes with the
    panel at price 0 and keeps its own price for the day the panel is removed."""
    line.parent_investigation_id = panel.id
    line.own_price = line.price
    line.price = ZERO
    line.is_panel = False
    warnings.append(
        translate(
            "services.request_pricing", "{code} {name} pasa a formar parte del panel {panel}."
        ).format(code=line.code, name=line.name, panel=panel.code)
    )


def expand(
    picked_ids: Iterable[int | str],
    items: dict[int, CatalogItem],
    members: dict[int, list[int]],
    line_notes: dict[int, str] | None = None,
    warnings: list[str] | None = None,
    on_request: Iterable[PricedLine] = (),
) -> list[PricedLine]:
    """Lines for investigations picked in this order, after the lines ``on_request``
    already has (a saved request's, changed in place): panels bring their members; what
    the request already holds (``holder``) is not added again, with a warning; a line
    ordered on its own before a panel that includes it moves under the panel at price 0
    (a panel ordered before its containing panel too, its members with it)."""
    line_notes = line_notes or {}
    warnings = warnings if warnings is not None else []
    lines = list(on_request)
    for raw_id in picked_ids:
        inv_id = int(raw_id)
        item = items[inv_id]
        held = holder(inv_id, lines, items)
        if held is not None:
            warnings.append(_repeated(item, held, items))
            continue
        lines.append(_line(item, item.price, None, line_notes.get(inv_id, "")))
        if not item.is_panel:
            continue
        for inner in [
            x
            for x in lines
            if x.parent_investigation_id is None and x.investigation_id in item.inner_panels
        ]:
            for child in lines:
                if child.parent_investigation_id == inner.investigation_id:
                    child.parent_investigation_id = inv_id
            _absorb(inner, item, warnings)
        by_id = {x.investigation_id: x for x in lines}
        for member_id in members.get(inv_id, []):
            existing = by_id.get(member_id)
            if existing is None:
                lines.append(_line(items[member_id], ZERO, inv_id, line_notes.get(member_id, "")))
            elif existing.parent_investigation_id is None:
                _absorb(existing, item, warnings)
    return _in_order(lines, members)


def _in_order(lines: list[PricedLine], members: dict[int, list[int]]) -> list[PricedLine]:
    """Each top line followed by its members in the catalog's order; a panel moved under
    another stands just above the first of its own members."""
    children: dict[int, list[PricedLine]] = {}
    for line in lines:
        if line.parent_investigation_id is not None:
            children.setdefault(line.parent_investigation_id, []).append(line)
    ordered: list[PricedLine] = []
    for line in lines:
        if line.parent_investigation_id is None:
            ordered.append(line)
            group = children.get(line.investigation_id, [])
            ordered.extend(_members_in_order(group, line.investigation_id, members))
    return ordered


def _members_in_order(
    group: list[PricedLine], panel_id: int, members: dict[int, list[int]]
) -> list[PricedLine]:
    position = {m: i for i, m in enumerate(members.get(panel_id, []))}
    last = len(position)

    def place(child: PricedLine) -> tuple[int, int]:
        if child.investigation_id in position:
            return position[child.investigation_id], 1
        own = members.get(child.investigation_id, [])
        return min((position.get(m, last) for m in own), default=last), 0

    return sorted(group, key=place)
