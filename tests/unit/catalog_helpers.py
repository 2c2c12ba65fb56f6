"""Helpers for the referrer, catalog and branch tests (through the services)."""

from __future__ import annotations

from decimal import Decimal

from patolab_desktop.db.models import Branch, Customer, LabRequest
from patolab_desktop.services import catalog
from patolab_desktop.services.catalog import referrer_types, referrers
from patolab_desktop.util.text import fold


def type_id(name: str = "Doctor") -> int:
    found = referrer_types.find_by_name(name)
    assert found is not None, name
    return found


def make_referrer(name: str, *, type_name: str = "Doctor", **fields: str) -> int:
    """A referrer of the type ``type_name``; ``fields``: institution, phone, email,
    address, notes (empty when not given)."""
    return referrers.create(referrers.ReferrerData(name=name, type_id=type_id(type_name), **fields))


def make_investigation(
    code: str,
    name: str = "",
    price="100.000",
    members=(),
    sample_type: str = "Suero",
    tax_class: str = "exento",
) -> int:
    return catalog.create(
        catalog.InvestigationData(
            code=code,
            name=name or f"Prueba {code}",
            sample_type=sample_type,
            price=price,
            member_ids=list(members),
            is_panel=bool(members),
            tax_class=tax_class,
        )
    )


def make_request(doctor_id: int, number: str, branch_id: int | None = None) -> int:
    """A bare lab request row naming ``doctor_id`` (the requests service is another area)."""
    customer = Customer.get_or_none(Customer.name == "Paciente de prueba")
    if customer is None:
        customer = Customer.create(
            name="Paciente de prueba", name_folded=fold("Paciente de prueba"), phone="+50499887766"
        )
    branch = branch_id or Branch.select().order_by(Branch.id).first().id
    return LabRequest.create(
        request_number=number,
        patient=customer,
        doctor=doctor_id,
        branch=branch,
        total_amount=Decimal("0"),
    ).id
