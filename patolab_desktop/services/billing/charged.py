"""Whether a lab request is charged on a valid factura: what the requests area asks before
it changes a request's amounts (an issued factura never changes, so neither do they)."""

from __future__ import annotations

from ...db.models_billing import FiscalDocument, InvoicedRequest
from .types import INVOICE


def invoice_of(request_id: int) -> int | None:
    """The id of the valid (not void) factura that charges a request, or None."""
    row = (
        InvoicedRequest.select(InvoicedRequest.document)
        .join(FiscalDocument, on=(InvoicedRequest.document == FiscalDocument.id))
        .where(
            (InvoicedRequest.lab_request == request_id)
            & (FiscalDocument.status == "issued")
            & (FiscalDocument.doc_type == INVOICE)
        )
        .first()
    )
    return row.document_id if row else None


def invoice_number_of(request_id: int) -> str | None:
    """The fiscal number of the valid factura that charges a request, or None."""
    document_id = invoice_of(request_id)
    if document_id is None:
        return None
    return (
        FiscalDocument.select(FiscalDocument.number)
        .where(FiscalDocument.id == document_id)
        .scalar()
    )
