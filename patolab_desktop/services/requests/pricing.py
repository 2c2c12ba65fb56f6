"""Pricing of a lab request: catalog snapshot, panel expansion and discounts.

Rules (seed 004 and PRODUCT.md):

* a line's price is copied from the catalog when the line is created and never follows
  later catalog changes (the copy lives in ``request_line.price``);
* a panel line carries the panel's price; its members come with it at price 0 and
  point at it (``parent``); an investigation already on the request, ordered directly
  or as a member, is never added twice (a direct line that a newly added panel
  includes moves under that panel at price 0, so it is not charged twice);
* the age discount comes from the patient's age on the request date (tercera edad
  ``senior_age`` → ``senior_discount`` %, cuarta edad ``elder_age`` → ``elder_discount`` %,
  from settings); institutions (``empresa``) get none; a manual percentage replaces it
  when larger;
* line discount = price × percent / 100 rounded half-up to the cent, as the factura
  rounds each line's discount (Ley ISV Art. 9); total = Σ price,
  discount = Σ line discounts, net = total − discount; all Decimal.
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
    """``(total, discount, net)`` of priced lines (objects with price and discount)."""
    total = to_money(sum((to_money(line.price) for line in lines), ZERO))
    discount = to_money(sum((to_money(line.discount) for line in lines), ZERO))
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
    HDL] ordered only CHK, GLU and PLIP, and COL, TRI and HDL were never done."""
    out: list[int] = []

    def walk(current: int, path: frozenset[int]) -> None:
        for member in direct.get(current, []):
            if not items[member].is_panel:
                out.append(member)
            elif member not in path:  # a cycle the catalog refuses: never followed
                walk(member, path | {member})

    walk(panel, frozenset({panel}))
    return list(dict.fromkeys(out))


# --- expansion -------------------------------------------------------------------------


def _line(item: CatalogItem, price: Decimal, parent: int | None, notes: str = "") -> PricedLine:
    return PricedLine(
        investigation_id=item.id,
        code=item.code,
        name=item.name,
        sample_type=item.sample_type,
        price=to_money(price),
        parent_investigation_id=parent,
        notes=notes,
        is_panel=item.is_panel and parent is None,
    )


def expand(
    picked_ids: Iterable[int | str],
    items: dict[int, CatalogItem],
    members: dict[int, list[int]],
    line_notes: dict[int, str] | None = None,
    warnings: list[str] | None = None,
) -> list[PricedLine]:
    """Lines for investigations picked in this order: panels bring their members."""
    line_notes = line_notes or {}
    warnings = warnings if warnings is not None else []
    by_id: dict[int, PricedLine] = {}
    top: list[PricedLine] = []
    existing: PricedLine | None
    for raw_id in picked_ids:
        inv_id = int(raw_id)
        item = items[inv_id]
        if inv_id in by_id:
            existing = by_id[inv_id]
            if existing.parent_investigation_id is not None:
                panel = items[existing.parent_investigation_id]
                warnings.append(
                    translate(
                        "services.request_pricing",
                        "{code} {name} ya está incluida en el panel {panel}.",
                    ).format(code=item.code, name=item.name, panel=panel.code)
                )
            else:
                warnings.append(
                    translate(
                        "services.request_pricing", "{code} {name} ya está en la solicitud."
                    ).format(code=item.code, name=item.name)
                )
            continue
        line = _line(item, item.price, None, line_notes.get(inv_id, ""))
        by_id[inv_id] = line
        top.append(line)
        if not item.is_panel:
            continue
        for member_id in members.get(inv_id, []):
            existing = by_id.get(member_id)
            if existing is None:
                by_id[member_id] = _line(
                    items[member_id], ZERO, inv_id, line_notes.get(member_id, "")
                )
            elif existing.parent_investigation_id is None and not existing.is_panel:
                # Ordered directly before the panel: it now comes with the panel at price 0,
                # and keeps its own price for the day the panel is removed.
                existing.parent_investigation_id = inv_id
                existing.own_price = existing.price
                existing.price = ZERO
                top.remove(existing)
                warnings.append(
                    translate(
                        "services.request_pricing",
                        "{code} {name} pasa a formar parte del panel {panel}.",
                    ).format(code=existing.code, name=existing.name, panel=item.code)
                )
    ordered: list[PricedLine] = []
    for line in top:
        ordered.append(line)
        if line.is_panel:
            for member_id in members.get(line.investigation_id, []):
                member = by_id.get(member_id)
                if member is not None and member.parent_investigation_id == line.investigation_id:
                    ordered.append(member)
    return ordered
