"""What a WhatsApp Cloud API error means for the sender (classified on ``error.code``,
never on the HTTP status), and the reason shown to people, in Spanish.

Besides Meta's codes, ``error_code`` holds the app's own: ``http<status>`` (an answer
without a JSON error; ``http200`` without the message id either: maybe accepted),
``timeout`` (no answer in time: WhatsApp may have accepted it), ``network`` (no
connection: nothing left the computer), ``local`` (the request could not be built here,
e.g. a token with a character that is not ASCII: stop all), ``expired``, ``attempts``,
``no_token``, ``by_hand`` (the desk sent it by hand), and why a message was not sent to
its patient at send time (``blocked``, ``no_consent``, ``no_consent_kind``, ``no_mobile``,
``no_whatsapp``; ``moved``: the request is now another patient's). ``request_cancelled`` is
never stored: why a notice the desk cancelled is not opened in WhatsApp once its request was
cancelled. Every reason tells what will happen: "se reintentará" only for what the sender
retries."""

from __future__ import annotations

from ..texts import QT_TRANSLATE_NOOP, translate

STOP = "stop"  # stop all sending, alert the administrator
RETRY = "retry"  # back off and try again
FAIL = "fail"  # permanent: failed, not retried

_STOP_CODES = {0, 3, 10, 190, 368, 130497, 131031, 131042}
# 132015 (template paused by Meta for 3 h, then 6 h): retried after hours (sender)
_RETRY_CODES = {1, 2, 4, 80007, 130429, 131000, 131016, 131056, 131057, 132015}
#: WhatsApp's "this number cannot receive WhatsApp messages": the number is flagged
NO_WHATSAPP = "131026"
#: a queued message the desk opened in WhatsApp to send by hand (``error_text``: who)
BY_HAND = "by_hand"

_TEMPORARY = QT_TRANSLATE_NOOP("services.notify", "Error temporal de WhatsApp; se reintentará.")
_PERMISSION = QT_TRANSLATE_NOOP("services.notify", "A la cuenta de WhatsApp le falta un permiso.")
_RESTRICTED = QT_TRANSLATE_NOOP("services.notify", "La cuenta de WhatsApp está restringida.")
_ACCOUNT_LIMIT = QT_TRANSLATE_NOOP(
    "services.notify", "Se alcanzó el límite de envíos de la cuenta de WhatsApp; se reintentará."
)

REASONS = {
    "0": QT_TRANSLATE_NOOP("services.notify", "La clave de acceso de WhatsApp no es válida."),
    "190": QT_TRANSLATE_NOOP(
        "services.notify", "La clave de acceso de WhatsApp venció o no es válida."
    ),
    "10": _PERMISSION,
    "3": _PERMISSION,
    "368": _RESTRICTED,
    "130497": _RESTRICTED,
    "131031": QT_TRANSLATE_NOOP("services.notify", "La cuenta de WhatsApp está bloqueada."),
    "131042": QT_TRANSLATE_NOOP(
        "services.notify", "Hay un problema con el método de pago de WhatsApp."
    ),
    "130429": QT_TRANSLATE_NOOP(
        "services.notify", "Demasiados mensajes por segundo; se reintentará."
    ),
    "4": _ACCOUNT_LIMIT,
    "80007": _ACCOUNT_LIMIT,
    "131056": QT_TRANSLATE_NOOP(
        "services.notify", "Demasiados mensajes a este número; se reintentará más tarde."
    ),
    "131000": _TEMPORARY,
    "1": _TEMPORARY,
    "2": _TEMPORARY,
    "131016": QT_TRANSLATE_NOOP(
        "services.notify", "WhatsApp no está disponible por ahora; se reintentará."
    ),
    "131057": QT_TRANSLATE_NOOP(
        "services.notify", "La cuenta de WhatsApp está en mantenimiento; se reintentará."
    ),
    "132015": QT_TRANSLATE_NOOP(
        "services.notify", "WhatsApp pausó la plantilla; se reintentará en unas horas."
    ),
    NO_WHATSAPP: QT_TRANSLATE_NOOP(
        "services.notify",
        "El número no tiene WhatsApp o no puede recibir el mensaje. Entregue los resultados "
        "impresos o por correo.",
    ),
    "131047": QT_TRANSLATE_NOOP(
        "services.notify", "WhatsApp solo acepta plantillas aprobadas fuera de las 24 horas."
    ),
    "131050": QT_TRANSLATE_NOOP("services.notify", "El paciente pidió no recibir estos mensajes."),
    "132": QT_TRANSLATE_NOOP(
        "services.notify",
        "La plantilla no existe, no está aprobada o sus datos no coinciden; revise la "
        "configuración de WhatsApp.",
    ),
    "100": QT_TRANSLATE_NOOP("services.notify", "WhatsApp rechazó un dato del mensaje."),
    "131030": QT_TRANSLATE_NOOP(
        "services.notify", "El número no está en la lista de prueba de la cuenta de WhatsApp."
    ),
    "http": QT_TRANSLATE_NOOP("services.notify", "WhatsApp no respondió bien; se reintentará."),
    "http_fail": QT_TRANSLATE_NOOP(
        "services.notify",
        "WhatsApp respondió con un error (HTTP {status}) sin más detalle; el mensaje no se "
        "envió. Revise la dirección y la versión de la API en la configuración.",
    ),
    "timeout": QT_TRANSLATE_NOOP(
        "services.notify",
        "Sin respuesta de WhatsApp a tiempo (puede que sí lo haya recibido); se reintentará "
        "en unos minutos.",
    ),
    "http_unclear": QT_TRANSLATE_NOOP(
        "services.notify",
        "WhatsApp respondió sin confirmar el mensaje (puede que sí lo haya recibido); se "
        "reintentará en unos minutos.",
    ),
    "network": QT_TRANSLATE_NOOP(
        "services.notify", "No se pudo conectar con WhatsApp (red); se reintentará."
    ),
    "local": QT_TRANSLATE_NOOP(
        "services.notify",
        "No se pudo preparar el envío en esta computadora: revise la clave de acceso y la "
        "dirección de la API.",
    ),
    "expired": QT_TRANSLATE_NOOP(
        "services.notify", "La noticia dejó de estar vigente antes de poder enviarse."
    ),
    "attempts": QT_TRANSLATE_NOOP(
        "services.notify", "No se pudo enviar tras varios intentos. Use Reintentar."
    ),
    "no_token": QT_TRANSLATE_NOOP(
        "services.notify", "Falta la clave de acceso de WhatsApp en la configuración."
    ),
    "blocked": QT_TRANSLATE_NOOP(
        "services.notify", "El paciente está bloqueado: no se le envían mensajes."
    ),
    "no_consent": QT_TRANSLATE_NOOP(
        "services.notify",
        "El paciente no ha aceptado recibir mensajes por WhatsApp o retiró su consentimiento.",
    ),
    "no_consent_kind": QT_TRANSLATE_NOOP(
        "services.notify", "El paciente no aceptó recibir este tipo de mensaje por WhatsApp."
    ),
    "no_mobile": QT_TRANSLATE_NOOP(
        "services.notify", "El paciente no tiene un número de celular válido."
    ),
    "no_whatsapp": QT_TRANSLATE_NOOP(
        "services.notify",
        "WhatsApp ya indicó que este número no puede recibir mensajes. Entregue los "
        "resultados impresos o por correo.",
    ),
    BY_HAND: QT_TRANSLATE_NOOP(
        "services.notify",
        "{user} lo abrió en WhatsApp para enviarlo a mano; la aplicación no lo envía.",
    ),
    "moved": QT_TRANSLATE_NOOP(
        "services.notify", "La solicitud pasó a otro paciente: este aviso no se le envía."
    ),
    "request_cancelled": QT_TRANSLATE_NOOP(
        "services.notify", "La solicitud fue cancelada; este aviso ya no corresponde."
    ),
    "stop_other": QT_TRANSLATE_NOOP(
        "services.notify", "La cuenta de WhatsApp no permite enviar; revise la configuración."
    ),
    "other": QT_TRANSLATE_NOOP("services.notify", "WhatsApp rechazó el mensaje."),
}


def classify(code: int | None, http_status: int | None = None) -> str:
    """STOP, RETRY or FAIL for an error ``code`` (``None``: no JSON error, then 5xx, 429,
    timeouts and an unreadable 2xx retry).

    An HTTP 2xx whose body does not carry ``messages[0].id`` is retried, as an ambiguous
    answer (``ambiguous``: after minutes, not seconds). NOTIFICATIONS.md calls a message
    accepted only on "HTTP 200 with messages[0].id"; without the id the answer may be
    WhatsApp's, cut on its way back (then the patient has the message), or a proxy's or a
    captive portal's page (then nothing reached WhatsApp). Taking it as accepted would lose
    the second kind for ever; the outbox's rule is "may go out twice, never zero times".
    Retrying within seconds would deliver the first kind twice, at once: so the long wait
    of a lost answer ("Never retry instantly after an ambiguous timeout")."""
    if code is None:  # no JSON error: 5xx, 429, a proxy's page, an unreadable 200
        if http_status is None or http_status >= 500 or http_status == 429:
            return RETRY
        if 200 <= http_status < 300:
            return RETRY
        return FAIL
    if code in _STOP_CODES or 200 <= code <= 299:
        return STOP
    if code in _RETRY_CODES:
        return RETRY
    return FAIL


def ambiguous(code: str) -> bool:
    """WhatsApp may have accepted the message though the answer does not say so: no answer
    in time (``timeout``) or an HTTP 2xx without the message id (``http2xx``, see
    ``classify``). The sender waits minutes before posting it again."""
    return code == "timeout" or (code.startswith("http2") and code[4:].isdigit() and len(code) == 7)


def reason_key(code: str) -> str:
    """The key in ``REASONS`` of a stored ``error_code``: its own words, else the words of
    what the sender does with it (a retried code never reads "rechazó")."""
    if code in REASONS:
        return code
    if ambiguous(code):
        return "http_unclear"
    if code.startswith("http"):
        status = code[4:]
        http = int(status) if status.isdigit() else None
        return "http" if classify(None, http) == RETRY else "http_fail"
    if not code.isdigit():
        return "other"
    if code.startswith("132"):
        return "132"
    if 200 <= int(code) <= 299:
        return "10"
    kind = classify(int(code))
    return {RETRY: "131000", STOP: "stop_other"}.get(kind, "other")


def reason_text(code: str, stored: str = "") -> str:
    """The error in words, in the active language ("" when there is none); ``stored``: the
    row's ``error_text`` (for ``by_hand``, who opened it)."""
    if not code:
        return ""
    key = reason_key(code)
    text = translate("services.notify", REASONS[key])
    if key == BY_HAND:
        return text.format(user=stored)
    return text.format(status=code[4:]) if key == "http_fail" else text
