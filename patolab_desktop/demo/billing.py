"""Demo billing (issue 17): the lab's fiscal data, a Factura and a Nota de Crédito
authorisation at the first branch's point 001, and invoices for a few requests, made
through the real services so the demo desk can charge, void and credit at once."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

LAB_DATA = {
    "lab_legal_name": "Laboratorios Clínicos PatoLab S. de R.L.",
    "lab_rtn": "08019019123456",
    "lab_address": "Col. Palmira, Av. República de Chile, Tegucigalpa, M.D.C.",
    "lab_phone": "+504 2232-0000",
    "lab_email": "facturas@patolab.hn",
}
INVOICE_CAI = "3B82F6-8B5CF6-4A1D2E-9C0F11-7A6B5C-5E"
NOTE_CAI = "1A2B3C-4D5E6F-708192-A3B4C5-D6E7F8-0A"


def setup_fiscal(branch: int, range_to: int = 5000) -> None:
    """The lab's fiscal data (where not set yet), this workstation's branch, and a Factura
    and a Nota de Crédito authorisation at its point (where none is active): the demo
    database and the benchmark charge with them."""
    from ..services import settings
    from ..services.billing import authorisations

    settings.put("default_branch_id", branch)
    for key, value in LAB_DATA.items():
        if not settings.get(key):
            settings.put(key, value)
    active = {a["doc_type"] for a in authorisations.list_all() if a["status"] == "active"}
    deadline = dt.date.today() + dt.timedelta(days=330)
    for doc_type, cai in (("01", INVOICE_CAI), ("06", NOTE_CAI)):
        if doc_type in active:
            continue
        authorisations.add(
            authorisations.AuthorisationInput(
                branch_id=branch,
                establishment="000",
                point=authorisations.issuing_point()[1],
                doc_type=doc_type,
                cai=cai,
                range_from=1,
                range_to=range_to,
                deadline=deadline,
            )
        )


def seed_billing(rng: random.Random, progress: Callable[[str], None], invoices: int = 25) -> int:
    """Set up billing and invoice up to ``invoices`` recent requests; returns how many."""
    from ..db.models import Branch, LabRequest
    from ..services import settings
    from ..services.billing import cash
    from ..services.billing import invoices as invoicing
    from ..services.billing.payments import PaymentInput

    branch = (
        settings.get("default_branch_id") or Branch.select(Branch.id).order_by(Branch.id).scalar()
    )
    if branch is None:
        return 0
    progress("Facturación de demostración…")
    setup_fiscal(branch)
    if invoices <= 0:
        return 0
    if cash.current() is None:
        cash.open_session("500")
    candidates = [
        r.id
        for r in LabRequest.select(LabRequest.id)
        .where(LabRequest.status != "cancelled")
        .order_by(LabRequest.id.desc())
        .limit(invoices * 2)
    ]
    made = 0
    for request_id in candidates[::2][:invoices]:
        preview = invoicing.preview(invoicing.InvoiceInput((request_id,)))
        total = preview["amounts"].total
        if total <= 0 or total > 10000:
            continue
        if rng.random() < 0.3:
            pays = (
                PaymentInput(
                    "card",
                    total,
                    card_last4=f"{rng.randrange(10000):04d}",
                    auth_code=f"{rng.randrange(10**6):06d}",
                ),
            )
        else:
            received = (total / 100).to_integral_value(rounding="ROUND_CEILING") * 100
            pays = (PaymentInput("cash", total, received=received),)
        invoicing.issue(invoicing.InvoiceInput((request_id,), payments=pays))
        made += 1
    return made
