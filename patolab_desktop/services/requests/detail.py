"""One lab request in full: its row with the patient, doctor and branch, its lines (each
panel followed by its members) and its history."""

from __future__ import annotations

from peewee import JOIN

from ...db.models import Customer, Investigation, LabRequest, RequestEvent, RequestLine
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
            LabRequest.clinical_info,
            LabRequest.notes,
            LabRequest.discount_kind,
            LabRequest.discount_percent,
            LabRequest.discount_reason,
            LabRequest.created_by,
            LabRequest.updated_at,
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
    return RequestDetail(
        id=row["id"],
        request_number=row["request_number"],
        patient_id=row["patient_id"],
        patient_name=row["patient_name"],
        patient_id_number=(
            identity.reveal_for_form(row["patient_id_number"])
            if session.has("patients.view_sensitive")
            else identity.masked(row["patient_id_number"])
        ),
        patient_type=row["patient_type"],
        patient_age=age,
        doctor_id=row["doctor_id"],
        doctor_name=row["doctor_name"],
        branch_id=row["branch_id"],
        branch_code=row["branch_code"] or "",
        branch_name=row["branch_name"] or "",
        priority=row["priority"],
        priority_label=label(PRIORITY_LABELS, row["priority"]),
        status=row["status"],
        status_label=label(STATUS_LABELS, row["status"]),
        source=row["source"],
        source_label=label(SOURCE_LABELS, row["source"]),
        clinical_info=row["clinical_info"] or "",
        notes=row["notes"] or "",
        total_amount=row["total_amount"],
        discount_amount=row["discount_amount"],
        net_amount=row["net_amount"],
        discount_kind=row["discount_kind"] or "",
        discount_percent=row["discount_percent"],
        discount_reason=row["discount_reason"] or "",
        requested_at=row["requested_at"],
        completed_at=row["completed_at"],
        cancelled_at=row["cancelled_at"],
        cancellation_reason=row["cancellation_reason"] or "",
        created_by=row["created_by"] or "",
        updated_at=row["updated_at"],
        version=row["version"],
        lines=lines_of(row["id"]),
        events=events_of(row["id"]),
        lines_total=row["lines_total"],
        lines_released=row["lines_released"],
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
