"""Investigations taken off a request by a credit note (issue 17, point 5).

An investigation on a factura is not removed from its request (``investigations``): a
supervisor credits it with a Nota de Crédito. That note takes it off the request in its
own transaction: the line (a panel with its members, but not a member another panel on
the request also includes) is ``cancelled``, so the lab's list and the «x/y listas» leave
it out and nobody runs a test that was refunded; the request's status follows the lines
left (``results.derive``) and its history names the note and the reason. A request left
without any investigation is cancelled, as its cancel would have done before the note.
The line keeps its price: the factura and the note are the record of its money.
"""

from __future__ import annotations

from collections.abc import Collection

from ...db.models import RequestLine, now
from ..access import audit, session
from . import pricing as request_pricing
from . import results
from .checks import _event, _who
from .investigations import _rehome_members
from .locking import _lines_for_change, _load_for_change, _save_header
from .types import MAX_TEXT
from .workflow import _cancel


def take_off(line_ids: Collection[int], note_number: str, reason: str, by: str = "") -> None:
    """Inside the credit note's write transaction: cancel the credited request lines
    ``line_ids`` (the top lines a factura charges) of the requests that are not cancelled.
    A request left without any investigation is cancelled with the note as its reason."""
    session.require("billing.credit_note")
    wanted = {int(x) for x in line_ids}
    request_ids = sorted(
        {
            r
            for (r,) in RequestLine.select(RequestLine.lab_request)
            .where(RequestLine.id.in_(list(wanted) or [0]))
            .tuples()
        }
    )
    why = f"nota de crédito {note_number} ({reason})"
    for request_id in request_ids:
        request = _load_for_change(request_id, None, allow_read_only=True)
        if request.status == "cancelled":
            continue  # its lines were cancelled with it
        live = [x for x in _lines_for_change(request.id) if x.status != "cancelled"]
        credited = [x for x in live if x.id in wanted]
        if not credited:
            continue
        codes = results._codes([x.investigation_id for x in credited])
        _event(request.id, "line_removed", f"{', '.join(codes)}: se quita con la {why}", by)
        audit.record(
            "remove_investigation",
            "lab_request",
            request.id,
            {"investigation": (codes, None)},
            detail=why,
        )
        doomed = _with_members(credited, live)
        if all(x.id in doomed for x in live if x.parent_line_id is None):
            _cancel(request, f"Todas sus investigaciones se acreditan con la {why}"[:MAX_TEXT], by)
            continue
        RequestLine.update(status="cancelled", cancelled_at=now(), cancelled_by=_who(by)).where(
            RequestLine.id.in_(sorted(doomed))
        ).execute()
        _save_header(request, **results.derive(request, by=by))


def _with_members(credited: list[RequestLine], live: list[RequestLine]) -> set[int]:
    """The ids of the ``credited`` lines and of the members they take with them: a member
    another panel left on the request also includes moves under it, as when a panel is
    removed (``investigations._rehome_members``)."""
    ids = {x.id for x in credited}
    items = request_pricing.load_items({x.investigation_id for x in live})
    others = [x for x in live if x.parent_line_id is None and x.id not in ids]
    doomed = set(ids)
    members = [x for x in live if x.parent_line_id in ids]
    kept = _rehome_members(members, others, items)
    while members:
        gone = {x.id for x in members if x.id not in kept}
        doomed |= gone
        members = [x for x in live if x.parent_line_id in gone]
    return doomed
