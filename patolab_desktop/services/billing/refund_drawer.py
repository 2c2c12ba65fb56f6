"""Which cash drawer a credit note's refund leaves from (issue 17, points 5 and 6).

As a void reverses a payment (``records._reversal_target``): the drawer that took the
factura's money while it is still open (it still holds the money, so its close nets to
what stayed), else the issuing supervisor's open drawer (she hands the money back from
hers). A refund came from the supervisor's own drawer while the drawer that took it still
expected the money, and a supervisor without an open drawer was refused.
"""

from __future__ import annotations

from ...db.models_billing import CashSession, FiscalDocument, Payment
from ..access import session
from ..texts import translate
from . import records
from .types import BALANCE


def _taken(document_id: int) -> list[Payment]:
    """The money the factura took into a drawer (payments and abonos, not saldo a favor)."""
    return list(
        Payment.select().where(
            (Payment.document == document_id)
            & Payment.kind.in_(("payment", "abono"))
            & (Payment.method != BALANCE)
        )
    )


def target(document_id: int, username: str, lock: bool = True) -> int | None:
    """Inside the note's transaction (``lock``): the open session the refund leaves from,
    or None when neither the taking drawer nor ``username``'s is open."""
    return records._reversal_target(_taken(document_id), username, lock)


def refusal(document_id: int) -> str:
    """Why a refund of the factura cannot be given now: no open drawer to come from."""
    return translate(
        "services.billing",
        "La caja en que se cobró la factura {number} ya se cerró: la devolución sale de su "
        "caja, y usted no tiene una caja abierta. Abra su caja (Caja → Abrir caja…) o deje "
        "el dinero como saldo a favor.",
    ).format(number=FiscalDocument.get_by_id(document_id).number)


def describe(document_id: int) -> str:
    """For the credit note dialog: which drawer a refund of this factura leaves from, or
    why it cannot be given back now."""
    actor = session.require("billing.credit_note")
    session_id = target(document_id, actor.username, lock=False)
    if session_id is None:
        return refusal(document_id)
    owner = CashSession.get_by_id(session_id).username
    if owner == actor.username:
        return translate("services.billing", "La devolución sale de su caja.")
    return translate(
        "services.billing",
        "La devolución sale de la caja de {user}, donde se cobró la factura (sigue abierta): "
        "tome el dinero de esa caja.",
    ).format(user=owner)
