"""Identity numbers encrypted at rest (issue 15, point 13): the keys and the primitives.

STATUS: this module is the tested foundation; the customer storage is not wired to it
yet (see the issue's closing note). Design, decided here so the wiring follows it:

- One random 256-bit **data key** per database. Identity numbers (DNI, RTN, passport)
  are stored as ``encrypt(key, digits)``: AES-256-GCM, a fresh 96-bit nonce per value,
  the column name as associated data (a ciphertext moved to another column fails).
- **Exact search and uniqueness** use ``id_hash(key, digits)``: HMAC-SHA256 under a
  subkey derived from the data key (HKDF, info ``patolab id-number hash``), so equal
  numbers give equal hashes (an index, a partial unique index) and nobody without the
  key can test guesses against the column.
- **Prefix search** ("0801" finds the DNI 0801-1990-12345): a keyed hash per
  meaningful prefix only — the 4-digit municipality code and the 8-digit municipality
  plus year (``id_prefix_hashes``), as FTS tokens. Any other partial number finds
  nothing: a hash of every prefix would cost 13 index entries per customer and make the
  short prefixes (10^4 values) the weakest link. Searching the last digits (what a
  masked screen shows) is not supported either.
- The key is **never in the database nor beside it**: it lives in the workstation's OS
  credential store (``keyring``: Windows Credential Manager, macOS Keychain, Secret
  Service) under ``KEYRING_SERVICE`` / ``identity-key:<key id>``. The database keeps only
  the key id and a check value (``key_check``), which tell which key it needs and
  whether a typed recovery key is the right one, and reveal nothing of the key.
- The **recovery key** is the data key written for people: 52 base32 characters in
  groups of four plus a 4-character checksum group (``recovery_text``). The first
  administrator prints or saves it at set-up; a new workstation, or a restore on
  another PC, asks for it (``key_from_recovery``), checks it against the database's
  check value and stores it in that workstation's credential store.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ..errors import ValidationError
from ..texts import translate

KEYRING_SERVICE = "PatoLab Desktop"
KEY_BYTES = 32
NONCE_BYTES = 12
CIPHER_PREFIX = "e1:"  # version of the format, so a later change can be recognised
HASH_PREFIX = "h1:"
PREFIX_LENGTHS = (4, 8)  # municipality code; municipality + year of registration
_AAD = b"customer.id_number"


class KeyMissing(Exception):
    """This workstation's credential store has no key for this database: ask for the
    recovery key (``key_from_recovery``) before reading identity numbers."""


def new_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def new_key_id() -> str:
    """A random public name for a database's key (stored in the database's settings)."""
    return secrets.token_hex(8)


def _subkey(key: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(key)


def is_encrypted(value: str | None) -> bool:
    return bool(value) and str(value).startswith(CIPHER_PREFIX)


def encrypt(key: bytes, digits: str) -> str:
    """``e1:`` + base64(nonce + AES-256-GCM ciphertext and tag) of the number's digits."""
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(_subkey(key, b"patolab id-number encryption")).encrypt(
        nonce, digits.encode("utf-8"), _AAD
    )
    return CIPHER_PREFIX + base64.b64encode(nonce + sealed).decode("ascii")


def decrypt(key: bytes, token: str) -> str:
    """The digits of ``encrypt``'s token; ``ValueError`` for a wrong key or a damaged or
    moved value (GCM's tag does not match)."""
    if not is_encrypted(token):
        raise ValueError("not an encrypted identity number")
    raw = base64.b64decode(token[len(CIPHER_PREFIX) :])
    try:
        plain = AESGCM(_subkey(key, b"patolab id-number encryption")).decrypt(
            raw[:NONCE_BYTES], raw[NONCE_BYTES:], _AAD
        )
    except InvalidTag:
        raise ValueError("wrong key or damaged identity number") from None
    return plain.decode("utf-8")


def id_hash(key: bytes, digits: str) -> str:
    """Keyed hash of the whole number: exact search and uniqueness (``h1:`` + 32 hex)."""
    mac = hmac.new(_subkey(key, b"patolab id-number hash"), digits.encode("utf-8"), "sha256")
    return HASH_PREFIX + mac.hexdigest()[:32]


def id_prefix_hashes(key: bytes, digits: str) -> list[str]:
    """Search tokens for the meaningful prefixes of a number (``PREFIX_LENGTHS``), letters
    only so the trigram index keeps them whole: ``["kp…", "kp…"]``."""
    sub = _subkey(key, b"patolab id-number prefix")
    tokens = []
    for length in PREFIX_LENGTHS:
        if len(digits) > length:
            mac = hmac.new(sub, f"{length}:{digits[:length]}".encode(), "sha256").digest()
            tokens.append("kp" + base64.b32encode(mac[:10]).decode("ascii").lower())
    return tokens


def key_check(key: bytes) -> str:
    """A public value that tells whether a key is this database's key (no key in it)."""
    return hmac.new(_subkey(key, b"patolab key check"), b"check", "sha256").hexdigest()[:16]


# --- recovery key -------------------------------------------------------------------------


def recovery_text(key: bytes) -> str:
    """The key for people: 13 groups of four base32 characters and a checksum group."""
    body = base64.b32encode(key).decode("ascii").rstrip("=")
    check = base64.b32encode(hashlib.sha256(key).digest()[:3]).decode("ascii")[:4]
    text = body + check
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def key_from_recovery(text: str, expected_check: str | None = None) -> bytes:
    """The key of a typed recovery key (spaces, dashes and case do not matter; 0, 1 and 8
    typed by mistake are read as the letters O, I and B). ``ValidationError`` when it
    is mistyped or is not this database's key (``expected_check`` from ``key_check``)."""
    cleaned = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    cleaned = cleaned.translate(str.maketrans({"0": "O", "1": "I", "8": "B"}))
    wrong = ValidationError(
        {
            "recovery_key": translate(
                "services.identity_crypto",
                "La clave de recuperación no es correcta: revise que copió los 56 caracteres.",
            )
        }
    )
    if len(cleaned) != 56:
        raise wrong
    try:
        key = base64.b32decode(cleaned[:52] + "====")
    except (ValueError, base64.binascii.Error):
        raise wrong from None
    check = base64.b32encode(hashlib.sha256(key).digest()[:3]).decode("ascii")[:4]
    if len(key) != KEY_BYTES or check != cleaned[52:]:
        raise wrong
    if expected_check is not None and key_check(key) != expected_check:
        raise ValidationError(
            {
                "recovery_key": translate(
                    "services.identity_crypto",
                    "Esa clave de recuperación es de otra base de datos.",
                )
            }
        )
    return key


# --- the workstation's credential store -----------------------------------------------------


def _entry(key_id: str) -> str:
    return f"identity-key:{key_id}"


def stored_key(key_id: str) -> bytes:
    """This workstation's key for the database ``key_id``; ``KeyMissing`` when absent."""
    import keyring

    value = keyring.get_password(KEYRING_SERVICE, _entry(key_id))
    if not value:
        raise KeyMissing(key_id)
    return base64.b64decode(value)


def store_key(key_id: str, key: bytes) -> None:
    """Keep the key in the OS credential store of this workstation (never in a file)."""
    import keyring

    keyring.set_password(KEYRING_SERVICE, _entry(key_id), base64.b64encode(key).decode("ascii"))
