"""Whether a lab request is charged on a valid factura: what the requests area asks before
it changes a request's amounts (an issued factura never changes, so neither do they)."""

from __future__ import annotations

from peewee import Field, ModelSelect

from ...db.models_billing import FiscalDocument, InvoicedRequest
from .types import INVOICE


def _valid_invoice(request_id: int, *columns: Field) -> ModelSelect:
    """``columns`` of the valid (issued, not void) factura that charges a request."""
    return (
        InvoicedRequest.select(*columns)
        .join(FiscalDocument, on=(InvoicedRequest.document == FiscalDocument.id))
        .where(
            (InvoicedRequest.lab_request == request_id)
            & (FiscalDocument.status == "issued")
            & (FiscalDocument.doc_type == INVOICE)
        )
    )


def invoice_of(request_id: int) -> int | None:
    """The id of the valid (not void) factura that charges a request, or None."""
    return _valid_invoice(request_id, InvoicedRequest.document).scalar()


def invoice_number_of(request_id: int) -> str | None:
    """The fiscal number of the valid factura that charges a request, or None (one read:
    it is asked before every change of a request's amounts)."""
    return _valid_invoice(request_id, FiscalDocument.number).scalar()
