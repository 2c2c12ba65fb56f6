"""Issue 20, schema 19: on PostgreSQL the customers of a DNI's municipality («0801») are
listed through a B-tree of the search text's first identity token, and found exactly as
the trigram list found them (the DNI holders and the phones holding the digits)."""

from __future__ import annotations

import re

import pytest

from patolab_desktop.db import migrations
from patolab_desktop.db import search as fts
from patolab_desktop.db.database import db, is_sqlite
from patolab_desktop.db.models import Customer
from patolab_desktop.services import customers, identity
from patolab_desktop.services.customers import formats, search_plan
from patolab_desktop.services.customers.formats import normalise_email
from patolab_desktop.services.paging import PageRequest
from patolab_desktop.util import identity_crypto
from patolab_desktop.util.text import fold
from tests.conftest import PG_URL
from tests.index_helpers import index_names, made_again_by_upgrade

needs_pg = pytest.mark.skipif(not PG_URL, reason="PostgreSQL-only (make test-pg)")


@pytest.fixture
def people(register, company):
    return {
        "dni": register(id_number="0801-1990-12345", phone="9911-2233"),
        "dni_other_year": register(id_number="0801-1975-22222", phone="9911-4455"),
        "phone": register(id_number="0501-1980-00001", phone="3080-1777"),  # digits «0801»
        "elsewhere": register(id_number="0501-1966-44444", phone="9123-4567"),
        "passport": register(document_type="pasaporte", id_number="C1234567", phone="9555-1212"),
        "none": register(id_number="", phone="9444-1313"),
        "rtn": customers.create(company(id_number="08011999123456")),
    }


def _first_token(customer_id: int) -> str | None:
    text = Customer.get_by_id(customer_id).search_text
    found = re.search(identity_crypto.TOKEN_PATTERN, text)
    return found.group() if found else None


def test_a_search_token_has_the_shape_of_the_index_pattern(database):
    for number in ("0801199012345", "08011999123456"):
        tokens = identity.search_tokens(number).split()
        assert len(tokens) == 2
        assert all(re.fullmatch(identity_crypto.TOKEN_PATTERN, t) for t in tokens)


def test_nothing_but_the_tokens_in_a_search_text_is_upper_case(database):
    """The rule the index stands on: a folded name and an e-mail never hold an upper-case
    letter, so the first match of the token pattern is the municipality's token."""
    every_character = "".join(chr(c) for c in range(0x20, 0x10000) if not 0xD800 <= c < 0xE000)
    assert not re.search("[A-Z]", fold(every_character))
    shouting = "KPABCDEFGHIJKLMNOPABCD Ǆ ǅ ẞ ΩMEGA"  # a name written like a token
    tokens = identity.search_tokens("0801199012345")
    email = normalise_email("KPABCDEFGHIJKLMNOPABCD@Example.COM")
    text = formats.search_text_for(shouting, tokens, "+50499887766", email)
    assert re.findall(identity_crypto.TOKEN_PATTERN, text) == tokens.split()


def test_the_first_token_of_a_search_text_is_its_municipality_token(people):
    token = identity.prefix_token("0801")
    assert token is not None
    assert _first_token(people["dni"]) == token
    assert _first_token(people["dni_other_year"]) == token
    assert _first_token(people["rtn"]) == token  # an RTN starts with its municipality too
    assert _first_token(people["phone"]) == identity.prefix_token("0501")
    assert _first_token(people["passport"]) is None
    assert _first_token(people["none"]) is None


def test_the_index_is_made_on_postgresql_only(database):
    assert (fts.DNI_PREFIX_INDEX in index_names()) is (not is_sqlite())
    assert 19 in migrations.POSTGRES_ONLY_STEPS  # an SQLite file is not copied for it


@needs_pg
def test_a_database_of_schema_18_gets_the_index(database):
    made = made_again_by_upgrade(fts.DNI_PREFIX_INDEX, 19)
    assert identity_crypto.TOKEN_PATTERN in made


@needs_pg
def test_the_index_gives_each_customer_its_first_token(people):
    rows = db.execute_sql(
        f"SELECT id, substring(search_text, '{fts.DNI_PREFIX_PATTERN}') FROM customer"
    ).fetchall()
    assert dict(rows) == {customer_id: _first_token(customer_id) for customer_id, _ in rows}


def _municipality_plan(term: str) -> search_plan.Plan:
    token = identity.prefix_token(term)
    assert token is not None
    the_plan = search_plan.Plan(long=[term], short=[], alternatives={term: token})
    return search_plan._plan_pg(the_plan, search_plan.PG_TRIGRAM_CAP)


@needs_pg
def test_a_municipality_lists_the_dni_holders_and_the_phones_with_its_digits(people):
    the_plan = _municipality_plan("0801")
    assert the_plan.driver == "trgm"
    expected = {people["dni"], people["dni_other_year"], people["rtn"], people["phone"]}
    assert set(the_plan.ids or ()) == expected
    page = customers.page(customers.CustomerFilter(search="0801"), PageRequest())
    assert {row["id"] for row in page.rows} == expected


def _holders(term: str) -> tuple[set[int], str]:
    """The ids that ``_holds_token`` finds for ``term``'s token, and the query's plan (no
    sequential scan: the condition must be one an index answers)."""
    token = identity.prefix_token(term)
    assert token is not None
    where, params = search_plan._expression_sql([search_plan._holds_token(token, term)])
    sql = f"SELECT t1.id FROM {Customer._meta.table_name} AS t1 WHERE {where}"
    with search_plan._trigram_scan():
        shown = db.execute_sql(f"EXPLAIN {sql}", params).fetchall()
        found = {r[0] for r in db.execute_sql(sql, params).fetchall()}
    return found, "\n".join(r[0] for r in shown)


@needs_pg
def test_a_municipality_token_is_read_through_its_b_tree_and_a_year_through_the_trigrams(
    people,
):
    found, shown = _holders("0801")
    assert found == {people["dni"], people["dni_other_year"], people["rtn"]}
    assert fts.DNI_PREFIX_INDEX in shown
    found, shown = _holders("08011990")
    assert found == {people["dni"]}
    assert fts.DNI_PREFIX_INDEX not in shown


def test_a_municipality_match_asks_three_trigrams_of_its_token_past_the_kp_mark(database):
    token = identity.prefix_token("0801")
    assert token is not None
    expression = fts.match_expression(["0801"], {"0801": token})
    asked = re.findall(r'"([^"]+)"', expression)
    assert asked == ["080", "801", token[2:5], token[5:8], token[8:11]]


@pytest.mark.parametrize("walk", [True, False], ids=["walk", "candidates"])
def test_a_name_holding_those_trigrams_is_not_taken_for_the_token(
    people, register, monkeypatch, walk
):
    """The MATCH is case-blind and reads part of the token only: a name that holds its
    trigrams is a candidate, and the test of the whole token drops it, whether the page
    walks the name order or is made from the candidates."""
    token = identity.prefix_token("0801")
    assert token is not None
    part = token[2:11].lower()
    lookalike = register(first_name=part[:6], last_name=part[6:], id_number="0501-1977-77777")
    if not walk:  # never dense enough to walk: the candidate list drives
        monkeypatch.setattr(search_plan, "DENSE_WALK", 0)
    filters = customers.CustomerFilter(search="0801")
    the_plan = search_plan.plan(filters, "name", 100)
    assert (the_plan.driver == "") is walk or not is_sqlite()
    if is_sqlite():
        expression = fts.match_expression(["0801"], {"0801": token})
        sql = f"SELECT rowid FROM {fts.FTS_TABLE} WHERE {fts.FTS_TABLE} MATCH ?"
        assert lookalike in {r[0] for r in db.execute_sql(sql, (expression,)).fetchall()}
    found = {row["id"] for row in customers.page(filters, PageRequest()).rows}
    expected = {people["dni"], people["dni_other_year"], people["rtn"], people["phone"]}
    assert found == expected
    assert customers.count(filters) == len(expected)
