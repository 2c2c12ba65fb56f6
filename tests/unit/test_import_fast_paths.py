"""The import's fast paths (issue 8) keep every rule: the search index, phones, e-mails."""

from __future__ import annotations

import pytest
from email_validator import EmailNotValidError, validate_email

from patolab_desktop.db.database import db, write_transaction
from patolab_desktop.db.models import Customer, new_uid, now
from patolab_desktop.services import customers
from patolab_desktop.services.customers import CustomerData
from patolab_desktop.services.errors import ValidationError
from patolab_desktop.util.text import clean
from tests.patient_csv_helpers import (  # noqa: F401 (fixture)
    admin,
    make_customer,
    write_csv_file,
)
from tests.unit.sql_spy import statements


def _fts_ids(term: str) -> set[int]:
    from patolab_desktop.db import search

    rows = db.execute_sql(
        "SELECT rowid FROM customer_fts WHERE customer_fts MATCH ?",
        (search.match_expression(term.split()),),
    ).fetchall()
    return {r[0] for r in rows}


def _trigger_exists() -> bool:
    return (
        db.execute_sql(
            "SELECT 1 FROM sqlite_master WHERE type='trigger' AND name=?",
            (customers.FTS_INSERT_TRIGGER,),
        ).fetchone()
        is not None
    )


def _prepared(name: str, phone: str, id_number: str = "") -> customers.PreparedCustomer:
    item = customers.prepare(
        CustomerData(name=name, phone=phone, id_number=id_number), check_unique=False
    )
    assert not item.errors
    return item


@pytest.mark.sqlite_only
def test_bulk_insert_indexes_every_row_and_restores_the_trigger(database):
    items = [_prepared(f"Zuleyma Ordóñez {n}", f"9{n:07d}") for n in range(7)]
    customers.insert_prepared(items, chunk=3)
    assert len(_fts_ids("zuleyma ordonez")) == 7
    assert _trigger_exists()
    one = _prepared("Zuleyma Laboratorios", "22334455")
    stamp = now()
    later = Customer.insert(
        **one.values, uid=new_uid(), active=True, created_at=stamp, updated_at=stamp, version=1
    ).execute()
    assert later in _fts_ids("zuleyma lab")  # a plain insert: the per-row trigger works again


@pytest.mark.sqlite_only
def test_a_refused_bulk_insert_leaves_index_and_trigger_as_before(database):
    customers.insert_prepared([_prepared("Wendy Banegas", "99001122", "0801199012345")])
    before = _fts_ids("wendy")
    with pytest.raises(ValidationError):
        customers.insert_prepared(
            [
                _prepared("Wendy Banegas Dos", "99001133"),
                _prepared("Otra Wendy", "99001144", "0801199012345"),
            ]
        )
    assert _fts_ids("wendy") == before
    assert _trigger_exists()


@pytest.mark.sqlite_only
def test_an_error_inside_the_outer_transaction_rolls_back_the_dropped_trigger(database):
    with pytest.raises(RuntimeError), write_transaction():
        customers.insert_prepared([_prepared("Xiomara Paz", "99110022")])
        raise RuntimeError("boom")
    assert _trigger_exists()
    assert _fts_ids("xiomara") == set()


def _assert_agrees(normalise, text: str, expected: str | None) -> None:
    """``normalise(text)`` gives what the reference library gives, or refuses (ValueError)
    what it refuses (``expected`` None)."""
    if expected is None:
        with pytest.raises(ValueError):
            normalise(text)
    else:
        assert normalise(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "99887766",
        "9988-7766",
        "9988 7766",
        "+504 9988-7766",
        "+50499887766",
        "+504-99887766",
        "22345678",
        "2234-5678",
        "12345678",
        "0988-7766",
        "6988-7766",
        "9988-776",
        "99887766 ",
        "+1 305 555 0100",
        "504 9988 7766",
        "9٩٨٨٧٧٦٦",  # Arabic-Indic digits
        "９９８８-７７６６",  # full-width digits
    ],
)
def test_phone_fast_path_agrees_with_phonenumbers(text):
    import phonenumbers

    try:
        parsed = phonenumbers.parse(clean(text), "HN")
        ok = phonenumbers.is_valid_number(parsed)
        expected = (
            phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164) if ok else None
        )
    except phonenumbers.NumberParseException:
        expected = None
    _assert_agrees(customers.normalise_phone, text, expected)


def test_local_numbers_are_valid_exactly_when_phonenumbers_says_so():
    """The 8-digit fast path's validity comes from phonenumbers' metadata: every 4-digit
    start (the fixed-line patterns go that deep) with three endings agrees with
    ``is_valid_number``."""
    import random

    import phonenumbers

    from patolab_desktop.services.customers.formats import _VALID_LOCAL

    endings = ["0000", "9999", *(f"{random.Random(n).randrange(10_000):04d}" for n in range(3))]
    for start in range(10_000):
        for end in endings:
            digits = f"{start:04d}{end}"
            number = phonenumbers.PhoneNumber(country_code=504, national_number=int(digits))
            valid = phonenumbers.is_valid_number(number) and digits[0] != "0"
            assert bool(_VALID_LOCAL.match(digits)) is valid, digits


@pytest.mark.parametrize(
    "text",
    [
        "Ana.Perez@Correo.HN",
        "a@b.com",
        ".a@b.com",
        "a.@b.com",
        "a..b@b.com",
        "x@localhost",
        "x@a.test",
        "x@foo..com",
        "x@-a.com",
        "x@a.123",
        "a" * 64 + "@b.com",
        "a" * 65 + "@b.com",
        "x" * 60 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 63 + ".com",
        "josé@correo.hn",
        '"quoted"@b.com',
        "a@b",
        "plain",
        "a+tag@gmail.com",
    ],
)
def test_email_fast_path_agrees_with_email_validator(text):
    try:
        expected = validate_email(text, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        expected = None
    _assert_agrees(customers.normalise_email, text, expected)


@pytest.mark.sqlite_only
def test_inside_a_transaction_the_inserts_are_a_savepoint_unless_the_caller_needs_none(
    database, monkeypatch
):
    """The import rolls back all of itself on any failure: on SQLite its inserts run
    without the savepoint that made SQLite copy every changed page (issue 20)."""
    seen = statements(monkeypatch)
    with write_transaction():
        customers.insert_prepared([_prepared("Yesenia Lara", "99220011")])
    assert any(sql.startswith("SAVEPOINT") for sql in seen)
    seen.clear()
    with write_transaction():
        customers.insert_prepared([_prepared("Yolanda Lara", "99220022")], savepoint=False)
    assert not any(sql.startswith("SAVEPOINT") for sql in seen)
    assert len(_fts_ids("lara")) == 2  # both searchable


def test_without_a_savepoint_a_taken_number_is_still_named_and_the_caller_rolls_back(database):
    holder = _prepared("Wilmer Cruz", "99330011", "0801199054321")
    customers.insert_prepared([holder])
    with pytest.raises(ValidationError) as refused, write_transaction():
        customers.insert_prepared(
            [_prepared("Walter Cruz", "99330022"), _prepared("Otro", "99330033", "0801199054321")],
            savepoint=False,
        )
    assert "id_number" in refused.value.fields
    names = {c.name for c in Customer.select(Customer.name)}
    assert names == {"Wilmer Cruz"}  # the caller's rollback took the whole chunk


def test_bulk_inserted_text_comes_back_exactly_as_prepared(database):
    """On PostgreSQL the rows go in with COPY's text format (issue 20): a tab, a line
    break, a backslash or a literal \\N in a value must come back as it was, and an
    empty value must stay empty, not NULL."""
    odd = "Col. Kennedy\tbloque 3\nzona \\N\\ casa \\\\ 14"
    item = customers.prepare(
        CustomerData(name="Xenia Paz", phone="99440011", address=odd, notes=""),
        check_unique=False,
    )
    assert not item.errors
    customers.insert_prepared([item])
    row = Customer.get(Customer.name == "Xenia Paz")
    assert (row.address, row.notes, row.id_number) == (odd, "", None)
    assert (row.active, row.version, row.is_blocked) == (True, 1, False)


def test_an_import_inserts_its_new_customers_in_name_order(tmp_path, database, admin):
    """Issue 20: the new customers of an import are written in the order of their folded
    names (the name indexes are then filled page after page); the plan and its preview
    stay in file order."""
    from patolab_desktop.services.customers import importing

    names = ["Zoila Ávila", "ana Mejía", "Óscar Núñez", "Bertha Cruz", "Elvin Paz"]
    rows = [["nombre", "telefono"]] + [[n, f"9{i:07d}"] for i, n in enumerate(names)]
    plan = importing.analyse(write_csv_file(tmp_path / "p.csv", rows))
    assert [r.values["name"] for r in plan.created] == names  # the preview: file order
    importing.commit(plan)
    by_id = [c.name for c in Customer.select(Customer.name).order_by(Customer.id)]
    assert by_id == ["ana Mejía", "Bertha Cruz", "Elvin Paz", "Óscar Núñez", "Zoila Ávila"]


def test_a_refused_import_names_the_first_line_of_the_file_not_of_the_name_order(
    tmp_path, database, admin
):
    """Inserted in name order, a chunk refused because two of its id numbers were taken
    meanwhile still names the earlier line of the file."""
    from patolab_desktop.services.customers import importing

    rows = [
        ["nombre", "telefono", "dni"],
        ["Zoila Ávila", "9911-2233", "0801-1990-12345"],
        ["Ana Mejía", "9944-5566", "0801-1985-54321"],
    ]
    plan = importing.analyse(write_csv_file(tmp_path / "p.csv", rows))
    assert len(plan.created) == 2
    # another desk registers both numbers between the preview and the commit
    make_customer(name="Otra Ana", phone="9812-3456", id_number="0801198554321")
    make_customer(name="Otra Zoila", phone="9812-6543", id_number="0801199012345")
    with pytest.raises(importing.PatientImportError, match=r"Línea 2 \(Zoila Ávila\)"):
        importing.commit(plan)
    assert Customer.select().count() == 2
