"""Exportar → Clientes (CSV): seed 000 columns, active customers matching the filters."""

from __future__ import annotations

import datetime as dt

from patolab_desktop.services import csvio, customers
from patolab_desktop.services.customers import export as exports
from patolab_desktop.services.customers import search as customer_search
from tests.expected import CUSTOMER_HEADER

F = customers.CustomerFilter


def _export(tmp_path, filters=None, **kwargs):
    path = tmp_path / "clientes_patolab.csv"
    count = exports.export_customers(filters or F(), path, **kwargs)
    return count, path


def test_columns_bom_and_values(tmp_path, register, company, geo):
    register(
        first_name="José",
        last_name="Pérez Muñoz",
        id_number="0501-1990-12345",
        date_of_birth=dt.date(1990, 5, 17),
        phone="9988-7766",
        email="Jose@Correo.HN",
    )
    customers.create(company(name="=Empresa peligrosa", id_number="0801-1999-123456", email=""))
    count, path = _export(tmp_path)
    assert count == 2
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = csvio.read_csv(path)
    assert rows[0] == CUSTOMER_HEADER
    assert rows[0] == exports.CUSTOMER_COLUMNS
    age = customers.age_on(
        customers.CustomerData(date_of_birth=dt.date(1990, 5, 17)), dt.date.today()
    )
    # sorted by name; formula-like cells neutralised (the company name, the phones)
    assert rows[1] == [
        "'=Empresa peligrosa",
        "0801-1999-123456",
        "Empresa",
        "",
        "",
        "2232-1234",
        "Francisco Morazán",
        "Tegucigalpa D.C.",
        "",
    ]
    assert rows[2] == [
        "José Pérez Muñoz",
        "0501-1990-12345",
        "Cliente",
        str(age),
        "Mujer",
        "9988-7766",
        "Cortés",
        "San Pedro Sula",
        "jose@correo.hn",
    ]


def test_ages_do_not_depend_on_the_servers_date_style(tmp_path, register):
    """The export reads the dates as ``YYYY-MM-DD`` text; on PostgreSQL it asks for that
    form, so a server set to another DateStyle (``SQL, DMY``: ``17/05/1990``) gives the
    same ages."""
    from patolab_desktop.db.database import db, is_sqlite
    from patolab_desktop.db.models import Customer

    born = dt.date(1990, 5, 17)
    declared_on = dt.date(2019, 12, 31)
    register(first_name="Ana", last_name="Born", date_of_birth=born)
    declared = register(first_name="Bea", last_name="Declared", date_of_birth=None, age=30)
    Customer.update(age_recorded_on=declared_on).where(Customer.id == declared).execute()
    today = dt.date.today()
    expected = [
        str(customers.age_on(customers.CustomerData(date_of_birth=born), today)),
        str(customers.age_on(declared, today)),
    ]
    if not is_sqlite():
        db.execute_sql("SET DateStyle = 'SQL, DMY'")
    try:
        _count, path = _export(tmp_path)
    finally:
        if not is_sqlite():
            db.execute_sql("RESET DateStyle")
    assert [row[3] for row in csvio.read_csv(path)[1:]] == expected


def test_declared_age_is_the_age_today(tmp_path, register):
    from patolab_desktop.db.models import Customer

    customer_id = register(date_of_birth=None, age=30)
    today = dt.date.today()
    two_years_ago = dt.date(today.year - 2, today.month, min(today.day, 28))
    Customer.update(age_recorded_on=two_years_ago).where(Customer.id == customer_id).execute()
    _count, path = _export(tmp_path)
    assert csvio.read_csv(path)[1][3] == "32"


def test_only_active_customers_matching_the_filters(tmp_path, register, geo, genders):
    register(first_name="Ana", last_name="Muñoz", municipality_id=geo["choloma"])
    register(first_name="Luis", last_name="Muñoz", gender_id=genders["Hombre"])
    gone = register(first_name="Inés", last_name="Muñoz")
    register(
        first_name="Carla",
        last_name="Reyes",
        department_id=geo["fm"],
        municipality_id=geo["tegucigalpa"],
    )
    customers.deactivate(gone)
    _count, path = _export(tmp_path, F(search="munoz", include_inactive=True))
    assert [r[0] for r in csvio.read_csv(path)[1:]] == ["Ana Muñoz", "Luis Muñoz"]
    _count, path = _export(tmp_path, F(department_id=geo["cortes"], gender_id=genders["Mujer"]))
    assert [r[0] for r in csvio.read_csv(path)[1:]] == ["Ana Muñoz"]
    count, path = _export(tmp_path, F(search="nadie"))
    assert count == 0 and csvio.read_csv(path) == [exports.CUSTOMER_COLUMNS]


def test_same_rows_as_the_list(tmp_path, register, monkeypatch):
    # Fetches of 4 rows: the 30 rows come in 8 batches (on PostgreSQL from a server-side
    # cursor, the next batch read by a helper thread), in the list's order.
    monkeypatch.setattr(customer_search, "EXPORT_BATCH", 4)
    for n in range(30):
        register(first_name=f"Paciente {n:02d}", last_name="Zelaya")
    _count, path = _export(tmp_path, F(search="zelaya"))
    listed = [r["name"] for r in customers.iter_rows(F(search="zelaya"))]
    assert [r[0] for r in csvio.read_csv(path)[1:]] == listed


def test_cancelled_export_writes_no_file(tmp_path, register, monkeypatch):
    monkeypatch.setattr(csvio, "CHUNK", 1)
    for n in range(3):
        register(first_name=f"P{n}")
    count, path = _export(tmp_path, cancelled=lambda: True)
    assert count == 0 and not path.exists()


def test_an_export_cancelled_halfway_leaves_the_connection_ready(tmp_path, register, monkeypatch):
    """Cancelled between two fetches: no file, no transaction or server-side cursor left
    open, and the next export writes every row."""
    from patolab_desktop.db.database import db, is_sqlite

    monkeypatch.setattr(csvio, "CHUNK", 1)
    monkeypatch.setattr(customer_search, "EXPORT_BATCH", 2)
    for n in range(7):
        register(first_name=f"P{n}")
    asked = iter([False] * 3 + [True] * 100)
    count, path = _export(tmp_path, cancelled=lambda: next(asked))
    assert count == 0 and not path.exists()
    assert not db.in_transaction()
    if not is_sqlite():
        assert db.execute_sql("SELECT count(*) FROM pg_cursors").fetchone()[0] == 0
    count, path = _export(tmp_path)
    assert count == 7 and len(csvio.read_csv(path)) == 8


def test_progress_reports_rows(tmp_path, register):
    register()
    seen = []
    _export(tmp_path, progress=seen.append)
    assert seen == [1]


def test_ages_around_today_match_the_age_rule(tmp_path, register):
    """The export computes the age inline for speed; around the birthday it must give what
    ``age_from`` gives: the day before, the day itself, the day after, and a 29 February."""
    today = dt.date.today()
    births = {}
    for shift, first in ((-1, "Ayer"), (0, "Hoy"), (1, "Mañana")):
        day = today + dt.timedelta(days=shift)
        born = dt.date(today.year - 40, day.month, min(day.day, 28))
        births[first] = born
        register(first_name=first, last_name="Cumpleaños", date_of_birth=born)
    births["Bisiesto"] = dt.date(2000, 2, 29)
    register(first_name="Bisiesto", last_name="Cumpleaños", date_of_birth=births["Bisiesto"])
    _count, path = _export(tmp_path)
    ages = {row[0].split()[0]: row[3] for row in csvio.read_csv(path)[1:]}
    assert ages == {
        first: str(customers.age_from(born, None, None, today)) for first, born in births.items()
    }
