"""The SQL behind the customers list: search, filters, sorts and keyset pages.

Search terms are folded like ``customer.search_text`` (lower case, no accents) and split
on spaces; every term must match. A term made only of digits and phone punctuation
("9988-7766", "0801-1990", "+504") is reduced to its digits. Terms of 3+ characters
are substrings, found through the FTS5 trigram index. Shorter terms are prefixes: alone,
of the name (letters) or of the phone (digits; the identity numbers are encrypted), through
the ``(active, name_folded, …)`` and ``(active, phone, id)`` indexes; next to a longer
term, a short term must start a word of the customer's text.

How a page is read on SQLite. With 1,000,000 customers every keystroke must be answered
in a few milliseconds whatever the term, so the plan is chosen from the data:

1. Candidate sources are asked for at most ``CANDIDATE_CAP + 1`` ids each: the FTS match
   of the long terms, the index range of a lone short term, the municipality, department,
   gender and "incomplete" filters (their indexes). Each costs at most that many entries.
2. Driving by the smallest source (``id IN json_each(?)``: rows looked up by id, checked,
   the survivors sorted) is compared with walking the index of the sort order from the
   keyset cursor and checking each entry (``instr(search_text, term)`` is the same
   substring test the trigram index answers) until the page is full. The name index
   holds the search text and the filter columns, so that walk never reads a table row;
   for it the density of matches is measured on the first ``PROBE`` entries, because a
   first name clusters under its letter. Unused indexes are hidden from SQLite's planner
   with a unary ``+``, so it follows the chosen plan.
3. A walk that still takes longer than its budget (matches sparse along the sort
   order) is interrupted and, when a source has at most ``FALLBACK_CAP`` candidates, that
   source drives instead. Every plan returns the same rows in the same order.

PostgreSQL has planner statistics and the pg_trgm index (``LIKE '%term%'``): there the
conditions are plain and its planner chooses. A page walked in the name order for words
alone reads the narrow ``customer_name_walk`` index (the folded name and the e-mail:
``_name_walk_conditions``), a third the size of the covering one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from sys import intern
from typing import Any

from peewee import JOIN, SQL, ColumnBase, ModelSelect, Node, NodeList, Tuple, fn

from ...db import search as fts
from ...db.database import db, int_array, is_sqlite, one_of, text_array
from ...db.models import Customer, Department, Gender, Municipality
from ...db.streaming import stream_rows
from .. import identity, reference
from ..access import session
from ..paging import Page, PageRequest, keyset_page
from . import search_plan
from .formats import AGE_COLUMNS, age_from, age_texts, format_phone
from .search_plan import (
    _PREFIX_COLUMNS,
    Plan,
    _conditions,
    _expression_sql,
    _OutOfTime,
    _plus,
    _time_budget,
    _where,
    plan,
)
from .types import COUNT_CAP, DEFAULT_SORT, SORTS, TYPE_LABELS, CustomerFilter

# --- rows ------------------------------------------------------------------------------


def _with_names(query: ModelSelect) -> ModelSelect:
    """``query`` on customers joined to the gender, department and municipality names."""
    return (
        query.join_from(Customer, Gender, JOIN.LEFT_OUTER, on=(Customer.gender == Gender.id))
        .join_from(Customer, Department, JOIN.LEFT_OUTER, on=(Customer.department == Department.id))
        .join_from(
            Customer, Municipality, JOIN.LEFT_OUTER, on=(Customer.municipality == Municipality.id)
        )
    )


def _select() -> ModelSelect:
    return _with_names(
        Customer.select(
            Customer.id,
            Customer.name,
            Customer.name_folded,
            Customer.id_number,
            Customer.document_type,
            Customer.type,
            *AGE_COLUMNS,
            Customer.age_declared,
            Customer.phone,
            Customer.email,
            Customer.created_at,
            Customer.active,
            Customer.incomplete,
            Gender.name.alias("gender"),
            Department.name.alias("department"),
            Municipality.name.alias("municipality"),
        )
    )


_CURSOR_KEYS = {
    "name": "name_folded",
    "created_at": "created_at",
    "id_number": "document_type",
    "phone": "phone",
}


def _cursor_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return str(value)  # as stored by peewee
    return value


def _display(
    row: dict,
    today: dt.date,
    id_text: Callable[[str | None], str],
    age_text: Callable[[dt.date | None, int | None, str, dt.date | None], str],
) -> dict:
    """A raw row → the dict the list shows (keys documented in ``page``); ``id_text``:
    ``identity.shower()`` (full or masked, decided once per page); ``age_text``:
    ``formats.age_texts(today)`` (each age worded once per page)."""
    row["id_number"] = id_text(row["id_number"])
    row["type"] = kind = intern(row["type"])
    row["type_label"] = TYPE_LABELS.get(kind, kind)
    born, recorded_on = row["date_of_birth"], row.pop("age_recorded_on")
    # the age as the papers and the entry word it: "35 años", a baby's "3 meses", not "0"
    row["age_label"] = age_text(born, row["age"], row.pop("age_declared") or "", recorded_on)
    row["age"] = age_from(born, row["age"], recorded_on, today)
    row["phone"] = format_phone(row["phone"])
    # the words a few hundred customers share are one string each, not one per row: the
    # list keeps every row it has scrolled through (20,000 rows: 21.3 → 16.6 MB)
    row["gender"] = intern(reference.gender_label(row["gender"]))
    row["department"] = intern(row["department"] or "")
    row["municipality"] = intern(row["municipality"] or "")
    row.pop("name_folded", None)
    row.pop("document_type", None)
    row.pop("_sort", None)
    return row


# issue 16: every column the desk reads sorts in SQL. These have no index of their own
# (the database sorts the matching rows); NULLs are folded so the keyset stays exact.
COMPUTED_SORTS = ("type", "age", "gender", "email", "department", "municipality")


def _computed_sort(key: str) -> ColumnBase:
    if key == "age":  # youngest first: the later (declared or real) birthday first
        dob, rec = Customer.date_of_birth, Customer.age_recorded_on
        born = fn.COALESCE(
            dob.year * 10000 + dob.month * 100 + dob.day,
            (rec.year - Customer.age) * 10000 + rec.month * 100 + rec.day,
        )
        return fn.COALESCE(0 - born, 1)  # no age (companies) last
    return {
        "type": Customer.type,
        "gender": fn.COALESCE(Gender.name, ""),
        "email": fn.COALESCE(Customer.email, ""),
        "department": fn.COALESCE(Department.name, ""),
        "municipality": fn.COALESCE(Municipality.name, ""),
    }[key]


def _sort_key(name: str) -> str:
    return name if name in SORTS or name in COMPUTED_SORTS else DEFAULT_SORT


def _page_query(filters: CustomerFilter, the_plan: Plan, key: str) -> tuple[ModelSelect, Node]:
    if key in COMPUTED_SORTS:
        expr = _computed_sort(key)
        query = _select().select_extend(expr.alias("_sort"))
        return _where(query, _conditions(filters, the_plan, ())), expr
    column = SORTS[key]
    sqlite = is_sqlite()
    sort_expr = column
    if sqlite and the_plan.in_mode:
        sort_expr = _plus(column)  # sort the candidates; do not walk an index
    usable = () if the_plan.in_mode else (column, Customer.active)
    return _where(_select(), _conditions(filters, the_plan, usable)), sort_expr


def _page_ids_pg(
    filters: CustomerFilter, the_plan: Plan, sort_expr: Node, request: PageRequest, walk: bool
) -> Node:
    """PostgreSQL (issue 20): the page's ids, found first on the customer table alone.

    Selecting only the id lets the walk of the covering name index ``(active, name_folded,
    id, search_text, …)`` be an index-only scan: the ``LIKE`` filter reads the index entry,
    not the table row. Selecting the display columns made it a plain index scan that read
    the row of every entry it discarded ("jose martinez", 1,000,000 customers: 103,080 rows
    read, 327 ms; index only: 24 ms). The rows of the page are then read by id.

    When the trigram list drives a search by name with no other filter, the candidates'
    names came with the list: they are sorted as they are (``_page_of_candidates``)."""
    if _sorted_from_keys(filters, the_plan, sort_expr):
        return _page_of_candidates(filters, the_plan, request)
    keys = [sort_expr, Customer.id]
    words = (
        _name_walk_conditions(filters, the_plan) if walk and sort_expr is SORTS["name"] else None
    )
    ids = _where(Customer.select(Customer.id), words or _conditions(filters, the_plan, ()))
    if request.after is not None:
        left, right = Tuple(*keys), Tuple(*request.after)
        ids = ids.where(left < right if request.descending else left > right)
    order = [k.desc() if request.descending else k.asc() for k in keys]
    page_ids = ids.order_by(*order).limit(max(1, int(request.limit)))
    if not walk:
        return Customer.id.in_(page_ids)
    # the walk alone under its planner settings; the page's rows then by id, planned freely
    by_name = sort_expr is SORTS["name"] and not filters.incomplete_only
    ordered = by_name and not the_plan.id_hashes
    with search_plan._walk_only(ordered, inactive_too=filters.include_inactive):
        found = [row[0] for row in page_ids.tuples()]
    return one_of(Customer.id, found)


_LETTER = re.compile("[a-z]")


def _name_walk_conditions(filters: CustomerFilter, the_plan: Plan) -> list[Node] | None:
    """PostgreSQL: the conditions of a walk by name on ``fts.NAME_WALK_INDEX`` (active
    customers, every term a word with a letter, no other filter), or None.

    Such a term is found in the customer's search text exactly when it is found in the
    folded name or the e-mail (``formats.search_text_for``: the rest is digits and
    upper-case identity tokens, and a term holds no space), which the narrow index holds;
    ``id > 0`` is its predicate, true of every row, that lets the planner use it."""
    plain = _words_alone(filters, the_plan) and not (filters.include_inactive or the_plan.in_mode)
    if not plain or not the_plan.long or not all(_LETTER.search(t) for t in the_plan.long):
        return None
    return [
        Customer.active == True,  # noqa: E712 - a peewee expression, not a truth test
        Customer.id > 0,
        *(
            fts.like_substring(Customer.name_folded, t) | fts.like_substring(Customer.email, t)
            for t in the_plan.long
        ),
    ]


def _words_alone(filters: CustomerFilter, the_plan: Plan) -> bool:
    """A search by long terms with no other filter (type, gender, place, incomplete), no
    whole identity number and no short term."""
    return not (
        filters.type
        or filters.gender_id
        or filters.department_id
        or filters.municipality_id
        or filters.incomplete_only
        or the_plan.id_hashes
        or the_plan.short
    )


def _sorted_from_keys(filters: CustomerFilter, the_plan: Plan, sort_expr: Node) -> bool:
    plain = _words_alone(filters, the_plan)
    return plain and the_plan.keys is not None and sort_expr is SORTS["name"]


def _page_of_candidates(filters: CustomerFilter, the_plan: Plan, request: PageRequest) -> Node:
    """PostgreSQL (issue 20): the page's ids among the trigram candidates, whose rows came
    sorted by the database (in the column's collation, ``search_plan._plan_pg``): the
    first ones, or the ones after the previous page's last row. Sent back to be sorted
    (ids and names as two arrays), 1,578 candidates of «juan perez» cost 2-3 ms more.
    When the previous page's last row is not among them (renamed meanwhile), the
    database sorts them after its key."""
    kept = [
        (name, i) for i, name, active in the_plan.keys or () if active or filters.include_inactive
    ]
    if request.descending:
        kept.reverse()
    limit = max(1, int(request.limit))
    start = 0
    if request.after is not None:
        try:
            start = kept.index(tuple(request.after)) + 1
        except ValueError:
            return _candidates_after(kept, request, limit)
    return one_of(Customer.id, [i for _, i in kept[start : start + limit]])


def _candidates_after(kept: list[tuple], request: PageRequest, limit: int) -> Node:
    """The ``limit`` candidates after ``request.after`` in the database's order."""
    params: list = [int_array(i for _, i in kept), text_array(name for name, _ in kept)]
    params.extend(request.after or ())
    way = "DESC" if request.descending else "ASC"
    sql = (
        "IN (SELECT c.id FROM unnest(%s::integer[], %s::text[]) AS c(id, name_folded) "
        f"WHERE (c.name_folded, c.id) {'<' if request.descending else '>'} (%s, %s) "
        f"ORDER BY c.name_folded {way}, c.id {way} LIMIT {limit})"
    )
    return NodeList((Customer.id, SQL(sql, params)))


def _run_page(
    filters: CustomerFilter, the_plan: Plan, key: str, request: PageRequest, walk: bool = False
) -> Page:
    """``walk`` (PostgreSQL): the page is found by walking the sort order
    (``search_plan._walk_only``)."""
    query, sort_expr = _page_query(filters, the_plan, key)
    if not is_sqlite() and key not in COMPUTED_SORTS:
        # the names are joined to the page's rows only: with the candidates' conditions
        # beside the joins, the planner's estimate of a LIKE (one row for "1708", 1,695
        # found) made it scan the municipalities once per candidate (32 ms of a 50 ms page)
        query = _select().where(_page_ids_pg(filters, the_plan, sort_expr, request, walk))
    cursor_key = _CURSOR_KEYS.get(key, "_sort")

    def cursor_of(row: dict) -> tuple:
        return (_cursor_value(row[cursor_key]), row["id"])

    # a computed sort walked on PostgreSQL: no index has its order, the whole query
    # under the walk's settings, as before (another sort walked in ``_page_ids_pg``)
    with search_plan._walk_only() if walk and key in COMPUTED_SORTS else nullcontext():
        return keyset_page(query, [sort_expr], Customer.id, request, cursor_of)


def page(filters: CustomerFilter, request: PageRequest) -> Page:
    """One keyset page of customers.

    Row keys: id, name, id_number (display "0801-1990-12345"), type, type_label, age (whole
    years today), age_label (``age_text``: "35 años", a baby's "3 meses"), gender, phone
    (display "+504 9988-7766"), email, department, municipality, created_at, active,
    incomplete, date_of_birth. ``page.cursor`` goes back as ``request.after``.
    """
    session.require("patients.view")
    key = _sort_key(request.sort)
    the_plan = plan(
        filters, key, max(1, int(request.limit)), after=request.after, descending=request.descending
    )
    if not is_sqlite() and the_plan.sources and the_plan.ids is None:
        result = _run_page(filters, the_plan, key, request, walk=True)  # many trigram matches
    elif the_plan.in_mode or not is_sqlite():
        result = _run_page(filters, the_plan, key, request)
    else:
        try:
            with _time_budget(
                search_plan.NAME_WALK_BUDGET if key == "name" else search_plan.WALK_BUDGET
            ):
                result = _run_page(filters, the_plan, key, request)
        except _OutOfTime:
            # the matches are sparse along the sort order: sort a small source instead,
            # or (when every source is big) walk to the end after all
            the_plan.subquery = search_plan._fallback(the_plan)
            the_plan.driver = the_plan.subquery.name if the_plan.subquery else ""
            result = _run_page(filters, the_plan, key, request)
    today = dt.date.today()
    id_text, age_text = identity.shower(), age_texts(today)
    result.rows = [_display(row, today, id_text, age_text) for row in result.rows]
    return result


def count(filters: CustomerFilter, cap: int = COUNT_CAP) -> int:
    """Matching customers counted up to ``cap``; ``cap + 1`` means "more than ``cap``".

    Reads at most the candidates of the smallest source (or the first ``cap + 1`` matches
    along the most selective index), never the whole table.
    """
    session.require("patients.view")
    the_plan = plan(filters, sort="", limit=cap + 1, cap=max(cap, search_plan.CANDIDATE_CAP))
    if not is_sqlite() and the_plan.ids is None and the_plan.long:
        # PostgreSQL, many trigram matches: count them through the trigram index up to the
        # cap (a plain count of a LIKE scanned the table when the matches were fewer)
        where, params = _expression_sql(_conditions(filters, the_plan))
        table = Customer._meta.table_name
        sql = (
            f"WITH m AS MATERIALIZED (SELECT 1 FROM {table} AS t1 WHERE {where}) "
            f"SELECT count(*) FROM (SELECT 1 FROM m LIMIT {db.param}) AS counted"
        )
        with search_plan._trigram_scan():
            return int(db.execute_sql(sql, [*params, cap + 1]).fetchone()[0])
    if the_plan.ids is not None or not is_sqlite():
        query = _where(Customer.select(SQL("1")), _conditions(filters, the_plan))
        sql, params = query.limit(cap + 1).sql()
        return int(db.execute_sql(f"SELECT count(*) FROM ({sql}) AS counted", params).fetchone()[0])
    driver = the_plan.sources[0] if the_plan.sources else None
    table = Customer._meta.table_name
    if driver is not None and driver.name == "fts":
        # stream the FTS matches (rowid order) and stop after cap + 1 customers
        the_plan.driver = "fts"
        where, params = _expression_sql(_conditions(filters, the_plan))
        sql = (
            f"SELECT 1 FROM {fts.FTS_TABLE} JOIN {table} AS t1 "
            f"ON t1.id = {fts.FTS_TABLE}.rowid WHERE {fts.FTS_TABLE} MATCH ? "
            f"AND {where} LIMIT ?"
        )
        params = [fts.match_expression(the_plan.long, the_plan.alternatives), *params, cap + 1]
    else:
        usable = {
            None: (),
            "prefix": (*_PREFIX_COLUMNS, Customer.active),
            "municipality": (Customer.municipality,),
            "department": (Customer.department,),
            "gender": (Customer.gender,),
            "incomplete": (),
            "id": (),
        }[driver.name if driver else None]
        query = _where(Customer.select(SQL("1")), _conditions(filters, the_plan, usable))
        sql, params = query.limit(cap + 1).sql()
        params = list(params)
    return int(db.execute_sql(f"SELECT count(*) FROM ({sql}) AS counted", params).fetchone()[0])


def iter_rows(
    filters: CustomerFilter, sort: str = DEFAULT_SORT, chunk: int = 2000
) -> Iterator[dict]:
    """Every matching customer as a display dict, in ``sort`` order, streamed page by page."""
    session.require("patients.view")
    request = PageRequest(sort=_sort_key(sort), limit=chunk)
    while True:
        result = page(filters, request)
        yield from result.rows
        if result.cursor is None:
            return
        request = dataclasses.replace(request, after=result.cursor)


# Rows a fetch. PostgreSQL, 1M customers, the export in the application's worker thread
# with the GUI loop turning (3 alternating rounds each): 5,000 a fetch 8.3-9.2 s; 10,000
# 6.9-7.2 s, the GUI thread's longest wait 20-25 ms; 20,000 6.6-7.4 s but 31-36 ms (the
# helper thread holds the GIL while psycopg2 builds a batch's tuples).
EXPORT_BATCH = 10_000


def iter_export_tuples(
    filters: CustomerFilter, after: tuple | None = None, upto: tuple | None = None
) -> Iterator[tuple]:
    """Raw rows for the CSV export, sorted by name, streamed by one cursor
    (``db.streaming``: on PostgreSQL the server reads the next batch meanwhile).

    Tuple order: name, id_number, document_type, type, date_of_birth, age,
    age_recorded_on, gender_id, phone, department_id, municipality_id, email; the dates as
    ``YYYY-MM-DD`` text, the gender and places as ids (``export_names`` gives their
    names). Joined in SQL, the three names cost PostgreSQL 0.9 s of a 1,000,000-row export
    (its nested loops), the lookups in Python 0.2 s.

    ``after`` / ``upto``: ``(name_folded, id)`` keys of the export order; only the rows
    after ``after`` and up to ``upto`` (inclusive) come (one part of an export written by
    several processes, ``services.parallel_csv``).
    """
    session.require("patients.view")
    filters = dataclasses.replace(filters, include_inactive=False)
    the_plan = plan(filters, "name", limit=10**9)
    column = SORTS["name"]
    sort_expr = _plus(column) if is_sqlite() and the_plan.in_mode else column
    query = Customer.select(
        Customer.name,
        Customer.id_number,
        Customer.document_type,
        Customer.type,
        # as text: PostgreSQL's driver would build a date of each, which the export
        # then turns back into text
        _iso_text(Customer.date_of_birth),
        Customer.age,
        _iso_text(Customer.age_recorded_on),
        Customer.gender,
        Customer.phone,
        Customer.department,
        Customer.municipality,
        Customer.email,
    )
    usable = () if the_plan.in_mode else (column, Customer.active)
    conditions = _conditions(filters, the_plan, usable)
    key = Tuple(column, Customer.id)
    if after is not None:
        conditions.append(key > Tuple(*after))
    if upto is not None:
        conditions.append(key <= Tuple(*upto))
    query = _where(query, conditions)
    sql, params = query.order_by(sort_expr, Customer.id).sql()
    yield from stream_rows(sql, params, EXPORT_BATCH)


def _iso_text(column: ColumnBase) -> Any:
    """A date column as ``YYYY-MM-DD`` text: SQLite stores it so; PostgreSQL is asked for
    that form explicitly (its ``::text`` would follow the server's DateStyle)."""
    return column if is_sqlite() else fn.to_char(column, "YYYY-MM-DD")


def export_names() -> tuple[dict[int, str], dict[int, str], dict[int, str]]:
    """The gender, department and municipality names by id (``iter_export_tuples``)."""
    session.require("patients.view")
    return tuple(  # type: ignore[return-value]
        dict(model.select(model.id, model.name).tuples())
        for model in (Gender, Department, Municipality)
    )


def export_sample(filters: CustomerFilter, probes: int) -> tuple[int, list[tuple]]:
    """An estimate of the export's row count and a sample of its ``(name_folded, id)`` keys
    in the export order, from about ``probes`` ids spread evenly over the id range (primary-key
    reads: a few milliseconds at 1,000,000 customers, where counting the export took
    0.1 s and finding its median by ``OFFSET`` 1.1 s on SQLite)."""
    session.require("patients.view")
    filters = dataclasses.replace(filters, include_inactive=False)
    # two queries: SQLite answers MIN or MAX alone from the key, both together by a scan
    low = Customer.select(fn.MIN(Customer.id)).scalar()
    high = Customer.select(fn.MAX(Customer.id)).scalar()
    if low is None:
        return 0, []
    span = high - low + 1
    step = max(1, span // max(1, probes))
    ids = list(range(low, high + 1, step))
    the_plan = plan(filters, "name", limit=10**9)
    conditions = [*_conditions(filters, the_plan), Customer.id.in_(ids)]
    column = SORTS["name"]
    query = _where(Customer.select(column, Customer.id), conditions)
    # Sorted by the database: its collation orders the parts, not Python's. On SQLite
    # ``+name_folded``: with the index of that order SQLite walked the whole index to
    # check each entry against the ids (86 ms at 1,000,000 customers instead of 5).
    order = _plus(column) if is_sqlite() else column
    keys = list(query.order_by(order, Customer.id).tuples())
    return round(len(keys) * span / len(ids)), keys
