"""Fixtures for the billing tests: a lab with authorisations for Factura and Nota de
Crédito at this workstation's point, an open cash session, and requests to invoice.

``from tests.unit.billing_helpers import billing_lab`` (it uses ``lab`` from
``requests_fixtures``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

from patolab_desktop.services import settings
from patolab_desktop.services.billing import authorisations, cash, invoices, statements
from patolab_desktop.services.billing.payments import PaymentInput
from tests.unit.requests_fixtures import Lab, lab, make_customer  # noqa: F401

LAB_DATA = {
    "lab_legal_name": "Laboratorios Clínicos PatoLab S. de R.L.",
    "lab_rtn": "08019019123456",
    "lab_address": "Col. Palmira, Tegucigalpa",
    "lab_phone": "+504 2232-0000",
    "lab_email": "facturas@patolab.hn",
}
CAI_01 = "3B82F6-8B5CF6-4A1D2E-9C0F11-7A6B5C-5E"
CAI_06 = "1A2B3C-4D5E6F-708192-A3B4C5-D6E7F8-0A"


def authorisation_input(
    branch_id,
    doc_type="01",
    first=1,
    last=5000,
    cai=None,
    days=300,
    point="001",
    establishment="000",
    deadline=None,
) -> authorisations.AuthorisationInput:
    """The form of an authorisation of ``doc_type`` at ``establishment``-``point``, valid
    for ``days`` from today (or until ``deadline``), with the sample CAI of its type."""
    return authorisations.AuthorisationInput(
        branch_id=branch_id,
        establishment=establishment,
        point=point,
        doc_type=doc_type,
        cai=cai or (CAI_01 if doc_type == "01" else CAI_06),
        range_from=first,
        range_to=last,
        deadline=deadline or dt.date.today() + dt.timedelta(days=days),
    )


def add_authorisation(branch_id, doc_type="01", **fields) -> int:
    return authorisations.add(authorisation_input(branch_id, doc_type, **fields))


def set_lab_data() -> None:
    for key, value in LAB_DATA.items():
        settings.put(key, value)


@dataclass
class BillingLab:
    lab: Lab
    invoice_auth: int
    note_auth: int

    def request(self, *ids, **kwargs) -> int:
        request_id, _number = self.lab.create(*ids, **kwargs)
        return request_id

    def invoice(self, *request_ids, pay=None, **kwargs) -> int:
        if pay is None:
            total = invoices.preview(invoices.InvoiceInput(tuple(request_ids)))["amounts"].total
            pay = (PaymentInput("cash", total),)
        return invoices.issue(
            invoices.InvoiceInput(tuple(request_ids), payments=tuple(pay), **kwargs)
        )


@pytest.fixture
def billing_lab(lab) -> BillingLab:  # noqa: F811
    return setup_billing(lab)


def setup_billing(lab: Lab) -> BillingLab:  # noqa: F811
    """The lab's fiscal data, authorisations 01 and 06 at point 001 of the lab's branch and
    an open cash."""
    set_lab_data()
    settings.put("default_branch_id", lab.branch)
    invoice_auth = add_authorisation(lab.branch, "01")
    note_auth = add_authorisation(lab.branch, "06")
    cash.open_session(Decimal("500.00"))
    return BillingLab(lab, invoice_auth, note_auth)


def company_owing(b: BillingLab, facturas: int = 2) -> int:
    """Maquila del Norte S.A. with credit and ``facturas`` of L 230.00 (HEM + GLU) on
    credit."""
    company = make_customer(
        "Maquila del Norte S.A.", "empresa", date_of_birth=None, id_number="05019001234567"
    )
    statements.set_account(company, "5000", 30)
    for _ in range(facturas):
        b.invoice(b.request(b.lab.hem, b.lab.glu, bill_to_id=company), on_credit=True, pay=())
    return company


def exonerated_buyer():
    """A buyer with an exempt purchase order and an exoneration register: no ISV."""
    from patolab_desktop.services.billing.buyers import BuyerInput

    return BuyerInput(
        name="Empresa Exonerada S.A.",
        document="08019001234567",
        exempt_purchase_order="OCE-2026-0001",
        exonerated_register="CRE-123",
        sag_register="SAG-9",
    )
