"""The database's identity-number key state (issue 15, point 13).

The database keeps only public facts about its key, in ``setting``:

- ``database_id``: a random name of this database, kept by a restore and by ``migrate-to``
  (the settings are copied), so the key found in a workstation's credential store under
  ``identity-key:<database_id>`` follows the data;
- ``identity_key_check``: ``key_check`` of the key, which tells a right key from a wrong
  one (a typed recovery key, a stale credential-store entry) and reveals nothing of it;
- ``identity_recovery_saved``: who confirmed that the recovery key was printed or saved,
  and when ("" until then: an administrator is asked at sign-in).

The key itself is only in the workstation's OS credential store (``util.identity_crypto``).
Its derived sub-keys are cached per database id, and the keys of the open database are
held: after the first call ``current_keys`` reads nothing (an import of 100,000 rows read
the two settings twice a row, 5 s of 14 s). What is held is dropped when a database is
opened (``clear_cache``, so a restore too) and when a key is created or recovered; the
key of a database never changes once its check value is stored.
"""

from __future__ import annotations

import logging

from peewee import Database, DatabaseProxy

from ..util import identity_crypto as crypto
from ..util.identity_crypto import IdentityKeys, KeyMissing
from .database import db as _proxy

DATABASE_ID = "database_id"
KEY_CHECK = "identity_key_check"
RECOVERY_SAVED = "identity_recovery_saved"

log = logging.getLogger(__name__)

_cache: dict[tuple[str, str], IdentityKeys] = {}
#: (the database object, its keys) of the last ``current_keys``; the strong reference
#: keeps another database from ever taking the same identity
_held: tuple[object, IdentityKeys | None] | None = None
#: check values this process stored and that a rollback may still take back: never held
#: while a transaction is open (the key would outlive its check value)
_unconfirmed: set[str] = set()


def _db(database: Database | None) -> Database:
    return database if database is not None else _proxy


def _read(database: Database, name: str) -> str | None:
    if not database.table_exists("setting"):
        return None
    row = database.execute_sql(
        f"SELECT value FROM setting WHERE key = {database.param}", (name,)
    ).fetchone()
    return row[0] if row else None


def _insert(database: Database, name: str, value: str) -> None:
    """Insert the setting unless another workstation did first (first writer wins)."""
    p = database.param
    database.execute_sql(
        f"INSERT INTO setting (key, value, version) SELECT {p}, {p}, 1 "
        f"WHERE NOT EXISTS (SELECT 1 FROM setting WHERE key = {p})",
        (name, value, name),
    )


def _write(database: Database, name: str, value: str) -> None:
    p = database.param
    with database.atomic():
        if _read(database, name) is None:
            _insert(database, name, value)
        else:
            database.execute_sql(
                f"UPDATE setting SET value = {p}, version = version + 1 WHERE key = {p}",
                (value, name),
            )


def database_id(database: Database | None = None) -> str | None:
    return _read(_db(database), DATABASE_ID)


def key_check(database: Database | None = None) -> str | None:
    return _read(_db(database), KEY_CHECK)


def has_key(database: Database | None = None) -> bool:
    """Whether this database has an identity key (its check value is stored)."""
    return bool(key_check(database))


def hold(keys: IdentityKeys | None, database: Database | None = None) -> None:
    """Use ``keys`` for the open database without asking the credential store (``None``:
    this workstation has no key, ``KeyMissing``): a worker process the keys were handed
    to, whose own credential store is not configured. Keys whose check value is not the
    database's are refused (``KeyMissing``): numbers would be sealed with a foreign key."""
    global _held
    database = _db(database)
    if keys is not None and keys.check != key_check(database):
        raise KeyMissing(database_id(database))
    _held = (_target(database), keys)


def clear_cache() -> None:
    global _held
    _held = None
    _cache.clear()


def _target(database: Database) -> object:
    """The real database behind the proxy (the proxy object stays the same across opens)."""
    return database.obj if isinstance(database, DatabaseProxy) else database


def current_keys(database: Database | None = None) -> IdentityKeys:
    """This database's sub-keys from this workstation's credential store.

    A database without a key yet gets one (``create_key``). ``KeyMissing`` when the
    credential store has no key for it, or a key whose check value is not the
    database's (the recovery key is needed: ``install_recovered_key``)."""
    global _held
    database = _db(database)
    target, held = _target(database), _held
    if held is not None and held[0] is target:
        if held[1] is None:  # handed over as missing (``hold``)
            raise KeyMissing(database_id(database))
        return held[1]
    ident, check = database_id(database), key_check(database)
    keys = _cache.get((ident, check)) if ident and check else None
    if keys is None:
        if not check:
            return create_key(database)
        keys = crypto.keys_for(crypto.stored_key(ident or ""))
        if keys.check != check:
            log.warning("The stored identity key is not this database's key")
            raise KeyMissing(ident)
        if ident:  # looked up by (id, check) only: a database without an id is not cached
            _cache[(ident, check)] = keys
    if check in _unconfirmed:
        if database.in_transaction():
            return keys
        _unconfirmed.discard(check)  # read outside a transaction: it is committed
    _held = (target, keys)
    return keys


def create_key(database: Database | None = None) -> IdentityKeys:
    """A new key for a database that has none: its id (kept when it has one), the key in
    this workstation's credential store, the check value in the database. When another
    workstation stored its key first, that key wins (``KeyMissing`` here until the
    recovery key is typed). The caller's transaction commits the settings."""
    database = _db(database)
    with database.atomic():
        ident = database_id(database)
        if not ident:
            _insert(database, DATABASE_ID, crypto.new_key_id())
            ident = database_id(database) or ""
        if key_check(database):  # someone else was first
            return current_keys(database)
        key = crypto.new_key()
        keys = crypto.keys_for(key)
        crypto.store_key(ident, key)  # before the check value: never a check without a key
        _unconfirmed.add(keys.check)
        _insert(database, KEY_CHECK, keys.check)
        _insert(database, RECOVERY_SAVED, "")
        if key_check(database) != keys.check:
            raise KeyMissing(ident)
    log.info("Created the identity-number key of this database")
    _cache[(ident, keys.check)] = keys
    return keys


def adopt(target: Database, source: Database | None = None) -> bool:
    """Give ``target``, a copy being restored that has no key yet (taken before the identity
    numbers were encrypted), the identity of ``source`` (the open database): its id, its
    check value and the note that its recovery key was saved. The migration then encrypts
    the copy's numbers with the same key, so the rows carried over from ``source`` stay
    readable and the printed recovery key still fits. False, nothing written, when
    ``target`` has a key, ``source`` has none or this workstation does not hold it (the
    migration then makes a new key)."""
    source = _db(source)
    if not target.table_exists("setting") or key_check(target) or not key_check(source):
        return False
    try:
        keys = current_keys(source)
    except KeyMissing:
        return False
    ident = database_id(source) or ""
    # a copy from before schema step 9 has no version column in its settings
    versioned = "version" in {c.name for c in target.get_columns("setting")}
    columns, p = ("key, value, version" if versioned else "key, value"), target.param
    marks = f"{p}, {p}, 1" if versioned else f"{p}, {p}"
    with target.atomic():
        for name in (DATABASE_ID, KEY_CHECK, RECOVERY_SAVED):
            target.execute_sql(f"DELETE FROM setting WHERE key = {p}", (name,))
            target.execute_sql(
                f"INSERT INTO setting ({columns}) VALUES ({marks})",
                (name, _read(source, name) or ""),
            )
    _cache[(ident, keys.check)] = keys
    return True


def install_recovered_key(key: bytes, database: Database | None = None) -> IdentityKeys:
    """Store a recovered key (already checked against ``key_check``) in this
    workstation's credential store."""
    database = _db(database)
    keys = crypto.keys_for(key)
    if keys.check != key_check(database):
        raise crypto.RecoveryKeyError("not this database's key")
    ident = database_id(database) or ""
    crypto.store_key(ident, key)
    clear_cache()
    _cache[(ident, keys.check)] = keys
    return keys


def recovery_saved(database: Database | None = None) -> str:
    return _read(_db(database), RECOVERY_SAVED) or ""


def mark_recovery_saved(note: str, database: Database | None = None) -> None:
    _write(_db(database), RECOVERY_SAVED, note)


def stored_raw_key(database: Database | None = None) -> bytes:
    """The key bytes (for showing the recovery key); ``KeyMissing`` when absent or wrong."""
    database = _db(database)
    current_keys(database)
    return crypto.stored_key(database_id(database) or "")
