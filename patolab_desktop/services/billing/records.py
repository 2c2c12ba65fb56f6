"""Reading issued documents and voiding a factura (issue 17, points 3 and 5).

A void (anulación) only marks the document: the reason is required, the number stays
consumed, the requests' history records it with the reason, the payments taken with it
are reversed in the cash session that took them while it is open, else in the voiding
user's open session (she hands the money back), and the requests become free to be
invoiced again. It reprints with "ANULADA". A factura
that already has a credit note cannot be voided, nor one of an earlier calendar month (that
month's libro de ventas is declared: it gets a credit note instead).
"""

from __future__ import annotations

from decimal import Decimal

from ...db.database import locked, write_transaction
from ...db.models import Branch, LabRequest, RequestEvent
from ...db.models_billing import (
    FiscalDocument,
    FiscalDocumentLine,
    InvoicedRequest,
    Payment,
    now,
)
from ...util.dataclass_rows import values_of
from ...util.lookups import present
from ...util.money import format_lempiras
from ...util.text import clean
from .. import identity, settings
from ..access import audit, session
from ..errors import NotFoundError, RuleError, ValidationError
from ..texts import QT_TRANSLATE_NOOP, translate
from . import cash, payments
from .amounts import TOTAL_COLUMNS
from .balances import move_balance, summaries
from .types import DOC_TITLES, INVOICE
from .views import DocumentLine, Issuer, PaymentLine, Totals
from .views import FiscalDocument as FiscalView

CONTEXT = "services.billing"
TWO = Decimal("0.01")


def _get(document_id: int) -> FiscalDocument:
    return present(
        FiscalDocument.get_or_none(FiscalDocument.id == document_id),
        NotFoundError(translate("services.billing", "El documento no existe.")),
    )


def find(number: str) -> int:
    """The id of a document by its 16-digit number (with or without dashes)."""
    session.require("billing.issue")
    digits = "".join(c for c in (number or "") if c.isdigit())
    if len(digits) != 16:
        raise ValidationError(
            {
                "number": translate(
                    "services.billing", "Un número fiscal tiene 16 dígitos: EEE-PPP-TT-NNNNNNNN."
                )
            }
        )
    text = f"{digits[:3]}-{digits[3:6]}-{digits[6:8]}-{digits[8:]}"
    row = present(
        FiscalDocument.get_or_none(FiscalDocument.number == text),
        NotFoundError(
            translate("services.billing", "No hay un documento con el número {number}.").format(
                number=text
            )
        ),
    )
    return row.id


def issuer(branch_id: int) -> Issuer:
    values = settings.get_many(
        ["lab_name", "lab_legal_name", "lab_rtn", "lab_address", "lab_phone", "lab_email"]
    )
    branch = Branch.get_or_none(Branch.id == branch_id)
    return Issuer(
        legal_name=values.get("lab_legal_name") or values.get("lab_name") or "",
        trade_name=values.get("lab_name") or "",
        rtn=values.get("lab_rtn") or "",
        head_office_address=values.get("lab_address") or "",
        branch_name=branch.name if branch else "",
        branch_address=(branch.address if branch else "") or values.get("lab_address") or "",
        phone=(branch.phone if branch and branch.phone else values.get("lab_phone")) or "",
        email=values.get("lab_email") or "",
    )


_ISSUER_FIELDS = {
    "lab_legal_name": QT_TRANSLATE_NOOP("services.billing", "la razón social"),
    "lab_rtn": QT_TRANSLATE_NOOP("services.billing", "el RTN del laboratorio"),
    "lab_address": QT_TRANSLATE_NOOP("services.billing", "la dirección de la casa matriz"),
    "lab_phone": QT_TRANSLATE_NOOP("services.billing", "el teléfono del laboratorio"),
    "lab_email": QT_TRANSLATE_NOOP("services.billing", "el correo del laboratorio"),
}


def check_issuer() -> None:
    """A factura must print the issuer's legal name, RTN, head-office address, phone and
    e-mail (Art. 10; ``BILLING.md``, what a factura shows): refuse to issue until an
    administrator has set them (a factura went out without the phone and e-mail lines)."""
    values = settings.get_many(list(_ISSUER_FIELDS))
    missing = [
        translate("services.billing", text)
        for key, text in _ISSUER_FIELDS.items()
        if not str(values.get(key) or "").strip()
    ]
    if missing:
        raise RuleError(
            translate(
                "services.billing",
                "Falta {missing} en la configuración del laboratorio (menú Archivo → "
                "Configuración del laboratorio): la factura debe llevarlo. Pida a un "
                "administrador que lo registre.",
            ).format(missing=", ".join(missing))
        )


def view(document_id: int) -> FiscalView:
    """The document as printed (and reprinted: a void one carries ANULADA)."""
    session.require("billing.issue")
    return _view(_get(document_id))


def _view(row: FiscalDocument) -> FiscalView:
    from ...util.amount_words import amount_in_words

    lines = tuple(
        DocumentLine(
            description=line.description,
            quantity=line.quantity,
            unit_price=line.unit_price.quantize(TWO),
            discount=line.discount.quantize(TWO),
            amount=line.amount.quantize(TWO),
            tax_class=line.tax_class,
        )
        for line in FiscalDocumentLine.select()
        .where(FiscalDocumentLine.document == row.id)
        .order_by(FiscalDocumentLine.position)
    )
    stored = {column: getattr(row, column).quantize(TWO) for column in TOTAL_COLUMNS}
    totals = Totals(**stored, total_words=amount_in_words(stored["total"]))
    paid = tuple(
        PaymentLine(
            method_label=payments.method_text(p),
            amount=p.amount.quantize(TWO),
            received=p.received.quantize(TWO) if p.received is not None else None,
            change=p.change.quantize(TWO) if p.change is not None else None,
        )
        for p in Payment.select()
        .where((Payment.document == row.id) & (Payment.kind == "payment"))
        .order_by(Payment.id)
    )
    numbers = tuple(
        n
        for (n,) in LabRequest.select(LabRequest.request_number)
        .join(InvoicedRequest, on=(InvoicedRequest.lab_request == LabRequest.id))
        .where(InvoicedRequest.document == row.id)
        .order_by(LabRequest.id)
        .tuples()
    )
    original = row.original if row.original_id else None
    return FiscalView(
        doc_type=row.doc_type,
        title=DOC_TITLES.get(row.doc_type, row.doc_type),
        number=row.number,
        cai=row.cai,
        range_text=row.range_text,
        deadline=row.deadline,
        issued_at=row.issued_at,
        issuer=issuer(row.branch_id),
        buyer_name=row.buyer_name,
        buyer_document=identity.reveal(row.buyer_document),  # the legal paper: in full
        lines=lines,
        totals=totals,
        payments=paid,
        on_credit=row.on_credit,
        due_date=row.due_date,
        request_numbers=numbers,
        exempt_purchase_order=row.exempt_purchase_order,
        exonerated_register=row.exonerated_register,
        sag_register=row.sag_register,
        voided=row.status == "void",
        void_reason=row.void_reason,
        original_cai=original.cai if original else "",
        original_number=original.number if original else "",
        original_date=original.issued_at.date() if original else None,
        reason=row.reason,
        receiver_name=row.receiver_name,
        receiver_document=identity.reveal(row.receiver_document),
        issued_by=row.issued_by,
    )


def for_request(request_id: int) -> list[dict]:
    """The documents of a request (its factura, void ones, and credit notes on it)."""
    session.require("lis.requests.view")
    ids = [
        d
        for (d,) in InvoicedRequest.select(InvoicedRequest.document)
        .where(InvoicedRequest.lab_request == request_id)
        .tuples()
    ]
    if not ids:
        return []
    rows = FiscalDocument.select().where(
        FiscalDocument.id.in_(ids) | FiscalDocument.original.in_(ids)
    )
    return summaries(list(rows.order_by(FiscalDocument.id)))


def void(document_id: int, reason: str) -> None:
    """Anular a factura with an error: reason required, the number stays consumed."""
    actor = session.require("billing.void")
    reason = clean(reason)
    if len(reason) < 5:
        raise ValidationError(
            {
                "reason": translate(
                    "services.billing", "Escriba el motivo de la anulación (al menos 5 caracteres)."
                )
            }
        )
    with write_transaction():
        row = present(
            locked(FiscalDocument.select().where(FiscalDocument.id == document_id)).first(),
            NotFoundError(translate("services.billing", "El documento no existe.")),
        )
        if row.status == "void":
            raise RuleError(
                translate("services.billing", "El documento {number} ya está anulado.").format(
                    number=row.number
                )
            )
        if row.doc_type != INVOICE:
            raise RuleError(translate("services.billing", "Solo se anulan facturas."))
        if _past_month(row):
            raise RuleError(_past_month_refusal(row))
        if (
            FiscalDocument.select()
            .where((FiscalDocument.original == row.id) & (FiscalDocument.status == "issued"))
            .exists()
        ):
            raise RuleError(
                translate(
                    "services.billing",
                    "La factura {number} ya tiene una nota de crédito: no se puede anular. "
                    "Haga otra nota de crédito por lo que falte.",
                ).format(number=row.number)
            )
        taken = list(Payment.select().where(Payment.document == row.id))
        if taken:
            session_id = _reversal_target(taken, actor.username)
            if session_id is None:
                raise RuleError(_no_cash_for_void(row.number, taken))
            # the note of the balance given back, the same for every payment of the factura
            returned = translate("services.billing", "devuelto al anular {number}").format(
                number=row.number
            )
            for p in taken:
                Payment.create(
                    batch=p.batch,
                    document=row.id,
                    customer=p.customer_id,
                    kind="reversal",
                    method=p.method,
                    amount=-p.amount,
                    received=None,
                    change=None,
                    **values_of(p, payments.DETAIL_COLUMNS),
                    cash_session=session_id,
                    at=now(),
                    by=actor.username,
                )
                if p.method == "balance" and p.customer_id:
                    move_balance(p.customer_id, p.amount, row.id, returned, actor.username)
        FiscalDocument.update(
            status="void", void_reason=reason, voided_at=now(), voided_by=actor.username
        ).where(FiscalDocument.id == row.id).execute()
        # the requests' history says it, as it says the factura and a credit note
        detail = translate("services.billing", "Factura {number} anulada: {reason}").format(
            number=row.number, reason=reason
        )
        RequestEvent.insert_many(
            [
                {
                    "lab_request": request_id,
                    "at": now(),
                    "action": "invoice_void",
                    "detail": detail,
                    "by": actor.username,
                }
                for (request_id,) in InvoicedRequest.select(InvoicedRequest.lab_request)
                .where(InvoicedRequest.document == row.id)
                .order_by(InvoicedRequest.lab_request)
                .tuples()
            ]
        ).execute()
        audit.record_status(
            "billing.invoice.void", "fiscal_document", row.id, "issued", "void", reason
        )


def _past_month(row: FiscalDocument) -> bool:
    """A factura of an earlier calendar month: that month's libro de ventas is declared
    and does not change, so it is not voided (it gets a credit note this month)."""
    today = now()
    return (row.issued_at.year, row.issued_at.month) != (today.year, today.month)


def _past_month_refusal(row: FiscalDocument) -> str:
    return translate(
        "services.billing",
        "La factura {number} es del {date}: una factura solo se anula en el mes en que se "
        "emitió (ese mes ya está declarado en el libro de ventas). Emita una nota de crédito "
        "por ella.",
    ).format(number=row.number, date=row.issued_at.strftime("%d/%m/%Y"))


def _reversal_target(taken: list[Payment], username: str, lock: bool = True) -> int | None:
    """Where the reversed payments go: the session that took them while it is still open
    (the drawer still holds the money, so its close nets to what stayed), else the voiding
    user's open session (the money leaves her drawer); None when neither is open.

    ``lock``: inside the void's transaction the taking session's row is locked, as its
    close locks it: a void while that cash was being closed on another desk put the
    reversal into a session that had just closed, outside its expected amounts."""
    from ...db.models_billing import CashSession

    original = {p.cash_session_id for p in taken if p.cash_session_id}
    if len(original) == 1:
        query = CashSession.select().where(CashSession.id == original.pop())
        row = (locked(query) if lock else query).first()
        if row is not None and row.status == "open":
            return row.id
    return cash.open_id(username)


def _no_cash_for_void(number: str, taken: list[Payment]) -> str:
    paid = sum((p.amount for p in taken), Decimal(0))
    return translate(
        "services.billing",
        "La factura {number} está pagada: al anularla, lo cobrado ({amount}) se devuelve "
        "desde su caja, y usted no tiene una caja abierta (la caja en que se cobró ya se "
        "cerró). Abra su caja (Caja → Abrir caja…) y vuelva a anularla.",
    ).format(number=number, amount=format_lempiras(paid))


def void_refusal(document_id: int) -> str:
    """Why voiding this factura would be refused (of an earlier month, or for want of an
    open cash), or "": the void dialog says so before the reason is typed (the same rules
    ``void`` applies)."""
    actor = session.require("billing.void")
    row = _get(document_id)
    if _past_month(row):
        return _past_month_refusal(row)
    taken = list(Payment.select().where(Payment.document == row.id))
    if not taken or _reversal_target(taken, actor.username, lock=False) is not None:
        return ""
    return _no_cash_for_void(row.number, taken)
