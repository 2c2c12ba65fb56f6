"""What a WhatsApp Cloud API error means for the sender (classified on ``error.code``,
never on the HTTP status), and the reason shown to people, in Spanish."""

from __future__ import annotations

from ..texts import QT_TRANSLATE_NOOP, translate

STOP = "stop"  # stop all sending, alert the administrator
RETRY = "retry"  # back off and try again
FAIL = "fail"  # permanent: failed, not retried

_STOP_CODES = {0, 3, 10, 190, 368, 130497, 131031, 131042}
# 132015 (template paused) is a 132xxx: failed like the others (issue 18), Reintentar later
_RETRY_CODES = {1, 2, 4, 80007, 130429, 131000, 131016, 131056, 131057}

REASONS = {
    "0": QT_TRANSLATE_NOOP("services.notify", "La clave de acceso de WhatsApp no es válida."),
    "190": QT_TRANSLATE_NOOP(
        "services.notify", "La clave de acceso de WhatsApp venció o no es válida."
    ),
    "10": QT_TRANSLATE_NOOP("services.notify", "A la cuenta de WhatsApp le falta un permiso."),
    "3": QT_TRANSLATE_NOOP("services.notify", "A la cuenta de WhatsApp le falta un permiso."),
    "368": QT_TRANSLATE_NOOP("services.notify", "La cuenta de WhatsApp está restringida."),
    "130497": QT_TRANSLATE_NOOP("services.notify", "La cuenta de WhatsApp está restringida."),
    "131031": QT_TRANSLATE_NOOP("services.notify", "La cuenta de WhatsApp está bloqueada."),
    "131042": QT_TRANSLATE_NOOP(
        "services.notify", "Hay un problema con el método de pago de WhatsApp."
    ),
    "130429": QT_TRANSLATE_NOOP(
        "services.notify", "Demasiados mensajes por segundo; se reintentará."
    ),
    "131056": QT_TRANSLATE_NOOP(
        "services.notify", "Demasiados mensajes a este número; se reintentará más tarde."
    ),
    "131000": QT_TRANSLATE_NOOP("services.notify", "Error temporal de WhatsApp; se reintentará."),
    "131016": QT_TRANSLATE_NOOP(
        "services.notify", "WhatsApp no está disponible por ahora; se reintentará."
    ),
    "132015": QT_TRANSLATE_NOOP(
        "services.notify", "La plantilla está en pausa; pulse Reintentar en unas horas."
    ),
    "131026": QT_TRANSLATE_NOOP(
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
    "timeout": QT_TRANSLATE_NOOP(
        "services.notify", "Sin respuesta de WhatsApp (red o tiempo agotado); se reintentará."
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
    "other": QT_TRANSLATE_NOOP("services.notify", "WhatsApp rechazó el mensaje."),
}


def classify(code: int | None, http_status: int | None = None) -> str:
    """STOP, RETRY or FAIL for an error ``code`` (``None``: no JSON error, then 5xx and
    timeouts retry)."""
    if code is None:  # no JSON error: 5xx, 429, a proxy's page, an unreadable 200
        if http_status is None or http_status >= 500 or http_status in (200, 429):
            return RETRY
        return FAIL
    if code in _STOP_CODES or 200 <= code <= 299:
        return STOP
    if code in _RETRY_CODES:
        return RETRY
    return FAIL


def reason_key(code: str) -> str:
    if code.isdigit() and code.startswith("132") and code != "132015":  # 132015: own words
        return "132"
    if code.isdigit() and 200 <= int(code) <= 299:
        return "10"
    if code.startswith("http"):
        return "http"
    return code if code in REASONS else "other"


def reason_text(code: str, stored: str = "") -> str:
    """The error in words, in the active language ("" when there is none)."""
    if not code:
        return ""
    return translate("services.notify", REASONS[reason_key(code)])
