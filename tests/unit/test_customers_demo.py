"""Synthetic Honduran customers (services.demo_customers)."""

from __future__ import annotations

import random

import phonenumbers
import pytest

from patolab_desktop.db.models import Customer, Department, Gender, Municipality
from patolab_desktop.demo import customers as demo_customers
from patolab_desktop.services import customers, identity
from patolab_desktop.services.paging import PageRequest
from patolab_desktop.util.text import fold


def _generate(count: int, seed: int = 11) -> int:
    return demo_customers.generate(count, random.Random(seed), lambda _text: None)


@pytest.fixture
def demo(database):
    made = _generate(600)
    return made, list(Customer.select().order_by(Customer.id))


def test_inserts_the_requested_count(demo):
    made, rows = demo
    assert made == 600 and len(rows) == 600


def test_deterministic_for_a_seed(tmp_path):
    from patolab_desktop.services.bootstrap import close_db, open_db

    snapshots = []
    for name in ("a.db", "b.db"):
        open_db(tmp_path / name)
        _generate(50, seed=3)
        snapshots.append(
            [
                (c.uid, c.name, identity.reveal(c.id_number), c.phone, c.email, c.created_at)
                for c in Customer.select().order_by(Customer.id)
            ]
        )
        close_db()
    assert snapshots[0] == snapshots[1]


def test_identity_numbers_start_with_a_real_municipality(demo):
    _made, rows = demo
    codes = {m.code for m in Municipality.select()}
    for row in rows:  # stored encrypted (issue 15, point 13), read through the one module
        assert row.id_number is None or row.id_number.startswith("e1:")
        row.id_number = identity.reveal(row.id_number) or None
    numbers = [r.id_number for r in rows if r.id_number]
    assert len(numbers) == len(set(numbers)), "unique"
    for row in rows:
        if row.id_number is None:
            assert row.incomplete
            continue
        assert row.id_number.isdigit()
        assert len(row.id_number) == (14 if row.type == "empresa" else 13)
        assert row.id_number[:4] in codes
        if row.date_of_birth:
            assert row.id_number[4:8] == f"{row.date_of_birth.year:04d}"


def test_geography_is_consistent(demo):
    _made, rows = demo
    owner = {m.id: m.department_id for m in Municipality.select()}
    for row in rows:
        if row.municipality_id is not None:
            assert owner[row.municipality_id] == row.department_id
    biggest = max(Department.select(), key=lambda d: sum(r.department_id == d.id for r in rows))
    assert biggest.name in ("Francisco Morazán", "Cortés")


def test_phones_are_valid_honduran_numbers(demo):
    _made, rows = demo
    for row in rows:
        for phone in (row.phone, row.secondary_phone):
            if not phone:
                continue
            number = phonenumbers.parse(phone)
            assert phonenumbers.is_valid_number(number), phone
            assert phone.startswith("+504") and phone[4] in "23789"
    assert {r.phone[4] for r in rows} >= {"2", "3", "8", "9"}


def test_patients_companies_names_ages_and_emails(demo):
    _made, rows = demo
    companies = [r for r in rows if r.type == "empresa"]
    patients = [r for r in rows if r.type == "cliente"]
    assert 0.04 < len(companies) / len(rows) < 0.13
    assert all(r.gender_id is None for r in companies)
    genders = {g.id: g.name for g in Gender.select()}
    complete = [p for p in patients if not p.incomplete]
    assert all(genders[p.gender_id] in ("Mujer", "Hombre", "Otro") for p in complete)
    assert all((p.date_of_birth is None) != (p.age is None) for p in complete)
    assert any(p.date_of_birth for p in complete) and any(p.age is not None for p in complete)
    assert all(p.age_recorded_on for p in complete if p.age is not None)
    assert all(p.name == f"{p.first_name} {p.last_name}" for p in patients)
    text = " ".join(r.name for r in rows)
    assert "ñ" in text and any(ch in text for ch in "áéíóú")
    emails = [r.email for r in rows if r.email]
    assert len(emails) > len(rows) * 0.3
    for email in emails:
        assert customers.normalise_email(email) == email


def test_stored_values_follow_the_service_rules(demo):
    """Every complete demo customer passes the same validation as the form."""
    _made, rows = demo
    for row in rows[:150]:
        data = customers.get(row.id)
        if row.incomplete:
            continue
        assert customers.validate(data) == {}, (row.name, customers.validate(data))
        assert row.search_text == customers.search_text_for(
            row.name, identity.search_tokens(identity.reveal(row.id_number)), row.phone, row.email
        )
        assert row.name_folded == fold(row.name)


@pytest.mark.sqlite_only
def test_search_index_is_filled_for_small_and_bulk_loads(database, monkeypatch):
    _generate(40, seed=1)  # triggers keep the index
    monkeypatch.setattr(demo_customers, "REBUILD_THRESHOLD", 10)
    _generate(40, seed=2)  # bulk path: triggers dropped, index rebuilt
    total = Customer.select().count()
    assert total == 80
    indexed = database.execute_sql("SELECT count(*) FROM customer_fts").fetchone()[0]
    assert indexed == total
    some = Customer.select().where(Customer.id == 75).get()
    surname = fold(some.name).split()[-1]
    found = customers.page(
        customers.CustomerFilter(search=surname, include_inactive=True), PageRequest(limit=500)
    ).rows
    assert some.id in [r["id"] for r in found]
    # the triggers are back: a later save is indexed
    data = customers.get(some.id)
    data.first_name, data.last_name = "Zacarías", "Quintanilla Xolotl"
    data.incomplete = True
    customers.update(data)
    assert [
        r["id"]
        for r in customers.page(
            customers.CustomerFilter(search="xolotl", include_inactive=True), PageRequest()
        ).rows
    ] == [some.id]


def test_seeding_twice_with_the_same_seed_adds_nothing(database):
    assert _generate(30, seed=5) == 30
    assert _generate(30, seed=5) == 0
    assert Customer.select().count() == 30
