"""Schema version 14 (issue 15, point 13): identity numbers encrypted at rest.

- ``customer.id_hash`` (``h1:`` + keyed HMAC of the number) with a plain index for exact
  search and the partial unique index ``customer_active_id_hash`` (unique among active
  customers), which replaces ``customer_active_id_number``;
- ``customer.id_number`` wide enough for the ciphertext (``e1:`` + AES-256-GCM, base64)
  and every stored number encrypted, in batches (one ``executemany`` per 5,000 rows on
  SQLite, one ``UPDATE … FROM (VALUES …)`` per batch on PostgreSQL);
- ``customer.search_text`` loses the number (the full-text index is rebuilt once);
- the identity numbers in audit rows (``changes``) encrypted too.

The key: this database's key from the workstation's credential store, or a new one (the
first administrator who signs in is asked to print or save its recovery key). On SQLite
``secure_delete`` is on while the rows are rewritten, so the plaintext pages are zeroed,
not left in the file's free space. Self-contained: it looks only at what it changes, so
it applies on top of any step numbered before it.
"""

from __future__ import annotations

import json
import logging

from peewee import Database

from ...util.identity_crypto import CIPHER_PREFIX, IdentityKeys
from .. import identity
from .. import search as fts
from ..database import is_sqlite

log = logging.getLogger(__name__)

BATCH = 5000
SENSITIVE_KEYS = ("id_number", "dui", "dni", "rtn")


def _without(search_text: str, number: str, tokens: list[str]) -> str:
    """The search text with the number replaced by its prefix tokens (a DNI or RTN)."""
    lowered = number.lower()
    words = []
    for word in (search_text or "").split(" "):
        if word in (number, lowered):
            words.extend(tokens)
            tokens = []
        elif word:
            words.append(word)
    return " ".join(words)


def _tokens(keys: IdentityKeys, number: str) -> list[str]:
    return keys.prefix_hashes(number) if number.isdigit() and len(number) in (13, 14) else []


def _update_rows(database: Database, rows: list[tuple]) -> None:
    """rows: (token, hash, search_text, id)."""
    if not rows:
        return
    if is_sqlite(database):
        database.cursor().executemany(
            "UPDATE customer SET id_number = ?, id_hash = ?, search_text = ? WHERE id = ?", rows
        )
        return
    from psycopg2.extras import execute_values

    execute_values(
        database.cursor(),
        "UPDATE customer AS c SET id_number = v.n, id_hash = v.h, search_text = v.s "
        "FROM (VALUES %s) AS v (n, h, s, id) WHERE c.id = v.id",
        rows,
        page_size=BATCH,
    )


def encrypt_customers(database: Database, keys: IdentityKeys) -> int:
    """Encrypt every plaintext ``customer.id_number``; returns how many."""
    p = database.param
    done = last = 0
    while True:
        batch = database.execute_sql(
            f"SELECT id, id_number, search_text FROM customer WHERE id > {p} "
            f"AND id_number IS NOT NULL AND id_number <> '' ORDER BY id LIMIT {BATCH}",
            (last,),
        ).fetchall()
        if not batch:
            return done
        last = batch[-1][0]
        rows = [
            (
                keys.encrypt(number),
                keys.hash(number),
                _without(text, number, _tokens(keys, number)),
                cid,
            )
            for cid, number, text in batch
            if not number.startswith(CIPHER_PREFIX)
        ]
        _update_rows(database, rows)
        done += len(rows)


def _seal_value(keys: IdentityKeys, value: object) -> object:
    if isinstance(value, str) and value and not value.startswith(CIPHER_PREFIX):
        return keys.encrypt(value)
    return value


def encrypt_audit_changes(database: Database, keys: IdentityKeys) -> int:
    """Encrypt the identity numbers kept in audit rows' ``changes``; returns how many rows."""
    p = database.param
    rows = database.execute_sql(
        "SELECT id, changes FROM audit_log WHERE changes LIKE "
        + " OR changes LIKE ".join([p] * len(SENSITIVE_KEYS)),
        tuple(f'%"{key}"%' for key in SENSITIVE_KEYS),
    ).fetchall()
    updates = []
    for row_id, text in rows:
        try:
            data = json.loads(text)
        except ValueError:
            continue
        if not isinstance(data, dict):
            continue
        changed = False
        for key in SENSITIVE_KEYS:
            pair = data.get(key)
            if isinstance(pair, list):
                sealed = [_seal_value(keys, v) for v in pair]
                changed = changed or sealed != pair
                data[key] = sealed
        if changed:
            updates.append((json.dumps(data, ensure_ascii=False, sort_keys=True), row_id))
    if updates:
        database.cursor().executemany(f"UPDATE audit_log SET changes = {p} WHERE id = {p}", updates)
    return len(updates)


_TOUCHED = ("id_number", "search_text", "id_hash")


def _drop_touched_indexes(database: Database) -> list[str]:
    """SQLite: drop the customer indexes over the rewritten columns; returns their CREATE
    statements. Rebuilding an index once is many times faster than updating it row by row
    (the ciphertexts land at random places of the id_number index)."""
    rows = database.execute_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'customer' "
        "AND sql IS NOT NULL"
    ).fetchall()
    statements = []
    for name, sql in rows:
        if any(column in sql for column in _TOUCHED):
            database.execute_sql(f'DROP INDEX IF EXISTS "{name}"')
            statements.append(sql)
    return statements


def encrypt_identity_numbers(database: Database) -> None:
    columns = {c.name for c in database.get_columns("customer")}
    if "id_hash" not in columns:
        database.execute_sql("ALTER TABLE customer ADD COLUMN id_hash VARCHAR(40)")
    if not is_sqlite(database):  # SQLite does not enforce VARCHAR lengths
        database.execute_sql("ALTER TABLE customer ALTER COLUMN id_number TYPE VARCHAR(100)")
    keys = identity.current_keys(database)
    sqlite = is_sqlite(database)
    if sqlite:
        database.execute_sql("PRAGMA secure_delete = ON")
        for trigger in fts.TRIGGERS:  # the index is rebuilt once below, not row by row
            database.execute_sql(f"DROP TRIGGER IF EXISTS {trigger}")
    try:
        database.execute_sql("DROP INDEX IF EXISTS customer_active_id_number")
        indexes = _drop_touched_indexes(database) if sqlite else []
        count = encrypt_customers(database, keys)
        audited = encrypt_audit_changes(database, keys)
        for statement in indexes:
            database.execute_sql(statement)
        database.execute_sql("CREATE INDEX IF NOT EXISTS customer_id_hash ON customer (id_hash)")
        fts.install(database)  # the partial unique index on id_hash (and the triggers)
        if sqlite:
            fts.recreate(database)
    finally:
        if sqlite:
            database.execute_sql("PRAGMA secure_delete = OFF")
    database.execute_sql(  # the permission to show the recovery key (Administrador only)
        "INSERT INTO role_permission (role_id, permission) "
        "SELECT r.id, 'identity.recovery_key' FROM role r WHERE r.name = 'Administrador' "
        "AND NOT EXISTS (SELECT 1 FROM role_permission p WHERE p.role_id = r.id "
        "AND p.permission = 'identity.recovery_key')"
    )
    if not sqlite and count:  # every customer row was rewritten: fresh planner statistics
        database.execute_sql("ANALYZE customer")
    log.info("Encrypted %s identity numbers and %s audit rows", count, audited)
