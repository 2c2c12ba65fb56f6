"""Helpers for the service tests: valid customer data and a quick way to register one."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from patolab_desktop.services import customers, reference


def _department(name: str) -> int:
    return next(d for d, n in reference.departments() if n == name)


def _municipality(department_id: int, name: str) -> int:
    return next(m for m, n in reference.municipalities(department_id) if n == name)


@pytest.fixture
def geo(database):
    """Ids of a few departments and municipalities by short names."""
    cortes = _department("Cortés")
    fm = _department("Francisco Morazán")
    return {
        "cortes": cortes,
        "sps": _municipality(cortes, "San Pedro Sula"),
        "choloma": _municipality(cortes, "Choloma"),
        "fm": fm,
        "tegucigalpa": _municipality(fm, "Tegucigalpa D.C."),
    }


@pytest.fixture
def genders(database):
    return {name: gid for gid, name in reference.genders()}


def _living_in(geo, department: str, municipality: str) -> dict:
    return {"department_id": geo[department], "municipality_id": geo[municipality]}


def _form_maker(**fields):
    """A maker of valid forms: ``fields`` (a callable gives a fresh value for each form)
    changed by the keyword arguments of each call."""

    def make(**changes) -> customers.CustomerData:
        values = {name: value() if callable(value) else value for name, value in fields.items()}
        return dataclasses.replace(customers.CustomerData(**values), **changes)

    return make


@pytest.fixture
def patient(geo, genders):
    """A valid patient form (a fresh object each time it is called)."""
    counter = iter(range(10_000, 99_999))
    return _form_maker(
        type="cliente",
        first_name="María José",
        last_name="Pérez Muñoz",
        id_number=lambda: f"0501-1990-{next(counter):05d}",
        gender_id=genders["Mujer"],
        date_of_birth=dt.date(1990, 5, 17),
        phone="9988-7766",
        email="Maria.Perez@Example.com",
        **_living_in(geo, "cortes", "sps"),
    )


@pytest.fixture
def company(geo):
    return _form_maker(
        type="empresa",
        name="Inversiones Zúñiga S. de R.L.",
        id_number="08011999123456",
        phone="2232-1234",
        email="info@zuniga.hn",
        **_living_in(geo, "fm", "tegucigalpa"),
    )


@pytest.fixture
def register(patient):
    """Create a patient with ``changes`` through the service and return its id."""

    def make(**changes) -> int:
        return customers.create(patient(**changes))

    return make
