"""Customers the command-line tests put in their database, with places and genders given by
name as a person reads them (the ids come from the seeded reference tables)."""

from __future__ import annotations

import datetime as dt

from patolab_desktop.services import customers, reference

SPS = ("Cortés", "San Pedro Sula")
TEGUCIGALPA = ("Francisco Morazán", "Tegucigalpa D.C.")


def place(department: str, municipality: str) -> dict:
    dep = next(d for d, name in reference.departments() if name == department)
    mun = next(m for m, n in reference.municipalities(dep) if n == municipality)
    return {"department_id": dep, "municipality_id": mun}


def add_person(first, last, id_number, gender, phone, town, **more) -> int:
    """A patient in ``town`` (department, municipality); ``more``: date_of_birth, age,
    email..."""
    genders = {name: g for g, name in reference.genders()}
    data = customers.CustomerData(
        first_name=first,
        last_name=last,
        id_number=id_number,
        gender_id=genders[gender],
        phone=phone,
        **place(*town),
        **more,
    )
    return customers.create(data)


def add_company(name, id_number, phone, town) -> int:
    data = customers.CustomerData(
        type="empresa", name=name, id_number=id_number, phone=phone, **place(*town)
    )
    return customers.create(data)


def add_jose_perez() -> int:
    """José Pérez of San Pedro Sula, with an identity number and a date of birth."""
    return add_person(
        "José",
        "Pérez",
        "0501-1990-12345",
        "Hombre",
        "9988-7766",
        SPS,
        date_of_birth=dt.date(1990, 1, 1),
    )
