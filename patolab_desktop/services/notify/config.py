"""The WhatsApp Cloud API settings, the access token and the stop-all switch.

The token lives only in the OS credential store (``keyring``: Windows Credential
Manager, the macOS Keychain, the Secret Service): never in the database, the settings,
the logs or an exception. Screens see its last 4 characters."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import time
from dataclasses import dataclass
from typing import Any

from ...db.database import write_transaction
from ...db.models import Setting
from ..access import audit, session
from ..errors import ServiceError, ValidationError
from ..texts import translate

log = logging.getLogger(__name__)
KEYRING_SERVICE = "PatoLab Desktop WhatsApp"
KEYRING_USER = "cloud-api-token"
STOP_KEY = "notify_stopped"
# How long ``has_token`` trusts what it last read from the credential store. The status
# bar asks every 5 seconds from the GUI thread, and reading the store can take tens of
# milliseconds (the Secret Service is a D-Bus call on Linux): it is read once in this
# long. ``set_token`` tells the answer at once; a token stored or removed by another
# process of this computer (``notify`` in a terminal, a second PatoLab) is seen within it.
TOKEN_KNOWN_S = 5 * 60.0
_monotonic = time.monotonic  # the tests move it
_token_known: tuple[bool, float] | None = None  # (a token is stored, read at _monotonic())


class NoCredentialStore(ServiceError):
    """This computer has no OS credential store: the token was not stored (it is never
    written to a file or the database instead). The message says what to do."""


@dataclass(frozen=True)
class ApiConfig:
    api_base: str
    graph_version: str
    phone_number_id: str
    waba_id: str

    @property
    def url(self) -> str:
        base = self.api_base.rstrip("/")
        return f"{base}/{self.graph_version}/{self.phone_number_id}/messages"


def _raw(key: str, default: str) -> str:
    row = Setting.get_or_none(Setting.key == key)
    return default if row is None or row.value == "" else row.value


def _api_config() -> ApiConfig:
    return ApiConfig(
        api_base=_raw("notify_api_base", "https://graph.facebook.com"),
        graph_version=_raw("notify_graph_version", "v25.0"),
        phone_number_id=_raw("notify_phone_number_id", ""),
        waba_id=_raw("notify_waba_id", ""),
    )


def api_config() -> ApiConfig:
    session.require("notify.send")
    return _api_config()


def _keyring() -> Any:
    """The ``keyring`` module, imported when the token is first needed."""
    from ...util import credential_store

    return credential_store.loaded()


def _token() -> str | None:
    """The token, for the sender only (never returned to a screen)."""
    try:
        return _keyring().get_password(KEYRING_SERVICE, KEYRING_USER) or None
    except Exception as exc:  # no credential store on this computer
        log.warning("No credential store for the WhatsApp token: %s", type(exc).__name__)
        return None


def set_token(token: str) -> None:
    """Store (or with "" forget) the access token in the OS credential store."""
    session.require_now("notify.manage")
    token = (token or "").strip()
    if token and not (token.isascii() and token.isprintable()):
        # e.g. "…" or a curly quote copied with it: httpx could not send it in a header
        raise ValidationError(
            {
                "token": translate(
                    "services.notify",
                    "La clave de acceso tiene un carácter que no puede llevar (como «…», "
                    "comillas o letras con tilde). Cópiela de nuevo desde Meta.",
                )
            }
        )
    if token and (len(token) < 20 or any(ch.isspace() for ch in token)):
        raise ValidationError(
            {"token": translate("services.notify", "La clave de acceso no parece válida.")}
        )
    store = _keyring()
    if token:
        try:
            store.set_password(KEYRING_SERVICE, KEYRING_USER, token)
        except Exception as exc:  # keyring.errors.* differ per platform: no store here
            log.warning("No credential store for the WhatsApp token: %s", type(exc).__name__)
            raise NoCredentialStore(  # not chained: a backend's text might hold the token
                translate(
                    "services.notify",
                    "Esta computadora no tiene un almacén de claves del sistema (Administrador "
                    "de credenciales de Windows, Llavero de macOS, GNOME Keyring o KWallet), y "
                    "la clave de acceso de WhatsApp no se guarda en archivos ni en la base de "
                    "datos. Guárdela desde una computadora que lo tenga: esa computadora "
                    "enviará los mensajes.",
                )
            ) from None
    else:
        with contextlib.suppress(Exception):  # nothing stored
            store.delete_password(KEYRING_SERVICE, KEYRING_USER)
    _know_token(bool(token))
    audit.record_done("notify_token", "setting", "stored" if token else "removed")


def has_token() -> bool:
    """Whether this computer's credential store holds the token: without it this computer
    sends nothing (*Enviar prueba* and ``notify`` say so; the status bar and the queue
    window only when no other desk sends either, ``missing_token``).
    The token is per computer (and per user of the system), never in the database.
    Read from the store at most once in ``TOKEN_KNOWN_S``."""
    session.require("notify.send")
    known = _token_known
    # read again once expired, or when the clock says it was read "later" (a clock the
    # tests move: what was read on the real one is not trusted)
    if known is None or not 0 <= _monotonic() - known[1] < TOKEN_KNOWN_S:
        return _know_token(_token() is not None)
    return known[0]


def _know_token(stored: bool | None) -> bool:
    """Remember whether a token is stored (None: forget, the store is read again)."""
    global _token_known
    _token_known = None if stored is None else (stored, _monotonic())
    return bool(stored)


def missing_token() -> bool:
    """Whether to warn that this computer has no token: it has none AND the queue is not
    moving (``outbox.stalled``). In a lab with several desks only one computer may hold
    the token and send for all; the others warn only when nothing is being sent from any
    desk, never while that computer sends."""
    session.require("notify.send")
    from .outbox import stalled

    return not has_token() and stalled()


def token_hint() -> str:
    """``…abcd`` (its last 4 characters) or "" when no token is stored."""
    session.require("notify.manage")
    token = _token()
    return f"…{token[-4:]}" if token else ""


# --- stop all ----------------------------------------------------------------------------


def _stop(code: str) -> None:
    """Stop all sending (token, permission, account or payment errors)."""
    value = json.dumps({"code": code, "at": dt.datetime.now().isoformat(timespec="seconds")})
    Setting.insert(key=STOP_KEY, value=value, version=1).on_conflict(
        conflict_target=[Setting.key], update={Setting.value: value}
    ).execute()
    log.error("WhatsApp sending stopped (error %s)", code)


def _stopped() -> dict | None:
    row = Setting.get_or_none(Setting.key == STOP_KEY)
    if row is None or not row.value:
        return None
    try:
        return json.loads(row.value)
    except ValueError:
        return {"code": "other", "at": ""}


def stopped() -> dict | None:
    """``{"code", "at", "reason"}`` while sending is stopped, else None (the red banner)."""
    session.require("notify.send")
    state = _stopped()
    if state is None:
        return None
    from .errors import reason_text

    return {**state, "reason": reason_text(str(state.get("code", "other")))}


def resume() -> None:
    """The administrator fixed the cause: sending starts again."""
    session.require("notify.manage")
    with write_transaction():
        before = _stopped()
        Setting.delete().where(Setting.key == STOP_KEY).execute()
        audit.record(
            "notify_resume", "setting", None, {"stopped": ((before or {}).get("code"), None)}
        )


# --- the settings dialog -----------------------------------------------------------------

EVENT_KEYS = tuple(
    f"notify_{event}_{part}"
    for event in ("received", "partial", "ready", "cancelled")
    for part in ("template", "language", "enabled")
)
KEYS = (
    "notify_phone_number_id",
    "notify_waba_id",
    "notify_graph_version",
    "notify_api_base",
    *EVENT_KEYS,
)


def values() -> dict:
    """The dialog's values (typed, defaults for the missing)."""
    session.require("notify.manage")
    from .. import settings

    return settings.get_many(KEYS)


def save(new: dict) -> list[str]:
    """Store the dialog's values; one audit row per changed setting. The token is not a
    setting (``set_token``)."""
    session.require("notify.manage")
    from .. import settings

    errors = {}
    version = str(new.get("notify_graph_version", "v25.0")).strip()
    if version and not (version.startswith("v") and version[1:].replace(".", "").isdigit()):
        errors["notify_graph_version"] = translate(
            "services.notify", "Escriba la versión como v25.0."
        )
    for key in ("notify_phone_number_id", "notify_waba_id"):
        text = str(new.get(key, "")).strip()
        if text and not text.isdigit():
            errors[key] = translate("services.notify", "Solo dígitos.")
    if errors:
        raise ValidationError(errors)
    changed = []
    current = settings.get_many(KEYS)
    with write_transaction():
        for key in KEYS:
            if key not in new:
                continue
            value = new[key]
            value = int(bool(value)) if key.endswith("_enabled") else str(value).strip()
            if value == current[key]:
                continue
            settings.put(key, value)
            audit.record("settings_change", "setting", None, {key: (current[key], value)})
            changed.append(key)
    return changed


def queue_test(phone: str) -> int:
    """*Enviar prueba*: queue Meta's sample template ``hello_world`` to ``phone``."""
    session.require("notify.manage")
    from .outbox import _insert
    from .phones import whatsapp_number

    number = whatsapp_number(phone)
    if number is None:
        raise ValidationError(
            {"phone": translate("services.notify", "Escriba un número de celular válido.")}
        )
    key = f"test:{dt.datetime.now().strftime('%Y%m%d%H%M%S%f')}"
    with write_transaction():
        queued = _insert(key, "test", number, [], template="hello_world", language="en_US")
    if isinstance(queued, str):  # a key unique to the microsecond is never a duplicate
        raise RuntimeError(f"test message not queued: {queued}")
    return queued
