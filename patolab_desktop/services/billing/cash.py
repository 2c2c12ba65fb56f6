"""Cash sessions, the cuadre de caja (issue 17, point 6).

Each receptionist opens a session with a starting float; every payment they take is
recorded in it. At the close they count the cash per denomination and the other methods
in total: expected against counted, the difference, and a note required when they
differ. A payment with the customer's saldo a favor puts nothing in the drawer (no money,
no slip): it is shown for information and never counted nor part of the difference
(``COUNTED``). A supervisor confirms. The close is kept (its counts and expected amounts are
stored and never edited), so the report prints the same later.
"""

from __future__ import annotations

import json
from decimal import Decimal

from peewee import fn

from ...db.database import db, is_sqlite, locked, write_transaction
from ...db.models import Branch
from ...db.models_billing import CashSession, FiscalDocument, Payment, now
from ...util.lookups import present
from ...util.money import format_lempiras
from ...util.text import clean
from ..access import audit, session
from ..errors import NotFoundError, RuleError, ValidationError, stale
from ..texts import QT_TRANSLATE_NOOP, translate
from .amounts import ZERO, cents, read_cents, stored_sum
from .authorisations import issuing_point
from .types import (
    CASH,
    CREDIT_NOTE,
    DENOMINATIONS,
    INVOICE,
    METHOD_LABELS,
    METHODS,
    MONEY_METHODS,
)
from .views import CashCloseReport

CONTEXT = "services.billing"

# the methods that leave money or a slip in the drawer, counted at the close; the saldo
# a favor was paid long before (the credit note that created it), so it is only shown
COUNTED = MONEY_METHODS


def _BAD_AMOUNT() -> str:  # noqa: N802
    return translate("services.billing", "Escriba un monto válido (por ejemplo 500.00).")


def _money(value: object) -> Decimal:
    try:
        return read_cents(value, blank_is_zero=True)
    except ValueError as exc:
        raise ValidationError({"amount": _BAD_AMOUNT()}) from exc


def _open_row(username: str, lock: bool = False) -> CashSession | None:
    """``username``'s open session; ``lock``: locked until the write transaction ends, as
    ``open_id`` locks it while a payment goes into it."""
    query = (
        CashSession.select()
        .where((CashSession.username == username) & (CashSession.status == "open"))
        .order_by(CashSession.id.desc())
    )
    return (locked(query) if lock else query).first()


def _one_opening_at_a_time(username: str) -> None:
    """PostgreSQL: inside the write transaction, wait for any other desk opening
    ``username``'s cash to commit. Both desks would read "no open session" (neither sees
    the other's new row before its commit) and open two; with this lock the second one
    reads the first one's session and is refused. SQLite's write transaction (BEGIN
    IMMEDIATE) already lets one desk in at a time."""
    if not is_sqlite():
        db.execute_sql("SELECT pg_advisory_xact_lock(hashtext(%s))", ("cash.open:" + username,))


def current() -> dict | None:
    """The acting user's open session, or None."""
    actor = session.require("billing.cash")
    row = _open_row(actor.username)
    return _describe(row) if row is not None else None


def open_session(opening_float: object) -> int:
    """Open the acting user's cash session with its starting float."""
    actor = session.require("billing.cash")
    amount = _money(opening_float)
    with write_transaction():
        _one_opening_at_a_time(actor.username)
        if _open_row(actor.username) is not None:
            raise RuleError(
                translate(
                    "services.billing", "Su caja ya está abierta. Ciérrela antes de abrir otra."
                )
            )
        branch_id, _point = issuing_point()
        row = CashSession.create(
            username=actor.username, branch=branch_id, opening_float=amount, opened_at=now()
        )
        audit.record(
            "billing.cash.open",
            "cash_session",
            row.id,
            {"opening_float": (None, str(amount))},
        )
    return row.id


def open_id(username: str) -> int | None:
    """The id of ``username``'s open session (locked inside a write transaction), or None."""
    row = _open_row(username, lock=True)
    return row.id if row is not None else None


def session_for_payment(username: str) -> int:
    """Inside the issuing transaction: the open session payments go to."""
    session_id = open_id(username)
    if session_id is None:
        raise RuleError(
            translate(
                "services.billing",
                "Abra su caja (Caja → Abrir caja) antes de cobrar: cada pago va a su cuadre.",
            )
        )
    return session_id


def expected(session_id: int) -> dict[str, Decimal]:
    """What the app recorded per method; cash includes the starting float. Only the
    ``COUNTED`` methods are compared with a count; the rest is information."""
    row = CashSession.get_by_id(session_id)
    sums = dict(
        Payment.select(Payment.method, fn.SUM(Payment.amount).coerce(False))
        .where(Payment.cash_session == session_id)
        .group_by(Payment.method)
        .tuples()
    )
    result = {}
    for method in METHODS:
        value = stored_sum(sums.get(method))
        if method == CASH:
            value += row.opening_float.quantize(Decimal("0.01"))
        result[method] = value
    return result


def count_cash(denominations: dict) -> Decimal:
    """The cash counted: Σ face value × count (counts are whole numbers ≥ 0)."""
    total = ZERO
    for face, count in denominations.items():
        face = Decimal(str(face))
        if face not in DENOMINATIONS:
            raise ValidationError(
                {
                    "denominations": translate(
                        "services.billing", "Denominación desconocida: {face}."
                    ).format(face=face)
                }
            )
        try:
            number = int(count)
        except (TypeError, ValueError) as exc:
            raise ValidationError(
                {
                    "denominations": translate(
                        "services.billing", "Cuente cada denominación con un número entero."
                    )
                }
            ) from exc
        if number < 0:
            raise ValidationError(
                {
                    "denominations": translate(
                        "services.billing", "Cuente cada denominación con un número entero."
                    )
                }
            )
        total += face * number
    return cents(total)


def close(denominations: dict, counted_other: dict, note: str = "") -> int:
    """Close the acting user's session: cash counted per denomination, the other methods
    counted in total (vouchers, transfer slips, cheques); a method left out counts as
    expected. A difference needs a note. The saldo a favor applied is stored with the
    expected amounts for the report, never counted (a count given for it is ignored).

    The session row is locked before the expected amounts are read: a factura being
    issued on another desk into this session (``open_id`` locks the row) is waited for
    and its payment counted; one issued after the close finds no open session."""
    actor = session.require("billing.cash")
    with write_transaction():
        row = _open_row(actor.username, lock=True)
        if row is None:
            raise RuleError(translate("services.billing", "No tiene una caja abierta."))
        exp = expected(row.id)
        counted = {CASH: count_cash(denominations)}
        for method in COUNTED:
            if method == CASH:
                continue
            counted[method] = _money(counted_other.get(method, exp[method]))
        difference = sum(counted.values(), ZERO) - sum((exp[m] for m in COUNTED), ZERO)
        note = clean(note)
        if any(counted[m] != exp[m] for m in COUNTED) and not note:
            raise ValidationError(
                {
                    "note": translate(
                        "services.billing",
                        "Lo contado no coincide con lo esperado (diferencia {difference}): "
                        "escriba una nota que lo explique.",
                    ).format(difference=format_lempiras(difference))
                }
            )
        faces = [[str(Decimal(str(f))), int(c)] for f, c in denominations.items() if int(c)]
        CashSession.update(
            status="closed",
            closed_at=now(),
            expected=json.dumps({k: str(v) for k, v in exp.items()}),
            counted=json.dumps({k: str(v) for k, v in counted.items()}),
            denominations=json.dumps(faces),
            difference=difference,
            note=note,
            version=row.version + 1,
        ).where(CashSession.id == row.id).execute()
        audit.record(
            "billing.cash.close",
            "cash_session",
            row.id,
            {"status": ("open", "closed"), "difference": (None, str(difference))},
            detail=note,
        )
    return row.id


def confirm(session_id: int, expected_version: int | None = None) -> None:
    """A supervisor confirms a closed session."""
    actor = session.require("billing.reports")
    with write_transaction():
        row = present(
            CashSession.get_or_none(CashSession.id == session_id),
            NotFoundError(translate("services.billing", "La caja no existe.")),
        )
        if expected_version is not None and row.version != expected_version:
            raise stale(translate("services.billing", "la caja"))
        if row.status != "closed":
            raise RuleError(
                translate(
                    "services.billing", "Solo se confirma una caja cerrada (esta está {status})."
                ).format(status=_status_label(row.status))
            )
        if row.username == actor.username and not actor.is_system:
            raise RuleError(
                translate(
                    "services.billing",
                    "Otra persona (un supervisor) debe confirmar su propio cierre.",
                )
            )
        CashSession.update(
            status="confirmed",
            confirmed_by=actor.username,
            confirmed_at=now(),
            version=row.version + 1,
        ).where(CashSession.id == row.id).execute()
        audit.record_status("billing.cash.confirm", "cash_session", row.id, "closed", "confirmed")


_STATUS = {
    "open": QT_TRANSLATE_NOOP("services.billing", "abierta"),
    "closed": QT_TRANSLATE_NOOP("services.billing", "cerrada"),
    "confirmed": QT_TRANSLATE_NOOP("services.billing", "confirmada"),
}


def _status_label(status: str) -> str:
    return translate("services.billing", _STATUS.get(status, status))


def _describe(row: CashSession) -> dict:
    return {
        "id": row.id,
        "username": row.username,
        "opened_at": row.opened_at,
        "opening_float": row.opening_float,
        "status": row.status,
        "status_label": _status_label(row.status),
        "closed_at": row.closed_at,
        "difference": row.difference,
        "note": row.note,
        "confirmed_by": row.confirmed_by,
        "version": row.version,
    }


def list_sessions(status: str | None = None, limit: int = 200) -> list[dict]:
    """Sessions, newest first: a supervisor sees all, a receptionist only theirs."""
    actor = session.require("billing.cash")
    query = CashSession.select().order_by(CashSession.id.desc()).limit(limit)
    if not session.has("billing.reports"):
        query = query.where(CashSession.username == actor.username)
    if status:
        query = query.where(CashSession.status == status)
    return [_describe(row) for row in query]


def report(session_id: int) -> CashCloseReport:
    """The close report of a session (closed or confirmed), as printed."""
    actor = session.require("billing.cash")
    row = present(
        CashSession.get_or_none(CashSession.id == session_id),
        NotFoundError(translate("services.billing", "La caja no existe.")),
    )
    if row.username != actor.username and not session.has("billing.reports"):
        raise RuleError(translate("services.billing", "Solo ve el cierre de su propia caja."))
    if row.status == "open":
        exp = expected(row.id)
        counted: dict[str, Decimal] = {}
        faces: list = []
    else:
        exp = {k: Decimal(v) for k, v in json.loads(row.expected or "{}").items()}
        counted = {k: Decimal(v) for k, v in json.loads(row.counted or "{}").items()}
        faces = json.loads(row.denominations or "[]")
    # the printed close is a Spanish document whatever the interface's language: its
    # methods are named in Spanish (the close window translates them itself)
    names = {m: METHOD_LABELS[m] for m in METHODS}
    # a close stored before saldo a favor was left out of the count keeps it in its table
    compared = [m for m in METHODS if m in COUNTED or m in counted]
    # the documents issued in this session, facturas and credit notes apart (a credit
    # note was counted as a factura; a factura on credit had no session: now it has the
    # one its issuer had open, ``invoices.issue``)
    documents = dict(
        FiscalDocument.select(FiscalDocument.doc_type, fn.COUNT(FiscalDocument.id))
        .where(FiscalDocument.cash_session == row.id)
        .group_by(FiscalDocument.doc_type)
        .tuples()
    )
    voided = (
        FiscalDocument.select()
        .where(
            (FiscalDocument.cash_session == row.id)
            & (FiscalDocument.doc_type == INVOICE)
            & (FiscalDocument.status == "void")
        )
        .count()
    )
    branch = Branch.get_or_none(Branch.id == row.branch_id) if row.branch_id else None
    return CashCloseReport(
        session_id=row.id,
        user=row.username,
        branch_name=branch.name if branch else "",
        opened_at=row.opened_at,
        closed_at=row.closed_at,
        opening_float=row.opening_float.quantize(Decimal("0.01")),
        expected={names[k]: exp[k] for k in compared if k in exp},
        counted={names[k]: counted[k] for k in compared if k in counted},
        not_counted={names[k]: exp[k] for k in METHODS if k not in compared and exp.get(k)},
        denominations=tuple((Decimal(f), int(c)) for f, c in faces),
        difference=row.difference.quantize(Decimal("0.01")),
        note=row.note,
        confirmed_by=row.confirmed_by,
        confirmed_at=row.confirmed_at,
        invoices=documents.get(INVOICE, 0),
        voided=voided,
        credit_notes=documents.get(CREDIT_NOTE, 0),
    )
