"""The PostgreSQL password lives in the OS credential store, never in a file or argv.

``keyring`` reaches Windows Credential Manager, the macOS Keychain or the Secret Service
(GNOME Keyring, KWallet). The entry is keyed by the URL WITHOUT its password
(``postgresql://user@host:port/db``); the settings file keeps that same URL. The store
is read only when the server refuses a connection without a password
(``db.database._PostgresDatabase``): a server that trusts the desk, or a password libpq
finds in ``PGPASSWORD`` or ``~/.pgpass``, needs none.

Tests (and a machine without a credential store) choose the backend with the standard
``PYTHON_KEYRING_BACKEND`` variable; ``keyring`` is imported only when a PostgreSQL
connection needs it (it costs start-up time).
"""

from __future__ import annotations

import contextlib
import logging
from types import ModuleType
from urllib.parse import unquote, urlparse, urlunparse

from ..util.translation import translate

SERVICE = "PatoLab Desktop"
log = logging.getLogger(__name__)


class CredentialStoreError(Exception):
    """No usable credential store on this computer; the message says what to do."""


def split_password(url: str) -> tuple[str, str | None]:
    """``postgresql://u:pw@h:5432/db`` → (``postgresql://u@h:5432/db``, ``pw``)."""
    parsed = urlparse(url)
    if parsed.password is None:
        return url, None
    userinfo, hostport = parsed.netloc.rsplit("@", 1)
    user = userinfo.split(":", 1)[0]
    netloc = f"{user}@{hostport}" if user else hostport
    return urlunparse(parsed._replace(netloc=netloc)), unquote(parsed.password)


def strip_password(url: str) -> str:
    return split_password(url)[0]


def _keyring() -> ModuleType:
    from . import credential_store

    return credential_store.loaded()


def store(url: str) -> str:
    """Move the password of ``url`` (if any) into the credential store; returns the URL
    without it. Raises CredentialStoreError when there is no credential store."""
    bare, password = split_password(url)
    if password is None:
        return url
    try:
        _keyring().set_password(SERVICE, bare, password)
    except Exception as exc:  # keyring.errors.* / backend errors differ per platform
        log.warning("No credential store: %s", type(exc).__name__)
        raise CredentialStoreError(
            translate(
                "util.credentials",
                "Esta computadora no tiene un almacén de contraseñas disponible, y la "
                "contraseña no se guarda en archivos. Escriba la URL sin la contraseña "
                "(postgresql://usuario@servidor:5432/base) y deje la contraseña en el archivo "
                ".pgpass del usuario o en la variable PGPASSWORD.",
            )
        ) from exc
    return bare


def lookup(url: str) -> str | None:
    """The stored password for ``url`` (its password-less form); None when none."""
    bare = strip_password(url)
    try:
        return _keyring().get_password(SERVICE, bare)
    except Exception as exc:  # noqa: BLE001 - no store: libpq may still find one
        log.info("Credential store not available: %s", type(exc).__name__)
        return None


def forget(url: str) -> None:
    with contextlib.suppress(Exception):  # nothing stored, or no store
        _keyring().delete_password(SERVICE, strip_password(url))
