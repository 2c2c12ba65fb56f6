"""Patient import (seed 001): a row updates the customer it matches (by identity number,
else by phone and name) or adds a new one; incomplete customers are saved and completed."""

from __future__ import annotations

import pytest

from patolab_desktop.db.models import Customer
from patolab_desktop.services import customers
from patolab_desktop.services.customers import CustomerFilter
from patolab_desktop.services.customers import importing as pi
from tests import patient_csv_helpers as csv_files
from tests.patient_csv_helpers import admin, make_customer  # noqa: F401 (admin: a fixture)

pytestmark = pytest.mark.usefixtures("database", "admin")


# --- upserts --------------------------------------------------------------------------------


def test_upsert_by_id_number_updates_the_same_person(tmp_path):
    existing = make_customer(name="José Pérez", phone="9988-7766", id_number="0801199012345")
    rows = [
        ["nombre", "telefono", "email", "dni"],
        ["JOSE PEREZ GARCIA", "3312-4455", "nuevo@example.com", "0801-1990-12345"],
    ]
    plan = pi.analyse(csv_files.write_csv_file(tmp_path / "p.csv", rows))
    assert plan.created == [] and len(plan.updated) == 1
    row = plan.updated[0]
    assert row.customer_id == existing
    assert set(row.changes) == {"nombre", "teléfono", "correo"}
    before = customers.get(existing)
    result = pi.commit(plan)
    assert (result.created, result.updated) == (0, 1)
    after = customers.get(existing)
    assert (after.name, after.phone, after.email) == (
        "JOSE PEREZ GARCIA",
        "+50433124455",
        "nuevo@example.com",
    )
    # empty cells never erase stored data; the record stays complete
    assert (after.gender_id, after.department_id, after.age) == (
        before.gender_id,
        before.department_id,
        before.age,
    )
    assert not after.incomplete
    assert csv_files.customer_count() == 1


def _import_updates(tmp_path, rows, existing: int) -> None:
    """Importing ``rows`` updates exactly the customer ``existing`` (and is committed)."""
    plan = pi.analyse(csv_files.write_csv_file(tmp_path / "p.csv", rows))
    assert [r.customer_id for r in plan.updated] == [existing]
    pi.commit(plan)


def test_upsert_by_phone_and_name_when_there_is_no_id(tmp_path):
    existing = make_customer(name="María Muñoz", phone="3312-4455", id_number="", complete=False)
    rows = [["nombre", "telefono", "email"], ["maria munoz", "+504 3312 4455", "m@example.com"]]
    _import_updates(tmp_path, rows, existing)
    assert csv_files.customer_count() == 1
    assert customers.get(existing).email == "m@example.com"


def test_family_sharing_one_phone_is_never_merged(tmp_path):
    mother = make_customer(name="Ana López", phone="9988-7766", id_number="", complete=False)
    rows = [
        ["nombre", "telefono"],
        ["Ana López", "9988-7766"],  # the mother: update (no change)
        ["Pedro López", "9988-7766"],  # her son: a new person
        ["Lucía López", "99887766"],
    ]  # her daughter: another new person
    plan = pi.analyse(csv_files.write_csv_file(tmp_path / "p.csv", rows))
    assert [r.customer_id for r in plan.updated] == [mother]
    assert csv_files.created_names(plan.created) == ["Pedro López", "Lucía López"]
    pi.commit(plan)
    assert csv_files.customer_count() == 3
    phones = {c.phone for c in Customer.select()}
    assert phones == {"+50499887766"}


def test_id_number_row_fills_the_id_of_a_person_imported_without_one(tmp_path):
    existing = make_customer(name="Ana López", phone="9988-7766", id_number="", complete=False)
    rows = [["nombre", "telefono", "dni"], ["Ana López", "9988-7766", "0801199012345"]]
    _import_updates(tmp_path, rows, existing)
    assert customers.get(existing).id_number == "0801199012345"


def test_same_phone_and_name_but_a_different_id_is_another_person(tmp_path):
    make_customer(name="Ana López", phone="9988-7766", id_number="0801199000001")
    rows = [["nombre", "telefono", "dni"], ["Ana López", "9988-7766", "0801199000002"]]
    plan = pi.analyse(csv_files.write_csv_file(tmp_path / "p.csv", rows))
    assert len(plan.created) == 1 and plan.updated == []


def test_second_import_of_the_same_file_changes_nothing(tmp_path):
    path = csv_files.write_csv_file(tmp_path / "p.csv", csv_files.ACCENTED)
    pi.commit(pi.analyse(path))
    snapshot = csv_files.table_snapshot()
    plan = pi.analyse(path)
    assert plan.created == [] and len(plan.updated) == 3 and plan.unchanged_count == 3
    result = pi.commit(plan)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert csv_files.table_snapshot() == snapshot


def test_inactive_customers_are_not_matched(tmp_path):
    old = make_customer(name="José Pérez", phone="9988-7766", id_number="0801199012345")
    customers.deactivate(old)
    rows = [["nombre", "telefono", "dni"], ["José Pérez", "9988-7766", "0801199012345"]]
    plan = pi.analyse(csv_files.write_csv_file(tmp_path / "p.csv", rows))
    assert len(plan.created) == 1
    pi.commit(plan)
    assert csv_files.customer_count() == 2


def test_duplicate_keys_inside_the_file_are_reported(tmp_path):
    rows = [
        ["nombre", "telefono", "dni"],
        ["José Pérez", "9988-7766", "0801199012345"],  # 2
        ["Pepe Pérez", "3312-4455", "0801-1990-12345"],  # 3 same id as line 2
        ["Ana López", "9988-7766", ""],  # 4
        ["ANA LOPEZ", "+50499887766", ""],
    ]  # 5 same phone+name as line 4
    plan = pi.analyse(csv_files.write_csv_file(tmp_path / "p.csv", rows))
    # a person repeated in the file is merged into the first line (issue 16 F)
    assert [r.line for r in plan.created] == [2, 4] and plan.rejected == []
    reasons = {r.line: r.reason for r in plan.merged}
    assert "línea 2" in reasons[3] and "línea 4" in reasons[5]
    first = plan.created[0]
    assert first.merged_lines == [3] and first.data.name == "Pepe Pérez"  # later values win


def test_two_rows_updating_the_same_customer_are_reported(tmp_path):
    make_customer(name="Ana López", phone="9988-7766", id_number="0801199012345")
    rows = [
        ["nombre", "telefono", "dni"],
        ["Ana López", "9988-7766", "0801199012345"],
        ["Ana López", "9988-7766", ""],
    ]
    plan = pi.analyse(csv_files.write_csv_file(tmp_path / "p.csv", rows))
    assert len(plan.updated) == 1 and plan.rejected == []
    assert "línea 2" in plan.merged[0].reason  # the same person twice: merged


def test_ambiguous_phone_and_name_is_rejected(tmp_path):
    make_customer(name="Ana López", phone="9988-7766", id_number="0801199000001")
    make_customer(name="Ana López", phone="9988-7766", id_number="0801199000002")
    rows = [["nombre", "telefono"], ["Ana López", "9988-7766"]]
    plan = pi.analyse(csv_files.write_csv_file(tmp_path / "p.csv", rows))
    assert "Hay 2 pacientes" in plan.rejected[0].reason


def test_the_id_number_wins_over_a_phone_and_name_match(tmp_path):
    make_customer(name="Ana López", phone="9988-7766", id_number="0801199000001")
    make_customer(name="Eva Ruiz", phone="3312-4455", id_number="", complete=False)
    rows = [["nombre", "telefono", "dni"], ["Eva Ruiz", "3312-4455", "0801199000001"]]
    plan = pi.analyse(csv_files.write_csv_file(tmp_path / "p.csv", rows))
    # the id belongs to Ana: it updates Ana (upsert by id), never two people with one id
    assert plan.updated[0].data.name == "Eva Ruiz"
    assert plan.updated[0].customer_id == Customer.get(Customer.name == "Ana López").id


# --- incomplete customers -------------------------------------------------------------------


def test_seed_001_rows_are_saved_incomplete_and_listed_by_the_filter(tmp_path):
    plan = pi.analyse(csv_files.write_csv_file(tmp_path / "p.csv", csv_files.ACCENTED))
    assert all(r.incomplete for r in plan.created)
    assert plan.created[1].missing == [  # the identity number is optional (issue 16 D)
        "edad",
        "género",
        "departamento",
        "municipio",
    ]
    assert plan.incomplete_count == 3
    result = pi.commit(plan)
    assert result.incomplete == 3
    assert Customer.select().where(Customer.incomplete == True).count() == 3  # noqa: E712
    page = customers.page(CustomerFilter(incomplete_only=True), customers_page_request())
    assert {r["name"] for r in page.rows} == {"José Pérez", "María Muñoz Ávila", "Ñoño Güell"}


def customers_page_request():
    from patolab_desktop.services.paging import PageRequest

    return PageRequest(limit=50)


def test_a_row_with_every_required_value_completes_an_incomplete_customer(tmp_path):
    existing = make_customer(name="Ana López", phone="9988-7766", id_number="", complete=False)
    assert customers.get(existing).incomplete
    rows = [
        ["nombre", "telefono", "dni", "genero", "edad", "departamento", "municipio"],
        ["Ana López", "9988-7766", "0801199012345", "Mujer", "44", "Cortés", "San Pedro Sula"],
    ]
    plan = pi.analyse(csv_files.write_csv_file(tmp_path / "p.csv", rows))
    assert "completo" in plan.updated[0].changes and not plan.updated[0].incomplete
    pi.commit(plan)
    assert not customers.get(existing).incomplete
