"""Customer rules (PRODUCT.md Customer paragraph, seeds 000–003) through the service."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from patolab_desktop.db.models import Customer
from patolab_desktop.services import customers, identity
from patolab_desktop.services.errors import ConflictError, NotFoundError, ValidationError
from patolab_desktop.services.paging import PageRequest


def _errors(data) -> dict:
    return customers.validate(data)


# --- formatting -------------------------------------------------------------------------


def test_format_id_number_dni_and_rtn():
    assert customers.format_id_number("0801199012345") == "0801-1990-12345"
    assert customers.format_id_number("08011990123456") == "0801-1990-123456"
    assert customers.format_id_number("") == ""
    assert customers.format_id_number("123") == "123"


def test_format_phone_honduras_and_foreign():
    assert customers.format_phone("+50499887766") == "+504 9988-7766"
    assert customers.format_phone("+12125550100") == "+1 212-555-0100"
    assert customers.format_phone("") == ""


@pytest.mark.parametrize(
    "typed", ["9988-7766", "99887766", "+504 9988 7766", "(504) 9988-7766", "00504 99887766"]
)
def test_phone_normalised_to_e164_with_default_region_honduras(typed):
    assert customers.normalise_phone(typed) == "+50499887766"


@pytest.mark.parametrize("typed", ["1234", "9988-776", "abc", "+504 1234 5678"])
def test_invalid_phones_are_refused(typed):
    with pytest.raises(ValueError):
        customers.normalise_phone(typed)


@given(st.text(alphabet="0123456789", min_size=13, max_size=14))
def test_id_number_round_trip(number):
    shown = customers.format_id_number(number)
    assert shown.count("-") == 2
    assert customers.normalise_id_number(shown) == number


# --- validation -------------------------------------------------------------------------


def test_valid_patient_has_no_errors(patient):
    assert _errors(patient()) == {}


def test_name_required(patient, company):
    assert "name" in _errors(patient(first_name="", last_name="", name=" "))
    assert "name" in _errors(company(name=""))


def test_patient_name_is_first_and_last_name(register):
    customer_id = register(first_name="  José ", last_name="Núñez  Ordóñez", name="otro")
    data = customers.get(customer_id)
    assert data.name == "José Núñez Ordóñez"
    assert (data.first_name, data.last_name) == ("José", "Núñez Ordóñez")


def test_patient_name_alone_is_accepted(register):
    customer_id = register(first_name="", last_name="", name="Ana Banegas")
    assert customers.get(customer_id).name == "Ana Banegas"


def test_company_ignores_first_and_last_names(company):
    customer_id = customers.create(company(first_name="X", last_name="Y"))
    data = customers.get(customer_id)
    assert data.name == "Inversiones Zúñiga S. de R.L."
    assert (data.first_name, data.last_name) == ("", "")


def test_age_or_birth_date_required_for_patient(patient):
    errors = _errors(patient(date_of_birth=None, age=None))
    assert "age" in errors
    assert _errors(patient(date_of_birth=None, age=34)) == {}


def test_company_needs_no_age_nor_gender(company):
    assert _errors(company(age=None, date_of_birth=None, gender_id=None)) == {}


@pytest.mark.parametrize("age", [-1, 131, 500])
def test_age_out_of_range(patient, age):
    assert "age" in _errors(patient(date_of_birth=None, age=age))


@pytest.mark.parametrize("age", [0, 130])
def test_age_limits_accepted(patient, age):
    assert _errors(patient(date_of_birth=None, age=age)) == {}


def test_birth_date_in_the_future_refused(patient):
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    assert "date_of_birth" in _errors(patient(date_of_birth=tomorrow))


def test_birth_date_more_than_130_years_ago_refused(patient):
    assert "date_of_birth" in _errors(patient(date_of_birth=dt.date(1850, 1, 1)))


def test_gender_required_for_patient(patient):
    assert "gender_id" in _errors(patient(gender_id=None))
    assert "gender_id" in _errors(patient(gender_id=999))


def test_phone_required_and_valid(patient):
    assert "phone" in _errors(patient(phone=""))
    assert "phone" in _errors(patient(phone="12"))
    assert "secondary_phone" in _errors(patient(secondary_phone="12"))
    assert _errors(patient(secondary_phone="")) == {}


def test_email_validated(patient):
    assert "email" in _errors(patient(email="no-es-correo"))
    assert "email" in _errors(patient(email="a@b"))
    assert _errors(patient(email="")) == {}


def test_id_number_digits_and_length(patient):
    assert _errors(patient(id_number="")) == {}  # optional for a patient (issue 16 D)
    assert "id_number" in _errors(patient(id_number="0801-1990-1234"))  # 12 digits
    assert "id_number" in _errors(patient(id_number="0801-1990-1234A"))
    assert _errors(patient(id_number="0801 1990 12345")) == {}
    assert _errors(patient(id_number="08011990123456")) == {}  # an RTN is fine for a patient


def test_company_needs_rtn_of_14_digits(company):
    errors = _errors(company(id_number="0801199012345"))
    assert "RTN" in errors["id_number"]
    assert _errors(company(id_number="0801-1999-123456")) == {}


def test_department_and_municipality_required(patient):
    errors = _errors(patient(department_id=None, municipality_id=None))
    assert {"department_id", "municipality_id"} <= set(errors)


def test_municipality_of_another_department_refused(patient, geo):
    errors = _errors(patient(department_id=geo["cortes"], municipality_id=geo["tegucigalpa"]))
    assert errors["municipality_id"] == "El municipio no pertenece al departamento seleccionado."
    with pytest.raises(ValidationError) as info:
        customers.create(patient(department_id=geo["cortes"], municipality_id=geo["tegucigalpa"]))
    assert "municipality_id" in info.value.fields


def test_create_refuses_invalid_data_and_writes_nothing(patient):
    with pytest.raises(ValidationError) as info:
        customers.create(patient(phone="", email="malo"))
    assert {"phone", "email"} <= set(info.value.fields)
    assert Customer.select().count() == 0


# --- storing ----------------------------------------------------------------------------


def test_create_stores_normalised_values(register):
    customer_id = register(
        id_number="0501-1990-12345",
        phone="9988 7766",
        secondary_phone="2550-1234",
        email="  Maria.Perez@Example.COM ",
    )
    row = Customer.get_by_id(customer_id)
    assert row.id_number.startswith("e1:")  # encrypted at rest (issue 15, point 13)
    assert identity.reveal(row.id_number) == "0501199012345"
    assert row.id_hash == identity.hash_of("0501199012345")
    assert row.phone == "+50499887766"
    assert row.secondary_phone == "+50425501234"
    assert row.email == "maria.perez@example.com"
    assert row.country == "Honduras"
    assert row.name_folded == "maria jose perez munoz"
    assert row.active and not row.incomplete and row.version == 1
    assert len(row.uid) == 36


def test_search_text_holds_folded_name_digits_phone_and_email(register):
    customer_id = register(
        id_number="0501-1990-12345", phone="9988-7766", email="maria@example.com"
    )
    text = Customer.get_by_id(customer_id).search_text
    tokens = identity.search_tokens("0501199012345")  # keyed prefix tokens, not the number
    assert text == f"maria jose perez munoz {tokens} 99887766 50499887766 maria@example.com"
    assert "0501" not in text and len(tokens.split()) == 2


def test_get_returns_digits_only_and_country_default(register):
    data = customers.get(register(id_number="0501-1990-12345", country=""))
    assert data.id_number == "0501199012345"
    assert data.country == "Honduras"


def test_get_unknown_customer(database):
    with pytest.raises(NotFoundError):
        customers.get(12345)


def test_duplicate_id_number_among_active_refused(register, patient):
    register(id_number="0501-1990-12345")
    problems = customers.validate(patient(id_number="0501199012345", first_name="Otra"))
    assert "Ya hay un cliente activo" in problems["id_number"]
    with pytest.raises(ValidationError) as info:
        customers.create(patient(id_number="0501199012345", first_name="Otra"))
    assert "0501-1990-12345" in info.value.fields["id_number"]


def test_unique_index_is_the_last_word(register, patient, monkeypatch):
    """Even if the service check is skipped (a race), the partial unique index refuses."""
    register(id_number="0501-1990-12345")
    monkeypatch.setattr(customers.records, "_active_holder", lambda *a, **k: None)
    monkeypatch.setattr(customers.validation, "_active_holder", lambda *a, **k: None)
    with pytest.raises(ValidationError) as info:
        customers.create(patient(id_number="0501199012345", first_name="Otra"))
    assert "id_number" in info.value.fields


def test_deactivated_customer_frees_its_id_number(register):
    first = register(id_number="0501-1990-12345")
    customers.deactivate(first)
    second = register(id_number="0501-1990-12345", first_name="Otra")
    assert second != first


def test_update_changes_data_bumps_version_and_updated_at(register):
    customer_id = register()
    data = customers.get(customer_id)
    Customer.update(updated_at=dt.datetime(2020, 1, 1)).where(Customer.id == customer_id).execute()
    data.email = "nuevo@correo.hn"
    data.last_name = "Pérez Zelaya"
    customers.update(data)
    row = Customer.get_by_id(customer_id)
    assert row.version == 2 and data.version == 2
    assert row.updated_at > dt.datetime(2020, 1, 1)
    assert row.email == "nuevo@correo.hn"
    assert row.name == "María José Pérez Zelaya"
    assert "zelaya" in row.search_text and "nuevo@correo.hn" in row.search_text
    assert "munoz" not in row.search_text


def test_update_with_stale_version_is_a_conflict(register):
    customer_id = register()
    mine, theirs = customers.get(customer_id), customers.get(customer_id)
    theirs.notes = "Alergia a la penicilina"
    customers.update(theirs)
    mine.email = "yo@correo.hn"
    with pytest.raises(ConflictError) as info:
        customers.update(mine)
    assert "Otro usuario modificó este cliente" in str(info.value)
    assert Customer.get_by_id(customer_id).email != "yo@correo.hn"


def test_update_of_deleted_row_is_not_found(register):
    customer_id = register()
    data = customers.get(customer_id)
    Customer.delete().where(Customer.id == customer_id).execute()
    with pytest.raises(NotFoundError):
        customers.update(data)


def test_update_keeps_unique_id_number_rule(register):
    register(id_number="0501-1990-12345")
    other = customers.get(register(id_number="0501-1990-54321", first_name="Otra"))
    other.id_number = "0501199012345"
    with pytest.raises(ValidationError) as info:
        customers.update(other)
    assert "id_number" in info.value.fields


def test_update_validates(register):
    data = customers.get(register())
    data.phone = ""
    with pytest.raises(ValidationError):
        customers.update(data)
    assert customers.get(data.id).version == 1


# --- ages -------------------------------------------------------------------------------


def test_age_from_birth_date_is_computed_on_the_day(register):
    customer_id = register(date_of_birth=dt.date(1960, 3, 15))
    assert customers.age_on(customer_id, dt.date(2020, 3, 14)) == 59
    assert customers.age_on(customer_id, dt.date(2020, 3, 15)) == 60
    assert Customer.get_by_id(customer_id).age is None  # never stored stale


def test_declared_age_grows_with_the_years(register):
    customer_id = register(date_of_birth=None, age=40)
    row = Customer.get_by_id(customer_id)
    assert row.age == 40 and row.age_recorded_on == dt.date.today()
    Customer.update(age_recorded_on=dt.date(2020, 6, 1)).where(Customer.id == customer_id).execute()
    assert customers.age_on(customer_id, dt.date(2021, 5, 31)) == 40
    assert customers.age_on(customer_id, dt.date(2023, 6, 1)) == 43
    # the form shows (and get returns) the age today
    assert customers.get(customer_id).age == customers.age_on(customer_id, dt.date.today())


def test_saving_the_shown_age_keeps_the_original_declaration(register):
    customer_id = register(date_of_birth=None, age=40)
    Customer.update(age_recorded_on=dt.date(2020, 6, 1)).where(Customer.id == customer_id).execute()
    data = customers.get(customer_id)
    data.notes = "sin cambios de edad"
    customers.update(data)
    row = Customer.get_by_id(customer_id)
    assert (row.age, row.age_recorded_on) == (40, dt.date(2020, 6, 1))


def test_birth_day_on_29_february():
    born = dt.date(2000, 2, 29)
    assert customers.age_from(born, None, None, dt.date(2001, 2, 28)) == 0
    assert customers.age_from(born, None, None, dt.date(2001, 3, 1)) == 1


def test_age_on_accepts_form_data(patient):
    data = patient(date_of_birth=dt.date(1990, 1, 1))
    assert customers.age_on(data, dt.date(2000, 1, 1)) == 10


def test_summary_for_pickers(register):
    customer_id = register(id_number="0501-1990-12345", date_of_birth=dt.date(1990, 5, 17))
    info = customers.summary(customer_id)
    assert info["name"] == "María José Pérez Muñoz"
    assert info["id_number"] == "0501-1990-12345"
    assert info["gender"] == "Mujer"
    assert info["phone"] == "+504 9988-7766"
    assert info["age"] == customers.age_on(customer_id, dt.date.today())
    with pytest.raises(NotFoundError):
        customers.summary(99999)


# --- soft delete --------------------------------------------------------------------------


def test_deactivate_hides_everywhere_but_keeps_the_row(register):
    customer_id = register()
    customers.deactivate(customer_id)
    row = Customer.get_by_id(customer_id)
    assert row.active is False and row.version == 2
    assert customers.page(customers.CustomerFilter(), PageRequest()).rows == []
    assert customers.page(customers.CustomerFilter(search="perez"), PageRequest()).rows == []
    assert customers.count(customers.CustomerFilter()) == 0
    shown = customers.page(customers.CustomerFilter(include_inactive=True), PageRequest()).rows
    assert [r["id"] for r in shown] == [customer_id] and shown[0]["active"] is False


def test_reactivate(register):
    customer_id = register()
    customers.deactivate(customer_id)
    customers.reactivate(customer_id)
    assert Customer.get_by_id(customer_id).active is True
    assert customers.count(customers.CustomerFilter()) == 1


def test_reactivate_refused_when_id_number_now_taken(register):
    old = register(id_number="0501-1990-12345")
    customers.deactivate(old)
    register(id_number="0501-1990-12345", first_name="Nueva")
    with pytest.raises(ValidationError) as info:
        customers.reactivate(old)
    assert "No se puede reactivar" in info.value.fields["id_number"]
    assert Customer.get_by_id(old).active is False


def test_deactivate_unknown(database):
    with pytest.raises(NotFoundError):
        customers.deactivate(4242)


# --- duplicates ---------------------------------------------------------------------------


def test_duplicate_warning_same_id_number(register, patient):
    existing = register(id_number="0501-1990-12345")
    found = customers.find_duplicates(patient(id_number="0501199012345", first_name="Otra"))
    assert [(d["id"], d["reason"]) for d in found] == [(existing, "mismo DNI")]
    assert found[0]["id_number"] == "0501-1990-12345"


def test_duplicate_warning_same_name_and_phone(register, patient):
    existing = register(phone="9988-7766", date_of_birth=dt.date(1990, 1, 1))
    found = customers.find_duplicates(
        patient(
            first_name="MARIA JOSE",
            last_name="perez munoz",
            phone="+504 99887766",
            date_of_birth=dt.date(1991, 1, 1),
        )
    )
    assert [(d["id"], d["reason"]) for d in found] == [(existing, "mismo nombre y teléfono")]
    assert found[0]["phone"] == "+504 9988-7766"


def test_duplicate_warning_same_name_and_birth_date(register, patient):
    existing = register(phone="9988-7766", date_of_birth=dt.date(1990, 1, 1))
    found = customers.find_duplicates(patient(phone="3333-4444", date_of_birth=dt.date(1990, 1, 1)))
    assert [(d["id"], d["reason"]) for d in found] == [
        (existing, "mismo nombre y fecha de nacimiento")
    ]


def test_no_duplicate_for_same_name_only_nor_for_itself_nor_inactive(register, patient):
    existing = register(phone="9988-7766", date_of_birth=dt.date(1990, 1, 1))
    assert (
        customers.find_duplicates(patient(phone="3333-4444", date_of_birth=dt.date(1980, 1, 1)))
        == []
    )
    assert customers.find_duplicates(customers.get(existing)) == []
    customers.deactivate(existing)
    assert customers.find_duplicates(patient(phone="9988-7766")) == []


# --- incomplete (imported) records --------------------------------------------------------


def test_incomplete_record_tolerates_missing_values_but_not_bad_ones(patient):
    data = patient(
        id_number="",
        gender_id=None,
        date_of_birth=None,
        age=None,
        department_id=None,
        municipality_id=None,
        incomplete=True,
    )
    assert customers.validate(data) == {}
    customer_id = customers.create(data)
    assert Customer.get_by_id(customer_id).incomplete is True
    assert customers.validate(dataclasses.replace(data, email="malo")) != {}
    assert "name" in customers.validate(dataclasses.replace(data, first_name="", last_name=""))
    errors, missing = customers.validate_incomplete(data)
    assert errors == {} and missing == {  # a patient's identity number is optional (issue 16)
        "gender_id",
        "age",
        "department_id",
        "municipality_id",
    }


def test_completing_an_incomplete_record_clears_the_flag(patient, genders, geo):
    customer_id = customers.create(patient(id_number="", gender_id=None, incomplete=True))
    data = customers.get(customer_id)
    data.id_number, data.gender_id = "0501-1990-77777", genders["Mujer"]
    customers.update(data)
    assert Customer.get_by_id(customer_id).incomplete is False


# --- names typed by people ----------------------------------------------------------------


def test_resolvers(database, geo, genders):
    assert customers.resolve_type("Paciente") == "cliente"
    assert customers.resolve_type("EMPRESA") == "empresa"
    assert customers.resolve_department("cortes") == geo["cortes"]
    assert customers.resolve_department("5") == geo["cortes"]
    assert customers.resolve_department("08") == geo["fm"]
    assert customers.resolve_municipality("0501") == geo["sps"]
    assert customers.resolve_municipality("san pedro sula", geo["cortes"]) == geo["sps"]
    assert customers.resolve_gender("f") == genders["Mujer"]
    for call in (
        lambda: customers.resolve_type("perro"),
        lambda: customers.resolve_department("Texas"),
        lambda: customers.resolve_municipality("Tegucigalpa D.C.", geo["cortes"]),
        lambda: customers.resolve_municipality("San José"),  # in several departments
        lambda: customers.resolve_gender("x"),
    ):
        with pytest.raises(ValidationError):
            call()
