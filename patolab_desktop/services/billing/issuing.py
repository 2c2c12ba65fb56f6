"""Writing an issued fiscal document (issue 17): the one place that takes the next number
from the issuing back end and turns it and the computed amounts into a ``fiscal_document``
row and its lines, for the factura and the nota de crédito alike. Called inside the issuing
transaction."""

from __future__ import annotations

from dataclasses import asdict

from ...db.models_billing import FiscalDocument, FiscalDocumentLine, now
from ...util.dataclass_rows import values_of
from . import backend
from .amounts import TOTAL_COLUMNS, DocumentAmounts


def write_document(
    doc_type: str,
    amounts: DocumentAmounts,
    issued_by: str,
    **fields: object,
) -> FiscalDocument:
    """Allocate the next number of ``doc_type`` and create the document (its authorisation
    snapshot, amounts and ``fields``: buyer, credit or credit-note data) and its lines in
    order."""
    allocation = backend.current().allocate(doc_type)
    document = FiscalDocument.create(
        doc_type=doc_type,
        **asdict(allocation),  # number, correlative, authorisation_id, cai, ..., branch_id
        issued_at=now(),
        issued_by=issued_by,
        **values_of(amounts, TOTAL_COLUMNS),
        **fields,
    )
    FiscalDocumentLine.insert_many(
        [
            {
                "document": document.id,
                "position": position,
                "lab_request": item.line.lab_request_id,
                "request_line": item.line.request_line_id,
                "description": item.line.description,
                "quantity": item.line.quantity,
                "unit_price": item.unit_price,
                "discount": item.discount,
                "amount": item.amount,
                "tax_class": item.line.tax_class,
            }
            for position, item in enumerate(amounts.lines, start=1)
        ]
    ).execute()
    return document
