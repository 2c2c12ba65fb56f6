"""The demo request generator makes data that obeys the same rules as real requests."""

from __future__ import annotations

import collections
import datetime as dt
import random
from decimal import Decimal

from patolab_desktop.db.models import LabRequest, RequestCounter, RequestEvent, RequestLine
from patolab_desktop.demo import requests as demo_requests
from patolab_desktop.services import requests
from patolab_desktop.services.requests import numbers as request_numbers
from patolab_desktop.services.requests import pricing as request_pricing
from tests.expected import LINE_STATUS_OF
from tests.unit.requests_fixtures import (  # noqa: F401
    lab,
    make_branch,
    make_customer,
    make_doctor,
    make_investigation,
)

COUNT = 1500


def test_generate_without_catalog_makes_nothing(database):
    assert demo_requests.generate(100, random.Random(1), None) == 0
    assert LabRequest.select().count() == 0


def test_demo_requests_follow_the_rules(lab):
    make_branch("SPS", "San Pedro Sula")
    for i in range(40):
        make_customer(f"Paciente Demo {i}", date_of_birth=dt.date(1935 + i * 2, 3, 1 + i % 27))
    make_customer("Empresa Demo S.A.", type="empresa", date_of_birth=None)
    make_customer("Edad Declarada", date_of_birth=None, age=70, age_recorded_on=dt.date(2024, 1, 1))
    make_doctor("Dra. Demo")
    messages: list[str] = []
    assert demo_requests.generate(COUNT, random.Random(2026), messages.append) == COUNT
    assert messages and "creadas" in messages[-1]

    rows = list(LabRequest.select())
    assert len(rows) == COUNT
    now = dt.datetime.now()
    assert all(
        now - dt.timedelta(days=demo_requests.DAYS + 1) <= r.requested_at <= now for r in rows
    )
    assert (max(r.requested_at for r in rows) - min(r.requested_at for r in rows)).days > 600

    # Numbers: per branch and year, gap-free, in date order, and the counters agree.
    by_key = collections.defaultdict(list)
    for r in sorted(rows, key=lambda r: r.id):
        code, year, sequence = request_numbers.parse_number(r.request_number)
        assert year == r.requested_at.year
        by_key[(r.branch_id, year)].append((r.requested_at, sequence))
    counters = {(c.branch_id, c.year): c.last_number for c in RequestCounter.select()}
    assert set(counters) == set(by_key)
    for key, items in by_key.items():
        assert [s for _at, s in items] == list(range(1, len(items) + 1))
        assert [at for at, _s in items] == sorted(at for at, _s in items)
        assert counters[key] == len(items)

    # Amounts: sums of lines, line discount = price × percent, members at price 0.
    lines = collections.defaultdict(list)
    for line in RequestLine.select():
        lines[line.lab_request_id].append(line)
    average = sum(len(v) for v in lines.values()) / COUNT
    assert 2.5 <= average <= 4.0
    for r in rows:
        mine = lines[r.id]
        assert mine, r.request_number
        assert r.total_amount == sum(ln.price for ln in mine)
        assert r.discount_amount == sum(ln.discount for ln in mine)
        assert r.net_amount == r.total_amount - r.discount_amount
        ids = [ln.investigation_id for ln in mine]
        assert len(ids) == len(set(ids))
        for line in mine:
            assert line.discount == request_pricing.line_discount(line.price, r.discount_percent)
            # lines have their own status (issue 18), following the request's
            assert line.status == LINE_STATUS_OF[r.status]
            if line.parent_line_id is not None:
                assert line.price == 0
        assert (r.discount_kind == "manual") == bool(r.discount_reason)
        assert r.status_rank == requests.STATUS_RANK[r.status]
        assert r.priority_rank == requests.PRIORITY_RANK[r.priority]
    assert any(ln.parent_line_id for ls in lines.values() for ln in ls), "some panels"

    # Status mix, cancels with reasons from cancellable statuses only, completed_at.
    statuses = collections.Counter(r.status for r in rows)
    assert statuses["completed"] > COUNT * 0.8 and statuses["cancelled"] > 0
    kinds = collections.Counter(r.discount_kind for r in rows)
    assert kinds["age"] > 0
    events = collections.defaultdict(list)
    for event in RequestEvent.select().order_by(RequestEvent.id):
        events[event.lab_request_id].append(event)
    for r in rows:
        history = events[r.id]
        assert history[0].action == "created" and r.version == len(history)
        assert (r.completed_at is not None) == (r.status == "completed")
        if r.status == "cancelled":
            assert r.cancellation_reason and r.cancelled_at
            assert history[-1].action == "cancelled" and history[-1].detail == r.cancellation_reason
            assert (
                sum(e.action == "status" for e in history) <= 1
            )  # from pending or sample_collected
        else:
            assert r.cancellation_reason is None

    # The next request typed at the desk continues the numbering without a collision.
    request_id, number = lab.create()
    branch_year = (requests.get(request_id).branch_id, dt.date.today().year)
    assert number.endswith(f"{counters.get(branch_year, 0) + 1:06d}")


def test_demo_age_discount_uses_the_age_on_the_request_date(lab):
    # Born so that the patient turned 60 exactly one year ago: requests before that day have
    # no age discount, later ones have 30 %.
    today = dt.date.today()
    birthday = (
        today.replace(year=today.year - 61)
        if not (today.month == 2 and today.day == 29)
        else dt.date(today.year - 61, 3, 1)
    )
    from patolab_desktop.db.models import Customer

    Customer.update(active=False).execute()
    make_customer("Don Sesenta", date_of_birth=birthday)
    demo_requests.generate(300, random.Random(5), None)
    turned_60 = birthday.replace(year=birthday.year + 60)
    seen = set()
    for r in LabRequest.select().where(LabRequest.discount_kind != "manual"):
        expected = Decimal("30") if r.requested_at.date() >= turned_60 else Decimal("0")
        assert r.discount_percent == expected, (r.requested_at, r.discount_percent)
        seen.add(expected)
    assert seen == {Decimal("0"), Decimal("30")}
