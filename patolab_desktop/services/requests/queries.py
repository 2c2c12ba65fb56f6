"""Reading lab requests: the keyset-paged list, counts, the detail view and CSV export.

Search ("Buscar por número o paciente") understands:

* a request number or its beginning (``LAB-2026-0001``): a range on the unique index;
* just the sequence, up to 6 digits (``123`` or ``000123``): every number that
  sequence has in any branch and year (``request_numbers.candidates_for_sequence``),
  through the same index;
* 7 or more digits (dashes allowed): the patient's DNI/RTN or phone;
* anything else: the patient's name (accent- and case-insensitive, any order of
  words), through the customers full-text index (FTS5 trigram on SQLite, pg_trgm on
  PostgreSQL) to get patient ids first; requests then come by the ``patient`` index.
  When a name matches very many patients (e.g. "maria"), the list is walked in its
  order instead and each request's patient is checked (such a name fills a page fast).

Sorting by patient name walks the customers' name index and each one's requests
(``CROSS JOIN`` keeps SQLite to that order), so no sort of 2,000,000 rows happens.
Measured on 1,000,000 customers and 2,000,000 requests: see the requests report.
"""

from __future__ import annotations

import datetime as dt
import re

from peewee import JOIN, SQL, NodeList, Value, fn

from ...db import search as customer_search
from ...db.database import db, is_sqlite
from ...db.models import (
    Branch,
    Customer,
    Investigation,
    LabRequest,
    Referrer,
    RequestEvent,
    RequestLine,
)
from ...util.text import clean, fold, search_input
from .. import identity
from ..access import session
from ..errors import NotFoundError, ValidationError
from ..paging import Page, PageRequest, keyset_page
from ..texts import label, translate
from . import numbers as request_numbers
from . import pricing as request_pricing
from .counting import investigation_count_sql, investigation_counts
from .results import LINE_STATUS_LABELS, PROGRESS_LABELS, progress_text
from .types import (
    EVENT_LABELS,
    PRIORITY_LABELS,
    SOURCE_LABELS,
    STATUS_LABELS,
    RequestDetail,
    RequestFilter,
)

MANY_PATIENTS = 3000  # above this many matching patients, check each request's patient instead
# A branch code (with at least one letter, so a DNI typed with dashes is not taken for a
# number) followed by "-" and digits: "SPS-", "SPS-2026-0001", "SPS-2026-000123".
_NUMBER_PREFIX = re.compile(r"^(?=[A-Z0-9]*[A-Z])[A-Z0-9]{1,10}-[0-9-]*$")
_TOP = "\U0010ffff"  # sorts after any text: "prefix" <= x < "prefix" + _TOP

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


# --- search ----------------------------------------------------------------------------


def _prefix(column, text: str):
    return (column >= text) & (column < text + _TOP)


class _Search:
    """What the search box asks for, as conditions on the request and on its patient.

    ``request`` is a condition on ``lab_request`` (a number); ``patient_ids`` a short list
    of matching patients (the usual case); ``patient`` a condition on the joined customer
    row, used when a name matches so many patients (e.g. "maria") that listing them costs
    more than checking each request's patient while walking the list in order — such a
    name matches often, so a page fills after a few thousand rows at most.
    """

    def __init__(self, request=None, patient_ids=None, patient=None, nothing: bool = False) -> None:
        self.request, self.patient_ids = request, patient_ids
        self.patient, self.nothing = patient, nothing


def _patient_terms_condition(
    terms: list[str], alternatives: dict | None = None, like: bool = False
):
    """Every term in the patient's search text; a term with an alternative (a 4- or
    8-digit identity-number prefix: its keyed token) may match either. ``like``: a plain
    ``LIKE``, which the PostgreSQL trigram index serves (the text is folded already)."""
    alternatives = alternatives or {}

    def contains(term: str):
        if like:
            escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            return NodeList(
                (Customer.search_text, SQL("LIKE"), Value(f"%{escaped}%"), SQL("ESCAPE '\\'"))
            )
        return Customer.search_text.contains(term)

    condition = None
    for term in terms:
        part = contains(term)
        if term in alternatives:
            part = part | contains(alternatives[term])
        condition = part if condition is None else (condition & part)
    return condition


def _trigram_patient_ids(condition, limit: int) -> list[int]:
    """PostgreSQL (issue 20): the ids of the matching patients, read through the trigram
    index (no sequential scan: the planner cannot tell a rare name from a frequent one, and
    a scan of a million customers stopped only after ``limit`` matches) up to ``limit``."""
    sql, params = Customer.select(Customer.id).where(condition).sql()
    db.execute_sql("SET enable_seqscan = off")
    try:
        rows = db.execute_sql(
            f"WITH m AS MATERIALIZED ({sql}) SELECT id FROM m LIMIT {db.param}",
            [*params, limit],
        ).fetchall()
    finally:
        db.execute_sql("SET enable_seqscan = on")
    return [row[0] for row in rows]


def _patient_search(text: str) -> _Search:
    folded = fold(text)
    compact = "".join(folded.replace("-", "").split())
    if compact.isdigit() and len(compact) in (13, 14):
        # a whole DNI / RTN: encrypted at rest, found by its keyed hash (issue 15, 13)
        ids = [
            row[0]
            for row in Customer.select(Customer.id)
            .where(Customer.id_hash == identity.hash_of(compact))
            .limit(MANY_PATIENTS + 1)
            .tuples()
        ]
        return _Search(patient_ids=ids) if ids else _Search(nothing=True)
    terms = folded.split()
    long_terms = [t for t in terms if len(t) >= customer_search.MIN_TRIGRAM]
    alternatives = {t: token for t in terms if (token := identity.prefix_token(t))}
    if not long_terms:
        # Trigrams need 3+ characters: fall back to the indexed name prefix.
        name_condition = _prefix(Customer.name_folded, folded)
        query = Customer.select(Customer.id).where(name_condition)
    elif is_sqlite():
        # Straight from the FTS table, so the LIMIT stops the index walk early instead of
        # listing every match first. The MATCH is a superset: every term is checked on
        # the row's search text.
        fts = customer_search.FTS_TABLE
        sql = f"SELECT {fts}.rowid FROM {fts} JOIN customer AS c ON c.id = {fts}.rowid"
        params: list = [customer_search.match_expression(long_terms, alternatives)]
        sql += f" WHERE {fts} MATCH ?"
        for term in terms:
            if term in alternatives:
                sql += " AND (instr(c.search_text, ?) > 0 OR instr(c.search_text, ?) > 0)"
                params.extend((term, alternatives[term]))
            else:
                sql += " AND instr(c.search_text, ?) > 0"
                params.append(term)
        ids = [row[0] for row in db.execute_sql(sql + " LIMIT ?", (*params, MANY_PATIENTS + 1))]
        name_condition = _patient_terms_condition(terms, alternatives)
        query = None
    else:  # PostgreSQL: pg_trgm serves LIKE '%term%' on the folded column
        name_condition = _patient_terms_condition(terms, alternatives, like=True)
        ids = _trigram_patient_ids(name_condition, MANY_PATIENTS + 1)
        query = None
    if query is not None:
        ids = [row[0] for row in query.limit(MANY_PATIENTS + 1).tuples()]
    if not ids:
        return _Search(nothing=True)
    if len(ids) <= MANY_PATIENTS:
        return _Search(patient_ids=ids)
    return _Search(patient=name_condition)


def _search(text: str) -> _Search | None:
    text = clean(search_input(text))
    if not text:
        return None
    upper = text.upper()
    if _NUMBER_PREFIX.match(upper):
        if (
            request_numbers.parse_number(upper)
            and len(upper.rsplit("-", 1)[1]) >= request_numbers.DIGITS
        ):
            return _Search(request=LabRequest.request_number == upper)
        return _Search(request=_prefix(LabRequest.request_number, upper))
    compact = re.sub(r"[\s-]", "", upper)
    if compact.isdigit():
        if len(compact) <= request_numbers.DIGITS:
            # A short number is a request's sequence ("123" finds SPS-2026-000123, …).
            sequence = int(compact)
            numbers = request_numbers.candidates_for_sequence(sequence) if sequence else []
            if not numbers:
                return _Search(nothing=True)
            return _Search(request=LabRequest.request_number.in_(numbers))
        text = compact  # 7+ digits: the patient's DNI/RTN or phone, dashes or not
    return _patient_search(text)


# --- filters ---------------------------------------------------------------------------


def _check_choice(value, labels: dict, what: str):
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


def _where(query, filters: RequestFilter, patient_first: bool = False, seen: dict | None = None):
    filters = _check_filters(filters)
    search = _search(filters.search)
    if seen is not None:  # what the search turned out to be (``page`` picks its order)
        seen["patient_ids"] = search is not None and search.patient_ids is not None
    if search is not None:
        if search.nothing:
            query = query.where(LabRequest.id == 0)
        if search.request is not None:
            query = query.where(search.request)
        if search.patient is not None:
            query = query.where(search.patient)
        if search.patient_ids is not None:
            # Sorting by patient walks the customers: then the ids are asked of them.
            column = Customer.id if patient_first else LabRequest.patient
            if is_sqlite():
                query = query.where(column.in_(search.patient_ids))
            else:  # one array parameter (a semi-join on the ids), not thousands of them
                query = query.where(NodeList((column, SQL("= ANY(%s)", [search.patient_ids]))))
    if filters.status:
        query = query.where(LabRequest.status == filters.status)
    if filters.progress == "none":
        query = query.where(LabRequest.lines_released == 0)
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


def _day_start(day) -> dt.datetime:
    if isinstance(day, dt.datetime):
        day = day.date()
    return dt.datetime.combine(day, dt.time())


# --- list ------------------------------------------------------------------------------

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


def _base_query(patient_first: bool = False):
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


def _db_value(key: str, value):
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
    query = _where(_base_query(patient_first), filters, patient_first, seen)
    sorts = SORTS[key]
    if seen["patient_ids"] and not patient_first and not is_sqlite():
        # PostgreSQL (issue 20): a few patients' requests are read by the patient index and
        # sorted. Ordering by the bare column let the planner walk its index instead and
        # filter by patient ("karla banegas", 2,000,000 requests: 236,998 rows removed,
        # 652 ms); COALESCE(x, x) is the same order that no index provides.
        sorts = [fn.COALESCE(expr, expr) for expr in sorts]
    if patient_first and request.after is not None:
        # Lets the name index start at the cursor (the full comparison follows).
        name = request.after[0]
        query = query.where(
            Customer.name_folded <= name if request.descending else Customer.name_folded >= name
        )
    cursor_keys = _CURSOR_KEYS[key]

    def cursor_of(row: dict) -> tuple:
        return tuple(_db_value(k, row[k]) for k in cursor_keys) + (row["id"],)

    result = keyset_page(query, sorts, LabRequest.id, request, cursor_of)
    _decorate(result.rows)
    return result


def _decorate(rows: list[dict]) -> None:
    counts = investigation_counts([row["id"] for row in rows])
    for row in rows:
        row["priority_label"] = label(PRIORITY_LABELS, row["priority"])
        row["status_label"] = label(STATUS_LABELS, row["status"])
        row["source_label"] = label(SOURCE_LABELS, row["source"])
        row["branch_code"] = row.get("branch_code") or ""
        row["line_count"] = counts.get(row["id"], 0)
        row["progress"] = progress_text(row["lines_released"], row["lines_total"])
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


# --- detail ----------------------------------------------------------------------------


def get_detail(request_id) -> RequestDetail:
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


def lines_of(request_id) -> list[dict]:
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


def events_of(request_id) -> list[dict]:
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


# --- export ----------------------------------------------------------------------------

EXPORT_COLUMNS = [
    "Número",
    "Fecha",
    "Paciente",
    "Médico",
    "Sucursal",
    "Prioridad",
    "Estado",
    "Origen",
    "Total",
    "Descuento",
    "Neto",
    "Cancelada el",
    "Motivo de cancelación",
]
EXPORT_TEXT_COLUMNS = [0, 2, 3, 4, 5, 6, 7, 12]
EXPORT_BATCH = 5000


def _money_text(raw) -> str:
    """A stored amount (integer thousandths) as ``1234.50`` (2 places, half-up, as
    ``util.money.shown_amount`` rounds)."""
    if raw is None:
        return ""
    raw = int(raw)
    if raw < 0:
        return "-" + _money_text(-raw)
    cents = (raw + 5) // 10
    return f"{cents // 100}.{cents % 100:02d}"


def _date_text(raw) -> str:
    """A stored timestamp as ``dd/mm/yyyy HH:MM`` (text on SQLite, datetime on PostgreSQL)."""
    if raw is None or raw == "":
        return ""
    if isinstance(raw, str):
        return f"{raw[8:10]}/{raw[5:7]}/{raw[0:4]} {raw[11:16]}"
    return raw.strftime("%d/%m/%Y %H:%M")
