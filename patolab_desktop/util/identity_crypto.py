"""Identity numbers encrypted at rest (issue 15, point 13): the keys and the primitives.

Pure helpers (floor 1), so the schema step that encrypts old rows (db) and the services
use the same code. The customer storage goes through ``services.customers.identity``
(the one module that reads and writes identity numbers); the database's key state (its
id, check value) is ``db.identity``.

- One random 256-bit **data key** per database. Identity numbers (DNI, RTN, passport)
  are stored as ``encrypt(digits)``: AES-256-GCM, a fresh 96-bit nonce per value, the
  column name as associated data (a ciphertext moved to another column fails).
- **Exact search and uniqueness** use ``id_hash(digits)``: HMAC-SHA256 under a subkey
  derived from the data key (HKDF, info ``patolab id-number hash``), so equal numbers give
  equal hashes (an index, a partial unique index) and nobody without the key can test
  guesses against the column.
- The sub-keys are derived ONCE per key (``IdentityKeys``, cached by ``keys_for``):
  deriving them per value cost 0.31 s per 100,000 values.
- The key is **never in the database nor beside it**: it lives in the workstation's OS
  credential store (``keyring``: Windows Credential Manager, macOS Keychain, Secret
  Service) under ``KEYRING_SERVICE`` / ``identity-key:<database id>``. The database keeps
  only its id and a check value (``key_check``), which tell which key it needs and
  whether a typed recovery key is the right one, and reveal nothing of the key.
- The **recovery key** is the data key written for people: 52 base32 characters in
  groups of four plus a 4-character checksum group (``recovery_text``, 56 characters).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
import sys
from collections.abc import Callable
from functools import lru_cache
from types import ModuleType

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from .translation import translate

KEYRING_SERVICE = "PatoLab Desktop"
KEY_BYTES = 32
NONCE_BYTES = 12
CIPHER_PREFIX = "e1:"  # version of the format, so a later change can be recognised
HASH_PREFIX = "h1:"
PREFIX_LENGTHS = (4, 8)  # municipality code; municipality + year of registration
# a search token (``prefix_hashes``) as a POSIX regular expression (PostgreSQL's index of
# the municipality token, ``db.search.DNI_PREFIX_INDEX``)
TOKEN_MARK = "KP"  # the two letters every search token starts with
TOKEN_PATTERN = TOKEN_MARK + "[A-P]{20}"
_AAD = b"customer.id_number"


class KeyMissing(Exception):
    """This workstation's credential store has no key for this database (or a key that
    is not this database's): ask for the recovery key before reading identity numbers."""


class RecoveryKeyError(ValueError):
    """A typed recovery key that is mistyped or belongs to another database."""


def new_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def new_key_id() -> str:
    """A random public name for a database (stored in the database's settings)."""
    return secrets.token_hex(8)


def _subkey(key: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(key)


def is_encrypted(value: str | None) -> bool:
    return bool(value) and str(value).startswith(CIPHER_PREFIX)


class _Mac:
    """HMAC-SHA256 under one key with the padded key states computed once: a value then
    costs two hash-state copies (about a third of ``hmac.digest``, which redoes the key
    every call; a migration of a million numbers computes three MACs each)."""

    __slots__ = ("_inner", "_outer")

    def __init__(self, key: bytes) -> None:
        block = key.ljust(64, b"\0")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in block))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))

    def digest(self, message: bytes) -> bytes:
        inner = self._inner.copy()
        inner.update(message)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.digest()


if sys.version_info >= (3, 11):

    def _from_base64(text: str) -> bytes:
        """Strict base64 (only its alphabet, correct padding) without a regular expression."""
        return binascii.a2b_base64(text, strict_mode=True)

else:  # Python 3.10: no strict mode in binascii

    def _from_base64(text: str) -> bytes:
        return base64.b64decode(text, validate=True)


class IdentityKeys:
    """The sub-keys of one data key, derived once: encrypt, decrypt and hash values."""

    __slots__ = ("_aead", "_hash_key", "_key", "_open", "_prefix_key", "_tokens", "check")

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise ValueError("an identity key has 32 bytes")
        self._key = key
        self._aead = AESGCM(_subkey(key, b"patolab id-number encryption"))
        self._open = self._opener()
        self._hash_key = _Mac(_subkey(key, b"patolab id-number hash"))
        self._prefix_key = _Mac(_subkey(key, b"patolab id-number prefix"))
        self._tokens: dict[str, str] = {}  # prefix_hashes' tokens, by prefix (bounded)
        self.check = hmac.new(_subkey(key, b"patolab key check"), b"check", "sha256").hexdigest()[
            :16
        ]

    def __reduce__(self) -> tuple:
        """Never pickled (nor deep-copied): that would write the data key out. A worker
        process of this program is handed the key explicitly (``data_key``)."""
        raise TypeError("identity keys are not pickled; hand over data_key() explicitly")

    def data_key(self) -> bytes:
        """The data key these sub-keys come from, for this program's own worker process
        (a part of an export), handed over the pipe ``multiprocessing`` opens to it."""
        return self._key

    def encrypt(self, digits: str) -> str:
        """``e1:`` + base64(nonce + AES-256-GCM ciphertext and tag) of the number."""
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, digits.encode("utf-8"), _AAD)
        return CIPHER_PREFIX + base64.b64encode(nonce + sealed).decode("ascii")

    def decrypt(self, token: str) -> str:
        """The number of ``encrypt``'s token; ``ValueError`` for a wrong key or a damaged
        or moved value (GCM's tag does not match), or a value that is not a token."""
        return self._open(str(token) if token else "")

    def decrypter(self) -> Callable[[str], str]:
        """``decrypt`` for many values without the method call (an export decrypts a
        million numbers)."""
        return self._open

    def _opener(self) -> Callable[[str], str]:
        """The one decryption, its look-ups bound once: the strict base64 decoder of
        ``binascii`` (``base64.b64decode(validate=True)`` checks the alphabet with a regular
        expression first, 1.8 s of a million-row export), then the cipher. Showing a
        million numbers through it (``identity.shower``): 1.9-2.1 s, against 2.1-2.2 s
        through ``decrypt`` with its checks as separate calls."""
        prefix, skip, opened = CIPHER_PREFIX, len(CIPHER_PREFIX), self._aead.decrypt
        unpack, aad, nonce = _from_base64, _AAD, NONCE_BYTES

        def one(token: str) -> str:
            if not token.startswith(prefix):
                raise ValueError("not an encrypted identity number")
            try:
                raw = unpack(token[skip:])
                return opened(raw[:nonce], raw[nonce:], aad).decode("utf-8")
            except (InvalidTag, binascii.Error, ValueError):
                raise ValueError("wrong key or damaged identity number") from None

        return one

    def hash(self, digits: str) -> str:
        """Keyed hash of the whole number: exact search and uniqueness (``h1:`` + 32 hex)."""
        mac = self._hash_key.digest(digits.encode("utf-8"))
        return HASH_PREFIX + mac.hex()[:32]

    def prefix_hashes(self, digits: str) -> list[str]:
        """Search tokens for the meaningful prefixes of a number (``PREFIX_LENGTHS``):
        ``KP`` + 20 upper-case letters. Upper case and letters only, so no typed search
        term (folded to lower case; digits for numbers) is ever a substring of a token."""
        tokens = []
        known = self._tokens
        for length in PREFIX_LENGTHS:
            if len(digits) > length:
                prefix = f"{length}:{digits[:length]}"
                token = known.get(prefix)
                if token is None:
                    mac = self._prefix_key.digest(prefix.encode())
                    token = TOKEN_MARK + mac[:10].hex().translate(_HEX_TO_LETTERS)
                    if len(known) >= MAX_KNOWN_TOKENS:
                        known.clear()
                    known[prefix] = token
                tokens.append(token)
        return tokens


_HEX_TO_LETTERS = str.maketrans("0123456789abcdef", "ABCDEFGHIJKLMNOP")
# Tokens remembered by ``prefix_hashes``: a number's prefixes repeat (298 municipalities,
# and a municipality's people are born in a few dozen years: about 30,000 4- and 8-digit
# prefixes), so an import or a migration mostly finds them there. The memory is keyed by
# the prefixes themselves (their digits, also those of a typed 4- or 8-digit search term)
# and lives as long as these keys, in the memory that already holds the data key; full,
# it is emptied at once (only a recomputation follows).
MAX_KNOWN_TOKENS = 65_536


@lru_cache(maxsize=16)
def keys_for(key: bytes) -> IdentityKeys:
    """The derived sub-keys of ``key`` (derived once per key, then cached)."""
    return IdentityKeys(key)


def encrypt(key: bytes, digits: str) -> str:
    return keys_for(key).encrypt(digits)


def decrypt(key: bytes, token: str) -> str:
    return keys_for(key).decrypt(token)


def id_hash(key: bytes, digits: str) -> str:
    return keys_for(key).hash(digits)


def id_prefix_hashes(key: bytes, digits: str) -> list[str]:
    return keys_for(key).prefix_hashes(digits)


def key_check(key: bytes) -> str:
    """A public value that tells whether a key is this database's key (no key in it)."""
    return keys_for(key).check


# --- recovery key -------------------------------------------------------------------------


def recovery_text(key: bytes) -> str:
    """The key for people: 13 groups of four base32 characters and a checksum group."""
    body = base64.b32encode(key).decode("ascii").rstrip("=")
    check = base64.b32encode(hashlib.sha256(key).digest()[:3]).decode("ascii")[:4]
    text = body + check
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def key_from_recovery(text: str, expected_check: str | None = None) -> bytes:
    """The key of a typed recovery key (spaces, dashes and case do not matter; 0, 1 and 8
    typed by mistake are read as the letters O, I and B). ``RecoveryKeyError`` when it
    is mistyped or is not this database's key (``expected_check`` from ``key_check``)."""
    cleaned = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    cleaned = cleaned.translate(str.maketrans("018", "OIB"))
    wrong = RecoveryKeyError(
        translate(
            "services.identity_crypto",
            "La clave de recuperación no es correcta: revise que copió los 56 caracteres.",
        )
    )
    if len(cleaned) != 56:
        raise wrong
    try:
        key = base64.b32decode(cleaned[:52] + "====")
    except (ValueError, binascii.Error):
        raise wrong from None
    check = base64.b32encode(hashlib.sha256(key).digest()[:3]).decode("ascii")[:4]
    if len(key) != KEY_BYTES or check != cleaned[52:]:
        raise wrong
    if expected_check is not None and key_check(key) != expected_check:
        raise RecoveryKeyError(
            translate(
                "services.identity_crypto",
                "Esa clave de recuperación es de otra base de datos.",
            )
        )
    return key


# --- the workstation's credential store -----------------------------------------------------


def _entry(database_id: str) -> str:
    return f"identity-key:{database_id}"


def stored_key(database_id: str) -> bytes:
    """This workstation's key for the database ``database_id``; ``KeyMissing`` when absent
    (or when the credential store cannot be reached)."""
    try:
        value = _read_entry(_entry(database_id))
    except Exception as exc:  # keyring.errors.* differ per platform: no store here
        raise KeyMissing(database_id) from exc
    if not value:
        raise KeyMissing(database_id)
    try:
        return base64.b64decode(value, validate=True)
    except (ValueError, binascii.Error):
        raise KeyMissing(database_id) from None


def store_key(database_id: str, key: bytes) -> None:
    """Keep the key in the OS credential store of this workstation (a computer without
    one: the per-user key file, see ``use_key_folder``); never in or beside the database."""
    _write_entry(_entry(database_id), base64.b64encode(key).decode("ascii"))


def forget_key(database_id: str) -> None:
    """Remove this workstation's copy of the key (tests; a workstation handed over)."""
    import contextlib

    with contextlib.suppress(Exception):
        _delete_entry(_entry(database_id))


# --- a computer without an OS credential store ------------------------------------------
#
# A Linux desk without a Secret Service (no GNOME Keyring or KWallet running) has no
# credential store: keyring then offers only its "fail" backend. The key goes to a file of
# this user's own configuration folder (created 0700, the file 0600), never the data folder
# of the database or its backups; ``key_store_kind()`` says so, and the screens warn.

_key_folder: str | None = None
KEY_FILE = "identity-keys.json"


def use_key_folder(folder: str | os.PathLike | None) -> None:
    """The folder of the key file used when there is no OS credential store (the app
    passes its per-user configuration folder at start)."""
    global _key_folder
    _key_folder = os.fspath(folder) if folder is not None else None


def _os_store() -> ModuleType | None:
    """``keyring`` when this computer has a real credential store, else None."""
    from keyring.backends import fail

    from . import credential_store

    keyring = credential_store.loaded()
    return None if isinstance(keyring.get_keyring(), fail.Keyring) else keyring


def key_store_kind() -> str:
    """ "os" (the OS credential store), "file" (the per-user key file) or "none"."""
    if _os_store() is not None:
        return "os"
    return "file" if _key_folder else "none"


def _file_entries() -> dict:
    import json

    path = os.path.join(_key_folder or "", KEY_FILE)
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except FileNotFoundError:
        return {}
    return data if isinstance(data, dict) else {}


def _write_file_entries(entries: dict) -> None:
    import json
    import tempfile

    os.makedirs(_key_folder or "", mode=0o700, exist_ok=True)
    handle, tmp = tempfile.mkstemp(prefix=".keys-", dir=_key_folder)  # created 0600
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as fh:
            json.dump(entries, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, os.path.join(_key_folder or "", KEY_FILE))
    except BaseException:
        with __import__("contextlib").suppress(OSError):
            os.unlink(tmp)
        raise


def _read_entry(name: str) -> str | None:
    store = _os_store()
    if store is not None:
        return store.get_password(KEYRING_SERVICE, name)
    if not _key_folder:
        raise KeyMissing(name)
    value = _file_entries().get(name)
    return value if isinstance(value, str) else None


def _write_entry(name: str, value: str) -> None:
    store = _os_store()
    if store is not None:
        store.set_password(KEYRING_SERVICE, name, value)
        return
    if not _key_folder:
        raise KeyMissing(name)
    entries = _file_entries()
    entries[name] = value
    _write_file_entries(entries)


def _delete_entry(name: str) -> None:
    store = _os_store()
    if store is not None:
        store.delete_password(KEYRING_SERVICE, name)
        return
    if _key_folder:
        entries = _file_entries()
        if entries.pop(name, None) is not None:
            _write_file_entries(entries)
