"""Branches: code rules, unique code, phone, default branch chosen in settings."""

from __future__ import annotations

import pytest

from patolab_desktop.db.models import Branch
from patolab_desktop.services import settings
from patolab_desktop.services.catalog import branches
from patolab_desktop.services.errors import RuleError, ValidationError
from tests.unit.catalog_helpers import make_referrer, make_request


def new(name="San Pedro Sula", code="SPS", **fields) -> int:
    return branches.create(branches.BranchData(name=name, code=code, **fields))


@pytest.mark.parametrize("code", ["S", "SP-S", "SPS 1", "ÑAN", "ABCDEFGHIJK", ""])
def test_code_must_be_2_to_10_letters_or_digits(database, code):
    assert "code" in branches.validate(branches.BranchData(name="X", code=code))


def test_code_is_stored_upper_case_and_unique(database):
    branch_id = new(code="tgu", name="Tegucigalpa")
    assert branches.get(branch_id).code == "TGU"
    with pytest.raises(ValidationError) as caught:
        new(code="TGU", name="Otra")
    assert "TGU" in caught.value.fields["code"]
    assert Branch.select().where(Branch.code == "TGU").count() == 1


def test_name_required_and_phone_normalised(database):
    assert "name" in branches.validate(branches.BranchData(name=" ", code="AB"))
    assert "phone" in branches.validate(branches.BranchData(name="A", code="AB", phone="123"))
    branch_id = new(phone="2552-4410", address="Barrio Guamilito")
    got = branches.get(branch_id)
    assert got.phone == "+50425524410" and got.address == "Barrio Guamilito"


def test_set_default_and_default_branch_id(database):
    sps = new()
    tgu = new("Tegucigalpa", "TGU")
    branches.set_default(tgu)
    assert settings.get("default_branch_id") == tgu
    assert branches.default_branch_id() == tgu
    assert branches.get(tgu).is_default and not branches.get(sps).is_default
    assert branches.list_active()[0]["id"] == tgu  # the default comes first in pickers


def test_default_branch_cannot_be_deactivated(database):
    sps = new()
    branches.set_default(sps)
    with pytest.raises(RuleError) as caught:
        branches.deactivate(sps)
    assert "predeterminada" in str(caught.value)
    data = branches.get(sps)
    data.active = False
    with pytest.raises(RuleError):
        branches.update(data)
    assert branches.get(sps).active


def test_inactive_branch_cannot_become_default(database):
    tgu = new("Tegucigalpa", "TGU")
    branches.deactivate(tgu)
    with pytest.raises(RuleError):
        branches.set_default(tgu)


def test_deactivated_branch_hidden_from_pickers_but_kept(database):
    tgu = new("Tegucigalpa", "TGU")
    branches.deactivate(tgu)
    assert tgu not in [b["id"] for b in branches.list_active()]
    assert branches.get(tgu).active is False
    assert tgu in [b["id"] for b in branches.list_all()]
    branches.reactivate(tgu)
    assert tgu in [b["id"] for b in branches.list_active()]


def test_default_falls_back_to_an_active_branch(database):
    settings.put("default_branch_id", 9999)
    assert branches.default_branch_id() in [b["id"] for b in branches.list_active()]


def test_code_cannot_change_once_requests_carry_it(database):
    sps = new()
    make_request(make_referrer("Dr. A"), "SPS-2026-000001", branch_id=sps)
    data = branches.get(sps)
    data.code = "SPN"
    with pytest.raises(ValidationError) as caught:
        branches.update(data)
    assert "1 solicitud ya lleva el número con «SPS»" in caught.value.fields["code"]
    data.code = "SPS"
    data.name = "San Pedro Sula Centro"
    branches.update(data)  # other fields still editable
    assert branches.get(sps).name == "San Pedro Sula Centro"
