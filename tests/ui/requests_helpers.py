"""Test data for the request screens, created through the real services.

Patients, doctors and the catalog (with a panel) are registered the way the desk
would register them, acting as the system user.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest

from patolab_desktop.services import catalog, customers, reference
from patolab_desktop.services import requests as requests_service
from patolab_desktop.services.access import session
from patolab_desktop.services.catalog import referrer_types, referrers

_sequence = itertools.count(1)

CATALOG = (
    # code, name, sample type, price
    ("HEM", "Hemograma completo", "Sangre total (EDTA)", "250.00"),
    ("GLU", "Glucosa en ayunas", "Suero", "80.00"),
    ("COL", "Colesterol total", "Suero", "120.00"),
    ("TRI", "Triglicéridos", "Suero", "130.00"),
    ("HDL", "Colesterol HDL", "Suero", "150.00"),
    ("EGO", "Examen general de orina", "Orina", "100.00"),
    ("CRE", "Creatinina", "Suero", "95.50"),
)
PANEL = ("LIP", "Perfil lipídico", "Suero", "350.00", ("COL", "TRI", "HDL"))


@pytest.fixture
def acting():
    """The tests act as the system user (every permission), like the CLI does."""
    with session.acting_as(session.system_actor("tests")) as actor:
        yield actor


def _place() -> tuple[int, int]:
    department_id = reference.departments()[0][0]
    municipality_id = reference.municipalities(department_id)[0][0]
    return department_id, municipality_id


def make_patient(
    first_name: str,
    last_name: str,
    age: int | None = None,
    date_of_birth: dt.date | None = None,
    gender: str = "Mujer",
) -> int:
    n = next(_sequence)
    department_id, municipality_id = _place()
    gender_id = next(g for g, name in reference.genders() if name == gender)
    return customers.create(
        customers.CustomerData(
            type="cliente",
            first_name=first_name,
            last_name=last_name,
            name=f"{first_name} {last_name}",
            id_number=f"0801{1950 + n % 50}{n:05d}",
            gender_id=gender_id,
            date_of_birth=date_of_birth,
            age=age if date_of_birth is None else None,
            phone=f"9{n:03d}-{1000 + n:04d}",
            department_id=department_id,
            municipality_id=municipality_id,
        )
    )


def birthday_years_ago(years: int) -> dt.date:
    """A date of birth that makes the patient exactly ``years`` old today."""
    today = dt.date.today()
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def make_doctor(name: str = "Dra. Ana Martínez", institution: str = "Hospital Escuela") -> int:
    type_id = referrer_types.list_active()[0]["id"]
    return referrers.create(
        referrers.ReferrerData(
            name=name, type_id=type_id, phone="2232-1000", institution=institution
        )
    )


def make_catalog() -> dict[str, int]:
    """The catalog above plus the lipid panel; returns code -> investigation id."""
    ids = {}
    for code, name, sample, price in CATALOG:
        ids[code] = catalog.create(
            catalog.InvestigationData(
                code=code, name=name, sample_type=sample, price=Decimal(price)
            )
        )
    code, name, sample, price, members = PANEL
    ids[code] = catalog.create(
        catalog.InvestigationData(
            code=code,
            name=name,
            sample_type=sample,
            price=Decimal(price),
            is_panel=True,
            member_ids=[ids[m] for m in members],
        )
    )
    return ids


def make_request(
    patient_id: int, doctor_id: int, investigation_ids: list[int], **extra
) -> tuple[int, str]:
    draft = requests_service.RequestDraft(
        patient_id=patient_id,
        doctor_id=doctor_id,
        investigation_ids=list(investigation_ids),
        **extra,
    )
    return requests_service.create(draft, by="tests")


def move_to(request_id: int, status: str) -> None:
    """Advance through the workflow (or cancel) until the request has ``status``."""
    if status == "cancelled":
        requests_service.cancel(request_id, "Prueba", by="tests")
        return
    while requests_service.get(request_id).status != status:
        requests_service.advance(request_id, by="tests")


@pytest.fixture
def desk(database, acting):
    """A catalog, two doctors and patients of 35, 65 and 80 years."""
    ids = make_catalog()
    return {
        "catalog": ids,
        "doctor": make_doctor(),
        "doctor2": make_doctor("Dr. Carlos Fúnez", "Clínica Viera"),
        "young": make_patient("Lucía", "Pérez Zelaya", date_of_birth=birthday_years_ago(35)),
        "senior": make_patient(
            "Roberto", "Mejía Cruz", date_of_birth=birthday_years_ago(65), gender="Hombre"
        ),
        "elder": make_patient("Josefa", "Muñoz Banegas", date_of_birth=birthday_years_ago(80)),
    }
