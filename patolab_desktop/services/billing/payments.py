"""Payments at the desk (issue 17, point 4): cash with received and change, card with the
last 4 digits and authorisation code, bank transfer, cheque, the customer's credit
balance, or several of them (mixed). Validated before anything is written."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from ...db.database import locked
from ...db.models import Customer
from ...db.models_billing import BalanceMove, Payment, now
from ...util.dataclass_rows import values_of
from ...util.money import format_lempiras
from ...util.text import clean
from ..errors import ValidationError
from ..texts import translate
from .amounts import ZERO, read_cents
from .balances import move_balance, summed
from .types import BALANCE, CARD, CASH, CHEQUE, METHOD_LABELS, METHODS, TRANSFER, label

CONTEXT = "services.billing"
#: what identifies how a payment was made (card, transfer, cheque), copied by its reversal
DETAIL_COLUMNS = ("card_last4", "auth_code", "bank", "reference")
#: methods with no change to give: what they pay beyond an abono's debt is the customer's
#: saldo a favor (cash gives change instead; the saldo a favor cannot make more saldo)
KEPT_AS_BALANCE = (CARD, TRANSFER, CHEQUE)


@dataclass(frozen=True)
class PaymentInput:
    method: str
    amount: Decimal | str
    received: Decimal | str | None = None  # cash: what the customer handed over
    card_last4: str = ""
    auth_code: str = ""
    bank: str = ""
    reference: str = ""  # transfer reference or cheque number


@dataclass(frozen=True)
class CleanPayment:
    method: str
    amount: Decimal
    received: Decimal | None
    change: Decimal | None
    card_last4: str = ""
    auth_code: str = ""
    bank: str = ""
    reference: str = ""


def _money(value: object, field: str, errors: dict) -> Decimal:
    try:
        return read_cents(value, currency_sign=True, maximum=Decimal("999999999"))
    except ValueError:
        errors[field] = translate(
            "services.billing", "Escriba un monto válido (por ejemplo 250.00)."
        )
        return ZERO


def clean_payments(
    items: Iterable[PaymentInput] | None,
    total: Decimal,
    *,
    on_credit: bool = False,
    keep_excess: bool = False,
) -> list[CleanPayment]:
    """Check the payments of a document of ``total``: together they pay it exactly (cash
    may be handed over in excess: the change), unless the rest goes on credit.

    ``keep_excess`` (an abono): they may pay more than ``total`` by as much as the
    ``KEPT_AS_BALANCE`` methods bring, the excess kept as saldo a favor by the caller."""
    errors: dict[str, str] = {}
    result: list[CleanPayment] = []
    for index, item in enumerate(items or ()):
        prefix = f"payment{index}"
        method = clean(item.method).lower()
        if method not in METHODS:
            errors[f"{prefix}.method"] = translate(
                "services.billing",
                "Forma de pago desconocida: use efectivo, tarjeta, transferencia, cheque o saldo.",
            )
            continue
        amount = _money(item.amount, f"{prefix}.amount", errors)
        if amount <= 0 and f"{prefix}.amount" not in errors:
            errors[f"{prefix}.amount"] = translate(
                "services.billing", "El monto de cada pago debe ser mayor que cero."
            )
        received = change = None
        last4 = auth = bank = reference = ""
        name = label(METHOD_LABELS, method)
        if method == CASH:
            received = amount
            if item.received not in (None, ""):
                received = _money(item.received, f"{prefix}.received", errors)
                if received < amount:
                    errors[f"{prefix}.received"] = translate(
                        "services.billing",
                        "El efectivo recibido ({received}) es menor que el monto en efectivo "
                        "({amount}).",
                    ).format(received=format_lempiras(received), amount=format_lempiras(amount))
            change = received - amount
        elif method == CARD:
            last4 = clean(item.card_last4)
            auth = clean(item.auth_code).upper()
            if not re.fullmatch(r"\d{4}", last4):
                errors[f"{prefix}.card_last4"] = translate(
                    "services.billing", "Escriba los últimos 4 dígitos de la tarjeta."
                )
            if not re.fullmatch(r"[0-9A-Z]{3,20}", auth):
                errors[f"{prefix}.auth_code"] = translate(
                    "services.billing",
                    "Un pago con tarjeta necesita el código de autorización del voucher.",
                )
        elif method in (TRANSFER, CHEQUE):
            bank = clean(item.bank)[:80]
            reference = clean(item.reference)[:40]
            if not bank:
                errors[f"{prefix}.bank"] = translate(
                    "services.billing", "Escriba el banco del pago con {method}."
                ).format(method=name.lower())
            if not reference:
                errors[f"{prefix}.reference"] = (
                    translate("services.billing", "Escriba la referencia de la transferencia.")
                    if method == TRANSFER
                    else translate("services.billing", "Escriba el número del cheque.")
                )
        result.append(CleanPayment(method, amount, received, change, last4, auth, bank, reference))
    if errors:
        raise ValidationError(errors)
    paid = sum((p.amount for p in result), ZERO)
    keepable = sum((p.amount for p in result if p.method in KEPT_AS_BALANCE), ZERO)
    if paid > total and keep_excess and paid - total > keepable:
        raise ValidationError(
            {
                "payments": translate(
                    "services.billing",
                    "Los pagos ({paid}) suman más que la deuda ({total}). Solo lo pagado con "
                    "tarjeta, transferencia o cheque puede quedar como saldo a favor; para dar "
                    "cambio, escriba el efectivo recibido aparte del monto.",
                ).format(paid=format_lempiras(paid), total=format_lempiras(total))
            }
        )
    if paid > total and not keep_excess:
        raise ValidationError(
            {
                "payments": translate(
                    "services.billing",
                    "Los pagos ({paid}) suman más que el total ({total}). Para dar cambio, "
                    "escriba el efectivo recibido aparte del monto.",
                ).format(paid=format_lempiras(paid), total=format_lempiras(total))
            }
        )
    if paid < total and not on_credit:
        raise ValidationError(
            {
                "payments": translate(
                    "services.billing",
                    "Los pagos ({paid}) no cubren el total ({total}): faltan {missing}.",
                ).format(
                    paid=format_lempiras(paid),
                    total=format_lempiras(total),
                    missing=format_lempiras(total - paid),
                )
            }
        )
    return result


def write(
    payments: list[CleanPayment],
    *,
    document_id: int | None,
    customer_id: int | None,
    kind: str,
    cash_session_id: int | None,
    by: str,
    sign: int = 1,
) -> str:
    """Write the payment rows of one batch (inside the caller's transaction)."""
    batch = str(uuid.uuid4())
    for p in payments:
        Payment.create(
            batch=batch,
            document=document_id,
            customer=customer_id,
            kind=kind,
            method=p.method,
            amount=p.amount * sign,
            received=p.received,
            change=p.change,
            **values_of(p, DETAIL_COLUMNS),
            cash_session=cash_session_id,
            at=now(),
            by=by,
        )
        if p.method == BALANCE and customer_id is not None:
            move_balance(
                customer_id,
                -p.amount * sign,
                document_id,
                translate("services.billing", "usado como pago"),
                by,
            )
    return batch


def method_text(row: Payment) -> str:
    """ "Tarjeta ****1234 aut. 0099", "Transferencia BAC ref. 123"… as the factura prints
    it: in Spanish whatever the interface's language (a fiscal document's legends)."""
    name = METHOD_LABELS.get(row.method, row.method)
    if row.method == CARD:
        return f"{name} ****{row.card_last4} aut. {row.auth_code}"
    if row.method == TRANSFER:
        return f"{name} {row.bank} ref. {row.reference}"
    if row.method == CHEQUE:
        return f"{name} {row.bank} n.º {row.reference}"
    return name


def balance_of(customer_id: int) -> Decimal:
    """The customer's credit balance (saldo a favor)."""
    return summed(BalanceMove.amount, BalanceMove.customer == customer_id)


def check_balance(customer_id: int, cleaned: Iterable[CleanPayment]) -> None:
    """The payments taken from the saldo a favor use no more than the customer has (a
    factura, an abono: every payment from the saldo goes through here before it is
    written). Inside the caller's write transaction, the customer's row locked first, so
    two desks spending the same saldo at once take turns and the second sees what the
    first left (``FOR UPDATE`` on PostgreSQL; SQLite's write lock is already held)."""
    used = sum((p.amount for p in cleaned if p.method == BALANCE), ZERO)
    if used <= 0:
        return
    customer = locked(Customer.select().where(Customer.id == customer_id)).first()
    balance = balance_of(customer_id)
    if customer is None or used > balance:
        raise ValidationError(
            {
                "payments": translate(
                    "services.billing", "{name} tiene {balance} de saldo a favor."
                ).format(name=customer.name if customer else "", balance=format_lempiras(balance))
            }
        )
