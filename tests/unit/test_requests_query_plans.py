"""Issue 20: the plans SQLite picks for the requests list at 2,000,000 requests.

The statistics of the benchmark database (``sqlite_stat1`` rows as ANALYZE wrote them
there) are loaded into a small test database, so the planner decides as it does at
that size. Each test fails when the rule it names is undone.
"""

from __future__ import annotations

import pytest

from patolab_desktop.db.database import db
from patolab_desktop.services import requests
from patolab_desktop.services.requests import counting, filters
from tests.unit.requests_fixtures import lab  # noqa: F401

pytestmark = pytest.mark.sqlite_only

# as ANALYZE wrote them on the benchmark database (1,000,000 customers, 2,000,000 requests):
# table -> {index: stat}
STATS = {
    "request_line": {
        "request_line_lab_request_id_investigation_id": "6770558 4 1",
        "request_line_parent_line_id": "6770558 11",
        "request_line_investigation_id": "6770558 218406",
        "request_line_lab_request_id": "6770558 4",
    },
    "customer": {
        "customer_active_name_folded_id_search_text_type_gender_i_c415363": (
            "1000000 500000 2 1 1 1 1 1 1"
        ),
        "customer_name_folded": "1000000 2",
        "customer_id_hash_active": "1000000 1 1",
        "customer_uid": "1000000 1",
    },
    "lab_request": {
        "lab_request_patient_id": "2000000 3",
        "lab_request_patient_id_requested_at": "2000000 3 1",
        "lab_request_requested_at_id": "2000000 1 1",
        "lab_request_doctor_id": "2000000 33334",
        "lab_request_branch_id": "2000000 1000000",
        "lab_request_request_number": "2000000 1",
        "lab_request_doctor_id_requested_at": "2000000 33334 1",
    },
    "referrer": {
        "referrer_name_folded": "60 1",
        "referrer_type_id": "60 12",
    },
    "branch": {
        "branch_code": "3 1",
    },
}


@pytest.fixture
def big_statistics(lab):  # noqa: F811
    db.execute_sql("ANALYZE")  # creates sqlite_stat1
    tables = ", ".join("?" for _ in STATS)
    db.execute_sql(f"DELETE FROM sqlite_stat1 WHERE tbl IN ({tables})", list(STATS))
    for table, indexes in STATS.items():
        for index, stat in indexes.items():
            db.execute_sql(
                "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (?, ?, ?)", (table, index, stat)
            )
    db.execute_sql("ANALYZE sqlite_schema")  # the planner reads the statistics again
    yield
    db.execute_sql("DELETE FROM sqlite_stat1")


def _plan(query) -> str:
    sql, params = query.sql()
    return " | ".join(row[3] for row in db.execute_sql("EXPLAIN QUERY PLAN " + sql, params))


def test_the_counts_of_a_page_read_the_lines_by_request(big_statistics):
    query = (
        counting.RequestLine.select(counting.RequestLine.lab_request)
        .where(
            counting.RequestLine.lab_request.in_(list(range(1, 101)))  # a page of 100
            & counting.ORDERED_LINE_BY_REQUEST
        )
        .group_by(counting.RequestLine.lab_request)
    )
    plan = _plan(query)
    assert "request_line_lab_request_id" in plan and "parent_line_id" not in plan


def test_a_frequent_patient_name_is_checked_on_the_request_row(big_statistics, monkeypatch):
    """Walking the list newest first, each request is checked on its own copy of its
    patient's search text (schema 15): no customer row is read per walked request, and no
    Bloom filter over every customer (1,000,000: ~390 ms a page)."""
    from patolab_desktop.services.requests import queries, search

    monkeypatch.setattr(search, "_many_patients", lambda *_a: 0)  # every name counts as frequent
    query = filters._where(queries._base_query(), requests.RequestFilter(search="perez"))
    sql, _params = query.sql()
    assert '"patient_search"' in sql and "matching_patient" not in sql
    plan = _plan(query.order_by(queries.LabRequest.requested_at.desc()).limit(100))
    assert "SCAN t1 USING INDEX lab_request_requested_at_id" in plan  # the list's order
    assert "BLOOM FILTER" not in plan


def test_a_frequent_short_name_is_checked_on_the_patient_row(big_statistics, monkeypatch):
    """A name shorter than a trigram is a prefix of the patient's folded name, which the
    copied search text does not hold: each walked request's patient is checked (EXISTS)."""
    from patolab_desktop.services.requests import queries, search

    monkeypatch.setattr(search, "_many_patients", lambda *_a: 0)
    query = filters._where(queries._base_query(), requests.RequestFilter(search="an"))
    plan = _plan(query.order_by(queries.LabRequest.requested_at.desc()).limit(100))
    assert "SCAN t1 USING INDEX lab_request_requested_at_id" in plan
    assert "SEARCH matching_patient USING INTEGER PRIMARY KEY" in plan  # per request
    assert "BLOOM FILTER" not in plan


def test_a_listed_names_page_is_found_on_the_request_rows_first(big_statistics, monkeypatch):
    """A name with few patients: the page's ids come from the requests' patient index
    alone (a covering index, ordered and limited), and only those rows are joined and have
    their lines counted. Sorted with the whole row, every candidate was joined and counted
    before the sort kept a page («ana castillo», 1,990 patients: 32.7 → 15.2 ms, with the
    patient ids as one JSON parameter)."""
    from patolab_desktop.services.paging import PageRequest
    from patolab_desktop.services.requests import queries

    asked = []
    real = queries.keyset_page
    monkeypatch.setattr(queries, "keyset_page", lambda q, *a: asked.append(q) or real(q, *a))
    first = PageRequest(sort="requested_at", descending=True, limit=100)
    requests.page(requests.RequestFilter(search="ana maria perez"), first)
    sql, _params = asked[0].sql()
    assert 'WHERE ("t1"."id" IN (SELECT "t1"."id" FROM "lab_request"' in sql
    plan = _plan(asked[0])
    assert "LIST SUBQUERY" in plan
    assert "COVERING INDEX lab_request_patient_id_requested_at" in plan  # no request row read
