"""Issue 20: before it lists the patients of a name, the requests search looks at the
patients of the latest requests. A name that many of them carry is walked in the list's
order at once (listing its patients first read every match of its trigrams: "maria",
1,000,000 customers, 33 ms on PostgreSQL for a page the walk fills in 3 ms)."""

from __future__ import annotations

import datetime as dt

import pytest

from patolab_desktop.services import requests
from patolab_desktop.services.requests import search as request_search
from tests.conftest import PG_URL
from tests.paging_helpers import every_page
from tests.unit.requests_fixtures import lab, make_customer  # noqa: F401

BASE = dt.datetime(2025, 6, 2, 8, 0)


@pytest.fixture
def desk(lab, monkeypatch):  # noqa: F811
    """Eight requests: the four oldest for Li Wu, the four latest for two Marías; the
    search acts as in a laboratory of a million customers where ten patients are many."""
    marias = [make_customer("María Pérez"), make_customer("Rosa María López")]
    other = make_customer("Li Wu")
    for i, patient in enumerate([other] * 4 + marias * 2):
        lab.create(lab.hem, patient_id=patient, requested_at=BASE + dt.timedelta(hours=i))
    monkeypatch.setattr(request_search, "_many_patients", lambda *_a: 10)
    monkeypatch.setattr(
        request_search.customer_search, "customers_upper_bound", lambda database: 1_000_000
    )
    return lab


def _rows(text: str) -> list[dict]:
    return every_page(requests.page, requests.RequestFilter(search=text), "", True, 3, 10)


def test_a_name_frequent_in_the_latest_requests_is_walked_without_listing(desk, monkeypatch):
    monkeypatch.setattr(request_search, "PROBE", 4)
    listed = []
    monkeypatch.setattr(request_search, "_list_patients", lambda *a: listed.append(a) or [])
    search = request_search._search("maria")
    assert search.patient is not None and search.patient_ids is None
    assert listed == []  # the patients of "maria" were not read
    walked = _rows("maria")
    assert [r["patient_name"] for r in walked] == ["Rosa María López", "María Pérez"] * 2


def test_the_walk_and_the_list_give_the_same_rows(desk, monkeypatch):
    monkeypatch.setattr(request_search, "PROBE", 4)
    walked = _rows("maria")
    monkeypatch.setattr(request_search, "PROBE", 100)  # more than the requests: no probe
    assert request_search._search("maria").patient_ids is not None
    assert _rows("maria") == walked and len(walked) == 4


def test_a_name_rare_in_the_latest_requests_lists_its_patients(desk, monkeypatch):
    monkeypatch.setattr(request_search, "PROBE", 4)
    search = request_search._search("li wu")  # in none of the latest four
    assert search.patient_ids is not None and len(search.patient_ids) == 1
    assert [r["patient_name"] for r in _rows("li wu")] == ["Li Wu"] * 4


def test_a_laboratory_with_fewer_requests_than_the_probe_is_not_probed(desk, monkeypatch):
    monkeypatch.setattr(request_search, "PROBE", 9)  # eight requests
    assert request_search._search("maria").patient_ids is not None


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL-only (make test-pg)")
def test_postgresql_checks_a_frequent_name_request_by_request(desk, monkeypatch):
    """As a join, the planner's estimate of a ``LIKE`` made PostgreSQL read every matching
    patient's requests and sort them; a frequent name is checked on each request's copy of
    its patient's search text instead (schema 15), which walks the list in its order."""
    from patolab_desktop.db.models import LabRequest
    from patolab_desktop.services.requests import filters

    monkeypatch.setattr(request_search, "PROBE", 4)
    query = filters._where(LabRequest.select(LabRequest.id), requests.RequestFilter(search="maria"))
    sql, _params = query.sql()
    assert "patient_search" in sql and "JOIN" not in sql
    assert [r["patient_name"] for r in _rows("maria")] == ["Rosa María López", "María Pérez"] * 2


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL-only (make test-pg)")
def test_postgresql_sessions_neither_compile_nor_start_workers(database):  # noqa: F811
    """The desk's queries read a page: no JIT compilation (a walk priced high but stopped
    after a page paid 18 ms compiling) and no parallel workers."""
    from patolab_desktop.db.database import db

    assert db.execute_sql("SHOW jit").fetchone()[0] == "off"
    assert db.execute_sql("SHOW max_parallel_workers_per_gather").fetchone()[0] == "0"


def test_a_walked_name_is_read_in_the_lists_order(desk, monkeypatch):
    """PostgreSQL misjudges a name's share of the requests from its ``LIKE`` (201 rows
    estimated for «fernando» at 2,000,000 requests, 18,150 found) and sorted every match
    (775 ms): the page of a walked name is read with sequential and bitmap scans off."""
    from contextlib import nullcontext

    from patolab_desktop.services.requests import queries

    asked = []
    monkeypatch.setattr(queries, "planner_off", lambda *s: asked.append(s) or nullcontext())
    monkeypatch.setattr(request_search, "PROBE", 4)
    assert [r["patient_name"] for r in _rows("maria")] == ["Rosa María López", "María Pérez"] * 2
    assert asked and set(asked) == {("enable_seqscan", "enable_bitmapscan")}
    asked.clear()
    assert [r["patient_name"] for r in _rows("li wu")] == ["Li Wu"] * 4  # listed: no walk
    assert asked == []
