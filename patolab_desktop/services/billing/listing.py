"""The list of fiscal documents for the Documentos fiscales window (issue 17): newest
first, searched by number (any part of its digits) or buyer name, and the facturas of
cancelled requests still owing their credit note."""

from __future__ import annotations

from typing import Any

from peewee import fn

from ...db.models import RequestLine
from ...db.models_billing import FiscalDocument, FiscalDocumentLine
from ...util.text import clean
from ..access import session
from .balances import summaries
from .types import INVOICE


def _missing_note() -> Any:
    """A valid factura still owing a credit note: it charges a request line cancelled since
    (its request was cancelled) that no note of it credits, and it has something left to
    credit. A receptionist cancels a paid request and is told to ask a supervisor for the
    note: the factura stayed «issued» with balance 0 and the sales book kept counting it."""
    charged, credited, note = (
        FiscalDocumentLine.alias("charged"),
        FiscalDocumentLine.alias("credited"),
        FiscalDocument.alias("note"),
    )
    notes = (note.original == FiscalDocument.id) & (note.status == "issued")
    credited_lines = (
        credited.select(credited.request_line)
        .join(note, on=(credited.document == note.id))
        .where(notes & credited.request_line.is_null(False))
    )
    cancelled_lines = (
        charged.select(charged.id)
        .join(RequestLine, on=(charged.request_line == RequestLine.id))
        .where(
            (charged.document == FiscalDocument.id)
            & (RequestLine.status == "cancelled")
            & charged.request_line.not_in(credited_lines)
        )
    )
    credited_total = note.select(fn.COALESCE(fn.SUM(note.total), 0)).where(notes)
    return (
        (FiscalDocument.doc_type == INVOICE)
        & (FiscalDocument.status == "issued")
        & fn.EXISTS(cancelled_lines)
        & (FiscalDocument.total > credited_total)
    )


def search(
    text: str = "", doc_type: str | None = None, limit: int = 200, missing_note: bool = False
) -> list[dict]:
    """Invoices and credit notes (number, date, buyer, total, paid, balance, status) with
    the original's number for a credit note and ``missing_note`` (``_missing_note``);
    ``text`` matches the number's digits or the buyer's name; ``missing_note``: only the
    facturas still owing a credit note."""
    session.require("billing.issue")
    query = FiscalDocument.select().order_by(FiscalDocument.id.desc())
    if missing_note:
        query = query.where(_missing_note())
    text = clean(text)
    if text:
        digits = "".join(c for c in text if c.isdigit())
        condition = FiscalDocument.buyer_name.contains(text)
        if digits:
            if len(digits) == 16:
                number = f"{digits[:3]}-{digits[3:6]}-{digits[6:8]}-{digits[8:]}"
                condition = condition | (FiscalDocument.number == number)
            else:
                condition = (
                    condition
                    | FiscalDocument.number.endswith(digits)
                    | (FiscalDocument.number.contains(text))
                )
        query = query.where(condition)
    if doc_type:
        query = query.where(FiscalDocument.doc_type == doc_type)
    rows = list(query.limit(max(1, min(int(limit), 2000))))
    originals = {
        row.id: row.number
        for row in FiscalDocument.select(FiscalDocument.id, FiscalDocument.number).where(
            FiscalDocument.id.in_([r.original_id for r in rows if r.original_id])
        )
    }
    missing = {
        document_id
        for (document_id,) in FiscalDocument.select(FiscalDocument.id)
        .where(FiscalDocument.id.in_([r.id for r in rows]) & _missing_note())
        .tuples()
    }
    found = []
    for row, item in zip(rows, summaries(rows), strict=True):
        item["missing_note"] = row.id in missing
        item["original_number"] = originals.get(row.original_id, "") if row.original_id else ""
        item["void_reason"] = row.void_reason
        item["reason"] = row.reason
        found.append(item)
    return found


def missing_notes(cash_session_id: int) -> list[str]:
    """The numbers of the facturas issued in a cash session that still owe a credit note
    (``_missing_note``): the close warns of them."""
    session.require("billing.cash")
    return [
        number
        for (number,) in FiscalDocument.select(FiscalDocument.number)
        .where((FiscalDocument.cash_session == cash_session_id) & _missing_note())
        .order_by(FiscalDocument.id)
        .tuples()
    ]


def document_lines(document_id: int) -> list[dict]:
    """The lines of a factura as invoiced, with the request line each one charges (the
    credit note dialog lists them to credit removed investigations)."""
    session.require("billing.credit_note")
    return [
        {
            "id": line.id,
            "position": line.position,
            "description": line.description,
            "quantity": line.quantity,
            "unit_price": line.unit_price,
            "discount": line.discount,
            "amount": line.amount,
            "tax_class": line.tax_class,
            "request_line_id": line.request_line_id,
            "lab_request_id": line.lab_request_id,
        }
        for line in FiscalDocumentLine.select()
        .where(FiscalDocumentLine.document == document_id)
        .order_by(FiscalDocumentLine.position)
    ]


def invoiced_line_ids(request_id: int) -> set[int]:
    """The request lines of a request charged on its valid factura and not yet credited
    (a removal must go through a credit note: the invoiced line stays on record)."""
    session.require("lis.requests.view")
    from .invoices import invoice_of

    document_id = invoice_of(request_id)
    if document_id is None:
        return set()
    charged = {
        line_id
        for (line_id,) in FiscalDocumentLine.select(FiscalDocumentLine.request_line)
        .where(
            (FiscalDocumentLine.document == document_id)
            & (FiscalDocumentLine.lab_request == request_id)
            & FiscalDocumentLine.request_line.is_null(False)
        )
        .tuples()
    }
    credited = {
        line_id
        for (line_id,) in FiscalDocumentLine.select(FiscalDocumentLine.request_line)
        .join(FiscalDocument, on=(FiscalDocumentLine.document == FiscalDocument.id))
        .where(
            (FiscalDocument.original == document_id)
            & (FiscalDocument.status == "issued")
            & (FiscalDocument.doc_type != INVOICE)
            & FiscalDocumentLine.request_line.in_(list(charged) or [0])
        )
        .tuples()
    }
    return charged - credited
