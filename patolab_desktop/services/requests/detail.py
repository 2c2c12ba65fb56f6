"""One lab request in full: its row with the patient, doctor and branch, its lines (each
panel followed by its members) and its history."""

from __future__ import annotations

from peewee import JOIN

from ...db.models import Customer, Investigation, LabRequest, RequestEvent, RequestLine
from ...util.dataclass_rows import from_row
from .. import identity
from ..access import session
from ..errors import NotFoundError
from ..texts import label, translate
from . import pricing as request_pricing
from .queries import _base_query
from .results import LINE_STATUS_LABELS
from .types import EVENT_LABELS, PRIORITY_LABELS, SOURCE_LABELS, STATUS_LABELS, RequestDetail


def get_detail(request_id: int) -> RequestDetail:
    session.require("lis.requests.view")
    row = (
        _base_query()
        .select_extend(
            LabRequest,  # the whole row: the detail shows nearly every column
            Customer.id_number.alias("patient_id_number"),
            Customer.type.alias("patient_type"),
            Customer.date_of_birth,
            Customer.age,
            Customer.age_recorded_on,
        )
        .where(LabRequest.id == request_id)
        .dicts()
        .first()
    )
    if row is None:
        raise NotFoundError(translate("services.request_queries", "La solicitud no existe."))
    age = request_pricing.age_on(
        row["date_of_birth"], row["age"], row["age_recorded_on"], row["requested_at"].date()
    )
    # text columns that may be NULL come out as ""
    texts = {key: row[key] or "" for key in _OPTIONAL_TEXTS}
    return from_row(
        RequestDetail,
        row,
        patient_id_number=(
            identity.reveal_for_form(row["patient_id_number"])
            if session.has("patients.view_sensitive")
            else identity.masked(row["patient_id_number"])
        ),
        patient_age=age,
        priority_label=label(PRIORITY_LABELS, row["priority"]),
        status_label=label(STATUS_LABELS, row["status"]),
        source_label=label(SOURCE_LABELS, row["source"]),
        lines=lines_of(row["id"]),
        events=events_of(row["id"]),
        **texts,
    )


_OPTIONAL_TEXTS = (
    "branch_code",
    "branch_name",
    "clinical_info",
    "notes",
    "discount_kind",
    "discount_reason",
    "cancellation_reason",
    "created_by",
)


def lines_of(request_id: int) -> list[dict]:
    """The request's lines, each panel followed by its members."""
    session.require("lis.requests.view")
    parent = RequestLine.alias()
    rows = list(
        RequestLine.select(
            RequestLine.id,
            RequestLine.investigation.alias("investigation_id"),
            RequestLine.parent_line.alias("parent_line_id"),
            parent.investigation.alias("parent"),
            Investigation.code,
            Investigation.name,
            Investigation.sample_type,
            Investigation.is_panel,
            RequestLine.status,
            RequestLine.started_at,
            RequestLine.started_by,
            RequestLine.released_at,
            RequestLine.released_by,
            RequestLine.price,
            RequestLine.discount,
            RequestLine.net_price,
            RequestLine.notes,
        )
        .join(Investigation, on=(RequestLine.investigation == Investigation.id))
        .switch(RequestLine)
        .join(parent, JOIN.LEFT_OUTER, on=(RequestLine.parent_line == parent.id))
        .where(RequestLine.lab_request == request_id)
        .order_by(RequestLine.id)
        .dicts()
    )
    members: dict[int, list[dict]] = {}
    for row in rows:
        row["net"] = row["net_price"]
        row["parent_investigation_id"] = row["parent"]
        row["is_member"] = row["parent_line_id"] is not None
        row["is_panel"] = bool(row["is_panel"]) and not row["is_member"]
        row["sample_type"] = row["sample_type"] or ""
        row["status_label"] = label(LINE_STATUS_LABELS, row["status"])
        if row["is_member"]:
            members.setdefault(row["parent_line_id"], []).append(row)
    ordered: list[dict] = []
    for row in rows:
        if not row["is_member"]:
            ordered.append(row)
            ordered.extend(members.get(row["id"], []))
    return ordered


def events_of(request_id: int) -> list[dict]:
    session.require("lis.requests.view")
    rows = list(
        RequestEvent.select(
            RequestEvent.at, RequestEvent.action, RequestEvent.detail, RequestEvent.by
        )
        .where(RequestEvent.lab_request == request_id)
        .order_by(RequestEvent.at, RequestEvent.id)
        .dicts()
    )
    for row in rows:
        row["action_label"] = label(EVENT_LABELS, row["action"])
    return rows
