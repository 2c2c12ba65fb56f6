"""The requests list's filters (status, progress, priority, source, patient, doctor,
branch, dates and the search box) checked and turned into WHERE conditions; the list,
its count and the CSV export share them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from peewee import ModelSelect

from ...db.database import is_sqlite, one_of
from ...db.models import Branch, Customer, LabRequest, Referrer
from ..errors import ValidationError
from ..texts import QT_TRANSLATE_NOOP, translate
from .results import PROGRESS_LABELS
from .search import _search
from .types import PRIORITY_LABELS, SOURCE_LABELS, STATUS_LABELS, RequestFilter


def _check_choice(value: str | None, labels: dict, what: str) -> None:
    if value is not None and value not in labels:
        raise ValidationError(
            {
                what: translate("services.request_queries", "Valor no válido: {value}.").format(
                    value=repr(value)
                )
            }
        )


def _check_filters(filters: RequestFilter) -> RequestFilter:
    filters = filters or RequestFilter()
    _check_choice(filters.status, STATUS_LABELS, "status")
    _check_choice(filters.priority, PRIORITY_LABELS, "priority")
    _check_choice(filters.source, SOURCE_LABELS, "source")
    _check_choice(filters.progress, PROGRESS_LABELS, "progress")
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise ValidationError(
            {
                "date_to": translate(
                    "services.request_queries", "La fecha final es anterior a la inicial."
                )
            }
        )
    return filters


def _check_records(filters: RequestFilter) -> None:
    """The patient, doctor and branch the filters name exist. Only where an id is typed
    (the CLI's ``export requests --patient 999999``): a file of no requests for a patient
    who does not exist looked like "this patient has no requests". The window picks them
    from lists, and its every page skips these lookups."""
    problems = {}
    for field, model, message in (
        (
            "patient_id",
            Customer,
            QT_TRANSLATE_NOOP("services.request_queries", "No existe el paciente con el id {id}."),
        ),
        (
            "doctor_id",
            Referrer,
            QT_TRANSLATE_NOOP(
                "services.request_queries", "No existe el médico remitente con el id {id}."
            ),
        ),
        (
            "branch_id",
            Branch,
            QT_TRANSLATE_NOOP("services.request_queries", "No existe la sucursal con el id {id}."),
        ),
    ):
        wanted = getattr(filters, field)
        if wanted is not None and not model.select().where(model.id == wanted).exists():
            problems[field] = translate("services.request_queries", message).format(id=wanted)
    if problems:
        raise ValidationError(problems)


_ASK = object()  # ``_where``: the search is read from the filters


def _where(
    query: ModelSelect,
    filters: RequestFilter,
    patient_first: bool = False,
    seen: dict[str, bool] | None = None,
    search: Any = _ASK,
) -> ModelSelect:
    """``query`` with the filters' conditions. ``search``: what ``_search`` made of the
    filters' text, when the caller has it already (it lists a name's patients)."""
    filters = _check_filters(filters)
    if search is _ASK:
        search = _search(filters.search)
    if seen is not None:  # what the search turned out to be (``page`` picks its order)
        seen["patient_ids"] = search is not None and search.patient_ids is not None
    if search is not None:
        if search.nothing:
            query = query.where(LabRequest.id == 0)
        if search.request is not None:
            query = query.where(search.request)
        if search.patient is not None:
            # walking the requests in their order: check each one's patient (SQLite), not
            # the joined row (see ``matching_patient``); sorted by patient, the customers
            # are the walk and the condition is on them
            on_request = search.on_request()
            if patient_first:
                query = query.where(search.patient)
            elif on_request is not None:
                query = query.where(on_request)
                if seen is not None:
                    seen["walk"] = True  # meant to walk the list in its order
            elif is_sqlite():
                query = query.where(search.matching_patient())
            else:
                query = query.where(search.patient)
        if search.patient_ids is not None:
            # Sorting by patient walks the customers: then the ids are asked of them.
            column = Customer.id if patient_first else LabRequest.patient
            query = query.where(one_of(column, search.patient_ids))  # one parameter
    if filters.status:
        query = query.where(LabRequest.status == filters.status)
    if filters.progress == "none":  # waiting for results: a cancelled request waits for none
        query = query.where((LabRequest.lines_released == 0) & (LabRequest.status != "cancelled"))
    elif filters.progress == "some":
        query = query.where(
            (LabRequest.lines_released > 0) & (LabRequest.lines_released < LabRequest.lines_total)
        )
    elif filters.progress == "all":
        query = query.where(
            (LabRequest.lines_total > 0) & (LabRequest.lines_released == LabRequest.lines_total)
        )
    if filters.priority:
        query = query.where(LabRequest.priority == filters.priority)
    if filters.source:
        query = query.where(LabRequest.source == filters.source)
    if filters.patient_id:
        column = Customer.id if patient_first else LabRequest.patient
        query = query.where(column == filters.patient_id)
    if filters.doctor_id:
        query = query.where(LabRequest.doctor == filters.doctor_id)
    if filters.branch_id:
        query = query.where(LabRequest.branch == filters.branch_id)
    if filters.date_from:
        query = query.where(LabRequest.requested_at >= _day_start(filters.date_from))
    if filters.date_to:
        end = _day_start(filters.date_to) + dt.timedelta(days=1)
        query = query.where(LabRequest.requested_at < end)
    return query


def _day_start(day: dt.date | dt.datetime) -> dt.datetime:
    if isinstance(day, dt.datetime):
        day = day.date()
    return dt.datetime.combine(day, dt.time())
