"""Customer search, filters, sorts and keyset pages (services.customers.page / count)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from patolab_desktop.db import search as fts
from patolab_desktop.db.models import Customer
from patolab_desktop.services import customers, identity
from patolab_desktop.services.customers import search as customer_search
from patolab_desktop.services.customers import search_plan
from patolab_desktop.services.paging import PageRequest
from tests.conftest import PG_URL
from tests.paging_helpers import every_page, one_page

F = customers.CustomerFilter

PEOPLE = [
    # first, last, id_number, phone, email, gender, municipality
    (
        "Homero",
        "Peréz Castañeda",
        "0501-1980-00001",
        "9988-7766",
        "homero@correo.hn",
        "Hombre",
        "sps",
    ),
    (
        "José",
        "Pérez Muñoz",
        "0801-1990-12345",
        "3344-5566",
        "jose.perez@gmail.com",
        "Hombre",
        "tegucigalpa",
    ),
    ("María José", "Núñez Ordóñez", "0801-1975-22222", "8877-6655", "", "Mujer", "tegucigalpa"),
    (
        "Ana",
        "Muñoz Zúñiga",
        "0502-2001-33333",
        "2550-1234",
        "ana.munoz@yahoo.com",
        "Mujer",
        "choloma",
    ),
    ("Juan Carlos", "López García", "0501-1966-44444", "9911-2233", "", "Hombre", "sps"),
    ("Mario", "Paz", "0501-1999-55555", "9123-4567", "", "Otro", "sps"),
]


@pytest.fixture
def people(patient, geo, genders):
    ids = {}
    for first, last, number, phone, email, gender, place in PEOPLE:
        department = geo["fm"] if place == "tegucigalpa" else geo["cortes"]
        ids[first] = customers.create(
            patient(
                first_name=first,
                last_name=last,
                id_number=number,
                phone=phone,
                email=email,
                gender_id=genders[gender],
                department_id=department,
                municipality_id=geo[place],
            )
        )
    return ids


def names(filters: F, **request) -> list[str]:
    return [r["name"] for r in customers.page(filters, PageRequest(**request)).rows]


@pytest.mark.parametrize(
    "term, expected",
    [
        ("perez", {"Homero Peréz Castañeda", "José Pérez Muñoz"}),
        ("PÉREZ", {"Homero Peréz Castañeda", "José Pérez Muñoz"}),
        ("munoz", {"José Pérez Muñoz", "Ana Muñoz Zúñiga"}),
        ("muñoz", {"José Pérez Muñoz", "Ana Muñoz Zúñiga"}),
        ("zuniga", {"Ana Muñoz Zúñiga"}),
        ("0801", {"José Pérez Muñoz", "María José Núñez Ordóñez"}),
        ("0801-1990", {"José Pérez Muñoz"}),
        ("0801199012345", {"José Pérez Muñoz"}),
        ("9988-7766", {"Homero Peréz Castañeda"}),
        ("+504 9988 7766", {"Homero Peréz Castañeda"}),
        ("50499887766", {"Homero Peréz Castañeda"}),
        ("gmail.com", {"José Pérez Muñoz"}),
        ("ana.munoz@yahoo", {"Ana Muñoz Zúñiga"}),
        ("jose perez", {"José Pérez Muñoz"}),
        ("perez jose", {"José Pérez Muñoz"}),
        ("jose  nunez", {"María José Núñez Ordóñez"}),
        ("lopez garcia carlos", {"Juan Carlos López García"}),
        ("jose p", {"José Pérez Muñoz"}),  # a short term next to a long one starts a word
        ("ma", {"María José Núñez Ordóñez", "Mario Paz"}),  # alone: prefix of the name
        ("m", {"María José Núñez Ordóñez", "Mario Paz"}),
        ("pa", set()),  # "Paz" is not the start of the name
        # identity numbers are encrypted at rest: searched whole (keyed hash) or by their
        # 4- and 8-digit prefixes (keyed tokens), never by a shorter prefix
        ("08", set()),
        ("99", {"Homero Peréz Castañeda", "Juan Carlos López García"}),  # phone prefix
        ("xyz", set()),
        ("", {p[0] + " " + p[1] for p in PEOPLE}),
    ],
)
def test_search(people, term, expected):
    assert set(names(F(search=term))) == expected


def test_search_results_sorted_by_name(people):
    assert names(F(search="perez")) == ["Homero Peréz Castañeda", "José Pérez Muñoz"]
    assert names(F(search="perez"), descending=True) == [
        "José Pérez Muñoz",
        "Homero Peréz Castañeda",
    ]


def test_row_dict_for_the_table(people):
    row = customers.page(F(search="0801-1990-12345"), PageRequest()).rows[0]
    assert row["id"] == people["José"]
    assert row["name"] == "José Pérez Muñoz"
    assert row["id_number"] == "0801-1990-12345"
    assert row["type"] == "cliente" and row["type_label"] == "Paciente"
    assert row["age"] == customers.age_on(people["José"], dt.date.today())
    assert row["gender"] == "Hombre"
    assert row["phone"] == "+504 3344-5566"
    assert row["email"] == "jose.perez@gmail.com"
    assert row["department"] == "Francisco Morazán"
    assert row["municipality"] == "Tegucigalpa D.C."
    assert isinstance(row["created_at"], dt.datetime)
    assert row["active"] is True and row["incomplete"] is False


def test_rows_share_the_words_many_customers_have(people):
    """The list keeps every row it scrolled through: the type, gender, department and
    municipality of two customers who have the same are one string, not a copy each."""
    rows = customers.page(F(), PageRequest(limit=100)).rows
    for key in ("type", "gender", "department", "municipality"):
        by_text: dict[str, int] = {}
        for row in rows:
            by_text.setdefault(row[key], id(row[key]))
            assert id(row[key]) == by_text[row[key]], key
        assert any(list(r[key] for r in rows).count(t) > 1 for t in by_text), key


def test_filters(people, geo, genders, company):
    customers.create(company())
    assert names(F(type="empresa")) == ["Inversiones Zúñiga S. de R.L."]
    assert "Inversiones Zúñiga S. de R.L." not in names(F(type="cliente"))
    assert names(F(gender_id=genders["Otro"])) == ["Mario Paz"]
    assert set(names(F(department_id=geo["fm"]))) == {
        "José Pérez Muñoz",
        "María José Núñez Ordóñez",
        "Inversiones Zúñiga S. de R.L.",
    }
    assert names(F(municipality_id=geo["choloma"])) == ["Ana Muñoz Zúñiga"]
    assert names(F(search="zuniga", type="cliente")) == ["Ana Muñoz Zúñiga"]
    assert names(F(search="perez", department_id=geo["cortes"], gender_id=genders["Hombre"])) == [
        "Homero Peréz Castañeda"
    ]


def test_incomplete_filter(people, patient):
    customers.create(
        patient(
            first_name="Importado",
            last_name="Sin Datos",
            id_number="",
            gender_id=None,
            incomplete=True,
        )
    )
    assert names(F(incomplete_only=True)) == ["Importado Sin Datos"]
    assert names(F(incomplete_only=True, search="sin datos")) == ["Importado Sin Datos"]


def test_inactive_hidden_unless_asked(people):
    customers.deactivate(people["Ana"])
    assert "Ana Muñoz Zúñiga" not in names(F())
    assert names(F(search="zuniga")) == []
    assert names(F(search="zuniga", include_inactive=True)) == ["Ana Muñoz Zúñiga"]


def test_search_follows_updates_and_deletes(people):
    data = customers.get(people["Mario"])
    data.last_name = "Maradiaga"
    customers.update(data)
    assert names(F(search="maradiaga")) == ["Mario Maradiaga"]
    assert names(F(search="mario paz")) == []
    Customer.delete().where(Customer.id == people["Mario"]).execute()
    assert names(F(search="maradiaga")) == []


@pytest.mark.parametrize("sort", ["name", "created_at", "id_number", "phone"])
@pytest.mark.parametrize("descending", [False, True])
def test_keyset_pages_cover_every_row_once_in_order(people, patient, sort, descending):
    # two without id_number (NULL, document "ninguno") and equal names: ties, NULL cursors
    for n in range(2):
        customers.create(
            patient(
                first_name="Ana",
                last_name="Muñoz Zúñiga",
                id_number="",
                gender_id=None,
                incomplete=True,
                phone=f"9900-000{n}",
            )
        )
    everything = one_page(customers.page, F(), sort, descending)
    assert len(everything) == len(PEOPLE) + 2
    seen = [r["id"] for r in every_page(customers.page, F(), sort, descending, limit=3)]
    assert seen == [r["id"] for r in everything]
    raw = {c.id: c for c in Customer.select()}
    keys = {
        "name": lambda i: (raw[i].name_folded, i),
        "created_at": lambda i: (raw[i].created_at, i),
        "id_number": lambda i: (raw[i].document_type, i),  # the numbers are encrypted
        "phone": lambda i: (raw[i].phone, i),
    }
    assert seen == sorted(seen, key=keys[sort], reverse=descending)


def test_unknown_sort_falls_back_to_name(people):
    assert names(F(), sort="nope") == names(F(), sort="name")


def test_count_is_exact_up_to_the_cap(people):
    assert customers.count(F()) == len(PEOPLE)
    assert customers.count(F(search="perez")) == 2
    assert customers.count(F(search="m")) == 2
    assert customers.count(F(search="xyz")) == 0
    assert customers.count(F(), cap=3) == 4  # "more than 3"
    assert customers.count(F(search="0801"), cap=1) == 2
    assert customers.count_label(4, cap=3) == "más de 3 clientes"
    assert customers.count_label(1) == "1 cliente"


def test_iter_rows_streams_every_match(people):
    rows = list(customers.iter_rows(F(search="perez")))
    assert [r["name"] for r in rows] == ["Homero Peréz Castañeda", "José Pérez Muñoz"]
    assert len(list(customer_search.iter_rows(F(), chunk=2))) == len(PEOPLE)


def test_parse_terms():
    assert search_plan.parse_terms(" José  PÉREZ 9988-7766 +504 ") == [
        "jose",
        "perez",
        "99887766",
        "504",
    ]
    assert search_plan.parse_terms("jose jose") == ["jose"]
    assert search_plan.parse_terms("o'neil a.b@c.hn") == ["o'neil", "a.b@c.hn"]


# --- the plans give the same answers --------------------------------------------------------

QUERIES = [
    F(search="perez"),
    F(search="m"),
    F(search="08"),
    F(search="jose p"),
    F(search="munoz", type="cliente"),
    F(search="9"),
    F(department_id=None),
    F(search="zuniga ana"),
]


def _all(filters, sort, descending):
    if descending:
        request = PageRequest(sort=sort, descending=True, limit=1000)
        return [r["id"] for r in customers.page(filters, request).rows]
    return [r["id"] for r in customer_search.iter_rows(filters, sort=sort, chunk=2)]


@pytest.mark.parametrize("mode", ["candidates", "walk", "fallback"])
def test_every_plan_gives_the_same_rows(people, geo, genders, monkeypatch, mode):
    queries = QUERIES + [
        F(search="perez", municipality_id=geo["sps"]),
        F(gender_id=genders["Mujer"], search="ana"),
        F(department_id=geo["fm"], search="jo"),
    ]
    expected = {}
    for index, filters in enumerate(queries):
        for sort in customers.SORTS:
            for descending in (False, True):
                expected[index, sort, descending] = _all(filters, sort, descending)
    if mode == "candidates":  # always drive by the smallest source
        monkeypatch.setattr(search_plan, "IN_ROW_COST", 0)
    elif mode == "walk":  # every source is "too big": walk the sort index
        monkeypatch.setattr(search_plan, "CANDIDATE_CAP", 0)
        monkeypatch.setattr(search_plan, "DENSE_WALK", 10**12)
        monkeypatch.setattr(search_plan, "NAME_DENSE_WALK", 10**12)
    else:  # every walk runs out of time at once: a source drives instead
        monkeypatch.setattr(search_plan, "CANDIDATE_CAP", 0)
        monkeypatch.setattr(search_plan, "WALK_BUDGET", -1.0)
        monkeypatch.setattr(search_plan, "NAME_WALK_BUDGET", -1.0)
        monkeypatch.setattr(search_plan, "BUDGET_CHECK_EVERY", 1)
    for index, filters in enumerate(queries):
        for sort in customers.SORTS:
            for descending in (False, True):
                assert _all(filters, sort, descending) == expected[index, sort, descending], (
                    filters,
                    sort,
                    descending,
                )


@pytest.mark.sqlite_only
def test_planner_picks_a_small_source_or_walks(people, geo, monkeypatch):
    # the whole (small) name index is within the probe: the walk fills the page at once,
    # and no candidate list is fetched (issue 20)
    short_walk = search_plan.plan(F(search="zuniga"), "name", 100)
    assert short_walk.driver == "" and not any(s.fetched for s in short_walk.sources)
    monkeypatch.setattr(search_plan, "DENSE_WALK", 0)  # a walk of unknown length
    monkeypatch.setattr(search_plan, "NAME_DENSE_WALK", 0)
    small = search_plan.plan(F(search="zuniga"), "name", 100)
    assert small.driver == "fts" and small.ids is not None
    walk = search_plan.plan(F(search="m"), "name", 100)
    assert walk.driver == "" and walk.ids is None  # the name index walk is the prefix range
    assert search_plan.plan(F(municipality_id=geo["choloma"]), "name", 100).driver in (
        "municipality",
    )


@pytest.mark.sqlite_only
def test_slow_walk_switches_to_the_smallest_source(people, monkeypatch):
    monkeypatch.setattr(search_plan, "CANDIDATE_CAP", 0)
    monkeypatch.setattr(search_plan, "NAME_WALK_BUDGET", -1.0)
    monkeypatch.setattr(search_plan, "BUDGET_CHECK_EVERY", 1)
    used = []
    original = search_plan._fallback
    monkeypatch.setattr(search_plan, "_fallback", lambda p: used.append(original(p)) or used[-1])
    assert names(F(search="perez")) == ["Homero Peréz Castañeda", "José Pérez Muñoz"]
    assert used and used[0].name == "fts"


@pytest.mark.sqlite_only
def test_probe_sees_matches_clustered_late_in_the_name_order(register, monkeypatch):
    for n in range(40):
        register(first_name=f"Abel {n:02d}", last_name="Andino")
    for n in range(5):
        register(first_name=f"Zoe {n}", last_name="Zelaya")
    filters = F(search="zelaya")
    # evenly spread, 5 matches in 45 rows would fill a 3-row page after ~27 entries: walk
    monkeypatch.setattr(search_plan, "PROBE", 1000)
    assert search_plan.plan(filters, "name", 3).driver == ""
    # the first 10 entries of the walk hold no match: sorting the 5 candidates is cheaper
    monkeypatch.setattr(search_plan, "PROBE", 10)
    assert search_plan.plan(filters, "name", 3).driver == "fts"
    assert names(filters, limit=3) == ["Zoe 0 Zelaya", "Zoe 1 Zelaya", "Zoe 2 Zelaya"]


def test_wildcard_characters_are_literal(register):
    register(first_name="Ana", last_name="Uno", email="ana_b@correo.hn")
    register(first_name="Ana", last_name="Dos", email="anaxb@correo.hn")
    register(first_name="Ana", last_name="Tres", email="ana%b@correo.hn")
    assert names(F(search="ana_b")) == ["Ana Uno"]
    assert names(F(search="a%b")) == ["Ana Tres"]


@pytest.mark.parametrize("mode", ["candidates", "walk"])
def test_rows_holding_every_trigram_of_the_cover_but_not_the_term_are_left_out(
    register, monkeypatch, mode
):
    # the index is asked for the cover of "martinez" ("mar", "tin", "nez"); this customer
    # holds all three but not the word, so only the exact substring test can drop her
    register(first_name="Marta", last_name="Tinoco Núñez")
    register(first_name="Rosa", last_name="Martínez")
    from patolab_desktop.db import search

    assert search.cover("martinez") == ["mar", "tin", "nez"]
    if mode == "candidates":
        monkeypatch.setattr(search_plan, "IN_ROW_COST", 0)
    else:
        monkeypatch.setattr(search_plan, "CANDIDATE_CAP", 0)
    assert names(F(search="martinez")) == ["Rosa Martínez"]
    assert customers.count(F(search="martinez")) == 1


def test_cover_spans_the_term():
    from patolab_desktop.db import search

    assert search.cover("ana") == ["ana"]
    assert search.cover("carl") == ["car", "arl"]
    assert search.cover("fernando") == ["fer", "nan", "ndo"]
    assert search.match_expression(["jose", "ab", "josefa"]) == ('"jos" AND "ose" AND "efa"')


def test_a_dense_walk_fetches_no_candidates_on_either_backend(people, monkeypatch):
    """Issue 20: when the probe finds the matches dense along the name order, the page is
    the walk and no candidate list is read first (on PostgreSQL, no trigram fetch)."""
    the_plan = search_plan.plan(F(search="zuniga"), "name", 100)  # all within the probe
    assert the_plan.ids is None and not any(s.fetched for s in the_plan.sources)
    monkeypatch.setattr(search_plan, "DENSE_WALK", 0)  # a walk of unknown length
    monkeypatch.setattr(search_plan, "NAME_DENSE_WALK", 0)
    assert search_plan.plan(F(search="zuniga"), "name", 100).ids is not None


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL-only (make test-pg)")
def test_a_term_sampled_above_twice_the_cap_walks_without_reading_the_trigram_list(
    people, monkeypatch
):
    """Issue 20: on PostgreSQL the matches are first counted on a sample of the table's
    pages; a term sampled at more than twice the cap walks the name order without reading
    its trigram list ("luis", 1,000,000 customers: 26 ms of list read for nothing)."""
    expected = _all(F(search="perez"), "name", False)
    monkeypatch.setattr(search_plan, "_probe_density", lambda *_a: 1e-9)  # no quick walk
    monkeypatch.setattr(search_plan, "PG_SAMPLE_PERCENT", 100)  # the sample: every page
    matches = len(expected)
    listed = search_plan.plan(F(search="perez"), "name", 100, cap=matches // 2)
    assert listed.sources and listed.sources[0].fetched  # sampled at twice the cap: read
    walked = search_plan.plan(F(search="perez"), "name", 100, cap=matches // 2 - 1)
    assert walked.ids is None and walked.sources and not walked.sources[0].fetched
    monkeypatch.setattr(search_plan, "PG_TRIGRAM_CAP", matches // 2 - 1)
    assert _all(F(search="perez"), "name", False) == expected


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL-only (make test-pg)")
@pytest.mark.parametrize(
    ("sort", "include_inactive", "descending"),
    [
        ("name", False, False),
        ("name", True, False),
        ("name", True, True),
        ("created_at", False, False),
    ],
)
def test_a_walk_by_name_runs_alone_already_in_name_order_then_its_rows_by_id(
    people, monkeypatch, sort, include_inactive, descending
):
    """Issue 20: on PostgreSQL a walked page's ids are found in a statement of their own,
    by name with sorting off too, so its plan is one already in the name order whatever
    the planner estimates of the LIKE (at 1,000,000 customers it took the phone's index
    and sorted: «ordóñez» 1.6-1.9 s instead of 10 ms); the page's rows are then read by
    id with every planner method on. With the inactive ones the name index and an
    incremental sort (plain index scans off too made it a full sort: 1.5 s); without, no
    incremental sort («931»: the name index alone, 19 ms; covering index, 5 ms). Another sort
    walks with sorting on, as before."""
    from patolab_desktop.db.database import db

    filters = F(search="perez", include_inactive=include_inactive)
    expected = _all(filters, sort, descending)
    monkeypatch.setattr(search_plan, "_probe_density", lambda *_a: 1e-9)  # no quick walk
    monkeypatch.setattr(search_plan, "PG_SAMPLE_PERCENT", 100)  # the sample: every page
    monkeypatch.setattr(search_plan, "PG_TRIGRAM_CAP", len(expected) // 2 - 1)  # walks
    real = db.obj.execute_sql
    seen: list[tuple[str, object, str]] = []  # each customer query, and enable_sort
    shown = "SELECT current_setting('enable_sort'), current_setting('enable_incremental_sort')"
    incremental = set()  # enable_incremental_sort at the walks

    def record(sql, params=None, *args, **kwargs):
        if sql.startswith("SELECT") and '"customer"' in sql:
            on, incremental_on = real(shown).fetchone()
            seen.append((sql, params, on))
            if sql.startswith('SELECT "t1"."id" FROM "customer"'):
                incremental.add(incremental_on)
        return real(sql, params, *args, **kwargs)

    monkeypatch.setattr(db.obj, "execute_sql", record)
    assert _all(filters, sort, descending) == expected
    walks = [each for each in seen if each[0].startswith('SELECT "t1"."id" FROM "customer"')]
    assert walks  # the page's ids, alone
    if sort != "name":
        assert {on for *_rest, on in walks} == {"on"}
        return
    assert {on for *_rest, on in walks} == {"off"}
    assert all(on == "on" for sql, _p, on in seen if (sql, _p, on) not in walks)
    assert incremental == {"on" if include_inactive else "off"}  # off: the covering index
    with search_plan._walk_only(ordered=True, inactive_too=include_inactive):
        plan = [row[0].strip() for row in real("EXPLAIN " + walks[0][0], walks[0][1])]
    assert not any(line.startswith(("Sort  (", "->  Sort  (")) for line in plan), plan
    # words, active customers only: the narrow index of schema 18 (test_name_walk_index.py)
    expected_scan = "Index Scan" if include_inactive else "Index Only Scan using customer_name_walk"
    assert any(expected_scan in line for line in plan), plan


def test_a_name_with_a_whole_identity_number_sorted_by_name(people):
    """A name and a whole DNI typed together, sorted by name: the number is found through
    its hash, which the name index's probe cannot read (it failed with "no such column:
    t1.id_hash" on both backends)."""
    wanted = people["José"]  # José Pérez Muñoz, 0801-1990-12345
    for term in ("perez 0801-1990-12345", "0801199012345 perez"):
        found = customers.page(F(search=term), PageRequest(limit=10, sort="name"))
        assert [row["id"] for row in found.rows] == [wanted], term


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL-only (make test-pg)")
@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("include_inactive", [False, True])
def test_trigram_candidates_sorted_by_the_names_read_with_them_page_alike(
    people, patient, monkeypatch, descending, include_inactive
):
    """Issue 20: on PostgreSQL, when the trigram list drives a search by name, its
    candidates come with their folded names and are sorted as arrays in the database,
    not read again by id; every keyset page is the same as the walk's, including names
    with the characters an array literal escapes and an inactive customer."""
    for first in ('Pérez "Tito"', "Pérez {a,b}", "Pérez \\ Barra", "Pérez 'O"):
        customers.create(patient(first_name=first, last_name="Perez Inactivo"))
    gone = customers.create(patient(first_name="Zoila", last_name="Pérez Baja"))
    Customer.update(active=False).where(Customer.id == gone).execute()
    filters = F(search="perez", include_inactive=include_inactive)

    def pages() -> list:
        return [r["id"] for r in every_page(customers.page, filters, "name", descending, 2)]

    walked = pages()
    assert (gone in walked) == include_inactive and len(walked) >= 6
    monkeypatch.setattr(search_plan, "_probe_density", lambda *_a: 1e-9)  # the list drives
    the_plan = search_plan.plan(filters, "name", 2)
    assert the_plan.driver == "trgm" and the_plan.keys is not None
    sorted_by_keys = []
    original = customer_search._page_of_candidates
    monkeypatch.setattr(
        customer_search,
        "_page_of_candidates",
        lambda *a: sorted_by_keys.append(1) or original(*a),
    )
    assert pages() == walked
    assert sorted_by_keys


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL-only (make test-pg)")
@pytest.mark.parametrize("descending", [False, True])
def test_the_page_after_a_row_renamed_meanwhile_starts_at_its_old_place(
    people, patient, monkeypatch, descending
):
    """Issue 20: the trigram candidates' next page starts after the previous page's last
    row, found among them. Renamed by another desk meanwhile, that row is no longer
    there: the page is the candidates after its old key, as the walk gives it."""
    for first in ("Ana", "Berta", "Carla", "Diana", "Elena"):
        customers.create(patient(first_name=first, last_name="Perez Paginada"))
    filters = F(search="paginada")
    request = PageRequest(sort="name", descending=descending, limit=2)
    first = customers.page(filters, request)
    renamed = first.rows[-1]["id"]
    Customer.update(name="Mario Perez Paginada", name_folded="mario perez paginada").where(
        Customer.id == renamed
    ).execute()
    following = dataclasses.replace(request, after=first.cursor)
    walked = [row["id"] for row in customers.page(filters, following).rows]
    monkeypatch.setattr(search_plan, "_probe_density", lambda *_a: 1e-9)  # the list drives
    assert search_plan.plan(filters, "name", 2).driver == "trgm"
    listed = [row["id"] for row in customers.page(filters, following).rows]
    assert listed == walked and len(listed) == 2 and renamed not in listed


def test_a_name_walks_a_longer_stretch_than_a_number_before_listing_candidates(people, monkeypatch):
    """Issue 20: a probe promising a page within 40,000 entries of the name order: a name
    walks the covering index at once (the candidate list of "jose" took 30 ms on
    PostgreSQL before the same walk of 7 ms); a 4-digit term, checked against its identity
    token too and spread evenly, lists its candidates ("0708": 12 + 9 ms, walked 40 ms)."""
    monkeypatch.setattr(search_plan, "_probe_density", lambda *_a: 100 / 40_000)
    name = search_plan.plan(F(search="perez"), "name", 100)
    assert name.sources and not any(source.fetched for source in name.sources)
    number = search_plan.plan(F(search="9988"), "name", 100)
    assert number.alternatives and any(source.fetched for source in number.sources)
    monkeypatch.undo()
    expected = {f: _all(F(search=f), "name", False) for f in ("perez", "9988")}
    monkeypatch.setattr(search_plan, "_probe_density", lambda *_a: 100 / 40_000)
    assert {f: _all(F(search=f), "name", False) for f in ("perez", "9988")} == expected


TWO_OF_0801 = ["José Pérez Muñoz", "María José Núñez Ordóñez"]


@pytest.mark.parametrize("term, expected", [("0801", TWO_OF_0801), ("0801-1990", TWO_OF_0801[:1])])
@pytest.mark.parametrize("mode", ["candidates", "walk"])
def test_a_dni_prefix_finds_its_token_not_one_that_shares_its_indexed_letters(
    people, monkeypatch, mode, term, expected
):
    """Issue 20: PostgreSQL lists the rows of a DNI prefix's token by some of its letters
    (a municipality's: by the first token) and checks the whole token on each row: a row
    holding another token with the same first letters is not found."""
    token = identity.prefix_token(term.replace("-", ""))
    indexed = fts.TOKEN_INDEXED.stop
    assert token and len(token) > indexed
    near = token[:indexed] + token[indexed:].translate(str.maketrans("AB", "BA"))
    near = near if near != token else token[:-1] + ("A" if token[-1] != "A" else "B")
    Customer.update(search_text=Customer.search_text.concat(" " + near)).where(
        Customer.id == people["Mario"]
    ).execute()
    monkeypatch.setattr(search_plan, "DENSE_WALK", 0)  # no walk at once: a list first
    monkeypatch.setattr(search_plan, "NAME_DENSE_WALK", 0)
    if mode == "candidates":  # PostgreSQL: the trigram list drives the page
        monkeypatch.setattr(search_plan, "IN_ROW_COST", 0)
        assert search_plan.plan(F(search=term), "name", 100).ids is not None
    else:
        monkeypatch.setattr(search_plan, "CANDIDATE_CAP", 0)
    assert names(F(search=term), sort="name") == expected
    assert customers.count(F(search=term)) == len(expected)


@pytest.mark.parametrize("sort", ["name", "phone"])
def test_incomplete_and_inactive_with_a_frequent_word(people, patient, monkeypatch, sort):
    """«Mostrar inactivos» + «Solo incompletos» + a word too frequent for its ids to be
    read (over 10,000 at a desk): on PostgreSQL the word's LIKE pattern was sent as a
    boolean (``like_escape(boolean, …)`` does not exist) and the list failed."""
    customers.create(
        patient(
            first_name="Ana", last_name="Importada", id_number="", gender_id=None, incomplete=True
        )
    )
    filters = F(search="ana", incomplete_only=True, include_inactive=True)
    expected = names(filters, sort=sort)
    assert expected == ["Ana Importada"]
    monkeypatch.setattr(search_plan, "CANDIDATE_CAP", 0)  # every source "frequent"
    monkeypatch.setattr(search_plan, "PG_TRIGRAM_CAP", 0)
    assert names(filters, sort=sort) == expected
    assert customers.count(filters) == 1
