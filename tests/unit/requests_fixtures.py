"""Fixtures for the lab-request tests: patients, doctors and a small catalog made directly
with the models (so these tests do not depend on the other areas' services).

Import what you need: ``from tests.unit.requests_fixtures import lab, make_customer, ...``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import pytest

from patolab_desktop.db.models import (
    Branch,
    Customer,
    Investigation,
    PanelMember,
    Referrer,
    ReferrerType,
)
from patolab_desktop.services import requests
from patolab_desktop.util.text import fold


def make_customer(
    name: str = "Ana María Pérez",
    type: str = "cliente",
    *,
    date_of_birth: dt.date | None = dt.date(1990, 5, 17),
    age: int | None = None,
    age_recorded_on: dt.date | None = None,
    active: bool = True,
    id_number: str | None = None,
    phone: str = "+50499887766",
) -> int:
    from patolab_desktop.services import identity

    tokens = identity.search_tokens(id_number)  # stored encrypted, as the service does
    search = " ".join(p for p in (fold(name), tokens, phone.lstrip("+")) if p)
    sealed, hashed = identity.seal(id_number)
    return Customer.create(
        type=type,
        name=name,
        name_folded=fold(name),
        date_of_birth=date_of_birth,
        age=age,
        age_recorded_on=age_recorded_on,
        active=active,
        id_number=sealed,
        id_hash=hashed,
        phone=phone,
        search_text=search,
    ).id


def make_doctor(name: str = "Dr. Carlos Mejía", active: bool = True) -> int:
    kind = ReferrerType.select().order_by(ReferrerType.id).first()
    return Referrer.create(
        name=name, name_folded=fold(name), type=kind, active=active, search_text=fold(name)
    ).id


def make_investigation(
    code: str,
    name: str,
    price,
    *,
    is_panel: bool = False,
    active: bool = True,
    sample_type: str = "Sangre",
) -> int:
    return Investigation.create(
        code=code,
        name=name,
        name_folded=fold(name),
        price=Decimal(str(price)),
        is_panel=is_panel,
        active=active,
        sample_type=sample_type,
    ).id


def make_panel(code: str, name: str, price, member_ids: list[int]) -> int:
    panel_id = make_investigation(code, name, price, is_panel=True)
    for position, member_id in enumerate(member_ids):
        PanelMember.create(panel=panel_id, member=member_id, position=position)
    return panel_id


def make_branch(code: str, name: str) -> int:
    return Branch.create(code=code, name=name).id


@dataclass
class Lab:
    patient: int
    doctor: int
    hem: int  # Hemograma completo L 150
    glu: int  # Glucosa en ayunas L 80
    ure: int  # Urea L 95.5
    col: int  # Colesterol total (member of the lipid panel) L 120
    tri: int  # Triglicéridos (member) L 130
    hdl: int  # HDL (member) L 140
    lipid: int  # Perfil lipídico (panel: COL, TRI, HDL) L 300
    branch: int
    extra: dict = field(default_factory=dict)

    def draft(self, *investigation_ids, **kwargs) -> requests.RequestDraft:
        kwargs.setdefault("patient_id", self.patient)
        kwargs.setdefault("doctor_id", self.doctor)
        ids = list(investigation_ids) or [self.hem, self.glu]
        return requests.RequestDraft(investigation_ids=ids, **kwargs)

    def create(self, *investigation_ids, **kwargs) -> tuple[int, str]:
        return requests.create(self.draft(*investigation_ids, **kwargs), by="recepcion1")


@pytest.fixture
def lab(database) -> Lab:
    return make_lab()


def make_lab() -> Lab:
    """The small lab of ``lab`` in the database that is open now."""
    col = make_investigation("COL", "Colesterol total", "120")
    tri = make_investigation("TRI", "Triglicéridos", "130")
    hdl = make_investigation("HDL", "Colesterol HDL", "140")
    return Lab(
        patient=make_customer(),
        doctor=make_doctor(),
        hem=make_investigation("HEM", "Hemograma completo", "150"),
        glu=make_investigation("GLU", "Glucosa en ayunas", "80"),
        ure=make_investigation("URE", "Urea", "95.5", sample_type="Suero"),
        col=col,
        tri=tri,
        hdl=hdl,
        lipid=make_panel("PLIP", "Perfil lipídico", "300", [col, tri, hdl]),
        branch=Branch.select(Branch.id).order_by(Branch.id).scalar(),
    )


def set_status(request_id: int, status: str) -> None:
    """Walk a request through the real workflow up to ``status`` (cancel for "cancelled")."""
    order = ["pending", "sample_collected", "in_progress", "partial_result", "completed"]
    if status == "cancelled":
        requests.cancel(request_id, "Paciente no se presentó", by="t")
        return
    while requests.get(request_id).status != status:
        assert order.index(requests.get(request_id).status) < order.index(status)
        requests.advance(request_id, by="t")


def fields_of(row, names) -> tuple:
    """The values of ``names`` on ``row`` (a model or a view), to compare two states."""
    return tuple(getattr(row, name) for name in names)
