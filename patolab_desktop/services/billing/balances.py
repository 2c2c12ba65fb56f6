"""What is paid, credited and still owed on a factura (issue 17)."""

from __future__ import annotations

from decimal import Decimal

from peewee import fn

from ...db.models_billing import FiscalDocument, Payment
from .. import identity
from .types import DOC_TITLES, INVOICE

TWO = Decimal("0.01")


def paid_amount(document_id: int) -> Decimal:
    """Payments minus refunds and money moved to the customer's balance."""
    value = (
        Payment.select(fn.COALESCE(fn.SUM(Payment.amount), 0).coerce(False))
        .where(Payment.document == document_id)
        .scalar()
    )
    return (Decimal(int(value or 0)) / 1000).quantize(Decimal("0.01"))


def credited_amount(document_id: int) -> Decimal:
    """The total of the credit notes issued against a factura."""
    value = (
        FiscalDocument.select(fn.COALESCE(fn.SUM(FiscalDocument.total), 0).coerce(False))
        .where((FiscalDocument.original == document_id) & (FiscalDocument.status == "issued"))
        .scalar()
    )
    return (Decimal(int(value or 0)) / 1000).quantize(Decimal("0.01"))


def summary(row: FiscalDocument) -> dict:
    total = row.total.quantize(TWO)
    credited = credited_amount(row.id) if row.doc_type == INVOICE else Decimal("0.00")
    paid = paid_amount(row.id)
    return {
        "id": row.id,
        "doc_type": row.doc_type,
        "title": DOC_TITLES.get(row.doc_type, row.doc_type),
        "number": row.number,
        "issued_at": row.issued_at,
        "issued_by": row.issued_by,
        "buyer_name": row.buyer_name,
        "buyer_document": identity.shown(row.buyer_document),
        "total": total,
        "credited": credited,
        "paid": paid,
        "balance": (total - credited - paid) if row.status == "issued" else Decimal("0.00"),
        "status": row.status,
        "on_credit": row.on_credit,
        "due_date": row.due_date,
        "customer_id": row.customer_id,
    }
