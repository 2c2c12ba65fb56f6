"""The lab requests list: its keyset-paged rows, sorts and counts (the filters and the
search box are :mod:`.filters` and :mod:`.search`, one request in full :mod:`.detail`).

Sorting by patient name walks the customers' name index and each one's requests
(``CROSS JOIN`` keeps SQLite to that order), so no sort of 2,000,000 rows happens.
Measured on 1,000,000 customers and 2,000,000 requests: see the requests report.
"""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any

from peewee import JOIN, ModelSelect, Tuple, fn

from ...db.database import is_sqlite, planner_off
from ...db.models import Branch, Customer, LabRequest, Referrer
from ..access import session
from ..errors import ValidationError
from ..paging import Page, PageRequest, keyset_page
from ..texts import label, translate
from .counting import investigation_count_sql, investigation_counts
from .filters import _check_filters, _where
from .results import progress_text
from .search import _search
from .types import PRIORITY_LABELS, SOURCE_LABELS, STATUS_LABELS, RequestFilter

# the request's investigation count (services.requests.counting: one definition)
_LINE_COUNT = investigation_count_sql()

SORTS = {
    "requested_at": [LabRequest.requested_at],
    "request_number": [LabRequest.request_number],
    "patient_name": [Customer.name_folded, Customer.id],
    "status": [LabRequest.status_rank],
    "priority": [LabRequest.priority_rank],
    "net_amount": [LabRequest.net_amount],
    # issue 16: every column the desk reads sorts in SQL
    "doctor": [Referrer.name_folded],
    "source": [LabRequest.source],
    "branch": [fn.COALESCE(Branch.code, "")],
    "line_count": [_LINE_COUNT],
    "progress": [LabRequest.lines_released, LabRequest.lines_total],
}
SORT_ALIASES = {
    "date": "requested_at",
    "number": "request_number",
    "patient": "patient_name",
    "net": "net_amount",
    "": "requested_at",
}
_CURSOR_KEYS = {
    "requested_at": ["requested_at"],
    "request_number": ["request_number"],
    "patient_name": ["patient_name_folded", "patient_id"],
    "status": ["status_rank"],
    "priority": ["priority_rank"],
    "net_amount": ["net_amount"],
    "doctor": ["doctor_name_folded"],
    "source": ["source"],
    "branch": ["branch_sort"],
    "line_count": ["line_count_sort"],
    "progress": ["lines_released", "lines_total"],
}


_COLUMNS = (
    LabRequest.id,
    LabRequest.request_number,
    LabRequest.requested_at,
    LabRequest.patient.alias("patient_id"),
    Customer.name.alias("patient_name"),
    Customer.name_folded.alias("patient_name_folded"),
    LabRequest.doctor.alias("doctor_id"),
    Referrer.name.alias("doctor_name"),
    Referrer.name_folded.alias("doctor_name_folded"),
    LabRequest.branch.alias("branch_id"),
    Branch.code.alias("branch_code"),
    Branch.name.alias("branch_name"),
    LabRequest.priority,
    LabRequest.priority_rank,
    LabRequest.status,
    LabRequest.status_rank,
    LabRequest.source,
    LabRequest.total_amount,
    LabRequest.discount_amount,
    LabRequest.net_amount,
    LabRequest.completed_at,
    LabRequest.cancelled_at,
    LabRequest.cancellation_reason,
    LabRequest.version,
    LabRequest.lines_total,
    LabRequest.lines_released,
    fn.COALESCE(Branch.code, "").alias("branch_sort"),
    _LINE_COUNT.alias("line_count_sort"),
)


def _base_query(patient_first: bool = False) -> ModelSelect:
    if patient_first:
        # Sorted by patient: walk the customers in name order (their name index) and take
        # each one's requests through the patient index; CROSS JOIN fixes that order on
        # SQLite, which would otherwise sort all the requests (seconds at 2M rows).
        query = (
            Customer.select(*_COLUMNS)
            .join(LabRequest, JOIN.CROSS)
            .where(LabRequest.patient == Customer.id)
        )
    else:
        query = (
            LabRequest.select(*_COLUMNS)
            .join(Customer, on=(LabRequest.patient == Customer.id))
            .switch(LabRequest)
        )
    return (
        query.join(Referrer, on=(LabRequest.doctor == Referrer.id))
        .switch(LabRequest)
        .join(Branch, JOIN.LEFT_OUTER, on=(LabRequest.branch == Branch.id))
    )


def _sort_key(name: str) -> str:
    key = SORT_ALIASES.get(name or "", name)
    if key not in SORTS:
        raise ValidationError(
            {
                "sort": translate(
                    "services.request_queries", "No se puede ordenar por {name}."
                ).format(name=repr(name))
            }
        )
    return key


def _db_value(key: str, value: Any) -> Any:
    if key == "net_amount" and value is not None:
        return LabRequest.net_amount.db_value(value)  # integer thousandths, as stored
    return value


def page(filters: RequestFilter, request: PageRequest) -> Page:
    """One page of rows, newest first by default (``request.sort`` = "" → requested_at desc).

    Sorts: requested_at, request_number, patient_name, status (workflow order), priority
    (routine < urgent < stat), net_amount, doctor, source, branch, line_count; ties by id.
    Row dicts: id, request_number, requested_at, patient_id, patient_name, doctor_id,
    doctor_name, branch_id, branch_code, branch_name, priority, priority_label, status,
    status_label, source, source_label, total_amount, discount_amount, net_amount,
    line_count (a panel counts once, see counting.py), completed_at, cancelled_at,
    cancellation_reason, version.
    """
    session.require("lis.requests.view")
    request = request or PageRequest()
    key = _sort_key(request.sort)
    if not request.sort:
        request = PageRequest(
            sort="requested_at",
            descending=True,
            after=request.after,
            limit=request.limit,
            extra=request.extra,
        )
    patient_first = key == "patient_name"
    seen: dict = {}
    filters = _check_filters(filters)
    search = _search(filters.search)
    query = _where(_base_query(patient_first), filters, patient_first, seen, search)
    sorts = SORTS[key]
    if seen["patient_ids"] and not patient_first and key in _ON_REQUEST_ROW:
        query = _base_query().where(
            LabRequest.id.in_(_page_of_listed(filters, search, sorts, request))
        )
    if patient_first and request.after is not None:
        # Lets the name index start at the cursor (the full comparison follows).
        name = request.after[0]
        query = query.where(
            Customer.name_folded <= name if request.descending else Customer.name_folded >= name
        )
    cursor_keys = _CURSOR_KEYS[key]

    def cursor_of(row: dict) -> tuple:
        return tuple(_db_value(k, row[k]) for k in cursor_keys) + (row["id"],)

    # PostgreSQL: a name's share of the requests is misjudged from the ``LIKE`` (201 rows
    # estimated for «fernando», 18,150 found), and the planner read every request to sort
    # the matches (775 ms); it walks the list's order, as meant, with those scans off
    walk = seen.get("walk", False)
    with planner_off("enable_seqscan", "enable_bitmapscan") if walk else nullcontext():
        result = keyset_page(query, sorts, LabRequest.id, request, cursor_of)
    _decorate(result.rows)
    return result


# sorts by a column of the request row itself
_ON_REQUEST_ROW = frozenset(
    ("requested_at", "request_number", "status", "priority", "net_amount", "source", "progress")
)


def _page_of_listed(
    filters: RequestFilter, search: Any, sorts: list, request: PageRequest
) -> ModelSelect:
    """The ids of the page, when the search listed its patients: their requests are read
    through the patient index and sorted, on the request rows alone; the page's rows are
    then joined and counted for these ids only. Sorted with the whole row, every candidate
    was joined to its patient, doctor and branch and had its lines counted before the
    sort kept a page (1,000,000 customers, «ana castillo», 1,990 patients: 32.7 ms).

    PostgreSQL: ordering by the bare column let the planner walk its index instead and
    filter by patient ("karla banegas", 2,000,000 requests: 236,998 rows removed, 652 ms);
    COALESCE(x, x) is the same order that no index provides."""
    if not is_sqlite():
        sorts = [fn.COALESCE(expr, expr) for expr in sorts]
    keys = [*sorts, LabRequest.id]
    ids = _where(LabRequest.select(LabRequest.id), filters, search=search)
    if request.after is not None:
        left, right = Tuple(*keys), Tuple(*request.after)
        ids = ids.where(left < right if request.descending else left > right)
    order = [k.desc() if request.descending else k.asc() for k in keys]
    return ids.order_by(*order).limit(max(1, int(request.limit)))


def _decorate(rows: list[dict]) -> None:
    counts = investigation_counts([row["id"] for row in rows])
    for row in rows:
        row["priority_label"] = label(PRIORITY_LABELS, row["priority"])
        row["status_label"] = label(STATUS_LABELS, row["status"])
        row["source_label"] = label(SOURCE_LABELS, row["source"])
        row["branch_code"] = row.get("branch_code") or ""
        row["line_count"] = counts.get(row["id"], 0)
        # a cancelled request waits for no result (also one cancelled before cancelling
        # cleared its counts): no «0/3 listas»
        waiting = row["status"] != "cancelled"
        released, total = row["lines_released"], row["lines_total"]
        row["progress"] = progress_text(released, total) if waiting else ""
        for key in ("doctor_name_folded", "branch_sort", "line_count_sort"):
            row.pop(key, None)  # sort keys only


def count(filters: RequestFilter, limit: int | None = None) -> int:
    """Matching requests; with ``limit`` the count stops there (fast on 2M rows)."""
    session.require("lis.requests.view")
    query = _where(
        LabRequest.select(LabRequest.id).join(Customer, on=(LabRequest.patient == Customer.id)),
        filters,
    )
    if limit is not None:
        return query.limit(int(limit)).count()
    return query.count()
