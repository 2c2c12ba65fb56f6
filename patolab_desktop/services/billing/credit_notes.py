"""Notas de Crédito (06) (issue 17, point 5).

A credit note has its own authorisation and number, cites the original factura's CAI,
number and date, gives the reason and the name and document of the person who receives
it. It credits removed investigations (their lines as invoiced), the whole factura (a
cancelled request), or a partial amount at one rate. Together the notes of a factura
never exceed what it charged at each rate (exento, exonerado, 15 %, 18 %) nor its total,
and the one that credits the rest of a rate credits it to the cent. The money is settled
at the same time: given back (refund, from the cash session that took it while it is
open, else the user's: ``refund_drawer``), kept as the customer's credit balance, or —
when it was not paid yet — taken off what is owed. The investigations it credits leave
their requests (``requests.credited``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from ...db.database import locked, write_transaction
from ...db.models import RequestEvent
from ...db.models_billing import FiscalDocument, FiscalDocumentLine, Payment, now
from ...util.dataclass_rows import from_row
from ...util.lookups import present
from ...util.money import format_lempiras
from ...util.text import clean
from .. import identity
from ..access import audit, session
from ..errors import NotFoundError, RuleError, ValidationError
from ..requests import credited as credited_lines
from ..texts import translate
from . import buyers, issuing, payments, records, refund_drawer
from .amounts import ZERO, AmountOutOfRange, DocumentAmounts, LineInput, compute, read_cents
from .balances import credited_amount, move_balance, paid_amount, summed
from .types import (
    CASH,
    CREDIT_NOTE,
    EXEMPT,
    INVOICE,
    METHODS,
    SETTLE_BALANCE,
    SETTLE_DEBT,
    SETTLE_REFUND,
    TAX_CLASSES,
)

CONTEXT = "services.billing"


@dataclass(frozen=True)
class CreditNoteInput:
    original_id: int
    reason: str
    receiver_name: str
    receiver_document: str
    settlement: str = SETTLE_REFUND  # refund, balance, debt
    refund_method: str = CASH
    # what is credited: request line ids (removed investigations), everything, or an amount
    request_line_ids: tuple[int, ...] = ()
    whole: bool = False
    amount: Decimal | str | None = None  # a partial amount (before ISV)
    tax_class: str = EXEMPT


def remaining(original_id: int) -> Decimal:
    """What can still be credited on a factura."""
    session.require("billing.credit_note")
    row = present(
        FiscalDocument.get_or_none(FiscalDocument.id == original_id),
        NotFoundError(translate("services.billing", "La factura no existe.")),
    )
    return row.total.quantize(Decimal("0.01")) - credited_amount(row.id)


def _refusal(original: FiscalDocument, message: str, **values: object) -> RuleError:
    """A refusal about the factura ``original``: ``message`` (translated) with its number in
    ``{number}`` and ``values`` in its other fields."""
    return RuleError(message.format(number=original.number, **values))


def _lines(data: CreditNoteInput, original: FiscalDocument) -> list[LineInput]:
    stored = list(
        FiscalDocumentLine.select()
        .where(FiscalDocumentLine.document == original.id)
        .order_by(FiscalDocumentLine.position)
    )
    if data.whole:
        if credited_amount(original.id) > ZERO:
            raise _whole_refusal(original)
        chosen = stored
    elif data.request_line_ids:
        wanted = set(data.request_line_ids)
        chosen = [line for line in stored if line.request_line_id in wanted]
        if len(chosen) != len(wanted):
            raise ValidationError(
                {
                    "lines": translate(
                        "services.billing",
                        "Alguna investigación elegida no está en la factura {number}.",
                    ).format(number=original.number)
                }
            )
        already = set(
            FiscalDocumentLine.select(FiscalDocumentLine.request_line)
            .join(FiscalDocument, on=(FiscalDocumentLine.document == FiscalDocument.id))
            .where(
                (FiscalDocument.original == original.id)
                & (FiscalDocument.status == "issued")
                & FiscalDocumentLine.request_line.in_(list(wanted))
            )
            .tuples()
        )
        if already:
            raise RuleError(
                translate(
                    "services.billing",
                    "Alguna de esas investigaciones ya tiene su nota de crédito.",
                )
            )
    else:
        if data.tax_class not in TAX_CLASSES:
            raise ValidationError(
                {"tax_class": translate("services.billing", "Clase de impuesto desconocida.")}
            )
        try:
            # no maximum here: the factura's remainder bounds it, with its own message
            amount = read_cents(data.amount, maximum=Decimal("Infinity"))
        except AmountOutOfRange:
            amount = ZERO  # negative or not finite: "must be more than zero" below
        except ValueError as exc:
            raise ValidationError(
                {
                    "amount": translate(
                        "services.billing", "Escriba el monto a acreditar (por ejemplo 150.00)."
                    )
                }
            ) from exc
        if amount <= 0:
            raise ValidationError(
                {
                    "amount": translate(
                        "services.billing", "El monto a acreditar debe ser mayor que cero."
                    )
                }
            )
        return [
            LineInput(
                # the document's own text: Spanish whatever the interface's language (an
                # issued note keeps it; «Rebate:» stayed on one issued with English active)
                description=f"Rebaja: {clean(data.reason)}"[:250],
                unit_price=amount,
                tax_class=data.tax_class,
            )
        ]
    return [from_row(LineInput, line) for line in chosen]


#: the amounts of a factura before ISV that a note credits, in the order a message lists them
BASES = ("exempt", "exonerated", "taxed15", "taxed18")


def _base_name(column: str) -> str:
    """How a message names the base ``column`` («L 100.10 al 15 %»)."""
    return {
        "exempt": translate("services.billing", "exento"),
        "exonerated": translate("services.billing", "exonerado"),
        "taxed15": translate("services.billing", "al 15 %"),
        "taxed18": translate("services.billing", "al 18 %"),
    }[column]


def _left(original: FiscalDocument) -> dict[str, Decimal]:
    """What the factura has left of each base (``BASES``) and ISV after its notes."""
    notes = (FiscalDocument.original == original.id) & (FiscalDocument.status == "issued")
    return {
        column: getattr(original, column).quantize(Decimal("0.01"))
        - summed(getattr(FiscalDocument, column), notes)
        for column in (*BASES, "isv15", "isv18")
    }


def _whole_refusal(original: FiscalDocument) -> RuleError:
    """«The whole factura» once it has notes: what to type as amounts instead.

    «Whole» stays the factura's own lines as invoiced (a cancelled request, BILLING.md: the
    note credits what the factura charged), so after earlier notes it is refused rather than
    turned into «the rest»: a rest left by rebates is no set of the factura's lines. The
    message gives each rate's rest before ISV, the amount the person types at that rate
    (the ISV left is added by the note that takes the rest of a rate, ``_within_factura``);
    the total with ISV was typed as is and refused as too much on a taxed factura.
    """
    left = _left(original)
    rest = [
        f"{format_lempiras(left[column])} {_base_name(column)}"
        for column in BASES
        if left[column] > ZERO
    ]
    if not rest:
        return _refusal(
            original,
            translate("services.billing", "La factura {number} ya no tiene nada por acreditar."),
        )
    return _refusal(
        original,
        translate(
            "services.billing",
            "La factura {number} ya tiene notas de crédito: acredite lo que falta como un "
            "monto (antes de ISV) por cada tasa: {rest}.",
        ),
        rest=", ".join(rest),
    )


def _within_bases(
    amounts: DocumentAmounts, original: FiscalDocument, left: dict[str, Decimal]
) -> None:
    """Refuse a note that credits more of a base (exento, exonerado, 15 %, 18 %) than the
    factura has ``left`` of it.

    A fiscal document may only credit a tax base the factura had: an «exento» rebate on a
    factura of taxed lines, or a 15 % one on a factura of exempt lines, would credit a base
    (and an ISV) it never charged, even when the total left covers it. Notes for lines pass
    too once rebates have taken their base.
    """
    for column in BASES:
        if getattr(amounts, column) > left[column]:
            raise _refusal(
                original,
                translate(
                    "services.billing",
                    "A la factura {number} le quedan {left} {rate} por acreditar (antes de "
                    "ISV): la nota de crédito no puede acreditar {amount} {rate}.",
                ),
                left=format_lempiras(max(left[column], ZERO)),
                amount=format_lempiras(getattr(amounts, column)),
                rate=_base_name(column),
            )


def _within_factura(amounts: DocumentAmounts, left: dict[str, Decimal]) -> DocumentAmounts:
    """``amounts`` with the ISV of each rate fitted to what the factura has ``left`` of it.

    A note rounds its own ISV (Ley ISV Art. 9), so notes for the investigations one at a
    time would credit more or less than the factura charged (two lines of L 100.10 at
    15 %: 15.02 + 15.02 against the factura's 30.03), and the last one was refused. So
    the note that takes the rest of a rate's taxable amount takes the rest of its ISV,
    and no note credits more ISV of a rate than is left: the notes of a factura add up
    to it to the cent, and earlier notes keep their own rounding.
    """
    fitted: dict[str, Decimal] = {}
    for base_column, isv_column in (("taxed15", "isv15"), ("taxed18", "isv18")):
        base, own = getattr(amounts, base_column), getattr(amounts, isv_column)
        left_isv = max(left[isv_column], ZERO)
        takes_the_rest = base > ZERO and base == left[base_column]
        fitted[isv_column] = left_isv if takes_the_rest else min(own, left_isv)
    isv15, isv18 = fitted["isv15"], fitted["isv18"]
    total = amounts.total - amounts.isv15 - amounts.isv18 + isv15 + isv18
    return replace(amounts, isv15=isv15, isv18=isv18, total=total)


def issue(data: CreditNoteInput) -> int:
    """Issue the credit note and settle its money; returns its id."""
    actor = session.require("billing.credit_note")
    reason = clean(data.reason)
    receiver = clean(data.receiver_name)[:200]
    document = clean(data.receiver_document)[:60]
    errors = {}
    if len(reason) < 5:
        errors["reason"] = translate(
            "services.billing", "Escriba el motivo de la nota de crédito (al menos 5 caracteres)."
        )
    if not receiver:
        errors["receiver_name"] = translate(
            "services.billing", "Escriba el nombre de quien recibe la nota de crédito."
        )
    if not document:
        errors["receiver_document"] = translate(
            "services.billing", "Escriba el documento de quien la recibe."
        )
    if data.settlement not in (SETTLE_REFUND, SETTLE_BALANCE, SETTLE_DEBT):
        errors["settlement"] = translate("services.billing", "Elija qué se hace con el dinero.")
    if data.settlement == SETTLE_REFUND and data.refund_method not in METHODS:
        errors["refund_method"] = translate("services.billing", "Elija cómo se devuelve el dinero.")
    if not data.whole and not data.request_line_ids and data.amount in (None, ""):
        errors["amount"] = translate(
            "services.billing", "Elija las investigaciones o escriba el monto a acreditar."
        )
    if errors:
        raise ValidationError(errors)
    records.check_issuer()
    with write_transaction():
        original = locked(
            FiscalDocument.select().where(FiscalDocument.id == data.original_id)
        ).first()
        if original is None or original.doc_type != INVOICE:
            raise NotFoundError(translate("services.billing", "La factura no existe."))
        if original.status == "void":
            raise _refusal(
                original,
                translate(
                    "services.billing",
                    "La factura {number} está anulada: no lleva notas de crédito.",
                ),
            )
        lines = _lines(data, original)
        left_of = _left(original)
        amounts = compute(lines, exonerated_buyer=original.exonerated > 0)
        _within_bases(amounts, original, left_of)
        amounts = _within_factura(amounts, left_of)
        left = original.total.quantize(Decimal("0.01")) - credited_amount(original.id)
        if amounts.total > left:
            raise _refusal(
                original,
                translate(
                    "services.billing",
                    "La nota de crédito ({amount}) pasa de lo que queda de la factura {number} "
                    "({left}).",
                ),
                amount=format_lempiras(amounts.total),
                left=format_lempiras(left),
            )
        paid = paid_amount(original.id)
        owed = left - paid  # what the factura still owes after its credit notes and payments
        if data.settlement == SETTLE_DEBT and amounts.total > owed:
            raise _refusal(
                original,
                translate(
                    "services.billing",
                    "Solo se rebajan {owed} que aún se deben de la factura {number}: "
                    "devuelva el resto o déjelo como saldo a favor.",
                ),
                owed=format_lempiras(max(owed, ZERO)),
            )
        if data.settlement in (SETTLE_REFUND, SETTLE_BALANCE) and amounts.total > paid:
            raise _refusal(
                original,
                translate(
                    "services.billing",
                    "Solo se pagaron {paid} de la factura {number}: no se devuelve más de lo "
                    "pagado. Rebaje lo que se debe.",
                ),
                paid=format_lempiras(paid),
            )
        if data.settlement == SETTLE_BALANCE and original.customer_id is None:
            raise RuleError(
                translate(
                    "services.billing",
                    "La factura no tiene cliente: no puede quedar saldo a favor.",
                )
            )
        session_id = None
        if data.settlement == SETTLE_REFUND:
            # from the drawer that took the money while it is open, as a void reverses
            session_id = refund_drawer.target(original.id, actor.username)
            if session_id is None:
                raise RuleError(refund_drawer.refusal(original.id))
        note = issuing.write_document(
            CREDIT_NOTE,
            amounts,
            actor.username,
            customer=original.customer_id,
            **{column: getattr(original, column) for column in buyers.BUYER_COLUMNS},
            original=original.id,
            reason=reason,
            receiver_name=receiver,
            receiver_document=buyers.sealed(document),
            settlement=data.settlement,
            cash_session=session_id,
        )
        if data.settlement == SETTLE_REFUND:
            payments.write(
                [payments.CleanPayment(data.refund_method, amounts.total, None, None)],
                document_id=original.id,
                customer_id=original.customer_id,
                kind="refund",
                cash_session_id=session_id,
                by=actor.username,
                sign=-1,
            )
        elif data.settlement == SETTLE_BALANCE:
            Payment.create(
                batch=f"cn-{note.id}",
                document=original.id,
                customer=original.customer_id,
                kind="to_balance",
                method="balance",
                amount=-amounts.total,
                at=now(),
                by=actor.username,
            )
            move_balance(
                original.customer_id,
                amounts.total,
                note.id,
                translate("services.billing", "nota de crédito {number}").format(
                    number=note.number
                ),
                actor.username,
            )
        request_ids = {
            item.line.lab_request_id for item in amounts.lines if item.line.lab_request_id
        }
        for request_id in sorted(request_ids):
            RequestEvent.create(
                lab_request=request_id,
                at=now(),
                action="credit_note",
                detail=translate(
                    "services.billing", "Nota de crédito {number} ({total}): {reason}"
                ).format(number=note.number, total=format_lempiras(amounts.total), reason=reason),
                by=actor.username,
            )
        # the investigations it credits leave their requests: the lab does not run them
        credited_lines.take_off(
            [item.line.request_line_id for item in amounts.lines if item.line.request_line_id],
            note.number,
            reason,
            actor.username,
        )
        audit.record(
            "billing.credit_note.issue",
            "fiscal_document",
            note.id,
            {
                "number": (None, note.number),
                "original": (None, original.number),
                "total": (None, str(amounts.total)),
                "settlement": (None, data.settlement),
            },
            detail=reason,
        )
    return note.id


def invoiced_lines(request_id: int) -> dict:
    """For the cancel and remove dialogs: the request's valid factura (id, number), what
    was paid on it and what can still be credited; empty when it was not invoiced."""
    session.require("lis.requests.view")
    from .invoices import invoice_of

    document_id = invoice_of(request_id)
    if document_id is None:
        return {}
    row = FiscalDocument.get_by_id(document_id)
    credited = credited_amount(row.id)
    paid = paid_amount(row.id)
    return {
        "document_id": row.id,
        "number": row.number,
        "total": row.total.quantize(Decimal("0.01")),
        "paid": paid,
        "credited": credited,
        "left": row.total.quantize(Decimal("0.01")) - credited,
        "owed": row.total.quantize(Decimal("0.01")) - credited - paid,
        "buyer_name": row.buyer_name,
        "buyer_document": identity.shown(row.buyer_document),
    }


def invoice_lines(document_id: int) -> list[dict]:
    """The lines of a factura with what each can still be credited (the credit-note
    dialog and the CLI pick removed investigations from them)."""
    session.require("billing.credit_note")
    from ...db.models import Investigation, RequestLine

    credited = set(
        r
        for (r,) in FiscalDocumentLine.select(FiscalDocumentLine.request_line)
        .join(FiscalDocument, on=(FiscalDocumentLine.document == FiscalDocument.id))
        .where((FiscalDocument.original == document_id) & (FiscalDocument.status == "issued"))
        .tuples()
        if r is not None
    )
    rows = (
        FiscalDocumentLine.select(
            FiscalDocumentLine.request_line,
            Investigation.code,
            FiscalDocumentLine.description,
            FiscalDocumentLine.amount,
        )
        .join(RequestLine, on=(FiscalDocumentLine.request_line == RequestLine.id))
        .join(Investigation, on=(RequestLine.investigation == Investigation.id))
        .where(FiscalDocumentLine.document == document_id)
        .order_by(FiscalDocumentLine.position)
        .tuples()
    )
    return [
        {
            "request_line_id": line_id,
            "code": code,
            "description": description,
            "amount": Decimal(amount).quantize(Decimal("0.01")),
            "credited": line_id in credited,
        }
        for line_id, code, description, amount in rows
    ]
