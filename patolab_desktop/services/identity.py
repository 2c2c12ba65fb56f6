"""Identity numbers (DNI, RTN, passport, residence card) encrypted at rest: the ONE module
through which every service reads and writes them (issue 15, point 13).

Stored values: ``customer.id_number`` holds ``e1:`` + AES-256-GCM of the number and
``customer.id_hash`` holds ``h1:`` + a keyed HMAC (exact search, and the unique index on
it that counts active customers only). Audit rows keep the numbers they record encrypted
the same way.
Nothing in the database or beside it can decrypt them: the key is in this workstation's
OS credential store (``db.identity``, ``util.identity_crypto``).

- Writing: ``seal(number)`` → (ciphertext, hash); ``hash_of(number)`` for look-ups.
- Reading: ``reveal(stored)`` → the number (a plaintext value from before schema 14 passes
  through unchanged); ``shown(stored)`` → full (``0801-1990-12345``) for holders of
  ``patients.view_sensitive``, else masked (``****-****-12345``); ``masked(stored)``.
- Keys: ``status()`` here; the recovery key (shown, confirmed saved, typed on a new
  workstation) in ``services.identity_keys``.

When this workstation has no key for the database (a new PC, a restore from another PC)
every read or write of a number raises ``IdentityKeyNeeded``: the GUI asks for the
recovery key, the CLI takes ``--recovery-key`` or prompts for it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from ..db import identity as db_identity
from ..util import identity_crypto as crypto
from ..util.identity_crypto import IdentityKeys, KeyMissing
from .access import session
from .errors import ServiceError
from .texts import QT_TRANSLATE_NOOP, translate

log = logging.getLogger(__name__)


class IdentityKeyNeeded(ServiceError):
    """This workstation cannot read or write identity numbers until the recovery key is
    typed (``unlock``)."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message
            or translate(
                "services.identity",
                "Esta computadora no tiene la clave de los números de identidad de esta base "
                "de datos (una computadora nueva o una copia restaurada de otra). Escriba la "
                "clave de recuperación de 56 caracteres que el administrador imprimió o "
                "guardó.",
            )
        )


LOSS_WARNING_SOURCE = QT_TRANSLATE_NOOP(
    "services.identity",
    "Los números de identidad (DNI, RTN, pasaporte) se guardan cifrados. La clave está "
    "solo en el almacén de contraseñas de cada computadora, nunca en la base de datos ni en "
    "las copias de seguridad. Si se pierden a la vez la clave de esta computadora (el disco "
    "se daña, Windows se reinstala) y esta clave de recuperación, NADIE podrá volver a leer "
    "los números de identidad guardados: ni el laboratorio ni el soporte técnico. Los demás "
    "datos no se pierden. Imprima o guarde esta clave ahora y guárdela fuera de esta "
    "computadora (caja fuerte, gestor de contraseñas).",
)


def loss_warning() -> str:
    """What losing both the key and the recovery key means (shown BEFORE it can happen)."""
    return translate("services.identity", LOSS_WARNING_SOURCE)


# --- the keys ------------------------------------------------------------------------------


def _keys() -> IdentityKeys:
    try:
        return db_identity.current_keys()
    except KeyMissing:
        raise IdentityKeyNeeded() from None
    except Exception as exc:  # no credential store at all on this computer
        if isinstance(exc, ServiceError):
            raise
        raise IdentityKeyNeeded(
            translate(
                "services.identity",
                "Esta computadora no tiene un almacén de contraseñas disponible, y la clave de "
                "los números de identidad no se guarda en archivos: no se pueden guardar ni "
                "leer números de identidad aquí.",
            )
        ) from exc


def handover() -> bytes | None:
    """The data key to hand to a worker process of this program (``take_over`` there);
    None when this workstation has none (the worker then shows the numbers locked too).
    Only for someone who may see patients (who, without ``patients.view_sensitive``, sees
    the numbers masked: masking needs the key too)."""
    session.require("patients.view")
    try:
        return _keys().data_key()
    except IdentityKeyNeeded:
        return None


def take_over(key: bytes | None) -> None:
    """In a worker process: the key ``handover`` gave, instead of a credential store. A key
    that is not the open database's is refused (``IdentityKeyNeeded``)."""
    try:
        db_identity.hold(None if key is None else crypto.keys_for(key))
    except KeyMissing:
        raise IdentityKeyNeeded() from None


def find_store_in_background() -> threading.Thread:
    """Find this computer's credential store in a worker thread and return the thread.

    keyring discovers its backend the first time it is asked (about 0.2 s: its modules and
    entry points). The app asks while the login window waits for the password, so the
    first list that shows identity numbers after the login does not wait for it (issue
    20). Nothing is read from the store here; a computer without one just logs it."""

    def find() -> None:
        try:
            crypto.key_store_kind()
        except Exception:  # noqa: BLE001 - the first real use reports it to the person
            log.info("No credential store found in the background", exc_info=True)

    thread = threading.Thread(target=find, name="identity-store", daemon=True)
    thread.start()
    return thread


def status() -> str:
    """``"ready"`` (numbers readable here), ``"missing"`` (the recovery key is needed),
    ``"none"`` (the database has no key yet: made when first needed)."""
    if not db_identity.has_key():
        return "none"
    try:
        db_identity.current_keys()
    except Exception:  # noqa: BLE001 - KeyMissing, or no credential store
        return "missing"
    return "ready"


# --- writing and looking up ----------------------------------------------------------------


def seal(number: str | None) -> tuple[str | None, str | None]:
    """(ciphertext, keyed hash) of a normalised number; (None, None) for no number."""
    if not number:
        return None, None
    if crypto.is_encrypted(number):  # already sealed (a value read back and saved again)
        return number, _keys().hash(reveal(number))
    keys = _keys()
    return keys.encrypt(number), keys.hash(number)


def hash_of(number: str | None) -> str | None:
    """The keyed hash of a normalised number (or of a stored ciphertext); None for none."""
    if not number:
        return None
    if crypto.is_encrypted(number):
        number = reveal(number)
    return _keys().hash(number)


def search_tokens(number: str | None) -> str:
    """The words a DNI or RTN adds to ``customer.search_text``: keyed hashes of its
    4-digit (municipality) and 8-digit (municipality and year) prefixes, so "0801" and
    "0801-1990" still find it; "" for other documents. Never the number itself."""
    if not number or not number.isdigit() or len(number) not in (13, 14):
        return ""
    return " ".join(_keys().prefix_hashes(number))


def prefix_token(term: str) -> str | None:
    """The search token of a typed 4- or 8-digit prefix (see ``search_tokens``); None
    without the key (the term then finds phones only)."""
    if not term.isdigit() or len(term) not in crypto.PREFIX_LENGTHS:
        return None
    try:
        return _keys().prefix_hashes(term + "0")[-1]
    except IdentityKeyNeeded:
        return None


# the digits of the prefix whose token comes first in a search text (the municipality)
FIRST_PREFIX_DIGITS = crypto.PREFIX_LENGTHS[0]

NO_MATCH = "h1:-"  # never a stored hash: a search by number without the key finds nothing


def search_hash(number: str) -> str:
    """``hash_of`` for a search; ``NO_MATCH`` when this workstation has no key."""
    try:
        return hash_of(number) or NO_MATCH
    except IdentityKeyNeeded:
        return NO_MATCH


def hasher() -> Callable[[str], str]:
    """``hash(number)`` with the keys looked up once, at the first call (bulk look-ups)."""
    keys: IdentityKeys | None = None

    def one(number: str) -> str:
        nonlocal keys
        if keys is None:
            keys = _keys()
        return keys.hash(number)

    return one


# --- reading -------------------------------------------------------------------------------


def reveal(stored: str | None) -> str:
    """The number of a stored value ("" for none). A plaintext value (before schema 14, or
    an already masked one) comes back unchanged."""
    if not stored:
        return ""
    if not crypto.is_encrypted(stored):
        return stored
    try:
        return _keys().decrypt(stored)
    except ValueError:
        raise IdentityKeyNeeded() from None


def revealer() -> Callable[[str | None], str]:
    """``reveal`` with the keys looked up once (exports of many rows). On a workstation
    without the key the lookup fails once, not once a row: a page of a hundred customers
    asked the database twice a row for the missing key (PostgreSQL, 1,000,000 customers:
    a search page 9 -> 150 ms). The keys' ``decrypter`` is called directly, one call less
    per number (``IdentityKeys._opener``)."""
    prefix = crypto.CIPHER_PREFIX
    decrypt: Callable[[str], str] | None = None
    missing: IdentityKeyNeeded | None = None

    def one(stored: str | None) -> str:
        nonlocal decrypt, missing
        if not stored:
            return ""
        if not stored.startswith(prefix):
            return stored
        if missing is not None:
            raise IdentityKeyNeeded(*missing.args)
        if decrypt is None:
            try:
                decrypt = _keys().decrypter()
            except IdentityKeyNeeded as exc:
                missing = exc
                raise
        try:
            return decrypt(stored)
        except ValueError:
            raise IdentityKeyNeeded() from None

    return one


# What a number looks like on a workstation without the key: masked completely, so a form
# saved from it keeps the stored number (an id containing "*" is never written over).
LOCKED = "****-****-*****"


def _readable(stored: str | None) -> str | None:
    """``reveal`` or None when this workstation has no key (the screens show ``LOCKED``)."""
    try:
        return reveal(stored)
    except IdentityKeyNeeded:
        return None


def reveal_for_form(stored: str | None) -> str:
    """The number for a form of a holder of ``patients.view_sensitive`` (``LOCKED`` when
    this workstation has no key)."""
    value = _readable(stored)
    return LOCKED if value is None else value


def format_number(digits: str | None) -> str:
    """0801199012345 → 0801-1990-12345 (DNI); 14-digit RTN → 0801-1990-123456; other
    documents as they are."""
    readable = _readable(digits)
    return LOCKED if readable is None else _grouped(readable)


def _grouped(digits: str) -> str:
    """A DNI or RTN in its groups (0801-1990-12345); other documents as they are."""
    if len(digits) in (13, 14) and digits.isdigit():
        return f"{digits[:4]}-{digits[4:8]}-{digits[8:]}"
    return digits


def masked(stored: str | None) -> str:
    """Only the last five digits stay visible: 0801199012345 → ``****-****-12345``.

    A 14-digit RTN keeps the same five: ``****-****-*23456``; other lengths keep their
    last four digits at most and never more than half of them."""
    readable = _readable(stored)
    if readable is None:
        return LOCKED
    value = "".join(ch for ch in readable if ch.isdigit())
    if not value:
        return ""
    if len(value) in (13, 14):
        hidden = "*" * (len(value) - 5) + value[-5:]
        return f"{hidden[:4]}-{hidden[4:8]}-{hidden[8:]}"
    keep = min(4, len(value) // 2)
    return "*" * (len(value) - keep) + (value[-keep:] if keep else "")


def shown(stored: str | None, actor: session.Actor | None = None) -> str:
    """The number as the acting user (or ``actor``) may see it: full or masked."""
    who = actor if actor is not None else session.current()
    if who is not None and who.has("patients.view_sensitive"):
        return format_number(stored)
    return masked(stored)


def shower(
    actor: session.Actor | None = None, *, for_a_file: bool = False
) -> Callable[[str | None], str]:
    """``shown`` decided once for many rows (the permission and the keys).

    ``for_a_file``: a number this workstation cannot read raises ``IdentityKeyNeeded``
    instead of showing ``LOCKED``: an export of customers wrote «****-****-*****» on every
    row of a file it said was written well (a screen shows the lock; a file is kept)."""
    who = actor if actor is not None else session.current()
    reader = revealer()

    def locked() -> str:
        if for_a_file:
            raise IdentityKeyNeeded()
        return LOCKED

    if who is not None and who.has("patients.view_sensitive"):

        def full(stored: str | None) -> str:
            try:
                return _grouped(reader(stored))
            except IdentityKeyNeeded:
                return locked()

        return full

    def hidden(stored: str | None) -> str:
        if not stored:
            return ""
        try:
            return masked(reader(stored))
        except IdentityKeyNeeded:
            return locked()

    return hidden


__all__ = [
    "IdentityKeyNeeded",
    "format_number",
    "hash_of",
    "hasher",
    "loss_warning",
    "masked",
    "prefix_token",
    "reveal_for_form",
    "search_hash",
    "reveal",
    "revealer",
    "seal",
    "search_tokens",
    "shower",
    "shown",
    "status",
]
