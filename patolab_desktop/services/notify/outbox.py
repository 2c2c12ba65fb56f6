"""The WhatsApp outbox: rows written in the same transaction as the change they tell
about, and what the screens do with them (list, count, retry, cancel, click-to-chat).

Who may get a message (the one rule for queueing, sending, *Reintentar* and the lists)
lives in ``recipients``, re-exported here (``_refusal``, ``_patient_refusal``,
``_send_refusal``, ``RETRYABLE``, ...)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from urllib.parse import quote

from peewee import fn

from ...db.models import Customer, LabRequest, Outbox, Setting
from ...util.lookups import present
from ...util.money import format_lempiras
from ..access import audit, session
from ..billing.invoices import to_pay
from ..errors import NotFoundError, RuleError
from ..texts import translate
from .errors import BY_HAND, reason_text
from .events import (
    COMPANY_PAYS,
    CONSENT_EVENTS,
    EVENT_LABELS,
    EXPIRY,
    STATUS_LABELS,
    STATUSES,
    render,
)
from .phones import whatsapp_number
from .recipients import (  # noqa: F401 (re-exported: the sender, the tests)
    RETRYABLE,
    _cancelled_refusal,
    _moved,
    _patient,
    _patient_refusal,
    _refusal,
    _retry_refusals,
    _send_refusal,
)

CONTEXT = "services.notify"
ACTIVE = ("queued", "sending")
#: out of the app's hands: opening it in WhatsApp again would send it twice
ALREADY_OUT = ("sending", "sent", "manual")


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def _setting(key: str, default: object) -> object:
    row = Setting.get_or_none(Setting.key == key)
    return default if row is None else row.value


def first_name(customer: Customer) -> str:
    name = (customer.first_name or "").strip() or (customer.name or "").strip()
    return name.split()[0] if name else ""


# --- queueing (who may get a message: ``recipients``) -----------------------------------


def _cancel_refused(customer_id: int) -> int:
    """After an edit of the patient (inside the patient service's transaction): when the
    patient is now blocked or withdrew consent (for every kind of message or for some),
    the messages still queued for them that may no longer go are cancelled at once, with
    the reason (the sender would refuse them anyway when it claims them; this keeps the
    queue and the screens true meanwhile). Returns how many."""
    patient = _patient(customer_id)
    kinds_by_reason: dict[str, list[str]] = {}
    for event in CONSENT_EVENTS:
        refused = _patient_refusal(patient, event)
        if refused is not None:
            kinds_by_reason.setdefault(refused, []).append(event)
    return sum(
        Outbox.update(
            status="cancelled", error_code=refused, updated_at=_now(), version=Outbox.version + 1
        )
        .where(
            (Outbox.customer_id == customer_id)
            & (Outbox.status == "queued")
            & Outbox.event.in_(kinds)
        )
        .execute()
        for refused, kinds in kinds_by_reason.items()
    )


def _request_moved(request_id: int, by: str = "") -> list[int | str]:
    """After the request changed patient (inside the request's write transaction, after
    the request service's own ``require``): its messages still queued for the first
    patient are cancelled (``moved``: the first patient must not hear of another's request)
    and queued again for the new one, with the same rule as any queueing
    (``_queue_for_request``: consent, block, number, event switched on). The cancelled row
    gives its ``dedupe_key`` up (it keeps it with its own id appended) so that the event
    still has one live message. A message already posted (sending, sent) cannot be called
    back and stays as it is. Returns what ``_queue_for_request`` returned for each."""
    queued = list(
        Outbox.select(Outbox.id, Outbox.event, Outbox.dedupe_key).where(
            (Outbox.lab_request_id == request_id) & (Outbox.status == "queued")
        )
    )
    results: list[int | str] = []
    for message in queued:
        Outbox.update(
            status="cancelled",
            error_code="moved",
            dedupe_key=f"{message.dedupe_key}~{message.id}",
            updated_at=_now(),
            version=Outbox.version + 1,
        ).where((Outbox.id == message.id) & (Outbox.status == "queued")).execute()
        results.append(_queue_for_request(message.event, request_id, by))
    return results


def _queue_for_request(event: str, request_id: int, by: str = "") -> int | str:
    """Queue ``event`` of a request (called inside the request's write transaction, after
    the request service's own ``require``). Returns the outbox id, or why nothing was
    queued: ``blocked``, ``no_consent``, ``no_consent_kind`` (not a kind the patient
    accepted), ``no_mobile``, ``no_whatsapp`` (WhatsApp said the number cannot receive
    messages), ``disabled``, ``duplicate``."""
    # one statement: the request and the few columns of its patient this needs
    request = (
        LabRequest.select(
            LabRequest.id,
            LabRequest.request_number,
            LabRequest.bill_to,
            Customer.id,
            Customer.name,
            Customer.first_name,
            Customer.phone,
            Customer.is_blocked,
            Customer.whatsapp_consent,
            Customer.consent_events,
        )
        .join(Customer, on=LabRequest.patient)
        .where(LabRequest.id == request_id)
        .first()
    )
    customer = request.patient
    phone = whatsapp_number(customer.phone)
    refused = _refusal(customer, phone, event=event)
    if refused is not None:
        return refused
    assert phone is not None  # for mypy: _refusal says "no_mobile" without one
    if str(_setting(f"notify_{event}_enabled", "1")) == "0":
        return "disabled"
    params = [first_name(customer), request.request_number]
    if event == "received":
        # as the factura charges; a request a company pays tells no total (``COMPANY_PAYS``)
        params.append(
            COMPANY_PAYS if request.bill_to_id else format_lempiras(to_pay(request).total)
        )
    return _insert(
        f"{event}:{request.id}", event, phone, params, request_id=request.id, customer=customer
    )


def _insert(
    dedupe_key: str,
    event: str,
    phone: str,
    params: list[str],
    request_id: int | None = None,
    customer: Customer | None = None,
    template: str | None = None,
    language: str | None = None,
) -> int | str:
    if Outbox.select().where(Outbox.dedupe_key == dedupe_key).exists():
        return "duplicate"
    stamp = _now()
    template = template or str(_setting(f"notify_{event}_template", _default_template(event)))
    language = language or str(_setting(f"notify_{event}_language", "es"))
    row_id = Outbox.insert(
        dedupe_key=dedupe_key,
        event=event,
        lab_request_id=request_id,
        customer_id=customer.id if customer is not None else None,
        phone=phone,
        template=template,
        language=language,
        params=json.dumps(params, ensure_ascii=False),
        text=render(event, params),
        status="queued",
        next_attempt_at=stamp,
        created_at=stamp,
        updated_at=stamp,
        expires_at=stamp + EXPIRY[event],
    ).execute()
    return row_id


def _default_template(event: str) -> str:
    from ..settings import OPTIONS

    option = OPTIONS.get(f"notify_{event}_template")
    return str(option.default) if option is not None else event


# --- reading ---------------------------------------------------------------------------


def _rows(messages: Iterable[Outbox]) -> list[dict]:
    messages = list(messages)
    refusals = _retry_refusals(messages)
    return [_row(m, refusals.get(m.id, "")) for m in messages]


def _row(message: Outbox, retry_refusal: str = "") -> dict:
    """A message for the screens; ``retry_refused``: why *Reintentar* would be refused,
    in words ("" when it would not)."""
    return {
        "id": message.id,
        "event": message.event,
        "event_label": translate(CONTEXT, EVENT_LABELS.get(message.event, message.event)),
        "status": message.status,
        "status_label": translate(CONTEXT, STATUS_LABELS.get(message.status, message.status)),
        "phone": message.phone,
        "lab_request_id": message.lab_request_id,
        "customer_id": message.customer_id,
        "text": message.text,
        "attempts": message.attempts,
        "error_code": message.error_code,
        "error_text": reason_text(message.error_code, message.error_text),
        "wamid": message.wamid,
        "created_at": message.created_at,
        "sent_at": message.sent_at,
        "next_attempt_at": message.next_attempt_at,
        "opened_at": message.opened_at,
        "version": message.version,
        "retry_refused": reason_text(retry_refusal),
    }


def for_request(request_id: int) -> list[dict]:
    """The messages of one request, oldest first."""
    session.require("notify.send")
    query = Outbox.select().where(Outbox.lab_request_id == request_id).order_by(Outbox.id)
    return _rows(query)


def for_customer(customer_id: int) -> list[dict]:
    """The messages of one patient, newest first (the last 200)."""
    session.require("notify.send")
    query = (
        Outbox.select()
        .where(Outbox.customer_id == customer_id)
        .order_by(Outbox.id.desc())
        .limit(200)
    )
    return _rows(query)


def listing(status: str | None = None, event: str | None = None, limit: int = 500) -> list[dict]:
    """The outbox window's rows (administrators), newest first."""
    session.require("notify.manage")
    query = Outbox.select().order_by(Outbox.id.desc()).limit(int(limit))
    if status:
        query = query.where(Outbox.status == status)
    if event:
        query = query.where(Outbox.event == event)
    return _rows(query)


def counts() -> dict[str, int]:
    """Messages per status (every status present, 0 when none)."""
    session.require("notify.manage")
    found = dict(Outbox.select(Outbox.status, fn.COUNT(Outbox.id)).group_by(Outbox.status).tuples())
    return {status: int(found.get(status, 0)) for status in STATUSES}


def queue_size() -> int:
    """Messages still to send (queued or being sent): the main window's counter."""
    session.require("notify.send")
    return Outbox.select().where(Outbox.status.in_(ACTIVE)).count()


#: How long past its due time (``next_attempt_at``) a message may wait before the queue
#: counts as stalled (``stalled``). Every desk with the access token runs the sender and
#: claims a due message within seconds; a retry waits for its own, later due time. So a
#: message this late means that no computer is sending: the one with the token is off or
#: PatoLab is closed there, or none has it. Minutes, not seconds: the desks' clocks may
#: differ a little, a busy queue goes out one message at a time, and a sender run by a
#: scheduled task (``notify --run --once``) may run every few minutes.
STALLED_AFTER = dt.timedelta(minutes=10)


def stalled() -> bool:
    """Whether a message still to send is overdue by more than ``STALLED_AFTER``: the
    queue is not moving, from any desk. One indexed query (status, next_attempt_at)."""
    session.require("notify.send")
    overdue = Outbox.next_attempt_at < _now() - STALLED_AFTER
    return Outbox.select(Outbox.id).where(Outbox.status.in_(ACTIVE) & overdue).exists()


#: how long a failed notice asks the desk for attention: the longest a notice stays news
ATTENTION = EXPIRY["ready"]


def failures(limit: int = 10) -> tuple[int, list[str]]:
    """Failed notices of requests that the desk has not dealt with yet, for every role
    that sees the queue (the queue window is the administrator's): how many, and the
    request numbers of the newest ``limit``. The patient was not told (131026: give the
    results printed or by e-mail); the request's detail shows why and offers
    *Reintentar* and *Cancelar envío*, either of which ends the attention, as does
    *Abrir en WhatsApp* (the notice is then *Enviado a mano*; ``opened_at`` still tells of
    failed notices opened before that was so). Failures older than ``ATTENTION`` are no
    longer news and are not counted."""
    session.require("notify.send")
    since = _now() - ATTENTION
    attention = (
        (Outbox.status == "failed")
        & Outbox.lab_request_id.is_null(False)
        & (Outbox.updated_at >= since)
        & (Outbox.opened_at.is_null() | (Outbox.opened_at < Outbox.updated_at))
    )
    count = Outbox.select().where(attention).count()
    if not count:
        return 0, []
    numbers = (
        Outbox.select(LabRequest.request_number)
        .join(LabRequest, on=(LabRequest.id == Outbox.lab_request_id))
        .where(attention)
        .order_by(Outbox.updated_at.desc(), Outbox.id.desc())
        .limit(int(limit))
        .tuples()
    )
    return count, [number for (number,) in numbers]


# --- actions ---------------------------------------------------------------------------


def _load(message_id: int) -> Outbox:
    return present(
        Outbox.get_or_none(Outbox.id == message_id),
        NotFoundError(translate("services.notify", "El mensaje no existe.")),
    )


def _change(message: Outbox, **values: object) -> None:
    values.update(updated_at=_now(), version=message.version + 1)
    updated = (
        Outbox.update(**values)
        .where((Outbox.id == message.id) & (Outbox.version == message.version))
        .execute()
    )
    if updated != 1:
        raise RuleError(
            translate("services.notify", "El mensaje cambió mientras tanto; vuelva a abrirlo.")
        )


def retry(message_id: int) -> None:
    """*Reintentar*: a failed, expired or cancelled message goes back to the queue."""
    session.require("notify.send")
    from ...db.database import write_transaction

    with write_transaction():
        message = _load(message_id)
        if message.status not in RETRYABLE:
            raise RuleError(
                translate("services.notify", "Solo se reintenta un mensaje que no se envió.")
            )
        phone = message.phone
        if message.customer_id is not None:  # the patient as now: consent, block, number
            patient = _patient(message.customer_id)
            phone = whatsapp_number(patient.phone) if patient is not None else None
            refused = (
                "moved"
                if _moved(message)
                else _refusal(patient, phone, message.id, event=message.event)
            )
            if refused is not None:
                raise RuleError(
                    translate("services.notify", "No se puede reintentar: {reason}").format(
                        reason=reason_text(refused)
                    )
                )
        stamp = _now()
        _change(
            message,
            status="queued",
            phone=phone,  # the patient's number now (corrected after a 131026, say)
            attempts=0,
            next_attempt_at=stamp,
            expires_at=stamp + EXPIRY.get(message.event, dt.timedelta(hours=48)),
            error_code="",
            error_text="",
        )
        audit.record_status("notify_retry", "outbox", message.id, message.status, "queued")


def cancel(message_id: int) -> None:
    """*Cancelar*: a message still waiting (or failed) is not sent."""
    session.require("notify.send")
    from ...db.database import write_transaction

    with write_transaction():
        message = _load(message_id)
        if message.status not in ("queued", "failed"):
            raise RuleError(
                translate("services.notify", "Solo se cancela un mensaje en cola o que falló.")
            )
        _change(message, status="cancelled")
        audit.record_status("notify_cancel", "outbox", message.id, message.status, "cancelled")


def wa_link(phone: str, text: str) -> str:
    """``https://wa.me/<digits>?text=<url-encoded text>`` (click-to-chat)."""
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    return f"https://wa.me/{digits}?text={quote(text or '', safe='')}"


def open_link(message_id: int, again: bool = False) -> str:
    """*Abrir en WhatsApp*: the click-to-chat link of a message, recorded as opened.

    A message not out (queued, failed, expired, cancelled at the desk) becomes ``manual``
    (*Enviado a mano*, who opened it in the reason): the desk sends it by hand, so neither
    the sender nor a later *Reintentar* posts it too ("a message never sent twice for one
    event"), and a failure no longer asks the desk for attention. Only if it is still as
    read: a sender or another desk acting meanwhile is not overwritten. A message already
    out (being sent, accepted by WhatsApp, sent by hand) would reach the patient twice:
    refused unless ``again`` (the screen asked first). ``RuleError`` when the patient is
    blocked or has not consented (now), when the request is another patient's now, and for
    a message cancelled for such a reason or whose request was cancelled since
    (``_cancelled_refusal``): the desk does not message them by hand either."""
    session.require("notify.send")
    from ...db.database import write_transaction

    with write_transaction():
        message = _load(message_id)
        if message.customer_id is not None:  # a blocked patient or one who did not consent
            refused = _patient_refusal(_patient(message.customer_id), message.event)  # seed 001
            if refused is not None:
                raise RuleError(
                    translate("services.notify", "No se abre el chat: {reason}").format(
                        reason=reason_text(refused)
                    )
                )
        if _moved(message):  # written for the first patient about a request now another's
            raise RuleError(
                translate("services.notify", "No se abre el chat: {reason}").format(
                    reason=reason_text("moved")
                )
            )
        refused = _cancelled_refusal(message) if message.status == "cancelled" else None
        if refused is not None:
            raise RuleError(
                translate(
                    "services.notify",
                    "No se abre el chat de un aviso cancelado por este motivo: {reason}",
                ).format(reason=reason_text(refused))
            )
        if message.status in ALREADY_OUT and not again:
            raise RuleError(
                translate(
                    "services.notify",
                    "Este aviso ya salió («{status}»): abrirlo otra vez en WhatsApp se lo "
                    "enviaría dos veces al paciente.",
                ).format(status=translate(CONTEXT, STATUS_LABELS[message.status]))
            )
        actor = session.current()
        by = actor.username if actor else ""
        if message.status not in ALREADY_OUT:  # not out: it is the desk's now, if as read
            _change(
                message,
                status="manual",
                error_code=BY_HAND,
                error_text=by,
                opened_at=_now(),
                opened_by=by,
            )
            audit.record_status(
                "notify_open_link", "outbox", message.id, message.status, "manual", message.event
            )
        else:
            Outbox.update(opened_at=_now(), opened_by=by).where(Outbox.id == message.id).execute()
            audit.record("notify_open_link", "outbox", message.id, {}, detail=message.event)
    return wa_link(message.phone, message.text)
