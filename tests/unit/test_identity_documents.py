"""Issue 16 D and C: identity documents that fit real patients, and declared ages
("35", "8m", "3d") stored honestly with the day they were declared."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from patolab_desktop.db.models import Customer
from patolab_desktop.services import customers
from patolab_desktop.services.access import permissions, session
from patolab_desktop.services.errors import ValidationError

from ..security_helpers import login_as


def _errors(data):
    return customers.validate(data)


# --- identity documents -----------------------------------------------------------------


def test_a_patient_without_any_document_is_registered(patient):
    """Babies and foreigners have no DNI: the number is optional for a patient."""
    customer_id = customers.create(patient(id_number="", document_type="ninguno"))
    saved = customers.get(customer_id)
    assert saved.id_number == "" and saved.document_type == "ninguno"
    assert Customer.get_by_id(customer_id).incomplete is False


def test_document_type_follows_the_number_when_not_given(patient):
    customer_id = customers.create(patient(id_number="0501-1990-00001"))
    assert customers.get(customer_id).document_type == "dni"
    rtn_id = customers.create(patient(id_number="05011990000023"))
    assert customers.get(rtn_id).document_type == "rtn"


@pytest.mark.parametrize(
    ("kind", "number", "ok"),
    [
        ("dni", "0501-1990-12345", True),
        ("dni", "0501199012345", True),
        ("dni", "05011990123456", False),  # 14 digits is not a DNI
        ("dni", "0501-1990-1234A", False),
        ("rtn", "05011990123456", True),
        ("rtn", "0501199012345", False),
        ("pasaporte", "F123456", True),
        ("pasaporte", "f 123-456", True),  # spaces and dashes go, letters upper-case
        ("pasaporte", "AB1", False),  # too short
        ("pasaporte", "ABCDEFG", False),  # no digit
        ("pasaporte", "F12345678901234567890", False),  # too long
        ("residente", "CR12345", True),
        ("residente", "CR 12345 ñ", False),
        ("ninguno", "", True),
        ("cédula", "0501199012345", False),  # not a type we know
    ],
)
def test_format_rules_per_document_type(patient, kind, number, ok):
    errors = _errors(patient(document_type=kind, id_number=number))
    assert ("id_number" not in errors) is ok, errors


def test_passport_is_stored_upper_case_without_separators(patient):
    customer_id = customers.create(patient(document_type="pasaporte", id_number="f 123-456"))
    saved = customers.get(customer_id)
    assert (saved.document_type, saved.id_number) == ("pasaporte", "F123456")


def test_dni_must_start_with_a_real_department_and_municipality(patient):
    assert "id_number" not in _errors(patient(document_type="dni", id_number="0801199012345"))
    bad_department = _errors(patient(document_type="dni", id_number="1901199012345"))
    assert "departamento" in bad_department["id_number"] and "19" in bad_department["id_number"]
    zero = _errors(patient(document_type="dni", id_number="0001199012345"))
    assert "departamento" in zero["id_number"]
    # Cortés (05) has 12 municipalities: 0599 is none of them
    bad_municipality = _errors(patient(document_type="dni", id_number="0599199012345"))
    assert "municipio" in bad_municipality["id_number"]
    # 1801 is Yoro's Yoro, the highest department code
    assert "id_number" not in _errors(patient(document_type="dni", id_number="1801199012345"))
    # the rule is the same without an explicit type (a 13-digit number is a DNI)
    assert "id_number" in _errors(patient(id_number="9901199012345"))


def test_a_company_needs_its_rtn(company):
    assert "RTN" in _errors(company(id_number=""))["id_number"]
    assert "RTN" in _errors(company(document_type="pasaporte", id_number="F123456"))["id_number"]
    assert "RTN" in _errors(company(document_type="dni", id_number="0801199012345"))["id_number"]
    assert _errors(company(document_type="rtn", id_number="08011999123456")) == {}


def test_duplicate_warning_per_document_type_and_number(patient):
    first = customers.create(patient(document_type="pasaporte", id_number="F123456"))
    same = customers.find_duplicates(
        patient(first_name="Otra", document_type="pasaporte", id_number="f123456")
    )
    assert [(d["id"], d["reason"]) for d in same] == [(first, "mismo Pasaporte")]
    other_type = customers.find_duplicates(
        patient(first_name="Otra", document_type="residente", id_number="F123456")
    )
    assert other_type == []


def test_receptionist_registers_a_foreigner_with_a_passport(patient, database):
    with session.acting_as(login_as(permissions.ROLE_RECEPTION)):
        customer_id = customers.create(patient(document_type="pasaporte", id_number="X7654321"))
        assert customers.get(customer_id).document_type == "pasaporte"
        assert customers.get(customer_id).id_number == "****-****-54321" or "*" in (
            customers.get(customer_id).id_number
        )


# --- declared ages ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "parsed"),
    [
        ("35", (35, "")),
        ("35 años", (35, "")),
        ("8m", (8, "m")),
        ("8 meses", (8, "m")),
        ("3d", (3, "d")),
        ("3 días", (3, "d")),
        ("  ", None),
    ],
)
def test_age_is_typed_in_years_months_or_days(typed, parsed):
    assert customers.parse_age(typed) == parsed


@pytest.mark.parametrize("typed", ["abc", "8x", "131", "40m", "400d", "-3"])
def test_bad_ages_are_refused(typed):
    with pytest.raises(ValueError):
        customers.parse_age(typed)


def test_age_only_patient_keeps_no_invented_birth_date(patient):
    customer_id = customers.create(patient(date_of_birth=None, age_text="35"))
    row = Customer.get_by_id(customer_id)
    assert row.date_of_birth is None
    assert (row.age, row.age_recorded_on) == (35, dt.date.today())
    assert customers.get(customer_id).age_text == "35"


def test_a_baby_in_months_and_a_newborn_in_days(patient):
    baby = customers.create(patient(date_of_birth=None, age_text="8m"))
    newborn = customers.create(patient(date_of_birth=None, age_text="3d"))
    assert (Customer.get_by_id(baby).age, Customer.get_by_id(baby).age_declared) == (0, "8m")
    assert customers.get(baby).age_text == "8m"
    assert customers.get(newborn).age_text == "3d"
    assert customers.age_label("8m") == "8 meses" and customers.age_label("1d") == "1 día"


def test_a_declared_baby_age_grows_with_the_days():
    declared = dt.date(2026, 1, 10)
    assert customers.declared_age_text(0, "8m", declared, dt.date(2026, 3, 12)) == "10m"
    assert customers.declared_age_text(0, "3d", declared, dt.date(2026, 1, 20)) == "13d"
    assert customers.declared_age_text(0, "3d", declared, dt.date(2026, 3, 10)) == "2m"
    assert customers.declared_age_text(0, "20m", declared, dt.date(2027, 1, 10)) == "2"


def test_editing_without_touching_a_babys_age_keeps_the_declaration(patient):
    customer_id = customers.create(patient(date_of_birth=None, age_text="8m"))
    Customer.update(age_recorded_on=dt.date.today() - dt.timedelta(days=61)).where(
        Customer.id == customer_id
    ).execute()
    shown = customers.get(customer_id)
    assert shown.age_text == "10m"
    customers.update(dataclasses.replace(shown, phone="9911-0000"))
    row = Customer.get_by_id(customer_id)
    assert row.age_declared == "8m" and row.age_recorded_on < dt.date.today()


def test_declared_age_is_never_projected_backwards():
    """Said "60" on 1 June 2026: on an earlier day the person may have been 59."""
    on = dt.date(2026, 6, 1)
    assert customers.age_from(None, 60, on, dt.date(2026, 6, 1)) == 60
    assert customers.age_from(None, 60, on, dt.date(2026, 5, 31)) == 59
    assert customers.age_from(None, 60, on, dt.date(2025, 6, 1)) == 59
    assert customers.age_from(None, 60, on, dt.date(2025, 5, 31)) == 58
    assert customers.age_from(None, 60, on, dt.date(2027, 6, 1)) == 61


def test_invalid_age_text_is_a_field_error(patient):
    with pytest.raises(ValidationError) as info:
        customers.create(patient(date_of_birth=None, age_text="8x"))
    assert "age" in info.value.fields
