"""What the requests list's search box asks for ("Buscar por número o paciente"):

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
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

from peewee import SQL, Case, ColumnBase, Expression, Node, fn

from ...db import search as customer_search
from ...db.database import db, is_sqlite, planner_off
from ...db.models import Customer, LabRequest
from ...util.text import clean, fold, search_input
from .. import identity
from . import numbers as request_numbers

# Above ``_many_patients()`` matching patients, the list is walked in its order and each
# request's patient checked, instead of listing the patients' requests. Listing costs about
# one unit per patient; the walk reads about ``PAGE * customers / patients`` requests to
# fill a page (a patient's share of the requests is their share of the customers), each
# about a ninth of a unit. The two meet at ``0.3 * sqrt(PAGE * customers)``: 949 at
# 100,000 customers, 3,000 at 1,000,000 (the value that was fixed before, tuned there:
# 6,000 or 10,000 doubled the p95), 6,708 at 5,000,000. Measured on the requests list
# searched by 45 names (p95 / worst), fixed 3,000 → this rule: 100,000 customers
# 44.8 / 45.9 → 30.1 / 33.7 ms; 5,000,000: 97.6 / 744 ("karla banegas") → 103.6 / 112 ms.
PAGE = 100
WALK_SHARE = 0.09  # cost of checking one walked request against listing one patient
FEWEST_MANY = 100  # a small laboratory: never call fewer than this "many"
PROBE = 1000  # latest requests whose patients are checked before a name's patients are listed
# A branch code (with at least one letter, so a DNI typed with dashes is not taken for a
# number) followed by "-" and digits: "SPS-", "SPS-2026-0001", "SPS-2026-000123".
_NUMBER_PREFIX = re.compile(r"^(?=[A-Z0-9]*[A-Z])[A-Z0-9]{1,10}-[0-9-]*$")
_TOP = "\U0010ffff"  # sorts after any text: "prefix" <= x < "prefix" + _TOP


def _prefix(column: ColumnBase, text: str) -> Expression:
    return (column >= text) & (column < text + _TOP)


class _Search:
    """What the search box asks for, as conditions on the request and on its patient.

    ``request`` is a condition on ``lab_request`` (a number); ``patient_ids`` a short list
    of matching patients (the usual case); ``patient`` a condition on the joined customer
    row, used when a name matches so many patients (e.g. "maria") that listing them costs
    more than checking each request's patient while walking the list in order — such a
    name matches often, so a page fills after a few thousand rows at most.
    """

    def __init__(
        self,
        request: Node | None = None,
        patient_ids: list[int] | None = None,
        patient: Node | None = None,
        nothing: bool = False,
        patient_for: Callable[[Any], Node | None] | None = None,
        by_text: bool = False,
    ) -> None:
        self.request, self.patient_ids = request, patient_ids
        self.patient, self.nothing = patient, nothing
        #: ``patient`` written for another alias of the customer table (``matching_patient``)
        self.patient_for = patient_for
        #: ``patient_for`` checks the search text (every term a trigram or longer)
        self.by_text = by_text

    def on_request(self) -> Node | None:
        """``patient`` checked on the request's own copy of its patient's search text
        (``lab_request.patient_search``, schema 15), so walking the list in its order reads
        no customer row: 1,000,000 customers, «jose martinez» 33 → 4.7 ms a page (SQLite).
        None for a name shorter than a trigram, which is matched on the patient's name
        (a prefix of ``name_folded``, not in the copied text)."""
        if self.patient_for is None or not self.by_text:
            return None
        return self.patient_for(_RequestPatient)

    def matching_patient(self) -> Node:
        """``patient`` as ``EXISTS (the request's patient matches)``, checked request by
        request while the list is walked in its order. As a condition on the joined
        customer row, SQLite (3.38+) first built a Bloom filter of the join by reading
        every customer: 1,000,000 customers, ~390 ms a page for "karla"; this way 7-10 ms
        (issue 20)."""
        if self.patient_for is None:
            raise ValueError("no patient condition")
        patient = Customer.alias("matching_patient")
        condition = self.patient_for(patient)
        return fn.EXISTS(
            patient.select(SQL("1")).where((patient.id == LabRequest.patient) & condition)
        )


class _RequestPatient:
    """The request's copy of its patient's search text, where ``patient_for`` expects a
    customer model (``_patient_terms_condition`` reads only ``search_text``)."""

    search_text = LabRequest.patient_search


def _patient_terms_condition(
    terms: list[str],
    alternatives: dict[str, str] | None = None,
    like: bool = False,
    model: Any = Customer,
) -> Node | None:
    """Every term in the patient's search text; a term with an alternative (a 4- or
    8-digit identity-number prefix: its keyed token) may match either. ``like``: a plain
    ``LIKE``, which the PostgreSQL trigram index serves (the text is folded already).
    Otherwise (SQLite) ``instr``, which tells case apart as PostgreSQL's ``LIKE`` does:
    SQLite's ``LIKE`` ignores ASCII case, and a lower-case term («ana») matched the
    upper-case identity tokens (``…GANAOC…``) of patients who do not carry it, about one
    patient in a hundred for three letters from a to p."""
    alternatives = alternatives or {}

    def contains(term: str) -> Node:
        if like:
            return customer_search.like_substring(model.search_text, term)
        return fn.instr(model.search_text, term) > 0

    def holds_token(token: str) -> Node:
        if like:
            return customer_search.holds_token(model.search_text, token)
        return fn.instr(model.search_text, token) > 0

    condition = None
    for term in terms:
        part = contains(term)
        if term in alternatives:
            part = part | holds_token(alternatives[term])
        condition = part if condition is None else (condition & part)
    return condition


def _many_patients(customers: int | None = None) -> int:
    """How many matching patients are "many" for this database (see ``WALK_SHARE``), given
    its ``customers`` (``customers_upper_bound``, read when not given)."""
    if customers is None:
        customers = customer_search.customers_upper_bound(db)
    return max(FEWEST_MANY, round(math.sqrt(WALK_SHARE * PAGE * customers)))


def _trigram_patient_ids(condition: Node | None, limit: int) -> list[int]:
    """PostgreSQL (issue 20): the ids of the matching patients, read through the trigram
    index (no sequential scan: the planner cannot tell a rare name from a frequent one, and
    a scan of a million customers stopped only after ``limit`` matches) up to ``limit``."""
    sql, params = Customer.select(Customer.id).where(condition).sql()
    with planner_off("enable_seqscan"):
        rows = db.execute_sql(
            f"WITH m AS MATERIALIZED ({sql}) SELECT id FROM m LIMIT {db.param}",
            [*params, limit],
        ).fetchall()
    return [row[0] for row in rows]


def _frequent_in_latest(
    condition_for: Callable[[Any], Node | None], many: int, customers: int
) -> bool:
    """Whether the name is so frequent that listing its patients is not worth it, judged
    on the latest ``PROBE`` requests' patients (their copied search text, read with the
    requests: under a millisecond): their share among those patients, times the customers, is above
    twice ``many``. Listing a frequent name's patients first read every match of its
    trigrams ("maria", 1,000,000 customers, PostgreSQL: 119,097 index entries, 33 ms,
    for a page the walk of the list fills in 3 ms). A laboratory with fewer requests
    than ``PROBE`` is not probed."""
    latest = (
        LabRequest.select(LabRequest.patient_search)
        .order_by(LabRequest.requested_at.desc(), LabRequest.id.desc())
        .limit(PROBE)
        .alias("latest")
    )

    class _Latest:  # the copied search text of the latest requests' patients (schema 15)
        search_text = latest.c.patient_search

    matched = fn.SUM(Case(None, [(condition_for(_Latest), 1)], 0))
    walked, found = latest.select_from(fn.COUNT(SQL("*")), fn.COALESCE(matched, 0)).tuples().get()
    if walked < PROBE:
        return False
    share = found / walked
    return share * customers > 2 * many


def _patient_search(text: str) -> _Search:
    folded = fold(text)
    customers = customer_search.customers_upper_bound(db)  # one max(id) for both rules
    many = _many_patients(customers)
    compact = "".join(folded.replace("-", "").split())
    if compact.isdigit() and len(compact) in (13, 14):
        # a whole DNI / RTN: encrypted at rest, found by its keyed hash (issue 15, 13)
        ids = [
            row[0]
            for row in Customer.select(Customer.id)
            .where(Customer.id_hash == identity.hash_of(compact))
            .limit(many + 1)
            .tuples()
        ]
        return _Search(patient_ids=ids) if ids else _Search(nothing=True)
    terms = folded.split()
    long_terms = [t for t in terms if len(t) >= customer_search.MIN_TRIGRAM]
    alternatives = {t: token for t in terms if (token := identity.prefix_token(t))}
    like = not is_sqlite()  # PostgreSQL: pg_trgm serves LIKE '%term%' on the folded text

    def condition_for(model: Any) -> Node | None:
        if not long_terms:
            return _prefix(model.name_folded, folded)
        return _patient_terms_condition(terms, alternatives, like=like, model=model)

    name_condition = condition_for(Customer)
    if long_terms and _frequent_in_latest(condition_for, many, customers):
        # the latest requests showed the name often: walking the list fills a page soon
        return _Search(patient=name_condition, patient_for=condition_for, by_text=True)
    ids = _list_patients(folded, long_terms, alternatives, name_condition, many + 1)
    if not ids:
        return _Search(nothing=True)
    if len(ids) <= many:
        return _Search(patient_ids=ids)
    return _Search(patient=name_condition, patient_for=condition_for, by_text=bool(long_terms))


def _list_patients(
    folded: str,
    long_terms: list[str],
    alternatives: dict[str, str],
    name_condition: Node | None,
    limit: int,
) -> list[int]:
    """The ids of up to ``limit`` patients whose name matches."""
    if not long_terms:
        # Trigrams need 3+ characters: fall back to the indexed name prefix.
        query = Customer.select(Customer.id).where(name_condition)
        return [row[0] for row in query.limit(limit).tuples()]
    if not is_sqlite():  # PostgreSQL: pg_trgm serves LIKE '%term%' on the folded column
        return _trigram_patient_ids(name_condition, limit)
    # Straight from the FTS table, so the LIMIT stops the index walk early instead of
    # listing every match first. The MATCH is a superset: every term is checked on
    # the row's search text.
    fts = customer_search.FTS_TABLE
    sql = f"SELECT {fts}.rowid FROM {fts} JOIN customer AS c ON c.id = {fts}.rowid"
    params: list = [customer_search.match_expression(long_terms, alternatives)]
    sql += f" WHERE {fts} MATCH ?"
    for term in folded.split():
        if term in alternatives:
            sql += " AND (instr(c.search_text, ?) > 0 OR instr(c.search_text, ?) > 0)"
            params.extend((term, alternatives[term]))
        else:
            sql += " AND instr(c.search_text, ?) > 0"
            params.append(term)
    return [row[0] for row in db.execute_sql(sql + " LIMIT ?", (*params, limit))]


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
    compact = re.sub(r"[\s()+-]", "", upper)  # a phone as typed: +504, (504), dashes
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
