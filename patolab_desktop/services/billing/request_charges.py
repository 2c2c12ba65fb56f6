"""What the facturas charge, and their credit notes credit, for lab requests: read by the
papers that count money by request (the request summary, the period report).

The facturas are the legal truth. A factura of several requests rounds its ISV once, so
its requests' shares (``invoices.to_pay``: 115.12 + 115.12 of a factura of 230.23) can
add up to a centavo more or less; the period report takes a factura whole when every
request on it is in the report, and a request's share only when the factura also charges
requests outside it (and says so). A credit note counts against the requests whose lines
it credits, all of it on a factura of one request (a rebate names no line)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from peewee import Case, Expression, Function, ModelSelect, fn

from ...db.models import Investigation, LabRequest, RequestLine
from ...db.models_billing import FiscalDocument, FiscalDocumentLine, InvoicedRequest
from .amounts import CENT, ZERO, stored_sum
from .balances import summed
from .charged import invoice_of
from .invoices import share_of, to_pay
from .types import CREDIT_NOTE, EXEMPT, INVOICE


@dataclass(frozen=True)
class OnFactura:
    """The valid factura that charges a request, as its summary tells it."""

    number: str = ""  # "" when the request is not invoiced
    total: Decimal = ZERO  # the factura's total, every request on it
    shared: bool = False  # the factura charges other requests too
    credited: Decimal = ZERO  # what its credit notes credit of this request


@dataclass(frozen=True)
class Charges:
    """What requests are charged: ``to_pay`` with ISV (their facturas; without one yet,
    what each summary says), ``isv`` of it, ``credited`` by their credit notes,
    ``not_invoiced`` (the part of ``to_pay`` with no factura: not in the sales book) and
    ``shares`` (some factura also charges requests outside: its requests' shares, which
    may differ from it by centavos)."""

    to_pay: Decimal = ZERO
    isv: Decimal = ZERO
    credited: Decimal = ZERO
    not_invoiced: Decimal = ZERO
    shares: bool = False


def _valid(model: type[FiscalDocument], doc_type: str) -> Expression:
    return (model.status == "issued") & (model.doc_type == doc_type)


def on_factura(request_id: int) -> OnFactura:
    """The valid factura of ``request_id`` and what its credit notes credited of it.
    Called after the caller's own ``require``."""
    document_id = invoice_of(request_id)
    if document_id is None:
        return OnFactura()
    factura = FiscalDocument.get_by_id(document_id)
    shared = (
        InvoicedRequest.select()
        .where(
            (InvoicedRequest.document == document_id) & (InvoicedRequest.lab_request != request_id)
        )
        .exists()
    )
    return OnFactura(
        factura.number,
        factura.total.quantize(CENT),
        shared,
        _credited(request_id, factura, shared),
    )


def _credited(request_id: int, factura: FiscalDocument, shared: bool) -> Decimal:
    """The credit notes of ``factura`` for ``request_id``: whole when the factura is of
    this request alone or the note credits only its lines, else its lines' share."""
    credited = ZERO
    for note in FiscalDocument.select(FiscalDocument.id, FiscalDocument.total).where(
        _valid(FiscalDocument, CREDIT_NOTE) & (FiscalDocument.original == factura.id)
    ):
        others = (
            FiscalDocumentLine.select()
            .where(
                (FiscalDocumentLine.document == note.id)
                & (
                    FiscalDocumentLine.lab_request.is_null()
                    | (FiscalDocumentLine.lab_request != request_id)
                )
            )
            .exists()
        )
        if not shared or not others:
            credited += note.total.quantize(CENT)
        else:
            credited += share_of(request_id, note.id, factura).total
    return credited


def charges_of(requests: ModelSelect) -> Charges:
    """What the requests of ``requests`` (a query of ``LabRequest.id``) are charged and
    credited: a factura whole when all its requests are among them, a request's share of
    one that also charges others, and a request without a factura as its summary prices
    it. Called after the caller's own ``require``."""
    touched = InvoicedRequest.select(InvoicedRequest.document).where(
        InvoicedRequest.lab_request.in_(requests)
    )
    outside = InvoicedRequest.select(InvoicedRequest.document).where(
        InvoicedRequest.lab_request.not_in(requests)
    )
    inner = FiscalDocument.alias()
    whole = inner.select(inner.id).where(
        _valid(inner, INVOICE) & inner.id.in_(touched) & inner.id.not_in(outside)
    )
    # one query: those facturas' totals and ISV, and their credit notes
    in_whole = (FiscalDocument.doc_type == INVOICE) & FiscalDocument.id.in_(whole)
    of_whole = (FiscalDocument.doc_type == CREDIT_NOTE) & FiscalDocument.original.in_(whole)

    def total_of(condition: Expression, value: object) -> Function:
        return fn.SUM(Case(None, [(condition, value)], 0)).coerce(False)

    sums = (
        FiscalDocument.select(
            total_of(in_whole, FiscalDocument.total),
            total_of(in_whole, FiscalDocument.isv15 + FiscalDocument.isv18),
            total_of(of_whole, FiscalDocument.total),
        )
        .where(FiscalDocument.status == "issued")
        .tuples()
        .get()
    )
    to_pay_, isv, credited = (stored_sum(value) for value in sums)
    shared = (
        InvoicedRequest.select(InvoicedRequest.lab_request, InvoicedRequest.document)
        .join(FiscalDocument, on=(InvoicedRequest.document == FiscalDocument.id))
        .where(
            _valid(FiscalDocument, INVOICE)
            & InvoicedRequest.lab_request.in_(requests)
            & InvoicedRequest.document.in_(outside)
        )
        .order_by(InvoicedRequest.document, InvoicedRequest.lab_request)
    )
    shares = False
    for request_id, document_id in shared.tuples():
        factura = FiscalDocument.get_by_id(document_id)
        charged = share_of(request_id, document_id, factura)
        to_pay_ += charged.total
        isv += charged.isv15 + charged.isv18
        credited += _credited(request_id, factura, shared=True)
        shares = True
    pending, pending_isv = _not_invoiced(requests)
    return Charges(to_pay_ + pending, isv + pending_isv, credited, pending, shares)


def _not_invoiced(requests: ModelSelect) -> tuple[Decimal, Decimal]:
    """What the requests without a valid factura would be charged, and its ISV: their
    summaries' «Neto a pagar». ``to_pay`` is read only for the ones with a taxed
    investigation (lab services are exempt: most periods have none); an exempt one is
    its net."""
    invoiced = (
        InvoicedRequest.select(InvoicedRequest.lab_request)
        .join(FiscalDocument, on=(InvoicedRequest.document == FiscalDocument.id))
        .where(_valid(FiscalDocument, INVOICE))
    )
    taxed_line = (
        RequestLine.select(RequestLine.id)
        .join(Investigation, on=(RequestLine.investigation == Investigation.id))
        .where(
            (RequestLine.lab_request == LabRequest.id)
            & RequestLine.parent_line.is_null()
            & (RequestLine.status != "cancelled")
            & (Investigation.tax_class != EXEMPT)
        )
    )
    pending = LabRequest.id.in_(requests) & LabRequest.id.not_in(invoiced)
    total = summed(LabRequest.net_amount, pending & ~fn.EXISTS(taxed_line))
    isv = ZERO
    for request in LabRequest.select().where(pending & fn.EXISTS(taxed_line)):
        charged = to_pay(request)
        total += charged.total
        isv += charged.isv15 + charged.isv18
    return total, isv
