"""What is paid, credited and still owed on a factura (issue 17)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from peewee import fn

from ...db.models_billing import BalanceMove, FiscalDocument, Payment, now
from .. import identity
from .amounts import stored_sum
from .types import DOC_TITLES, INVOICE

TWO = Decimal("0.01")


def summed(field: Any, condition: Any) -> Decimal:
    """The total of the stored amount column ``field`` over the rows matching
    ``condition``, in Lempiras with 2 places (0.00 when no row matches)."""
    value = (
        field.model.select(fn.COALESCE(fn.SUM(field), 0).coerce(False)).where(condition).scalar()
    )
    return stored_sum(value)


def move_balance(
    customer_id: int, amount: Decimal, document_id: int | None, note: str, by: str
) -> None:
    """Add ``amount`` (negative: used) to the customer's credit balance (saldo a favor),
    tied to the document it came from or went to; inside the caller's transaction."""
    BalanceMove.create(
        customer=customer_id, amount=amount, document=document_id, note=note, at=now(), by=by
    )


def paid_amount(document_id: int) -> Decimal:
    """Payments minus refunds and money moved to the customer's balance."""
    return summed(Payment.amount, Payment.document == document_id)


def credited_amount(document_id: int) -> Decimal:
    """The total of the credit notes issued against a factura."""
    return summed(
        FiscalDocument.total,
        (FiscalDocument.original == document_id) & (FiscalDocument.status == "issued"),
    )


def _sums(query: Any) -> dict[int, Decimal]:
    return {key: stored_sum(value) for key, value in query.tuples()}


def summaries(rows: list[FiscalDocument]) -> list[dict]:
    """``summary`` of many documents with two grouped queries (not two per document)."""
    ids = [row.id for row in rows]
    if not ids:
        return []
    paid = _sums(
        Payment.select(Payment.document, fn.SUM(Payment.amount).coerce(False))
        .where(Payment.document.in_(ids))
        .group_by(Payment.document)
    )
    credited = _sums(
        FiscalDocument.select(FiscalDocument.original, fn.SUM(FiscalDocument.total).coerce(False))
        .where(FiscalDocument.original.in_(ids) & (FiscalDocument.status == "issued"))
        .group_by(FiscalDocument.original)
    )
    zero = Decimal("0.00")
    found = []
    for row in rows:
        total = row.total.quantize(TWO)
        row_credited = credited.get(row.id, zero) if row.doc_type == INVOICE else zero
        row_paid = paid.get(row.id, zero)
        found.append(
            {
                "id": row.id,
                "doc_type": row.doc_type,
                "title": DOC_TITLES.get(row.doc_type, row.doc_type),
                "number": row.number,
                "issued_at": row.issued_at,
                "issued_by": row.issued_by,
                "buyer_name": row.buyer_name,
                "buyer_document": identity.shown(row.buyer_document),
                "total": total,
                "credited": row_credited,
                "paid": row_paid,
                "balance": (total - row_credited - row_paid) if row.status == "issued" else zero,
                "status": row.status,
                "on_credit": row.on_credit,
                "due_date": row.due_date,
                "customer_id": row.customer_id,
            }
        )
    return found
