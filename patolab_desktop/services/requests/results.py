"""Results progress per investigation (seed 004, issue 18).

Each request line has its own status: ``pending → in_progress → released``, or
``cancelled`` with the request; the time and the user of each step are kept on the line.
The request's status follows from its lines here and nowhere else:

- every result line released → ``completed`` (``completed_at`` = "all results released");
- some released → ``partial_result``;
- a line in progress while the request is pending or has its sample → ``in_progress``;
- none released any more on a request «Resultado parcial» from its results (the released
  lines were removed) → ``in_progress`` (a result was made: the sample is in the lab);
- otherwise the status stays as set by hand (``sample_collected``, ``in_progress``, or
  ``partial_result`` a supervisor chose before any result was ready).

A result line is a line that is not a panel with members (the members carry the results;
a panel line follows its members). A panel's members are all its investigations on the
request (seed 004: a panel brings all its members), also those another panel's line
carries: an investigation is on a request once, so with PLIP [COL, TRI, HDL] and CHK
[COL, GLU] COL has one line, under PLIP, and CHK is ready only when COL and GLU are.
``lab_request.lines_total`` / ``lines_released`` keep the count for the list ("3/8
listas"). The news a patient should hear about goes to the WhatsApp outbox in the same
transaction (``services.notify``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ...db.database import write_transaction
from ...db.models import LabRequest, RequestLine, now
from ..access import audit, session
from ..errors import RuleError, ValidationError
from ..notify import outbox as notify_outbox
from ..texts import QT_TRANSLATE_NOOP, translate
from . import pricing as request_pricing
from .checks import _event, _who
from .locking import _lines_for_change, _load_for_change, _save_header
from .pricing import PricedLine
from .types import STATUS_RANK

LINE_STATUS_LABELS = {
    "pending": QT_TRANSLATE_NOOP("ServiceLabels", "Pendiente"),
    "in_progress": QT_TRANSLATE_NOOP("ServiceLabels", "En proceso"),
    "released": QT_TRANSLATE_NOOP("ServiceLabels", "Resultado listo"),
    "cancelled": QT_TRANSLATE_NOOP("ServiceLabels", "Cancelada"),
}
# which line statuses may move to which (released and cancelled are final)
_ALLOWED = {"in_progress": {"pending"}, "released": {"pending", "in_progress"}}
PROGRESS_LABELS = {  # the list's filter
    "none": QT_TRANSLATE_NOOP("ServiceLabels", "Sin resultados"),
    "some": QT_TRANSLATE_NOOP("ServiceLabels", "Resultados parciales"),
    "all": QT_TRANSLATE_NOOP("ServiceLabels", "Todos listos"),
}


def progress_text(released: int, total: int) -> str:
    """The list's "3/8 listas"."""
    return translate("services.requests", "{released}/{total} listas").format(
        released=released, total=total
    )


def _panel_members(lines: list) -> dict[int, list]:
    """Panel line id → its member lines: the lines under it, and the lines of its
    investigations (as the catalog opens the panel) that another panel's line carries."""
    members: dict[int, list] = {}
    for line in lines:
        if line.parent_line_id is not None:
            members.setdefault(line.parent_line_id, []).append(line)
    if not members:
        return members  # no panel carries members: no panel can share one (no catalog read)
    # a panel ordered before the panel that holds it is a line under it (``own_price``)
    panels = [line for line in lines if line.parent_line_id is None or line.own_price is not None]
    _items, catalog = request_pricing._load_for(line.investigation_id for line in panels)
    under_a_panel = {x.investigation_id: x for x in lines if x.parent_line_id is not None}
    for panel in panels:
        for investigation_id in catalog.get(panel.investigation_id, []):
            shared = under_a_panel.get(investigation_id)
            if shared is not None and shared.parent_line_id != panel.id:
                members.setdefault(panel.id, []).append(shared)
    return members


def _sync_panels(lines: list, members: dict[int, list]) -> None:
    """A panel line with members takes its status from them (a panel under a panel
    first: the outer one then reads it up to date)."""
    for line in sorted(lines, key=lambda x: x.parent_line_id is None):
        group = members.get(line.id)
        if not group or line.status == "cancelled":
            continue
        statuses = {m.status for m in group}
        if statuses == {"released"}:
            new = "released"
        elif statuses & {"in_progress", "released"}:
            new = "in_progress"
        else:
            new = "pending"
        if new != line.status:
            values: dict[str, Any] = {"status": new}
            if new == "released":
                values.update(released_at=now())
            if new != "pending" and line.started_at is None:
                values.update(started_at=now())
            RequestLine.update(**values).where(RequestLine.id == line.id).execute()
            line.status = new


def counts(lines: list, members: dict[int, list]) -> tuple[int, int, bool]:
    """(result lines, released ones, any started) of a request's lines; ``members``: their
    panels' members (``_panel_members``)."""
    leaves = [line for line in lines if line.id not in members and line.status != "cancelled"]
    released = sum(1 for line in leaves if line.status == "released")
    started = any(line.status in ("in_progress", "released") for line in leaves)
    return len(leaves), released, started


def result_count(lines: list[PricedLine], members: dict[int, list[int]]) -> int:
    """``counts``' result lines of a request about to be saved with the priced ``lines``;
    ``members``: each panel's investigations. Every one of them is on the request (under
    this panel or under another one), so a panel with members is never a result, also one
    moved under a panel that holds it."""
    return sum(1 for line in lines if not members.get(line.investigation_id))


def derive(
    request: LabRequest,
    lines: list | None = None,
    by: str = "",
    members: dict[int, list] | None = None,
) -> dict:
    """The header changes that follow from the lines of ``request`` (loaded for change,
    inside the caller's write transaction), and the outbox rows of the news they bring.
    The caller saves them with its own version bump. ``members``: the lines' panels'
    members when the caller read them already (``_panel_members``)."""
    if lines is None:
        lines = _lines_for_change(request.id)
    if members is None:
        members = _panel_members(lines)
    _sync_panels(lines, members)
    total, released, started = counts(lines, members)
    changes: dict = {"lines_total": total, "lines_released": released}
    status = request.status
    if status == "cancelled":
        return changes
    if total and released == total:
        new = "completed"
    elif released:
        new = "partial_result"
    elif started and status in ("pending", "sample_collected"):
        new = "in_progress"
    elif status == "partial_result" and request.lines_released:
        # the results it had are gone (their lines removed): the lab's work goes on
        new = "in_progress"
    else:
        new = status
    if new != status:
        changes.update(status=new, status_rank=STATUS_RANK[new])
    changes["completed_at"] = (request.completed_at or now()) if new == "completed" else None
    # the first result ready: also on a request a supervisor had moved to «Resultado
    # parcial» by hand before any was (the patient then never heard of them)
    if new == "partial_result" and (status != "partial_result" or not request.lines_released):
        notify_outbox._queue_for_request("partial", request.id, by)
    if new == "completed" and status != "completed":
        notify_outbox._queue_for_request("ready", request.id, by)
    return changes


def mark_lines(
    request_id: int,
    line_ids: Iterable[int | str],
    status: str,
    by: str = "",
    version: int | None = None,
) -> str:
    """Mark one or many lines *en proceso* (``in_progress``) or *resultado listo*
    (``released``). A panel line stands for its members, also those another panel's line
    carries (``_panel_members``). Lines already there are left as they are; a line that
    cannot move (released, cancelled) is refused. Returns the request's new status."""
    session.require("results.release")
    if status not in _ALLOWED:
        raise ValidationError(
            {"status": translate("services.requests", "Estado de investigación no válido.")}
        )
    wanted = {int(x) for x in (line_ids or [])}
    if not wanted:
        raise ValidationError(
            {"lines": translate("services.requests", "Elija al menos una investigación.")}
        )
    with write_transaction():
        request = _load_for_change(request_id, version)
        lines = _lines_for_change(request.id)
        by_id = {line.id: line for line in lines}
        unknown = wanted - set(by_id)
        if unknown:
            raise RuleError(
                translate(
                    "services.requests", "La investigación no pertenece a la solicitud {number}."
                ).format(number=request.request_number)
            )
        targets = set(wanted)
        members = _panel_members(lines)
        for panel_id, group in members.items():  # a panel brings its members
            if panel_id in wanted:
                targets.update(member.id for member in group)
        stamp = now()
        who = _who(by)
        changed = []
        for line_id in sorted(targets):
            line = by_id[line_id]
            if line.status == status or (status == "in_progress" and line.status == "released"):
                continue
            if line.status not in _ALLOWED[status]:
                raise RuleError(
                    translate(
                        "services.requests",
                        "Una investigación {status} ya no puede cambiar.",
                    ).format(status=translate("ServiceLabels", LINE_STATUS_LABELS[line.status]))
                )
            values: dict = {"status": status}
            if line.started_at is None:
                values.update(started_at=stamp, started_by=who)
            if status == "released":
                values.update(released_at=stamp, released_by=who)
            RequestLine.update(**values).where(RequestLine.id == line_id).execute()
            line.status = status
            if line.started_at is None:
                line.started_at = stamp
            changed.append(line)
        if not changed:
            return request.status
        changes = derive(request, lines, by, members)
        _save_header(request, **changes)
        codes = _codes([line.investigation_id for line in changed])
        label = LINE_STATUS_LABELS[status]
        _event(request.id, "lines", f"{label}: {', '.join(codes)}", by)
        audit.record(
            "release_lines" if status == "released" else "start_lines",
            "lab_request",
            request.id,
            {
                "lines": (None, codes),
                "status": (request.status, changes.get("status", request.status)),
            },
        )
        return changes.get("status", request.status)


def _codes(investigation_ids: list[int]) -> list[str]:
    from ...db.models import Investigation

    names = dict(
        Investigation.select(Investigation.id, Investigation.code)
        .where(Investigation.id.in_(investigation_ids))
        .tuples()
    )
    return [names.get(i, str(i)) for i in investigation_ids]


def _release_all(request_id: int, by: str) -> None:
    """``advance`` to completed: every line not yet released is released now."""
    stamp = now()
    who = _who(by)
    RequestLine.update(started_at=stamp, started_by=who).where(
        (RequestLine.lab_request == request_id) & RequestLine.started_at.is_null()
    ).execute()
    RequestLine.update(status="released", released_at=stamp, released_by=who).where(
        (RequestLine.lab_request == request_id) & RequestLine.status.in_(["pending", "in_progress"])
    ).execute()


def _start_all(request_id: int, by: str) -> None:
    """``advance`` to in_progress: the pending lines start."""
    stamp = now()
    RequestLine.update(status="in_progress", started_at=stamp, started_by=_who(by)).where(
        (RequestLine.lab_request == request_id) & (RequestLine.status == "pending")
    ).execute()


def _cancel_all(request_id: int, by: str) -> None:
    RequestLine.update(status="cancelled", cancelled_at=now(), cancelled_by=_who(by)).where(
        (RequestLine.lab_request == request_id) & (RequestLine.status != "cancelled")
    ).execute()  # a line a credit note took off keeps when it was (``credited``)
