"""The SQL behind the customers list: search, filters, sorts and keyset pages.

Search terms are folded like ``customer.search_text`` (lower case, no accents) and split
on spaces; every term must match. A term made only of digits and phone punctuation
("9988-7766", "0801-1990", "+504") is reduced to its digits. Terms of 3+ characters
are substrings, found through the FTS5 trigram index. Shorter terms are prefixes: alone,
of the name (letters) or of the id_number / phone (digits), through the
``(active, name_folded, …)``, ``(active, id_number, id)`` and ``(active, phone, id)``
indexes; next to a longer term, a short term must start a word of the customer's text.

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
conditions are plain and its planner chooses.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import peewee
from peewee import JOIN, SQL, NodeList, Value, fn

from ...db import search as fts
from ...db.database import db, is_sqlite
from ...db.models import Customer, Department, Gender, Municipality
from ...util.text import digits, fold
from .. import reference
from ..paging import Page, PageRequest, keyset_page
from .formats import age_from, format_phone
from .types import COUNT_CAP, DEFAULT_SORT, SORTS, TYPE_LABELS, CustomerFilter

CANDIDATE_CAP = 10_000  # sources with more candidates than this are "frequent"
SMALL_SOURCE = 300  # a source this small drives the query without asking the others
PROBE = 2000  # index entries read to measure how dense the matches are along the name order
# Relative costs (about 0.5 µs each on a 1,000,000-row file): one entry of the name index
# (it holds the search text and the filter columns), one entry of another sort index
# (the table row must be read: in creation order the rows are neighbours), one candidate
# looked up by id and sorted.
WALK_COST = {"name": 1, "created_at": 5, "id_number": 10, "phone": 10}
IN_ROW_COST = 8
FALLBACK_CAP = 30_000  # after a slow walk, a source this small is sorted instead
# Seconds a walk may take before a small source drives instead. The name index walk reads
# index entries only (about 0.4 µs each: a whole walk stays under half a second) and
# sorting a big source is rarely cheaper, so it gets more time than a walk that reads a
# table row per entry.
WALK_BUDGET = 0.04
NAME_WALK_BUDGET = 0.15
BUDGET_CHECK_EVERY = 4000  # SQLite VM steps between two looks at the clock
# share of each type among customers, for the walk estimate (no index on type)
TYPE_SHARE = {"cliente": 0.9, "empresa": 0.1}
_PHONE_LIKE = re.compile(r"[\d().+\-/]+")
_HN_PREFIX = "+504"


# --- terms -----------------------------------------------------------------------------


def parse_terms(text: str) -> list[str]:
    """Folded, de-duplicated search terms; phone/id-like terms reduced to digits."""
    terms: list[str] = []
    for raw in fold(text).split():
        term = digits(raw) if _PHONE_LIKE.fullmatch(raw) else raw
        if term and term not in terms:
            terms.append(term)
    return terms


def _split(terms: list[str]) -> tuple[list[str], list[str]]:
    long = [t for t in terms if len(t) >= fts.MIN_TRIGRAM]
    short = [t for t in terms if len(t) < fts.MIN_TRIGRAM]
    return long, short


def _next_prefix(term: str) -> str:
    """The smallest string greater than every string starting with ``term``."""
    return term[:-1] + chr(ord(term[-1]) + 1)


# --- expressions -----------------------------------------------------------------------


def _plus(expr):
    """``+column``: same value, but SQLite may not use an index for it."""
    return NodeList((SQL("+"), expr), glue="")


def _like_substring(expr, text: str):
    """``expr LIKE '%text%'`` with ``%`` and ``_`` in ``text`` taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return NodeList((expr, SQL("LIKE"), Value(f"%{escaped}%"), SQL("ESCAPE '\\'")))


def _contains(term: str, sqlite: bool):
    if sqlite:
        return fn.instr(Customer.search_text, term) > 0
    return _like_substring(Customer.search_text, term)


def _word_prefix(term: str, sqlite: bool):
    text = Value(" ").concat(Customer.search_text)
    if sqlite:
        return fn.instr(text, " " + term) > 0
    return _like_substring(text, " " + term)


def _prefix_condition(term: str, col):
    """A lone short term: prefix of the folded name, or of the id_number / phone."""
    upper = _next_prefix(term)
    if term.isdigit():
        number = col(Customer.id_number)
        phone = col(Customer.phone)
        return ((number >= term) & (number < upper)) | (
            (phone >= _HN_PREFIX + term) & (phone < _HN_PREFIX + upper)
        )
    name = col(Customer.name_folded)
    return (name >= term) & (name < upper)


# --- candidate sources -----------------------------------------------------------------


@dataclass
class Source:
    """A set of candidate ids that an index (or the FTS table) lists cheaply."""

    name: str
    sql: str  # SELECT of customer ids
    params: list
    aligned: str = ""  # the sort whose index walk reads exactly this set (prefix on name)
    ids: list[int] | None = None  # after ``fetch``: the ids, or None when above the cap
    fetched: bool = False

    def fetch(self, cap: int) -> list[int] | None:
        rows = db.execute_sql(f"{self.sql} LIMIT ?", [*self.params, cap + 1]).fetchall()
        self.ids = sorted({row[0] for row in rows}) if len(rows) <= cap else None
        self.fetched = True
        return self.ids

    def count(self, cap: int) -> int:
        sql = f"SELECT count(*) FROM ({self.sql} LIMIT ?) AS counted"
        return int(db.execute_sql(sql, [*self.params, cap + 1]).fetchone()[0])


def _sources(filters: CustomerFilter, long: list[str], short: list[str]) -> list[Source]:
    table = Customer._meta.table_name
    active = "" if filters.include_inactive else "active = 1 AND "
    out: list[Source] = []
    if long:
        out.append(
            Source(
                "fts",
                f"SELECT rowid FROM {fts.FTS_TABLE} WHERE {fts.FTS_TABLE} MATCH ?",
                [fts.match_expression(long)],
            )
        )
    elif short:
        term = short[0]
        upper = _next_prefix(term)
        if term.isdigit():
            out.append(
                Source(
                    "prefix",
                    f"SELECT id FROM {table} WHERE {active}id_number >= ? AND id_number < ? "
                    f"UNION ALL SELECT id FROM {table} WHERE {active}phone >= ? AND phone < ?",
                    [term, upper, _HN_PREFIX + term, _HN_PREFIX + upper],
                )
            )
        else:
            out.append(
                Source(
                    "prefix",
                    f"SELECT id FROM {table} WHERE {active}name_folded >= ? AND name_folded < ?",
                    [term, upper],
                    aligned="name",
                )
            )
    for name, column, value in (
        ("municipality", Customer.municipality, filters.municipality_id),
        (
            "department",
            Customer.department,
            None if filters.municipality_id else filters.department_id,
        ),
        ("gender", Customer.gender, filters.gender_id),
    ):
        if value:
            out.append(
                Source(name, f"SELECT id FROM {table} WHERE {column.column_name} = ?", [value])
            )
    if filters.incomplete_only:  # served by the partial index customer_incomplete
        out.append(Source("incomplete", f"SELECT id FROM {table} WHERE incomplete", []))
    return out


@dataclass
class Plan:
    """How a filter is answered: candidate ids (or a source's SQL) drive the query, or
    the sort index is walked (``in_mode`` false)."""

    long: list[str]
    short: list[str]
    sources: list[Source] = field(default_factory=list)
    ids: list[int] | None = None
    subquery: Source | None = None
    driver: str = ""  # the source's name, "" = walk the sort index

    @property
    def in_mode(self) -> bool:
        return self.ids is not None or self.subquery is not None


def _table_size() -> int:
    return int(
        db.execute_sql(f"SELECT max(id) FROM {Customer._meta.table_name}").fetchone()[0] or 0
    )


def plan(
    filters: CustomerFilter,
    sort: str = DEFAULT_SORT,
    limit: int = 100,
    cap: int | None = None,
    after: tuple | None = None,
    descending: bool = False,
) -> Plan:
    """Choose between driving by the smallest candidate source and walking the sort index.

    Walking costs about ``limit / selectivity`` index entries, each ``WALK_COST[sort]``; the
    selectivity of a source above the cap is taken as ``cap / rows`` (the least it can be),
    so a walk is only preferred when it is cheap even then. Looking up and sorting one
    candidate costs ``IN_ROW_COST``. Matches are not spread evenly along the name order
    (a first name clusters under its letter), so before walking the name index when a
    small source exists, the density of matches is measured on the first ``PROBE`` entries
    of the walk (read from the index alone, about a millisecond).
    """
    cap = CANDIDATE_CAP if cap is None else cap
    long, short = _split(parse_terms(filters.search))
    result = Plan(long=long, short=short)
    if not is_sqlite():
        return result
    result.sources = _sources(filters, long, short)
    rows = max(_table_size(), 1)
    share = TYPE_SHARE.get(filters.type, 1.0) if filters.type else 1.0
    best: Source | None = None
    for source in result.sources:
        if source.aligned and source.aligned == sort:
            continue  # walking the sort index reads exactly this source
        ids = source.fetch(cap)
        share *= (max(len(ids), 1) if ids is not None else cap) / rows
        if ids is not None and (best is None or len(ids) < len(best.ids)):
            best = source
            if len(ids) <= SMALL_SOURCE:
                break  # cheap enough: do not ask the other sources
    if best is None:
        return result
    cost_in = len(best.ids) * IN_ROW_COST
    walk_cost = WALK_COST.get(sort, max(WALK_COST.values()))
    covered = not filters.incomplete_only and not (short and not long and short[0].isdigit())
    if cost_in > walk_cost * limit / max(share, 1e-12) and sort == "name" and covered:
        density = _probe_density(filters, result, after, descending)
        share = max(density, 1 / (2 * PROBE))
    if cost_in <= walk_cost * limit / max(share, 1e-12):
        result.ids, result.driver = best.ids, best.name
    return result


def _probe_density(
    filters: CustomerFilter, the_plan: Plan, after: tuple | None, descending: bool
) -> float:
    """Share of matches among the next ``PROBE`` entries of the name index walk (1.0 when
    the walk would reach the end of the index within them)."""
    column = SORTS["name"]
    # only columns of the name index: the probe never reads a table row
    columns = [
        Customer.id,
        Customer.name_folded,
        Customer.search_text,
        Customer.type,
        Customer.gender,
        Customer.department,
        Customer.municipality,
        Customer.active,
    ]
    inner = Customer.select(*columns)
    if not filters.include_inactive:
        inner = inner.where(Customer.active == True)  # noqa: E712
    if after is not None:
        left, right = peewee.Tuple(column, Customer.id), peewee.Tuple(*after)
        inner = inner.where(left < right if descending else left > right)
    order = (column.desc(), Customer.id.desc()) if descending else (column, Customer.id)
    inner_sql, inner_params = inner.order_by(*order).limit(PROBE).sql()
    conditions = _conditions(filters, the_plan)
    if not conditions:
        return 1.0
    where, params = _expression_sql(conditions)
    walked, matched = db.execute_sql(
        f"SELECT count(*), coalesce(sum({where}), 0) FROM ({inner_sql}) AS t1",
        [*params, *inner_params],
    ).fetchone()
    if walked < PROBE:
        return 1.0
    return matched / walked


def _fallback(the_plan: Plan) -> Source | None:
    """After a walk ran out of time: the source with the fewest candidates, if it has at
    most ``FALLBACK_CAP`` (sorting more would cost more than walking on)."""
    best, best_n = None, None
    for source in the_plan.sources:
        n = source.count(FALLBACK_CAP)
        if n <= FALLBACK_CAP and (best_n is None or n < best_n):
            best, best_n = source, n
    return best


class _OutOfTime(Exception):
    pass


@contextmanager
def _time_budget(seconds: float):
    """Interrupt the SQLite statement running in this block after ``seconds``."""
    connection = db.connection()
    deadline = time.perf_counter() + seconds
    expired = []

    def handler() -> int:
        if time.perf_counter() > deadline:
            expired.append(True)
            return 1
        return 0

    connection.set_progress_handler(handler, BUDGET_CHECK_EVERY)
    try:
        yield
    except (sqlite3.OperationalError, peewee.OperationalError) as exc:
        if expired and "interrupt" in str(exc).lower():
            raise _OutOfTime from exc
        raise
    finally:
        connection.set_progress_handler(None, 0)


_PREFIX_COLUMNS = (Customer.name_folded, Customer.id_number, Customer.phone)


def _conditions(filters: CustomerFilter, the_plan: Plan, usable=()) -> list:
    """Every condition of the filter; on SQLite, columns not in ``usable`` are wrapped in
    ``+`` so the planner cannot choose their index."""
    sqlite = is_sqlite()
    usable_names = {f.name for f in usable}

    def col(field_):
        if not sqlite or field_.name in usable_names:
            return field_
        return _plus(field_)

    conds = []
    if the_plan.ids is not None:
        payload = json.dumps(the_plan.ids, separators=(",", ":"))
        conds.append(NodeList((Customer.id, SQL("IN (SELECT value FROM json_each(?))", [payload]))))
    elif the_plan.subquery is not None:
        conds.append(
            NodeList((Customer.id, SQL(f"IN ({the_plan.subquery.sql})", the_plan.subquery.params)))
        )
    if not filters.include_inactive:
        conds.append(col(Customer.active) == True)  # noqa: E712
    if filters.type:
        conds.append(Customer.type == filters.type)
    if filters.gender_id:
        conds.append(col(Customer.gender) == filters.gender_id)
    if filters.department_id:
        conds.append(col(Customer.department) == filters.department_id)
    if filters.municipality_id:
        conds.append(col(Customer.municipality) == filters.municipality_id)
    if filters.incomplete_only:
        # the bare column, as in the partial index customer_incomplete ("WHERE incomplete")
        conds.append(Customer.incomplete)
    long, short = the_plan.long, the_plan.short
    if long:  # also when the FTS drives: its MATCH is a superset (``fts.match_expression``)
        conds.extend(_contains(t, sqlite) for t in long)
    if short:
        rest = short
        if not long:
            rest = short[1:]
            if the_plan.driver != "prefix":
                conds.append(_prefix_condition(short[0], col))
        conds.extend(_word_prefix(t, sqlite) for t in rest)
    return conds


def _where(query, conds):
    for cond in conds:
        query = query.where(cond)
    return query


# --- rows ------------------------------------------------------------------------------


def _select():
    return (
        Customer.select(
            Customer.id,
            Customer.name,
            Customer.name_folded,
            Customer.id_number,
            Customer.type,
            Customer.date_of_birth,
            Customer.age,
            Customer.age_recorded_on,
            Customer.phone,
            Customer.email,
            Customer.created_at,
            Customer.active,
            Customer.incomplete,
            Gender.name.alias("gender"),
            Department.name.alias("department"),
            Municipality.name.alias("municipality"),
        )
        .join_from(Customer, Gender, JOIN.LEFT_OUTER, on=(Customer.gender == Gender.id))
        .join_from(Customer, Department, JOIN.LEFT_OUTER, on=(Customer.department == Department.id))
        .join_from(
            Customer, Municipality, JOIN.LEFT_OUTER, on=(Customer.municipality == Municipality.id)
        )
    )


_CURSOR_KEYS = {
    "name": "name_folded",
    "created_at": "created_at",
    "id_number": "id_number",
    "phone": "phone",
}


def _cursor_value(value):
    if isinstance(value, dt.datetime):
        return str(value)  # as stored by peewee
    return value


def _id_text(number: str | None) -> str:
    """Full (with dashes) for holders of ``patients.view_sensitive``, else masked."""
    from ..access import audit

    return audit.display_id_number(number)


def _display(row: dict, today: dt.date) -> dict:
    """A raw row → the dict the list shows (keys documented in ``page``)."""
    row["id_number"] = _id_text(row["id_number"])
    row["type_label"] = TYPE_LABELS.get(row["type"], row["type"])
    row["age"] = age_from(row["date_of_birth"], row["age"], row.pop("age_recorded_on"), today)
    row["phone"] = format_phone(row["phone"])
    row["gender"] = reference.gender_label(row["gender"])
    row["department"] = row["department"] or ""
    row["municipality"] = row["municipality"] or ""
    row.pop("name_folded", None)
    row.pop("_sort", None)
    return row


# issue 16: every column the desk reads sorts in SQL. These have no index of their own
# (the database sorts the matching rows); NULLs are folded so the keyset stays exact.
COMPUTED_SORTS = ("type", "age", "gender", "email", "department", "municipality")


def _computed_sort(key: str):
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


def _null_cursor_condition(expr, after: tuple, descending: bool):
    """Keyset condition on a nullable sort column (SQLite orders NULL first)."""
    value, last_id = after
    if value is None:
        if descending:
            return expr.is_null() & (Customer.id < last_id)
        return (expr.is_null() & (Customer.id > last_id)) | expr.is_null(False)
    from peewee import Tuple

    if descending:
        return (Tuple(expr, Customer.id) < Tuple(value, last_id)) | expr.is_null()
    return Tuple(expr, Customer.id) > Tuple(value, last_id)


def _page_query(filters: CustomerFilter, the_plan: Plan, key: str):
    if key in COMPUTED_SORTS:
        expr = _computed_sort(key)
        query = _select().select_extend(expr.alias("_sort"))
        return _where(query, _conditions(filters, the_plan, ())), expr
    column = SORTS[key]
    sqlite = is_sqlite()
    sort_expr = column
    if sqlite and the_plan.in_mode:
        sort_expr = _plus(column)  # sort the candidates; do not walk an index
    elif not sqlite and key == "id_number":
        sort_expr = fn.COALESCE(column, "")
    usable = () if the_plan.in_mode else (column, Customer.active)
    return _where(_select(), _conditions(filters, the_plan, usable)), sort_expr


def _run_page(filters: CustomerFilter, the_plan: Plan, key: str, request: PageRequest) -> Page:
    query, sort_expr = _page_query(filters, the_plan, key)
    if key == "id_number" and is_sqlite() and request.after is not None:
        query = query.where(
            _null_cursor_condition(sort_expr, tuple(request.after), request.descending)
        )
        request = dataclasses.replace(request, after=None)
    cursor_key = _CURSOR_KEYS.get(key, "_sort")
    coalesced = key == "id_number" and not is_sqlite()  # sorted by COALESCE(id_number, '')

    def cursor_of(row):
        value = row[cursor_key]
        return ((value or "") if coalesced else _cursor_value(value), row["id"])

    return keyset_page(query, [sort_expr], Customer.id, request, cursor_of)


def page(filters: CustomerFilter, request: PageRequest) -> Page:
    """One keyset page of customers.

    Row keys: id, name, id_number (display "0801-1990-12345"), type, type_label, age (today),
    gender, phone (display "+504 9988-7766"), email, department, municipality, created_at,
    active, incomplete, date_of_birth. ``page.cursor`` goes back as ``request.after``.
    """
    key = _sort_key(request.sort)
    the_plan = plan(
        filters, key, max(1, int(request.limit)), after=request.after, descending=request.descending
    )
    if the_plan.in_mode or not is_sqlite():
        result = _run_page(filters, the_plan, key, request)
    else:
        try:
            with _time_budget(NAME_WALK_BUDGET if key == "name" else WALK_BUDGET):
                result = _run_page(filters, the_plan, key, request)
        except _OutOfTime:
            # the matches are sparse along the sort order: sort a small source instead,
            # or (when every source is big) walk to the end after all
            the_plan.subquery = _fallback(the_plan)
            the_plan.driver = the_plan.subquery.name if the_plan.subquery else ""
            result = _run_page(filters, the_plan, key, request)
    today = dt.date.today()
    result.rows = [_display(row, today) for row in result.rows]
    return result


def _expression_sql(conds: list) -> tuple[str, list]:
    """SQL of ``conds`` joined by AND, with the table alias ``t1`` peewee gives Customer."""
    sql, params = _where(Customer.select(SQL("1")), conds).sql()
    marker = " WHERE "
    return sql[sql.index(marker) + len(marker) :], list(params)


def count(filters: CustomerFilter, cap: int = COUNT_CAP) -> int:
    """Matching customers counted up to ``cap``; ``cap + 1`` means "more than ``cap``".

    Reads at most the candidates of the smallest source (or the first ``cap + 1`` matches
    along the most selective index), never the whole table.
    """
    the_plan = plan(filters, sort="", limit=cap + 1, cap=max(cap, CANDIDATE_CAP))
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
        params = [fts.match_expression(the_plan.long), *params, cap + 1]
    else:
        usable = {
            None: (),
            "prefix": (*_PREFIX_COLUMNS, Customer.active),
            "municipality": (Customer.municipality,),
            "department": (Customer.department,),
            "gender": (Customer.gender,),
            "incomplete": (),
        }[driver.name if driver else None]
        query = _where(Customer.select(SQL("1")), _conditions(filters, the_plan, usable))
        sql, params = query.limit(cap + 1).sql()
        params = list(params)
    return int(db.execute_sql(f"SELECT count(*) FROM ({sql}) AS counted", params).fetchone()[0])


def iter_rows(
    filters: CustomerFilter, sort: str = DEFAULT_SORT, chunk: int = 2000
) -> Iterator[dict]:
    """Every matching customer as a display dict, in ``sort`` order, streamed page by page."""
    request = PageRequest(sort=_sort_key(sort), limit=chunk)
    while True:
        result = page(filters, request)
        yield from result.rows
        if result.cursor is None:
            return
        request = dataclasses.replace(request, after=result.cursor)


def iter_export_tuples(filters: CustomerFilter) -> Iterator[tuple]:
    """Raw rows for the CSV export, sorted by name, streamed by one cursor.

    Tuple order: name, id_number, type, date_of_birth, age, age_recorded_on, gender,
    phone, department, municipality, email (gender and places as names). The names come
    from three small dictionaries rather than joins: a million rows, three lookups fewer
    each.
    """
    filters = dataclasses.replace(filters, include_inactive=False)
    the_plan = plan(filters, "name", limit=10**9)
    column = SORTS["name"]
    sort_expr = _plus(column) if is_sqlite() and the_plan.in_mode else column
    genders = dict(Gender.select(Gender.id, Gender.name).tuples())
    departments = dict(Department.select(Department.id, Department.name).tuples())
    municipalities = dict(Municipality.select(Municipality.id, Municipality.name).tuples())
    query = Customer.select(
        Customer.name,
        Customer.id_number,
        Customer.type,
        Customer.date_of_birth,
        Customer.age,
        Customer.age_recorded_on,
        Customer.gender,
        Customer.phone,
        Customer.department,
        Customer.municipality,
        Customer.email,
    )
    usable = () if the_plan.in_mode else (column, Customer.active)
    query = _where(query, _conditions(filters, the_plan, usable))
    sql, params = query.order_by(sort_expr, Customer.id).sql()
    cursor = db.execute_sql(sql, params)
    gender_of, department_of, municipality_of = genders.get, departments.get, municipalities.get
    while True:
        rows = cursor.fetchmany(5000)
        if not rows:
            return
        for (
            name,
            number,
            kind,
            born,
            age,
            recorded,
            gender,
            phone,
            department,
            municipality,
            email,
        ) in rows:
            yield (
                name,
                number,
                kind,
                born,
                age,
                recorded,
                gender_of(gender),
                phone,
                department_of(department),
                municipality_of(municipality),
                email,
            )
