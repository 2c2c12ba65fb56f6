"""Adding and removing the investigations of a saved lab request: a panel brings or
takes its members, a line ordered on its own moves under (or back out of) a panel, a line
on a fiscal document stays, and every amount is recalculated. Each change checks the
version it was shown, bumps it and writes a RequestEvent and an audit row."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from ...db.database import write_transaction
from ...db.models import LabRequest, RequestLine, now
from ...util.money import ZERO, format_lempiras, to_money
from ...util.text import clean
from ..access import audit, session
from ..errors import RuleError
from ..texts import translate
from . import pricing as request_pricing
from . import results
from .checks import CHARGED_ADD, _check_investigations, _event, _investigations, _refuse_if_charged
from .locking import _lines_for_change, _load_for_change, _save_header


def _recalculate(request: LabRequest, percent: Decimal) -> tuple[Decimal, Decimal, Decimal]:
    """Re-apply ``percent`` to every line and return the new (total, discount, net)."""
    lines = list(
        RequestLine.select(
            RequestLine.id, RequestLine.price, RequestLine.discount, RequestLine.net_price
        ).where(RequestLine.lab_request == request.id)
    )
    for line in lines:
        discount = request_pricing.line_discount(line.price, percent)
        net = to_money(line.price - discount)
        if discount != line.discount or net != line.net_price:
            RequestLine.update(discount=discount, net_price=net).where(
                RequestLine.id == line.id
            ).execute()
            line.discount, line.net_price = discount, net
    return request_pricing.totals(lines)


def _save_amounts(request: LabRequest, percent: Decimal, by: str) -> Decimal:
    """After a line is added or removed: the amounts recalculated at ``percent`` and saved
    with the status and progress the lines now give (``results.derive``); the new net."""
    total, discount_total, net = _recalculate(request, percent)
    _save_header(
        request,
        total_amount=total,
        discount_amount=discount_total,
        net_amount=net,
        **results.derive(request, by=by),
    )
    return net


def _record_change(
    request: LabRequest,
    action: str,
    event: str,
    detail: str,
    investigation: tuple[str | None, str | None],
    net: Decimal,
    by: str,
) -> None:
    """The history line (``detail`` and the new net) and the audit row (the investigation's
    code before → after, the net before → after) of an added or removed investigation."""
    _event(request.id, event, detail + f". Neto: {format_lempiras(net)}.", by)
    audit.record(
        action,
        "lab_request",
        request.id,
        {"investigation": investigation, "net_amount": (request.net_amount, net)},
    )


def add_investigation(
    request_id: int,
    investigation_id: int,
    notes: str = "",
    by: str = "",
    version: int | None = None,
) -> None:
    """Add an investigation (a panel brings its members) and recalculate every amount.

    The lines are those the entry would give for the same picks (``pricing.expand``): an
    investigation the request already holds, also a panel inside one of its panels, is
    refused; a line ordered on its own that the new panel includes moves under it."""
    session.require("lis.requests.update")
    with write_transaction():
        request = _load_for_change(request_id, version)
        _refuse_if_charged(request, CHARGED_ADD)
        errors: dict[str, str] = {}
        items, members = _check_investigations([investigation_id], errors, "investigation_id")
        if errors:
            raise RuleError(errors["investigation_id"])
        lines = _lines_for_change(request.id)
        # the catalog of what the request holds, beside the picked one's (read once)
        on_request, on_request_members = request_pricing.load_for(
            {line.investigation_id for line in lines}
        )
        items.update(on_request)
        members.update(on_request_members)
        item = items[int(investigation_id)]
        before = _priced(lines, items)
        held = request_pricing.holder(item.id, before, items)
        if held is not None:
            raise RuleError(_already_on(item, held, items, request.request_number))
        was = {x.investigation_id: (x.parent_investigation_id, x.price) for x in before}
        after = request_pricing.expand(
            [item.id], items, members, {item.id: notes}, on_request=before
        )
        line_ids = {line.investigation_id: line.id for line in lines}
        percent = request.discount_percent or ZERO
        stamp = now()

        def row(line: request_pricing.PricedLine) -> dict:
            parent = line.parent_investigation_id
            discount = request_pricing.line_discount(line.price, percent)
            return {
                "lab_request": request.id,
                "investigation": line.investigation_id,
                "parent_line": line_ids[parent] if parent is not None else None,
                "status": _line_status(request.status),
                "price": line.price,
                "discount": discount,
                "net_price": to_money(line.price - discount),
                "notes": clean(line.notes),
                "created_at": stamp,
            }

        new = [x for x in after if x.investigation_id not in line_ids]
        line_ids[item.id] = RequestLine.insert(**row(new[0])).execute()  # the picked one
        if new[1:]:
            RequestLine.insert_many([row(x) for x in new[1:]]).execute()
        absorbed = []
        for line in after:
            if line.investigation_id in was and was[line.investigation_id] != (
                line.parent_investigation_id,
                line.price,
            ):
                assert line.parent_investigation_id is not None  # lines only move under
                RequestLine.update(
                    parent_line=line_ids[line.parent_investigation_id],
                    price=line.price,
                    own_price=line.own_price,  # given back if the panel is removed
                ).where(RequestLine.id == line_ids[line.investigation_id]).execute()
                if was[line.investigation_id][0] is None:
                    absorbed.append(line.code)
        net = _save_amounts(request, percent, by)
        price = to_money(item.price)
        detail = f"{item.code} {item.name} ({format_lempiras(price)})"
        if new[1:]:
            detail += f" con {_investigations(len(new) - 1)} del panel"
        if absorbed:
            verb = "pasan" if len(absorbed) > 1 else "pasa"
            detail += f"; {', '.join(absorbed)} {verb} a formar parte del panel"
        _record_change(
            request, "add_investigation", "line_added", detail, (None, item.code), net, by
        )


def _priced(
    lines: list[RequestLine], items: dict[int, request_pricing.CatalogItem]
) -> list[request_pricing.PricedLine]:
    """A saved request's lines as ``pricing.expand`` reads them."""
    investigation_of = {line.id: line.investigation_id for line in lines}
    priced = []
    for line in lines:
        parent = investigation_of.get(line.parent_line_id) if line.parent_line_id else None
        item = items[line.investigation_id]
        priced.append(request_pricing._line(item, line.price, parent, own_price=line.own_price))
    return priced


def _already_on(
    item: request_pricing.CatalogItem,
    held: request_pricing.PricedLine,
    items: dict[int, request_pricing.CatalogItem],
    number: str,
) -> str:
    """Why ``item`` is not added: ``held`` already brings it (``pricing.holder``)."""
    panel_id = request_pricing.holding_panel(item.id, held)
    if panel_id is None:
        return translate(
            "services.requests", "{code} {name} ya está en la solicitud {number}."
        ).format(code=item.code, name=item.name, number=number)
    panel = items[panel_id]
    return translate(
        "services.requests",
        "{code} {name} ya está en la solicitud como parte del panel {panel_code} {panel_name}.",
    ).format(code=item.code, name=item.name, panel_code=panel.code, panel_name=panel.name)


def _line_status(request_status: str) -> str:
    """A line added to a saved request starts pending (its own status, issue 18)."""
    return "pending"


def remove_investigation(
    request_id: int, investigation_id: int, by: str = "", version: int | None = None
) -> None:
    """Remove an investigation (a panel takes its members with it) and recalculate.

    Refused for a panel member (remove the panel) and for the last investigation
    (cancel the request instead). A line whose result is ready may go too (seed 004:
    investigations are added or removed on active requests): its line and its own record
    of who released it are deleted, but the request's history keeps that «Resultado
    listo» step (the «lines» event, by whom and when, and the ``release_lines`` audit row)
    and the removal's event names the results removed. The status and the «x/y listas»
    then follow the lines left (``results.derive``): with no result ready any more, a
    request «Resultado parcial» is «En proceso» again.
    """
    session.require("lis.requests.update")
    with write_transaction():
        request = _load_for_change(request_id, version)
        lines = _lines_for_change(request.id)
        investigation_id = int(investigation_id)
        line = next((x for x in lines if x.investigation_id == investigation_id), None)
        ids = {x.investigation_id for x in lines} | {investigation_id}
        items = request_pricing.load_items(ids)
        item = items.get(investigation_id)
        label = f"{item.code} {item.name}" if item else f"La investigación {investigation_id}"
        if line is None:
            if item is not None:
                message = translate(
                    "services.requests", "{code} {name} no está en la solicitud {number}."
                )
            else:
                message = translate(
                    "services.requests", "La investigación {id} no está en la solicitud {number}."
                )
            raise RuleError(
                message.format(
                    code=item.code if item else "",
                    name=item.name if item else "",
                    id=investigation_id,
                    number=request.request_number,
                )
            )
        assert item is not None  # the lines' investigations were all loaded with them
        if line.parent_line_id is not None:
            parent = next(x for x in lines if x.id == line.parent_line_id)
            panel = items[parent.investigation_id]
            raise RuleError(
                translate(
                    "services.requests",
                    "{code} {name} forma parte del panel {panel_code} {panel_name}; quite el panel "
                    "completo.",
                ).format(
                    code=item.code, name=item.name, panel_code=panel.code, panel_name=panel.name
                )
            )
        top = [x for x in lines if x.parent_line_id is None]
        if len(top) == 1:
            raise RuleError(
                translate(
                    "services.requests",
                    "No se puede quitar la última investigación de la solicitud {number}. "
                    "Si ya no se necesita, cancele la solicitud.",
                ).format(number=request.request_number)
            )
        member_lines = [x for x in lines if x.parent_line_id == line.id]
        percent = request.discount_percent or ZERO
        # a panel ordered on its own before this one stands again, and takes back its
        # members; then the other panels theirs; then the single ones ordered on their own
        panels_back = [x for x in member_lines if items[x.investigation_id].is_panel]
        kept = _restore_ordered_alone(panels_back, percent)
        others = [x for x in top if x.id != line.id] + [x for x in panels_back if x.id in kept]
        kept |= _rehome_members([x for x in member_lines if x.id not in kept], others, items)
        kept |= _restore_ordered_alone([x for x in member_lines if x.id not in kept], percent)
        doomed = [x.id for x in member_lines if x.id not in kept] + [line.id]  # members first
        _refuse_if_invoiced(doomed, label)
        ready = [  # the results ready that go (a panel line only mirrors its members)
            items[x.investigation_id].code
            for x in lines
            if x.id in doomed and x.status == "released" and not items[x.investigation_id].is_panel
        ]
        RequestLine.delete().where(RequestLine.id.in_(doomed)).execute()
        net = _save_amounts(request, request.discount_percent or ZERO, by)
        detail = f"{label} ({format_lempiras(line.price)})"
        removed_members = len(member_lines) - len(kept)
        if removed_members:
            detail += f" con {_investigations(removed_members)} del panel"
        if ready:
            detail += f"; se quita el resultado listo de {', '.join(ready)}"
        _record_change(
            request, "remove_investigation", "line_removed", detail, (item.code, None), net, by
        )


def _restore_ordered_alone(member_lines: list[RequestLine], percent: Decimal) -> set[int]:
    """Members of a removed panel that were ordered on their own before it (issue 16 G)
    stay on the request as their own lines again, at the price they were ordered at.
    Returns the ids of the lines kept."""
    kept: set[int] = set()
    for member in member_lines:
        if member.own_price is None:
            continue
        price = to_money(member.own_price)
        discount = request_pricing.line_discount(price, percent)
        RequestLine.update(
            parent_line=None,
            price=price,
            discount=discount,
            net_price=to_money(price - discount),
            own_price=None,
        ).where(RequestLine.id == member.id).execute()
        kept.add(member.id)
    return kept


def _rehome_members(
    member_lines: list[RequestLine],
    other_top_lines: Sequence[RequestLine],
    items: dict[int, request_pricing.CatalogItem],
) -> set[int]:
    """Members of a removed panel that another panel on the request also includes stay,
    now under that panel. Returns the ids of the member lines kept."""
    other_panels = [
        x
        for x in other_top_lines
        if items.get(x.investigation_id) and items[x.investigation_id].is_panel
    ]
    if not member_lines or not other_panels:
        return set()
    # what each panel brings, inner panels opened (as when it was ordered)
    _items, catalog = request_pricing.load_for([x.investigation_id for x in other_panels])
    kept: set[int] = set()
    for member in member_lines:
        for panel_line in other_panels:
            if member.investigation_id in catalog.get(panel_line.investigation_id, []):
                RequestLine.update(parent_line=panel_line.id).where(
                    RequestLine.id == member.id
                ).execute()
                kept.add(member.id)
                break
    return kept


def _refuse_if_invoiced(line_ids: list[int], label: str) -> None:
    """A line printed on a fiscal document stays on the request (issue 17): the money is
    given back with a Nota de Crédito instead, which cites it."""
    from ...db.models_billing import FiscalDocument, FiscalDocumentLine

    number = (
        FiscalDocument.select(FiscalDocument.number)
        .join(FiscalDocumentLine, on=(FiscalDocumentLine.document == FiscalDocument.id))
        .where(FiscalDocumentLine.request_line.in_(line_ids))
        .order_by(FiscalDocument.id)
        .scalar()
    )
    if number:
        raise RuleError(
            translate(
                "services.requests",
                "{label} ya está en la factura {number}: no se quita de la solicitud. Para "
                "devolver o acreditar su importe, un supervisor emite una nota de crédito.",
            ).format(label=label, number=number)
        )
