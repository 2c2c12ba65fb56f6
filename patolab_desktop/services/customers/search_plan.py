"""How a customer search is asked: the terms, the candidate sources (full-text index,
prefix indexes, filters), the plan that picks the cheapest driver, and the SQL conditions."""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field

import peewee
from peewee import SQL, ColumnBase, Expression, Field, ModelSelect, Node, NodeList, Value, fn

from ...db import search as fts
from ...db.database import db, is_sqlite, one_of, planner_off
from ...db.models import Customer
from ...util.text import digits, fold, search_input
from .. import identity
from .types import DEFAULT_SORT, SORTS, CustomerFilter

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
# PostgreSQL: at most this many trigram matches drive the page (read by id and sorted).
# Measured at 1,000,000 customers: with 1,000, two frequent words clustered in the name
# order ("luis reyes", "juan perez") walked 140-200 ms; with 5,000 they are sorted in
# 35-40 ms, and the terms with more matches walk (a bitmap scan of all the matches of
# "jose" and sorting them took 300-400 ms). With 5,000, «jose martinez» (7,220 matches,
# sparse before the j's) read 5,001 of them for nothing (28 ms) and then walked (31 ms):
# 60-95 ms; with 10,000 they are sorted in 36-39 ms, and the 200 bench terms' p95 went
# from 18.0-18.2 to 15.7-17.6 ms, p50 7.1-7.3 to 6.7-7.1 (four runs of each).
PG_TRIGRAM_CAP = 10_000
# PostgreSQL: before the trigram list of a single word is read, its matches are counted
# on a sample of the table's pages (``TABLESAMPLE SYSTEM``, the same pages every time,
# about 1,700 rows and 2 ms at 1,000,000 customers); a word sampled at more than twice the
# cap walks without reading the list. A first name met late in the name order ("luis":
# 26,854 matches, few among the first entries the probe reads) read 26-47 ms of trigram
# list for nothing before the walk, which then took under 1 ms. Numbers (spread evenly)
# and several words (rarely above the cap) are not sampled.
PG_SAMPLE_PERCENT = 0.2
# Both backends: a search by substring sorted by name first measures how dense its matches
# are along the name order (``PROBE`` entries of the covering name index, about a
# millisecond). When the walk would fill the page within this many entries, it walks and
# no candidate list is fetched ("luis", 200,000 customers: 5,470 FTS ids read for
# nothing; "mar", "castillo" on PostgreSQL).
# Names: the walk reads the covering index only, while the candidate list of a frequent
# name is read whole first, often for nothing (above the cap). 1,000,000 customers,
# estimate 40,000 entries: "jose" walks in 7 ms on PostgreSQL, its trigram list took
# 30 ms before the same walk; SQLite, 20,000 -> 50,000: "jose" 13.6 -> 4.7 ms, "fern"
# 19.5 -> 14.9, "maria lopez" 20.1 -> 8.9.
NAME_DENSE_WALK = 50_000
# A 4- or 8-digit term is checked against its identity token too (two checks an entry),
# and digits spread evenly along the name order, so the estimate holds: "0708" (22,000
# entries) walked in 40 ms on PostgreSQL, driven by its 1,723 trigram ids in 12 + 9 ms;
# SQLite with 50,000: 12.5 -> 26.7 ms.
DENSE_WALK = 20_000
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
    for raw in fold(search_input(text)).split():  # no controls, at most 8 terms
        term = digits(raw) if _PHONE_LIKE.fullmatch(raw) else raw
        if term and term not in terms:
            terms.append(term)
    return terms


ID_LENGTHS = (13, 14)  # a whole DNI or RTN: searched by its keyed hash


def _split(terms: list[str]) -> tuple[list[str], list[str], list[str]]:
    """(long terms, short terms, whole identity numbers). Identity numbers are encrypted
    at rest (schema 14): a whole DNI or RTN is found through ``customer.id_hash``."""
    numbers = [t for t in terms if t.isdigit() and len(t) in ID_LENGTHS]
    long = [t for t in terms if len(t) >= fts.MIN_TRIGRAM and t not in numbers]
    short = [t for t in terms if len(t) < fts.MIN_TRIGRAM]
    return long, short, numbers


def _next_prefix(term: str) -> str:
    """The smallest string greater than every string starting with ``term``."""
    return term[:-1] + chr(ord(term[-1]) + 1)


# --- expressions -----------------------------------------------------------------------


def _plus(expr: Node) -> NodeList:
    """``+column``: same value, but SQLite may not use an index for it."""
    return NodeList((SQL("+"), expr), glue="")


def _contains(term: str, sqlite: bool) -> Node:
    if sqlite:
        return fn.instr(Customer.search_text, term) > 0
    return fts.like_substring(Customer.search_text, term)


def _holds_token(token: str, term: str) -> Node:
    """PostgreSQL: the rows whose search text holds ``token``, the search token of the
    identity-number prefix ``term``. A municipality's (4 digits) is the text's first token:
    its own B-tree (``fts.DNI_PREFIX_INDEX``, the same expression); a longer prefix's is
    asked of the trigram index by a few of its letters (``fts.TOKEN_INDEXED``: each of a
    token's trigrams stands in tens of thousands of rows) and checked whole by ``strpos``."""
    if len(term) == identity.FIRST_PREFIX_DIGITS:
        return fts.first_token(Customer.search_text) == token
    return fts.holds_token(Customer.search_text, token)


def _word_prefix(term: str, sqlite: bool) -> Node:
    text = Value(" ").concat(Customer.search_text)
    if sqlite:
        return fn.instr(text, " " + term) > 0
    return fts.like_substring(text, " " + term)


def _prefix_condition(term: str, col: Callable[[Field], ColumnBase]) -> Expression:
    """A lone short term: prefix of the folded name, or of the phone (the identity number
    is encrypted: no prefix search)."""
    upper = _next_prefix(term)
    if term.isdigit():
        phone = col(Customer.phone)
        return (phone >= _HN_PREFIX + term) & (phone < _HN_PREFIX + upper)
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
    rows: list[tuple] | None = None  # after ``fetch``: the whole rows, when the SQL has more

    def fetch(self, cap: int, order_by: str = "") -> list[int] | None:
        """The ids (and ``rows``) when there are at most ``cap``; ``order_by``: the rows
        (not the ids) in that order, sorted by the database after the limit."""
        sql = f"{self.sql} LIMIT {db.param}"
        if order_by:
            sql = f"SELECT * FROM ({sql}) AS fetched ORDER BY {order_by}"
        rows = db.execute_sql(sql, [*self.params, cap + 1]).fetchall()
        self.ids = sorted({row[0] for row in rows}) if len(rows) <= cap else None
        self.rows = rows if self.ids is not None else None
        self.fetched = True
        return self.ids

    def count(self, cap: int) -> int:
        sql = f"SELECT count(*) FROM ({self.sql} LIMIT {db.param}) AS counted"
        return int(db.execute_sql(sql, [*self.params, cap + 1]).fetchone()[0])


def _sources(
    filters: CustomerFilter,
    long: list[str],
    short: list[str],
    id_hashes: Sequence[str] = (),
    alternatives: dict[str, str] | None = None,
) -> list[Source]:
    table = Customer._meta.table_name
    active = "" if filters.include_inactive else "active = 1 AND "
    out: list[Source] = []
    for hashed in id_hashes[:1]:  # an exact identity number: one index entry
        out.append(Source("id", f"SELECT id FROM {table} WHERE id_hash = ?", [hashed]))
    if long:
        out.append(
            Source(
                "fts",
                f"SELECT rowid FROM {fts.FTS_TABLE} WHERE {fts.FTS_TABLE} MATCH ?",
                [fts.match_expression(long, alternatives)],
            )
        )
    elif short:
        term = short[0]
        upper = _next_prefix(term)
        if term.isdigit():
            out.append(
                Source(
                    "prefix",
                    f"SELECT id FROM {table} WHERE {active}phone >= ? AND phone < ?",
                    [_HN_PREFIX + term, _HN_PREFIX + upper],
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
    id_hashes: list[str] = field(default_factory=list)  # keyed hashes of whole id numbers
    # a 4- or 8-digit term -> the search token of that identity-number prefix: the term
    # matches either (a phone's digits, or a DNI's municipality / municipality and year)
    alternatives: dict[str, str] = field(default_factory=dict)
    sources: list[Source] = field(default_factory=list)
    ids: list[int] | None = None
    subquery: Source | None = None
    driver: str = ""  # the source's name, "" = walk the sort index
    # PostgreSQL, trigram ids driving: (id, name_folded, active) of each candidate, read
    # with the list (``search._page_ids_pg`` sorts them without reading their rows again)
    keys: list[tuple] | None = None

    @property
    def in_mode(self) -> bool:
        return self.ids is not None or self.subquery is not None


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
    terms = parse_terms(filters.search)
    if len(terms) > 1 and all(t.isdigit() for t in terms) and len("".join(terms)) in ID_LENGTHS:
        terms = ["".join(terms)]  # a whole number typed in groups: "0801 1990 12345"
    long, short, numbers = _split(terms)
    result = Plan(long=long, short=short, id_hashes=[identity.search_hash(n) for n in numbers])
    for term in long:
        token = identity.prefix_token(term)
        if token:
            result.alternatives[term] = token
    density = _name_walk_density(filters, result, sort, after, descending)
    dense_walk = DENSE_WALK if result.alternatives else NAME_DENSE_WALK
    if density is not None and density > 0 and limit / density <= dense_walk:
        # the walk of the name order fills the page soon: no candidate list is fetched
        result.sources = _sources(filters, long, short, result.id_hashes, result.alternatives)
        return result
    if not is_sqlite():
        return _plan_pg(result, min(cap, PG_TRIGRAM_CAP))
    result.sources = _sources(filters, long, short, result.id_hashes, result.alternatives)
    rows = max(fts.customers_upper_bound(db), 1)
    share = TYPE_SHARE.get(filters.type, 1.0) if filters.type else 1.0
    best: Source | None = None
    best_ids: list[int] = []  # the ids ``best`` fetched
    for source in result.sources:
        if source.aligned and source.aligned == sort:
            continue  # walking the sort index reads exactly this source
        ids = source.fetch(cap)
        share *= (max(len(ids), 1) if ids is not None else cap) / rows
        if ids is not None and (best is None or len(ids) < len(best_ids)):
            best, best_ids = source, ids
            if len(ids) <= SMALL_SOURCE:
                break  # cheap enough: do not ask the other sources
    if best is None:
        return result
    cost_in = len(best_ids) * IN_ROW_COST
    walk_cost = WALK_COST.get(sort, max(WALK_COST.values()))
    covered = (
        not filters.incomplete_only
        and not result.id_hashes
        and not (short and not long and short[0].isdigit())
    )
    if cost_in > walk_cost * limit / max(share, 1e-12) and sort == "name" and covered:
        if density is None:
            density = _probe_density(filters, result, after, descending)
        share = max(density, 1 / (2 * PROBE))
    if cost_in <= walk_cost * limit / max(share, 1e-12):
        result.ids, result.driver = best_ids, best.name
    return result


def _walk_only(ordered: bool = False, inactive_too: bool = False) -> AbstractContextManager[None]:
    """PostgreSQL: the trigram index listed more candidates than the cap, so the page is
    found by walking the sort order. The planner's estimate for a ``LIKE`` can be far off
    ("castillo": 107 rows estimated, 24,067 found), and then it sorted every match
    (209 ms) instead of walking: bitmap and sequential scans are off for that query.

    ``ordered`` (the page's ids by name, in a statement of their own): sorting is off too,
    so the plan must be one already in the name order, the walk of the covering name index
    (with the inactive customers, the name index and an incremental sort). From the same
    estimate (99 rows for «ordóñez», 12,363 found) the planner judged every walk a full
    one, took the smallest index that starts with ``active``, the phone's, read a table
    row per entry and sorted them: 1.6-1.9 s at 1,000,000 customers once the name index
    had grown 15 % after cancelled imports; the walk takes 4-6 ms.

    Of active customers only (not ``inactive_too``), an incremental sort is off as well:
    the covering index is then in the name order, and the planner preferred the narrow
    name index (``name_folded`` alone), which reads a table row per entry and sorts each
    name's ids («931» at 1,000,000 customers: 12,904 rows read, 19 ms; index only, 5 ms)."""
    off = ["enable_bitmapscan", "enable_seqscan"]
    if ordered:
        off += ["enable_sort"] if inactive_too else ["enable_sort", "enable_incremental_sort"]
    return planner_off(*off)


def _trigram_scan() -> AbstractContextManager[None]:
    """PostgreSQL: no sequential scan for the statements in this block, so a CTE over the
    ``LIKE`` conditions is read through the trigram index and its LIMIT stops after a few
    thousand rechecked rows. Planned as a sequential scan, a term of middling frequency
    ("fer") read 170,000 rows to find 5,001."""
    return planner_off("enable_seqscan")


def _plan_pg(result: Plan, cap: int) -> Plan:
    """PostgreSQL (issue 20): the trigram index lists the rows holding the long terms,
    up to ``cap``; when they are that few, they drive the page (looked up by id, sorted).

    The planner cannot tell a rare term from a frequent one well ("18072000" was estimated
    at 10,004 rows and walked 663,617 index entries, 608 ms, to fill a page), so the
    candidates are asked for in a MATERIALIZED CTE through the trigram index
    (``_trigram_scan``), read only up to ``cap + 1`` (each candidate is rechecked on its
    table row, a few µs). More candidates than that: the walk of the sort order
    (``search._page_ids_pg``), which finds them often enough along it."""
    if not result.long:
        return result
    table = Customer._meta.table_name
    terms = []
    for t in result.long:  # a DNI prefix is found through its keyed token (issue 15)
        token = result.alternatives.get(t)
        terms.append(_contains(t, False) | _holds_token(token, t) if token else _contains(t, False))
    where, params = _expression_sql(terms)
    source = Source(
        "trgm",
        f"WITH m AS MATERIALIZED (SELECT t1.id, t1.name_folded, t1.active FROM {table} AS t1 "
        f"WHERE {where}) SELECT id, name_folded, active FROM m",
        params,
    )
    result.sources = [source]
    if _worth_sampling(result) and _sampled_matches(table, where, params) > 2 * cap:
        return result  # many matches: walk the sort order (``search.page``)
    with _trigram_scan():  # rows in the page's order (``search._page_of_candidates``)
        ids = source.fetch(cap, order_by="name_folded, id")
    if ids is not None:
        result.ids, result.driver, result.keys = ids, source.name, source.rows
    return result


def _worth_sampling(result: Plan) -> bool:
    return len(result.long) == 1 and not result.long[0].isdigit() and not result.short


def _sampled_matches(table: str, where: str, params: list) -> float:
    """PostgreSQL: the matches of ``where`` in the table, estimated on the rows of
    ``PG_SAMPLE_PERCENT`` of its pages."""
    sql = (
        f"SELECT count(*) FROM {table} AS t1 "
        f"TABLESAMPLE SYSTEM ({PG_SAMPLE_PERCENT}) REPEATABLE (1) WHERE {where}"
    )
    return int(db.execute_sql(sql, params).fetchone()[0]) * 100 / PG_SAMPLE_PERCENT


def _name_walk_density(
    filters: CustomerFilter, the_plan: Plan, sort: str, after: tuple | None, descending: bool
) -> float | None:
    """The probe's density for a search by substring sorted by name; None when the walk
    is not of the covering name index (another sort, the incomplete-only filter, or a
    whole identity number, found through its hash)."""
    if sort != "name" or not the_plan.long or filters.incomplete_only or the_plan.id_hashes:
        return None  # (the probe reads the name index alone: no id_hash there)
    return _probe_density(filters, the_plan, after, descending)


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
    keys: tuple[Node, ...] = (column, Customer.id)
    if not filters.include_inactive:
        # PostgreSQL: ``active`` first names the covering index's order; by name and id
        # alone, the planner took the narrow name index, reading a table row per entry
        # and sorting each name's ids (3.9 ms for the 2,000; index only, 1.3 ms)
        keys = (Customer.active, *keys)
    order = [key.desc() for key in keys] if descending else keys
    inner_sql, inner_params = inner.order_by(*order).limit(PROBE).sql()
    conditions = _conditions(filters, the_plan)
    if not conditions:
        return 1.0
    where, params = _expression_sql(conditions)
    walked, matched = db.execute_sql(
        f"SELECT count(*), coalesce(sum(CASE WHEN {where} THEN 1 ELSE 0 END), 0) "
        f"FROM ({inner_sql}) AS t1",
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
def _time_budget(seconds: float) -> Iterator[None]:
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


_PREFIX_COLUMNS = (Customer.name_folded, Customer.phone)


def _conditions(
    filters: CustomerFilter, the_plan: Plan, usable: Iterable[Field] = ()
) -> list[Node]:
    """Every condition of the filter; on SQLite, columns not in ``usable`` are wrapped in
    ``+`` so the planner cannot choose their index."""
    sqlite = is_sqlite()
    usable_names = {f.name for f in usable}

    def col(field_: Field) -> ColumnBase:
        if not sqlite or field_.name in usable_names:
            return field_
        return _plus(field_)

    conds = []
    if the_plan.ids is not None:
        conds.append(one_of(Customer.id, the_plan.ids))  # one parameter, not one per id
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
        # the bare column, as in the partial index customer_incomplete ("WHERE incomplete"),
        # in a NodeList: a bare Field first in an AND lent its converter to the values of
        # the conditions after it (PostgreSQL got a LIKE pattern as a boolean)
        conds.append(NodeList((Customer.incomplete,)))
    conds.extend(Customer.id_hash == hashed for hashed in the_plan.id_hashes)
    long, short = the_plan.long, the_plan.short
    # also when the FTS drives: its MATCH is a superset (``fts.match_expression``); not when
    # PostgreSQL's trigram ids drive: they are the rows holding the terms (``_plan_pg``),
    # and asked again the planner read the trigram index a second time (8 of 12 ms, "1708")
    if long and the_plan.driver != "trgm":
        for t in long:
            token = the_plan.alternatives.get(t)
            if token:
                conds.append(_contains(t, sqlite) | _contains(token, sqlite))
            else:
                conds.append(_contains(t, sqlite))
    if short:
        rest = short
        if not long:
            rest = short[1:]
            if the_plan.driver != "prefix":
                conds.append(_prefix_condition(short[0], col))
        conds.extend(_word_prefix(t, sqlite) for t in rest)
    return conds


def _where(query: ModelSelect, conds: Iterable[Node]) -> ModelSelect:
    for cond in conds:
        query = query.where(cond)
    return query


def _expression_sql(conds: list) -> tuple[str, list]:
    """SQL of ``conds`` joined by AND, with the table alias ``t1`` peewee gives Customer."""
    sql, params = _where(Customer.select(SQL("1")), conds).sql()
    marker = " WHERE "
    return sql[sql.index(marker) + len(marker) :], list(params)
