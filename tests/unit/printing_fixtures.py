"""A small lab for the printing tests, built only through the real services
(customers, referrers, catalog, branches, requests), with requests on known days.

``from tests.unit.printing_fixtures import printed_lab  # noqa: F401`` makes the fixture
available in a test module.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal

import pytest

from patolab_desktop.db.models import Department, Gender, Municipality, ReferrerType
from patolab_desktop.services import catalog, customers, requests
from patolab_desktop.services.catalog import branches, referrers
from patolab_desktop.services.requests import reports


@dataclass
class PrintedLab:
    base_day: dt.date  # the first day with requests (10 days ago)
    sps: int  # branch "San Pedro Sula" (SPS)
    main_branch: int  # the seeded branch (LAB)
    senior: int  # María José Pérez Muñoz, 68 years on the request days: 30 % age discount
    young: int  # Juan Carlos Hernández, 36
    doctor: int
    inv: dict[str, int] = field(default_factory=dict)  # code -> id
    # name -> (request id, request number)
    req: dict[str, tuple[int, str]] = field(default_factory=dict)

    def at(self, day_offset: int, hour: int, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(
            self.base_day + dt.timedelta(days=day_offset), dt.time(hour, minute)
        )


def _investigation(code, name, price, sample_type, member_ids=()) -> int:
    return catalog.create(
        catalog.InvestigationData(
            code=code,
            name=name,
            price=Decimal(price),
            sample_type=sample_type,
            is_panel=bool(member_ids),
            member_ids=list(member_ids),
        )
    )


@pytest.fixture
def printed_lab(database) -> PrintedLab:
    today = dt.date.today()
    base = today - dt.timedelta(days=10)
    reports.save_lab_header(
        {
            "lab_name": "Laboratorio Clínico PatoLab",
            "lab_address": "Barrio Guamilito, 3a calle, San Pedro Sula, Cortés",
            "lab_rtn": "08019012345678",
            "lab_phone": "+504 2550-1234",
            "lab_email": "info@patolab.hn",
        }
    )
    sps = branches.create(branches.BranchData(name="San Pedro Sula", code="SPS"))
    main_branch = branches.default_branch_id()
    cortes = Department.get(Department.name == "Cortés")
    spsula = Municipality.get(
        (Municipality.department == cortes) & (Municipality.name == "San Pedro Sula")
    )
    place = {"department_id": cortes.id, "municipality_id": spsula.id}
    mujer = Gender.get(Gender.code == "F").id
    hombre = Gender.get(Gender.code == "M").id

    def patient(name: str, id_number: str, gender: int, years: float, phone: str) -> int:
        """A patient of San Pedro Sula who is ``years`` old on the base day."""
        born = base - dt.timedelta(days=round(years * 365.25))
        data = customers.CustomerData(
            type="cliente", name=name, id_number=id_number, gender_id=gender, phone=phone
        )
        return customers.create(replace(data, date_of_birth=born, **place))

    senior = patient("María José Pérez Muñoz", "0801-1958-12345", mujer, 68.2, "9988-7766")
    young = patient("Juan Carlos Hernández", "0501199000001", hombre, 36.3, "3344-5566")
    doctor_type = ReferrerType.select().order_by(ReferrerType.id).first().id
    doctor = referrers.create(
        referrers.ReferrerData(
            name="Dra. Ana Lucía Castillo",
            type_id=doctor_type,
            institution="Hospital del Valle",
            phone="2550-9999",
        )
    )
    lab = PrintedLab(
        base_day=base, sps=sps, main_branch=main_branch, senior=senior, young=young, doctor=doctor
    )
    inv = lab.inv
    inv["HEM"] = _investigation("HEM", "Hemograma completo", "150", "Sangre total (EDTA)")
    inv["GLU"] = _investigation("GLU", "Glucosa en ayunas", "80.5", "Suero")
    inv["EGO"] = _investigation("EGO", "Examen general de orina", "95.5", "Orina")
    inv["COL"] = _investigation("COL", "Colesterol total", "120", "Suero")
    inv["TRI"] = _investigation("TRI", "Triglicéridos", "130", "Suero")
    inv["HDL"] = _investigation("HDL", "Colesterol HDL", "140", "Suero")
    inv["PLIP"] = _investigation(
        "PLIP", "Perfil lipídico", "300", "Suero", [inv["COL"], inv["TRI"], inv["HDL"]]
    )

    def create(
        name, patient, codes, day, hour, branch, priority="routine", source="walk_in", clinical=""
    ):
        draft = requests.RequestDraft(
            patient_id=patient,
            doctor_id=doctor,
            priority=priority,
            source=source,
            branch_id=branch,
            clinical_info=clinical,
            investigation_ids=[inv[c] for c in codes],
            requested_at=lab.at(day, hour),
        )
        lab.req[name] = requests.create(draft, by="recepcion1")

    # day 0 -------------------------------------------------------------------------------
    create(
        "full",
        senior,
        ["PLIP", "HEM", "GLU", "EGO"],
        0,
        8,
        sps,
        "urgent",
        "walk_in",
        "Control anual. Paciente diabética tipo 2 en tratamiento con metformina.",
    )
    create("young", young, ["HEM", "GLU"], 0, 9, sps, "stat", "emergency")
    create("cancel_a", young, ["EGO"], 0, 23, main_branch, "routine", "external")
    # day 1 -------------------------------------------------------------------------------
    create("cancel_b", senior, ["HEM"], 1, 10, sps, "urgent", "in_patient")
    create("advanced", young, ["GLU", "EGO"], 1, 11, main_branch, "routine", "walk_in")
    # day 3 (day 2 has nothing) -----------------------------------------------------------
    create("completed", senior, ["HEM", "GLU"], 3, 7, sps, "routine", "walk_in")
    # outside the period used by the tests (day 5) ----------------------------------------
    create("later", young, ["HEM"], 5, 12, sps)

    requests.cancel(lab.req["cancel_a"][0], "Solicitud duplicada por error de registro", by="sup")
    requests.cancel(
        lab.req["cancel_b"][0],
        "El paciente no se presentó a la toma de muestra y pidió reprogramar "
        "para la próxima semana",
        by="sup",
    )
    requests.advance(lab.req["advanced"][0], by="sup")  # sample_collected
    for _ in range(4):
        requests.advance(lab.req["completed"][0], by="sup")  # ... completed
    return lab
