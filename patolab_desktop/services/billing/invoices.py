"""Issuing a Factura (01) from one or more requests of one bill-to customer (issue 17).

Everything happens in one write transaction: the requests are locked and checked (not
cancelled, not already invoiced, one bill-to), the lines are priced from the requests'
stored prices and discounts, the buyer is resolved, the payments are checked against
the total (or the rest goes on the company's credit), the number is taken from the
active authorisation under its lock, and the document, its lines, its payments and the
audit row are written. A failure anywhere rolls the number back with the rest.

An issued document is immutable: there is no function here that edits one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from ...db.database import locked, write_transaction
from ...db.models import Customer, Investigation, LabRequest, RequestEvent, RequestLine
from ...db.models_billing import (
    CreditAccount,
    FiscalDocument,
    FiscalDocumentLine,
    InvoicedRequest,
    now,
)
from ...util.dataclass_rows import from_row
from ...util.lookups import present
from ...util.money import format_lempiras
from .. import identity
from ..access import audit, session
from ..errors import NotFoundError, RuleError, ValidationError
from ..texts import translate
from . import buyers, cash, issuing, payments, records
from .amounts import ZERO, DocumentAmounts, LineInput, compute
from .buyers import BuyerInput
from .charged import invoice_of
from .payments import PaymentInput
from .types import INVOICE

CONTEXT = "services.billing"


@dataclass(frozen=True)
class InvoiceInput:
    request_ids: tuple[int, ...]
    payments: tuple[PaymentInput, ...] = ()
    buyer: BuyerInput | None = None
    bill_to_id: int | None = None  # overrides the requests' bill-to (company or patient)
    on_credit: bool = False  # the rest goes on the bill-to company's credit


def _locked_requests(request_ids: Iterable[int]) -> list[LabRequest]:
    query = locked(LabRequest.select().where(LabRequest.id.in_(list(request_ids))))
    rows = {row.id: row for row in query}
    missing = [i for i in request_ids if i not in rows]
    if missing:
        raise NotFoundError(translate("services.billing", "La solicitud no existe."))
    return [rows[i] for i in request_ids]


def lines_of(requests: list[LabRequest]) -> list[LineInput]:
    """One line per charged investigation: a panel with its price (its members come with
    it at no charge and are not listed), cancelled and removed lines left out."""
    ids = [r.id for r in requests]
    numbers = {r.id: r.request_number for r in requests}
    query = (
        RequestLine.select(
            RequestLine.id,
            RequestLine.lab_request,
            RequestLine.price,
            RequestLine.discount,
            Investigation.name,
            Investigation.code,
            Investigation.tax_class,
        )
        .join(Investigation, on=(RequestLine.investigation == Investigation.id))
        .where(
            RequestLine.lab_request.in_(ids)
            & RequestLine.parent_line.is_null()
            & (RequestLine.status != "cancelled")
        )
        .order_by(RequestLine.lab_request, RequestLine.id)
    )
    lines = []
    several = len(ids) > 1
    for row in query:
        description = row.investigation.name
        if several:
            description = f"{description} ({numbers[row.lab_request_id]})"
        lines.append(
            LineInput(
                description=description[:250],
                unit_price=row.price,
                discount=row.discount,
                quantity=1,
                tax_class=row.investigation.tax_class or "exento",
                lab_request_id=row.lab_request_id,
                request_line_id=row.id,
            )
        )
    return lines


def _bill_to(requests: list[LabRequest], given: int | None) -> Customer:
    targets = {given} if given else {r.bill_to_id or r.patient_id for r in requests}
    if len(targets) != 1:
        raise ValidationError(
            {
                "requests": translate(
                    "services.billing",
                    "Una factura es para un solo cliente: estas solicitudes se cobran a "
                    "clientes distintos.",
                )
            }
        )
    return present(
        Customer.get_or_none(Customer.id == targets.pop()),
        NotFoundError(translate("services.billing", "El cliente a quien se factura no existe.")),
    )


def _credit_terms(customer: Customer, amount: Decimal) -> dt.date:
    """The due date of ``amount`` left on credit; ``RuleError`` when the customer has no
    credit, or not enough, or is deactivated (no new debt for a company the lab stopped
    working with: the request entry refuses it as a payer with the same words)."""
    if not customer.active:
        raise RuleError(
            translate("services.billing", "La empresa que paga no existe o está desactivada.")
        )
    account = CreditAccount.get_or_none(
        (CreditAccount.customer == customer.id) & (CreditAccount.active == True)  # noqa: E712
    )
    if account is None:
        raise RuleError(
            translate(
                "services.billing",
                "{name} no tiene crédito autorizado: cobre el total o pida a un administrador "
                "que registre su límite de crédito.",
            ).format(name=customer.name)
        )
    from . import statements

    owed = statements.balance_due(customer.id)
    if owed + amount > account.credit_limit:
        raise RuleError(
            translate(
                "services.billing",
                "El crédito de {name} no alcanza: debe {owed}, el límite es {limit} y esta "
                "factura deja {amount} a crédito.",
            ).format(
                name=customer.name,
                owed=format_lempiras(owed),
                limit=format_lempiras(account.credit_limit),
                amount=format_lempiras(amount),
            )
        )
    return dt.date.today() + dt.timedelta(days=int(account.days))


def to_pay(request: LabRequest | int) -> DocumentAmounts:
    """What the factura charges for this request: the request's summary and detail show
    it, and the WhatsApp notice of a received request the patient pays says it, so what
    the patient is told is what the cashier charges. Called after the caller's own ``require``.

    Charged: its lines on that factura, as issued (an exonerated buyer pays no ISV; a later
    change of the catalog's tax class changes nothing). Not charged yet: its lines priced
    as a factura of this request alone for a buyer without exoneration prices them (each
    unit price to the cent, Ley ISV Art. 9; the ISV of the taxed ones). A factura of
    several requests rounds its ISV once: a request's share can differ from it by a
    centavo.

    ``request``: its id, or its row when the caller holds it (the WhatsApp notice of a
    request just saved: not read again)."""
    row: LabRequest | None = (
        request
        if isinstance(request, LabRequest)
        else LabRequest.get_or_none(LabRequest.id == request)
    )
    if row is None:
        raise NotFoundError(translate("services.billing", "La solicitud no existe."))
    request_id = row.id
    document_id = invoice_of(request_id)
    if document_id is None:
        return compute(lines_of([row]))
    return share_of(request_id, document_id, FiscalDocument.get_by_id(document_id))


def share_of(request_id: int, document_id: int, factura: FiscalDocument) -> DocumentAmounts:
    """The lines of ``request_id`` on the issued document ``document_id`` (``factura`` or
    one of its credit notes) priced as a document of those lines alone: read as a credit
    note reads them, with the factura's buyer (an exonerated one pays no ISV). A document
    of several requests rounds its ISV once: a request's share can differ from it by a
    centavo."""
    issued = (
        FiscalDocumentLine.select()
        .where(
            (FiscalDocumentLine.document == document_id)
            & (FiscalDocumentLine.lab_request == request_id)
        )
        .order_by(FiscalDocumentLine.position)
    )
    return compute(
        (from_row(LineInput, line) for line in issued),
        exonerated_buyer=bool(factura.exempt_purchase_order or factura.exonerated_register),
    )


def to_pay_of_draft(lines: Iterable[tuple[int, Decimal, Decimal]]) -> DocumentAmounts:
    """``to_pay`` for a request not saved yet (the entry screen): ``lines`` are the
    (investigation id, price, discount) of the lines it charges, panel members left out."""
    lines = list(lines)
    classes = dict(
        Investigation.select(Investigation.id, Investigation.tax_class)
        .where(Investigation.id.in_([investigation for investigation, _, _ in lines]))
        .tuples()
    )
    return compute(
        LineInput(description="", unit_price=price, discount=discount, tax_class=classes[i])
        for i, price, discount in lines
    )


def preview(data: InvoiceInput) -> dict:
    """What the invoice would charge (the payment dialog shows it before issuing)."""
    session.require("billing.issue")
    requests = _locked_requests(data.request_ids)
    customer = _bill_to(requests, data.bill_to_id)
    exonerated = bool(
        data.buyer and (data.buyer.exempt_purchase_order or data.buyer.exonerated_register)
    )
    amounts = compute(lines_of(requests), exonerated_buyer=exonerated)
    return {
        "customer_id": customer.id,
        "customer_name": customer.name,
        "customer_document": identity.shown(customer.id_number),
        "is_company": customer.type == "empresa",
        "amounts": amounts,
        "balance": payments.balance_of(customer.id),
        "has_credit": customer.active  # a deactivated company gets no new credit
        and CreditAccount.select()
        .where((CreditAccount.customer == customer.id) & (CreditAccount.active == True))  # noqa: E712
        .exists(),
    }


def issue(data: InvoiceInput) -> int:
    """Issue the factura; returns its id. Every refusal is a clear message and leaves
    nothing written (no number used)."""
    actor = session.require("billing.issue")
    if not data.request_ids:
        raise ValidationError(
            {
                "requests": translate(
                    "services.billing", "Elija al menos una solicitud para facturar."
                )
            }
        )
    if len(set(data.request_ids)) != len(data.request_ids):
        raise ValidationError(
            {"requests": translate("services.billing", "Una solicitud aparece dos veces.")}
        )
    records.check_issuer()
    with write_transaction():
        requests = _locked_requests(data.request_ids)
        for request in requests:
            if request.status == "cancelled":
                raise RuleError(
                    translate(
                        "services.billing", "La solicitud {number} está cancelada: no se factura."
                    ).format(number=request.request_number)
                )
            existing = invoice_of(request.id)
            if existing is not None:
                number = FiscalDocument.get_by_id(existing).number
                raise RuleError(
                    translate(
                        "services.billing",
                        "La solicitud {request} ya está facturada en la factura {number}.",
                    ).format(request=request.request_number, number=number)
                )
        customer = _bill_to(requests, data.bill_to_id)
        exonerated = bool(
            data.buyer and (data.buyer.exempt_purchase_order or data.buyer.exonerated_register)
        )
        lines = lines_of(requests)
        if not lines:
            raise RuleError(
                translate(
                    "services.billing", "Las solicitudes no tienen investigaciones que cobrar."
                )
            )
        amounts = compute(lines, exonerated_buyer=exonerated)
        if amounts.total <= ZERO:
            raise RuleError(
                translate("services.billing", "El total es L 0.00: no hay nada que facturar.")
            )
        buyer = buyers.resolve(customer, data.buyer, amounts.total)
        cleaned = payments.clean_payments(data.payments, amounts.total, on_credit=data.on_credit)
        paid = sum((p.amount for p in cleaned), ZERO)
        payments.check_balance(customer.id, cleaned)
        due_date = None
        on_credit = data.on_credit and paid < amounts.total
        if on_credit:
            due_date = _credit_terms(customer, amounts.total - paid)
        # paid: the session its payments go to; on credit: the one its issuer has open, if
        # any (the close counts the facturas issued in it)
        session_id = (
            cash.session_for_payment(actor.username) if cleaned else cash.open_id(actor.username)
        )
        document = issuing.write_document(
            INVOICE,
            amounts,
            actor.username,
            customer=customer.id,
            **buyer.columns(),
            on_credit=on_credit,
            due_date=due_date,
            cash_session=session_id,
        )
        InvoicedRequest.insert_many(
            [{"document": document.id, "lab_request": r.id} for r in requests]
        ).execute()
        if cleaned:
            payments.write(
                cleaned,
                document_id=document.id,
                customer_id=customer.id,
                kind="payment",
                cash_session_id=session_id,
                by=actor.username,
            )
        RequestEvent.insert_many(
            [
                {
                    "lab_request": r.id,
                    "at": now(),
                    "action": "invoiced",
                    "detail": translate("services.billing", "Facturada: {number} ({total})").format(
                        number=document.number, total=format_lempiras(amounts.total)
                    ),
                    "by": actor.username,
                }
                for r in requests
            ]
        ).execute()
        audit.record(
            "billing.invoice.issue",
            "fiscal_document",
            document.id,
            {
                "number": (None, document.number),
                "total": (None, str(amounts.total)),
                "buyer": (None, buyer.name),
                "requests": (None, ", ".join(r.request_number for r in requests)),
                "paid": (None, str(paid)),
                "on_credit": (None, on_credit),
            },
        )
    return document.id
