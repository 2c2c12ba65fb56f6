"""Company credit (issue 17, point 4): a limit and days per company customer, abonos
that reduce the balance (oldest invoice first), the statement of account and the list
of overdue invoices."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from ...db.database import write_transaction
from ...db.models import Customer
from ...db.models_billing import CreditAccount, FiscalDocument
from ...util.lookups import present
from ..access import audit, session
from ..errors import NotFoundError, RuleError, ValidationError, stale
from ..texts import translate
from . import cash, payments
from .amounts import ZERO, read_cents
from .balances import move_balance, summaries
from .payments import PaymentInput
from .types import INVOICE

CONTEXT = "services.billing"
TWO = Decimal("0.01")


def get_account(customer_id: int) -> dict:
    """The credit terms of a customer (limit 0 and 30 days when none is set)."""
    session.require("billing.issue")
    row = CreditAccount.get_or_none(CreditAccount.customer == customer_id)
    if row is None:
        return {
            "customer_id": customer_id,
            "credit_limit": ZERO,
            "days": 30,
            "active": False,
            "version": 0,
        }
    return {
        "customer_id": customer_id,
        "credit_limit": row.credit_limit.quantize(TWO),
        "days": row.days,
        "active": row.active,
        "version": row.version,
    }


def set_account(
    customer_id: int,
    credit_limit: Decimal | str,
    days: int | str,
    active: bool = True,
    expected_version: int | None = None,
) -> None:
    """Set a company's credit limit and days to pay (administrators)."""
    session.require("billing.authorisations")
    customer = present(
        Customer.get_or_none(Customer.id == customer_id),
        NotFoundError(translate("services.billing", "El cliente no existe.")),
    )
    if customer.type != "empresa":
        raise RuleError(translate("services.billing", "Solo una empresa tiene crédito."))
    errors = {}
    try:
        limit = read_cents(credit_limit)
    except ValueError:
        errors["credit_limit"] = translate(
            "services.billing", "Escriba el límite de crédito (por ejemplo 50000.00)."
        )
        limit = ZERO
    day_count = 0
    try:
        day_count = int(days)
        if not 1 <= day_count <= 365:
            raise ValueError
    except (TypeError, ValueError):
        errors["days"] = translate("services.billing", "Los días de crédito van de 1 a 365.")
    if errors:
        raise ValidationError(errors)
    with write_transaction():
        row = CreditAccount.get_or_none(CreditAccount.customer == customer_id)
        if row is None:
            if expected_version not in (None, 0):
                raise stale(translate("services.billing", "el crédito de la empresa"))
            row = CreditAccount.create(
                customer=customer_id, credit_limit=limit, days=day_count, active=active
            )
            before = {}
        else:
            if expected_version is not None and row.version != expected_version:
                raise stale(translate("services.billing", "el crédito de la empresa"))
            before = {
                "credit_limit": str(row.credit_limit.quantize(TWO)),
                "days": row.days,
                "active": row.active,
            }
            CreditAccount.update(
                credit_limit=limit, days=day_count, active=active, version=row.version + 1
            ).where(CreditAccount.id == row.id).execute()
        after = {"credit_limit": str(limit), "days": day_count, "active": active}
        audit.record(
            "billing.credit.set",
            "customer",
            customer_id,
            audit.diff(before, after) if before else {k: (None, v) for k, v in after.items()},
        )


def _open_invoices(customer_id: int) -> list[dict]:
    rows = (
        FiscalDocument.select()
        .where(
            (FiscalDocument.customer == customer_id)
            & (FiscalDocument.doc_type == INVOICE)
            & (FiscalDocument.status == "issued")
            & (FiscalDocument.on_credit == True)  # noqa: E712
        )
        .order_by(FiscalDocument.issued_at, FiscalDocument.id)
    )
    return summaries(list(rows))


def balance_due(customer_id: int) -> Decimal:
    """What the customer still owes on credit invoices (no permission: used while issuing)."""
    return sum((r["balance"] for r in _open_invoices(customer_id)), ZERO)


def owed(customer_id: int) -> tuple[Decimal, int]:
    """What the customer still owes on credit invoices and on how many of them (no
    permission: ``customers.deactivate`` asks it, after its own ``require``, to refuse a
    customer that owes)."""
    balances = [r["balance"] for r in _open_invoices(customer_id) if r["balance"] > 0]
    return sum(balances, ZERO), len(balances)


def owing(customer_ids: Iterable[int]) -> set[int]:
    """The customers among ``customer_ids`` that owe on credit invoices: «Crédito de
    empresas…» finds an inactive company (deactivated before a company that owes was
    refused) while it owes, so that its abonos can still be recorded."""
    session.require("billing.issue")
    return {customer_id for customer_id in customer_ids if balance_due(customer_id) > 0}


def statement(customer_id: int, today: dt.date | None = None) -> dict:
    """The statement of account: each credit invoice with total, credit notes, paid,
    balance, due date and days overdue; and the totals. ``customer_active``: False for a
    deactivated company (its debt is still collected)."""
    session.require("billing.issue")
    customer = present(
        Customer.get_or_none(Customer.id == customer_id),
        NotFoundError(translate("services.billing", "El cliente no existe.")),
    )
    today = today or dt.date.today()
    rows = []
    for row in _open_invoices(customer_id):
        overdue = (today - row["due_date"]).days if row["due_date"] else 0
        row["days_overdue"] = max(0, overdue) if row["balance"] > 0 else 0
        rows.append(row)
    account = get_account(customer_id)
    due = sum((r["balance"] for r in rows), ZERO)
    return {
        "customer_id": customer_id,
        "customer_name": customer.name,
        "customer_active": customer.active,
        "credit_limit": account["credit_limit"],
        "days": account["days"],
        "rows": rows,
        "balance": due,
        "overdue": sum((r["balance"] for r in rows if r["days_overdue"] > 0), ZERO),
        "available": account["credit_limit"] - due,
        "credit_balance": payments.balance_of(customer_id),  # its saldo a favor
    }


STATEMENT_COLUMNS = (
    "numero",
    "fecha",
    "vence",
    "total",
    "notas_credito",
    "pagado",
    "saldo",
    "dias_vencida",
)


def statement_rows(customer_id: int) -> list[list[str]]:
    """The statement as CSV rows (header first)."""
    data = statement(customer_id)
    out = [list(STATEMENT_COLUMNS)]
    for r in data["rows"]:
        out.append(
            [
                r["number"],
                r["issued_at"].date().isoformat(),
                r["due_date"].isoformat() if r["due_date"] else "",
                f"{r['total']:.2f}",
                f"{r['credited']:.2f}",
                f"{r['paid']:.2f}",
                f"{r['balance']:.2f}",
                str(r["days_overdue"]),
            ]
        )
    return out


def overdue(today: dt.date | None = None) -> list[dict]:
    """Every credit invoice past its due date with a balance, oldest first."""
    session.require("billing.reports")
    today = today or dt.date.today()
    rows = (
        FiscalDocument.select()
        .where(
            (FiscalDocument.doc_type == INVOICE)
            & (FiscalDocument.status == "issued")
            & (FiscalDocument.on_credit == True)  # noqa: E712
            & (FiscalDocument.due_date < today)
        )
        .order_by(FiscalDocument.due_date, FiscalDocument.id)
    )
    found = []
    documents = list(rows)
    for row, item in zip(documents, summaries(documents), strict=True):
        if item["balance"] > 0:
            item["days_overdue"] = (today - row.due_date).days
            found.append(item)
    return found


@dataclasses.dataclass(frozen=True)
class Abono:
    """What an abono did: the invoices it paid (in part or whole) and what it brought
    beyond the debt, kept as the company's saldo a favor."""

    invoice_ids: list[int]
    kept: Decimal = ZERO


def record_abono(customer_id: int, items: Iterable[PaymentInput]) -> Abono:
    """An abono of a company: applied to its oldest open credit invoices. A transfer, card
    or cheque for more than the debt is recorded whole (the bank shows the whole amount)
    and the excess is kept as saldo a favor, as a credit note keeps money; cash beyond
    the debt is change, and the saldo a favor cannot make more saldo."""
    actor = session.require("billing.issue")
    with write_transaction():
        open_rows = [r for r in _open_invoices(customer_id) if r["balance"] > 0]
        due = sum((r["balance"] for r in open_rows), ZERO)
        if due <= 0:
            raise RuleError(translate("services.billing", "El cliente no debe nada a crédito."))
        cleaned = payments.clean_payments(items, due, on_credit=True, keep_excess=True)
        total = sum((p.amount for p in cleaned), ZERO)
        if total <= 0:
            raise ValidationError(
                {"payments": translate("services.billing", "Escriba el monto del abono.")}
            )
        payments.check_balance(customer_id, cleaned)
        session_id = cash.session_for_payment(actor.username)
        touched: list[int] = []
        # each payment's remaining amount is replaced as it is applied; the methods that
        # may leave an excess go last, so only they leave one
        queue = sorted(cleaned, key=lambda p: p.method in payments.KEPT_AS_BALANCE)
        for row in open_rows:
            left = row["balance"]
            while left > 0 and queue:
                source = queue[0]
                take = min(left, source.amount)
                payments.write(
                    [dataclasses.replace(source, amount=take, received=None, change=None)],
                    document_id=row["id"],
                    customer_id=customer_id,
                    kind="abono",
                    cash_session_id=session_id,
                    by=actor.username,
                )
                left -= take
                if source.amount - take <= 0:
                    queue.pop(0)
                else:
                    queue[0] = dataclasses.replace(source, amount=source.amount - take)
                if row["id"] not in touched:
                    touched.append(row["id"])
            if not queue:
                break
        kept = sum((p.amount for p in queue), ZERO)
        if queue:  # received in this cash session, owed to no factura: the company's saldo
            payments.write(
                [dataclasses.replace(p, received=None, change=None) for p in queue],
                document_id=None,
                customer_id=customer_id,
                kind="abono",
                cash_session_id=session_id,
                by=actor.username,
            )
            move_balance(
                customer_id,
                kept,
                None,
                translate("services.billing", "abono mayor que la deuda"),
                actor.username,
            )
        changes = {"amount": (None, str(total))}
        if kept:
            changes["kept_as_balance"] = (None, str(kept))
        audit.record(
            "billing.abono",
            "customer",
            customer_id,
            changes,
            detail=", ".join(str(i) for i in touched),
        )
    return Abono(touched, kept)
