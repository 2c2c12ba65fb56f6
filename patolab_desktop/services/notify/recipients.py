"""Who may get a WhatsApp message: the one rule (consent, block, mobile, the 131026 flag of
a number, a request moved to another patient) for queueing, for the sender at send time,
for *Reintentar* and *Abrir en WhatsApp*, and for the whole list of a screen at once
(``_retry_refusals``). The outbox (``outbox``) re-exports these names."""

from __future__ import annotations

from collections.abc import Callable

from peewee import Expression

from ...db.models import Customer, LabRequest, Outbox
from .errors import NO_WHATSAPP
from .events import consented
from .phones import whatsapp_number

RETRYABLE = ("failed", "expired", "cancelled")
#: why the app itself cancelled a message (the patient's edit, the sender's check at send
#: time, the request moved: ``_refusal``'s reasons and ``moved``). The desk's «Cancelar
#: envío» keeps the message's own error code, never one of these.
REFUSALS = ("blocked", "no_consent", "no_consent_kind", "no_mobile", "no_whatsapp", "moved")


def _flagged(phone: str, exclude_id: int | None = None) -> bool:
    """WhatsApp answered 131026 (cannot receive WhatsApp) for ``phone``: a failed message
    keeps saying so until someone presses *Reintentar* on it (the patient now has
    WhatsApp), which clears its error."""
    query = Outbox.select(Outbox.id).where((Outbox.phone == phone) & _flagging())
    if exclude_id is not None:
        query = query.where(Outbox.id != exclude_id)
    return query.exists()


def _flagging() -> Expression:
    """A message that flags its number: failed with 131026 (``_flagged``)."""
    return (Outbox.status == "failed") & (Outbox.error_code == NO_WHATSAPP)


def _patient_refusal(customer: Customer | None, event: str | None = None) -> str | None:
    """``blocked`` or ``no_consent`` when the patient may get no message at all;
    ``no_consent_kind`` when they did not accept messages of ``event``'s kind (consent is
    given for some kinds of message: NOTIFICATIONS.md). ``event=None``: any kind."""
    if customer is None:  # the patient is gone: nobody consents
        return "no_consent"
    if customer.is_blocked:
        return "blocked"
    if customer.whatsapp_consent != "yes":
        return "no_consent"
    if event is not None and event not in consented(customer.consent_events):
        return "no_consent_kind"
    return None


def _refusal(
    customer: Customer | None,
    phone: str | None,
    message_id: int | None = None,
    flagged: Callable[[str, int | None], bool] = _flagged,
    event: str | None = None,
) -> str | None:
    """Why nothing of ``event``'s kind may be sent to ``customer`` at ``phone`` (its E.164
    mobile, ``None`` when it has none): ``blocked``, ``no_consent``, ``no_consent_kind``,
    ``no_mobile``, ``no_whatsapp``; ``None`` when it may. The one rule for queueing, for the
    sender at send time (an opt-out or a block is honoured at once, even for messages
    already queued) and for *Reintentar*. ``message_id``: the message itself does not count
    as the 131026 flag of its number."""
    refused = _patient_refusal(customer, event)
    if refused is not None:
        return refused
    if phone is None:
        return "no_mobile"
    if flagged(phone, message_id):
        return "no_whatsapp"
    return None


def _patient(customer_id: int) -> Customer | None:
    return (
        Customer.select(
            Customer.id,
            Customer.phone,
            Customer.is_blocked,
            Customer.whatsapp_consent,
            Customer.consent_events,
        )
        .where(Customer.id == customer_id)
        .first()
    )


def _send_refusal(message: Outbox) -> str | None:
    """The sender's check when it claims ``message`` (its patient as it is now; the number
    is the one queued). The administrator's test message has no patient: ``None``."""
    if message.customer_id is None:
        return None
    if _moved(message):
        return "moved"
    return _refusal(_patient(message.customer_id), message.phone, message.id, event=message.event)


def _moved(message: Outbox) -> bool:
    """The request of ``message`` now belongs to another patient (``_request_moved``): the
    message, written for the first one, is not sent to them (a claim made while the
    request moved, a *Reintentar*)."""
    if message.lab_request_id is None or message.customer_id is None:
        return False
    owner = (
        LabRequest.select(LabRequest.patient)
        .where(LabRequest.id == message.lab_request_id)
        .scalar()
    )
    return owner is not None and owner != message.customer_id


def _cancelled_refusal(message: Outbox) -> str | None:
    """Why a cancelled ``message`` is not opened in WhatsApp by hand: the reason the app
    cancelled it (an opt-out, a block, ...: it still tells, even if the patient consents
    again since; *Reintentar* checks them as they are now), or ``request_cancelled`` when
    its request was cancelled since (any notice but the one telling so). ``None``: the desk
    cancelled it («Cancelar envío») and may send it by hand after all."""
    if message.error_code in REFUSALS:
        return str(message.error_code)
    if message.event == "cancelled" or message.lab_request_id is None:
        return None
    request = LabRequest.select(LabRequest.status).where(LabRequest.id == message.lab_request_id)
    return "request_cancelled" if request.scalar() == "cancelled" else None


def _retry_refusals(messages: list[Outbox]) -> dict[int, str]:
    """Why *Reintentar* is refused for each of ``messages`` that would be retried (its
    reason key, the rule of ``_refusal``), in two statements for the whole list."""
    candidates = [m for m in messages if m.status in RETRYABLE and m.customer_id is not None]
    if not candidates:
        return {}
    ids = {m.customer_id for m in candidates}
    patients = {
        c.id: c
        for c in Customer.select(
            Customer.id,
            Customer.phone,
            Customer.is_blocked,
            Customer.whatsapp_consent,
            Customer.consent_events,
        ).where(Customer.id.in_(list(ids)))
    }
    numbers = {
        m.id: whatsapp_number(patients[m.customer_id].phone) if m.customer_id in patients else None
        for m in candidates
    }
    flags: dict[str, set[int]] = {}
    phones = {n for n in numbers.values() if n}
    if phones:
        for flag_id, phone in (
            Outbox.select(Outbox.id, Outbox.phone)
            .where(Outbox.phone.in_(list(phones)) & _flagging())
            .tuples()
        ):
            flags.setdefault(phone, set()).add(flag_id)

    def flagged(phone: str, exclude_id: int | None) -> bool:
        return bool(flags.get(phone, set()) - {exclude_id})

    request_ids = {m.lab_request_id for m in candidates if m.lab_request_id is not None}
    owners = dict(
        LabRequest.select(LabRequest.id, LabRequest.patient)
        .where(LabRequest.id.in_(list(request_ids)))
        .tuples()
    )
    refusals = {}
    for m in candidates:
        if owners.get(m.lab_request_id, m.customer_id) != m.customer_id:
            refusals[m.id] = "moved"  # the request is another patient's now (``_moved``)
            continue
        why = _refusal(patients.get(m.customer_id), numbers[m.id], m.id, flagged, m.event)
        if why is not None:
            refusals[m.id] = why
    return refusals
