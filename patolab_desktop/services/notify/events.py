"""The events a patient hears about, their Spanish texts and how long they stay news."""

from __future__ import annotations

import datetime as dt

from ..texts import QT_TRANSLATE_NOOP

EVENTS = ("received", "partial", "ready", "cancelled")
# the kinds a patient accepts one by one (``customer.consent_events``): every event but the
# administrator's test message, which goes to no patient
CONSENT_EVENTS = EVENTS
EVENT_LABELS = {
    "received": QT_TRANSLATE_NOOP("services.notify", "Solicitud recibida"),
    "partial": QT_TRANSLATE_NOOP("services.notify", "Resultados parciales"),
    "ready": QT_TRANSLATE_NOOP("services.notify", "Resultados listos"),
    "cancelled": QT_TRANSLATE_NOOP("services.notify", "Solicitud cancelada"),
    "test": QT_TRANSLATE_NOOP("services.notify", "Prueba"),
}
# The message in Spanish, with the template's parameters {1}, {2}, ... in order. The
# approved UTILITY template carries the same text; click-to-chat sends it prefilled.
# No investigation names, no results: first name, request number, state (and the total,
# or ``COMPANY_PAYS``).
TEXTS = {
    "received": "Hola {1}, recibimos su solicitud {2} en el laboratorio. Total: {3}.",
    "partial": "Hola {1}, ya hay resultados listos de su solicitud {2}. Le avisaremos cuando "
    "estén todos.",
    "ready": "Hola {1}, los resultados de su solicitud {2} están listos.",
    "cancelled": "Hola {1}, su solicitud {2} fue cancelada. Consulte al laboratorio.",
    "test": "Mensaje de prueba de {1}.",
}
# The third parameter of «received» for a request a company pays (``bill_to``), in place of
# the total: the patient owes nothing, and the company's price is none of their business.
# One approved template keeps serving both (a second template would need its own approval
# by Meta and its own setting); it reads «Total: a cargo de la empresa.». Spanish, as the
# template's text is.
COMPANY_PAYS = "a cargo de la empresa"
# stale news is not sent after an outage
EXPIRY = {
    "received": dt.timedelta(hours=48),
    "partial": dt.timedelta(days=3),
    "ready": dt.timedelta(days=14),
    "cancelled": dt.timedelta(hours=48),
    "test": dt.timedelta(hours=1),
}
# manual: the desk opened a queued message in WhatsApp (click-to-chat) to send it by hand
STATUSES = ("queued", "sending", "sent", "manual", "failed", "expired", "cancelled")
STATUS_LABELS = {
    "queued": QT_TRANSLATE_NOOP("services.notify", "En cola"),
    "sending": QT_TRANSLATE_NOOP("services.notify", "Enviando"),
    "sent": QT_TRANSLATE_NOOP("services.notify", "Aceptado por WhatsApp"),
    "manual": QT_TRANSLATE_NOOP("services.notify", "Enviado a mano"),
    "failed": QT_TRANSLATE_NOOP("services.notify", "Falló"),
    "expired": QT_TRANSLATE_NOOP("services.notify", "Vencido"),
    "cancelled": QT_TRANSLATE_NOOP("services.notify", "Cancelado"),
}

# what one run of the sender did (``notify --run --once``), in the order it is told
OUTCOME_LABELS = {
    "sent": QT_TRANSLATE_NOOP("services.notify", "Aceptados por WhatsApp"),
    "retry": QT_TRANSLATE_NOOP("services.notify", "Se reintentarán más tarde"),
    "failed": QT_TRANSLATE_NOOP("services.notify", "Fallaron"),
}


def consented(consent_events: str | None) -> frozenset[str]:
    """The kinds of message a patient accepted: their ``consent_events`` ("received,ready")
    as a set of event codes (empty when none)."""
    return frozenset(code for code in (consent_events or "").split(",") if code)


def render(event: str, params: list[str]) -> str:
    text = TEXTS[event]
    for index, value in enumerate(params, start=1):
        text = text.replace("{" + str(index) + "}", str(value))
    return text
