"""Demo catalog, branches and referrers: complete, valid and deterministic."""

from __future__ import annotations

import random

import pytest

from patolab_desktop.db.models import Investigation, Referrer
from patolab_desktop.demo import catalog as demo_catalog
from patolab_desktop.services.bootstrap import close_db, open_db
from patolab_desktop.services.catalog import branches, referrers


def _snapshot() -> list[tuple]:
    return [
        (r.name, r.institution, r.phone, r.email, r.type_id)
        for r in Referrer.select().order_by(Referrer.id)
    ]


def test_demo_seed_loads_catalog_branches_and_referrers(database):
    summary = demo_catalog.seed_catalog_and_referrers(random.Random(7), lambda _t: None)
    assert "investigaciones" in summary and "remitentes" in summary
    assert Investigation.select().count() == 31
    active = {b["code"]: b for b in branches.list_active()}
    assert set(active) == {"SPS", "TGU"}
    assert branches.get(branches.default_branch_id()).code == "SPS"
    assert branches.get(active["SPS"]["id"]).name == "San Pedro Sula"
    assert 55 <= Referrer.select().count() <= 70
    doctors = [r for r in Referrer.select() if r.name.startswith(("Dr. ", "Dra. "))]
    assert len(doctors) >= 30
    for referrer in Referrer.select():  # every demo row obeys the service rules
        data = referrers.get(referrer.id)
        assert referrers.validate(data) == {}, (referrer.name, referrers.validate(data))
        assert data.phone.startswith("+504")


@pytest.mark.sqlite_only
def test_demo_seed_is_deterministic(tmp_path, database):
    demo_catalog.seed_catalog_and_referrers(random.Random(2026), None)
    first = _snapshot()
    close_db()
    open_db(tmp_path / "other.db")
    try:
        demo_catalog.seed_catalog_and_referrers(random.Random(2026), None)
        assert _snapshot() == first
    finally:
        close_db()
    open_db(tmp_path / "test.db")  # the fixture closes whatever is open


def test_demo_seed_twice_does_not_duplicate(database):
    demo_catalog.seed_catalog_and_referrers(random.Random(1), None)
    counts = (Investigation.select().count(), Referrer.select().count())
    demo_catalog.seed_catalog_and_referrers(random.Random(1), None)
    assert counts == (Investigation.select().count(), Referrer.select().count())
