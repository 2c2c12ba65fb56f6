"""Referrer types: seeded, CRUD, folded-unique names, a type in use is never deleted."""

from __future__ import annotations

import pytest

from patolab_desktop.db.models import ReferrerType
from patolab_desktop.services.catalog import referrer_types
from patolab_desktop.services.errors import RuleError, ValidationError
from tests.unit.catalog_helpers import make_referrer


def test_seeded_types_exist(database):
    names = {row["name"] for row in referrer_types.list_all()}
    assert {"Doctor", "Hospital", "Clínica Privada", "Empresa", "Otro"} <= names


def test_create_and_rename(database):
    type_id = referrer_types.create("  Laboratorio   externo ")
    assert referrer_types.get(type_id)["name"] == "Laboratorio externo"
    referrer_types.rename(type_id, "Laboratorio de referencia", 1)
    assert referrer_types.get(type_id)["name"] == "Laboratorio de referencia"


def test_name_required(database):
    with pytest.raises(ValidationError) as caught:
        referrer_types.create("  ")
    assert "name" in caught.value.fields


def test_names_are_unique_ignoring_case_and_accents(database):
    with pytest.raises(ValidationError) as caught:
        referrer_types.create("clinica PRIVADA")
    assert "Clínica Privada" in str(caught.value)
    other = referrer_types.create("Aseguradora")
    with pytest.raises(ValidationError):
        referrer_types.rename(other, "DOCTOR", 1)
    referrer_types.rename(other, "aseguradora", 1)  # its own name in another case is fine
    assert referrer_types.get(other)["name"] == "aseguradora"


def test_unused_type_can_be_deleted(database):
    type_id = referrer_types.create("Temporal")
    assert referrer_types.why_not_deletable(type_id) == ""
    referrer_types.delete(type_id)
    assert ReferrerType.get_or_none(ReferrerType.id == type_id) is None


def test_type_in_use_cannot_be_deleted_only_renamed(database):
    make_referrer("Dr. Juan Cruz", type_name="Doctor")
    make_referrer("Dra. Ana Paz", type_name="Doctor")
    doctor = referrer_types.find_by_name("Doctor")
    with pytest.raises(RuleError) as caught:
        referrer_types.delete(doctor)
    message = str(caught.value)
    assert "No se puede eliminar el tipo «Doctor»" in message
    assert "2 remitentes" in message
    assert "cambiar el nombre" in message
    assert ReferrerType.get_by_id(doctor).name == "Doctor"
    referrer_types.rename(doctor, "Médico", referrer_types.get(doctor)["version"])
    assert referrer_types.get(doctor)["name"] == "Médico"
    assert referrer_types.get(doctor)["in_use"] == 2


def test_list_all_counts_usage_and_list_active_hides_inactive(database):
    make_referrer("Hospital Escuela", type_name="Hospital")
    rows = {row["name"]: row for row in referrer_types.list_all()}
    assert rows["Hospital"]["in_use"] == 1 and rows["Otro"]["in_use"] == 0
    referrer_types.set_active(rows["Otro"]["id"], False)
    assert "Otro" not in {row["name"] for row in referrer_types.list_active()}
    assert "Otro" in {row["name"] for row in referrer_types.list_all()}
