"""Benchmark of issue 17: issuing a factura for a request of 10 investigations (p95), with
a cash payment, inside a transaction rolled back at the end (the database is left as it
was)."""

from __future__ import annotations

from ..demo.billing import setup_fiscal
from .figures import stats, timed
from .material import request_material

INVOICE_ISSUE_TARGET_MS = 30


def measure_invoice_issue(result: dict, log, count: int = 60) -> None:
    from ..db.database import db
    from ..db.models import Branch
    from ..services import settings
    from ..services.billing import cash, invoices
    from ..services.billing.payments import PaymentInput

    log(f"Billing: issuing {count} invoices of 10 investigations…")
    material = request_material(count, 10)
    times: list[float] = []
    with db.atomic() as txn:
        branch = settings.get("default_branch_id") or Branch.select(Branch.id).scalar()
        setup_fiscal(branch, range_to=99_999_999)
        if cash.current() is None:
            cash.open_session("0")
        for patient in material.patients:
            request_id = material.create_request(patient)
            total = invoices.preview(invoices.InvoiceInput((request_id,)))["amounts"].total
            data = invoices.InvoiceInput(
                (request_id,), payments=(PaymentInput("cash", total, received=total + 100),)
            )
            ms, _ = timed(invoices.issue, data)
            times.append(ms)
        txn.rollback()
    result["invoice_issue_10"] = stats(times)
    result["invoice_issue_10"]["target_ms"] = INVOICE_ISSUE_TARGET_MS
