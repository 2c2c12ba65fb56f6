"""Full-text index over the folded ``customer.search_text`` column.

SQLite: an external-content FTS5 table with the trigram tokenizer, kept in sync by
triggers, so any substring of 3+ characters is found through the index. It keeps no
positions (``detail=none``): a MATCH lists the rows holding every trigram of a cover of
the term, a small superset that the caller narrows with the exact substring test
(``instr``). Without positions the index is 2.3 times smaller (89 instead of 208 MB for
1,000,000 customers) and a two-word search reads half as much (measured: "jose martinez"
49 → 13 ms).
PostgreSQL: a pg_trgm GIN index on the same column, which serves ``LIKE '%term%'``.
The column itself is folded (lower case, no accents) by the service that saves the
row, so "perez" finds "Pérez" on both backends.
"""

from __future__ import annotations

from peewee import SQL, Database, Node, NodeList, PostgresqlDatabase, Value, fn

from ..util.faults import pause_point
from ..util.identity_crypto import TOKEN_MARK, TOKEN_PATTERN
from .errors import database_refusal

FTS_TABLE = "customer_fts"
TRIGGERS = ("customer_fts_ai", "customer_fts_ad", "customer_fts_au")
# A row here says "the search index must be rebuilt": written (and committed) before the
# triggers are dropped for a bulk load, deleted in the transaction that rebuilds. A process
# killed in between leaves the row, and the next start (``repair``) rebuilds.
MARKER_TABLE = "maintenance_marker"
REBUILD_MARKER = "customer_fts_rebuild"

_SQLITE_DDL = [
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(
        search_text, content='customer', content_rowid='id', tokenize='trigram',
        detail=none)""",
    f"""CREATE TRIGGER IF NOT EXISTS customer_fts_ai AFTER INSERT ON customer BEGIN
        INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS customer_fts_ad AFTER DELETE ON customer BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS customer_fts_au AFTER UPDATE OF search_text ON customer
    BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
        INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
]

_POSTGRES_DDL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS customer_search_trgm ON customer "
    "USING gin (search_text gin_trgm_ops)",
]

# id_number is unique among active customers only (a deactivated duplicate may stay):
# through its keyed hash, the number itself being encrypted (schema 14). One index does
# both jobs (schema 17): its second key is 1 for an active customer and NULL otherwise,
# and a unique index holds any number of NULLs, so only two active holders collide; its
# first key alone finds a number among all customers (the exact search). It replaced a
# plain index on id_hash and a partial unique one: each new customer landed at a random
# place in both (an import of 100,000 customers into a million: 1.3 s less).
ID_HASH_INDEX = "customer_id_hash_active"
_IDENTITY_DDL = [
    f"CREATE UNIQUE INDEX IF NOT EXISTS {ID_HASH_INDEX} "
    "ON customer (id_hash, (CASE WHEN active THEN 1 END))",
]

# PostgreSQL (issue 20, schema 18): the walk of the name order for words, on an index a
# third the size of the covering one, without ``search_text``. A term that holds a letter
# (folded: lower case) can only be found in the folded name or the e-mail: the rest of
# the search text is digits and upper-case identity tokens, and a term never holds a
# space. «fernando» walked 105,948 entries of the covering index in 37 ms, and 20 ms here;
# «fern» 17 → 8 ms. Its predicate (``id > 0``, true of every row) keeps the walks that
# need ``search_text`` off it: without one, the planner also took it for them and read a
# table row per entry (130 ms for the same «fernando»). Only a query that states
# ``id > 0`` (the word walk) or lists at most 100 ids (``id = ANY(…)``, from which the
# planner proves it; the primary key serves those pages) can use it.
NAME_WALK_INDEX = "customer_name_walk"
NAME_WALK_DDL = (
    f"CREATE INDEX IF NOT EXISTS {NAME_WALK_INDEX} ON customer (name_folded, id) "
    "INCLUDE (email) WHERE active AND id > 0"
)

# PostgreSQL (issue 20, schema 19): the customers of a DNI's municipality ("0801") found
# by their 4-digit identity token on a B-tree instead of the trigram index. The token is
# the first upper-case word of the search text (``identity.search_tokens``: ``KP`` and 20
# letters A-P, the 4-digit prefix's before the 8-digit one; nothing else in the text is
# upper case). 1,000,000 customers, «0708»: the token's 1,334 rows were 2.8 ms of trigram
# lists (five trigrams, each in tens of thousands of tokens), 0.2 ms here; the whole list
# of the term's 1,723 matches 9.0 -> 5.9 ms. Building it took 2.7 s.
DNI_PREFIX_INDEX = "customer_dni_prefix"
DNI_PREFIX_PATTERN = TOKEN_PATTERN
DNI_PREFIX_DDL = (
    f"CREATE INDEX IF NOT EXISTS {DNI_PREFIX_INDEX} ON customer "
    f"((substring(search_text, '{DNI_PREFIX_PATTERN}')))"
)

# PostgreSQL (issue 20, schema 20): no index on (active, id_number, id). The numbers are
# ciphertexts; the list sorted by them (the "Identidad/RTN" header) is ordered there by
# ``COALESCE(id_number, '')``, an expression that index does not hold, so no query used
# it (the header's sort took 744 ms with it, a sort of every row), and each new customer
# landed at a random place in it: 100,000 imported into a million, the save 9.9-15.4 s
# with it (median 10.8) against 9.0-10.2 s without (9.6), four of each alternated.
# SQLite kept it until schema 21 (below).
CIPHERTEXT_ORDER_INDEX = "customer_active_id_number_id"


def drop_ciphertext_order_index(database: Database) -> None:
    """Schema 20, PostgreSQL: drop the unused ``CIPHERTEXT_ORDER_INDEX``."""
    if isinstance(database, PostgresqlDatabase):
        database.execute_sql(f"DROP INDEX IF EXISTS {CIPHERTEXT_ORDER_INDEX}")


# Schema 21, both backends: the "Identidad/RTN" header sorts by the kind of document
# (DNI, ninguno, pasaporte, residente, RTN), then by registration, on (active,
# document_type, id). The ciphertexts SQLite walked until then carry a fresh random nonce
# each, so the list "sorted" by them was in no order a person could follow; and each new
# customer landed at a random place in their index: 99,288 imported into a million, the
# save 6.3-7.2 s with it against 4.5-4.6 s without. New customers land at the end of
# their kind's run in the new one.
DOCUMENT_ORDER_INDEX = "customer_active_document_type_id"


def sort_by_document_kind(database: Database) -> None:
    """Schema 21: ``DOCUMENT_ORDER_INDEX`` instead of ``CIPHERTEXT_ORDER_INDEX``.

    SQLite: when the file has planner statistics, the new index gets its own at once
    (about 0.3 s at a million customers). Without them the planner takes a new index for
    one that tells a row among few, and chose it for ``active = 1`` alone: a search
    page read the whole table (the bench's search-as-you-type did not finish)."""
    database.execute_sql(f"DROP INDEX IF EXISTS {CIPHERTEXT_ORDER_INDEX}")
    database.execute_sql(
        f"CREATE INDEX IF NOT EXISTS {DOCUMENT_ORDER_INDEX} ON customer (active, document_type, id)"
    )
    if isinstance(database, PostgresqlDatabase):
        return  # its planner reads the columns' statistics, not the index's
    has_statistics = database.execute_sql(
        "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'"
    ).fetchone()
    if has_statistics:
        database.execute_sql(f"ANALYZE {DOCUMENT_ORDER_INDEX}")


MIN_TRIGRAM = 3


def install_identity_index(database: Database) -> None:
    """The unique index on the identity numbers' keyed hash (``ID_HASH_INDEX``)."""
    for statement in _IDENTITY_DDL:
        database.execute_sql(statement)


def install_name_walk_index(database: Database) -> None:
    """PostgreSQL: the narrow index of the walk by name for words (``NAME_WALK_INDEX``)."""
    if isinstance(database, PostgresqlDatabase):
        database.execute_sql(NAME_WALK_DDL)


def install_dni_prefix_index(database: Database) -> None:
    """PostgreSQL: the B-tree of the DNI's 4-digit search token (``DNI_PREFIX_INDEX``)."""
    if isinstance(database, PostgresqlDatabase):
        database.execute_sql(DNI_PREFIX_DDL)


def install(database: Database) -> None:
    ddl = _POSTGRES_DDL if isinstance(database, PostgresqlDatabase) else _SQLITE_DDL
    for statement in ddl:
        database.execute_sql(statement)
    install_name_walk_index(database)
    install_dni_prefix_index(database)
    drop_ciphertext_order_index(database)
    # before schema 14 (an older database being upgraded) there is no id_hash yet
    if any(c.name == "id_hash" for c in database.get_columns("customer")):
        install_identity_index(database)


def _is_sqlite(database: Database) -> bool:
    return not isinstance(database, PostgresqlDatabase)


def _marker_table(database: Database) -> None:
    database.execute_sql(
        f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} (name TEXT PRIMARY KEY, detail TEXT)"
    )


def mark_rebuild_needed(database: Database) -> None:
    """Record (committed at once) that the index must be rebuilt before it is trusted."""
    if not _is_sqlite(database):
        return
    with database.atomic():
        _marker_table(database)
        database.execute_sql(
            f"INSERT OR REPLACE INTO {MARKER_TABLE} (name, detail) VALUES (?, 'pending')",
            (REBUILD_MARKER,),
        )


def begin_bulk_load(database: Database) -> None:
    """Before a bulk load into ``customer``: mark the rebuild as needed, then drop the
    triggers (the rows are indexed all at once by ``rebuild`` afterwards)."""
    if not _is_sqlite(database):
        return  # PostgreSQL has a trigram index, no triggers to drop
    mark_rebuild_needed(database)
    for trigger in TRIGGERS:
        database.execute_sql(f"DROP TRIGGER IF EXISTS {trigger}")


def rebuild_pending(database: Database) -> bool:
    if not _is_sqlite(database) or not database.table_exists(MARKER_TABLE):
        return False
    row = database.execute_sql(
        f"SELECT 1 FROM {MARKER_TABLE} WHERE name = ?", (REBUILD_MARKER,)
    ).fetchone()
    return row is not None


def missing_parts(database: Database) -> list[str]:
    """The index table and triggers that should exist and do not (SQLite)."""
    if not _is_sqlite(database):
        return []
    present = {
        name
        for (name,) in database.execute_sql(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')"
        )
    }
    return [name for name in (FTS_TABLE, *TRIGGERS) if name not in present]


def rebuild(database: Database) -> None:
    """Rebuild the SQLite index from the content table (after bulk loads), then merge it
    into one segment: a rebuilt index is left in many, and every MATCH reads each of them
    (1,000,000 customers: 2.8 s more, "jose martinez" 19.6 → 13.5 ms).

    Crash-safe: the triggers, the refill and the removal of the rebuild marker are ONE
    transaction; a process killed inside it leaves the old state and the marker, and the
    next start rebuilds (``repair``)."""
    if not _is_sqlite(database):
        return
    with database.atomic():
        install(database)
        database.execute_sql(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
        pause_point("fts-rebuild")
        if database.table_exists(MARKER_TABLE):
            database.execute_sql(f"DELETE FROM {MARKER_TABLE} WHERE name = ?", (REBUILD_MARKER,))
    database.execute_sql(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')")


def integrity_problems(database: Database, quick: bool = False) -> list[str]:
    """What is wrong with the search index (SQLite): missing table or triggers, an
    interrupted rebuild, or FTS5's own integrity check failing. Empty when fine.
    ``quick`` checks the index structure only, not that it matches every row. FTS5's check
    is an INSERT: when the database refuses the write (locked by another program,
    read-only, its disk full: ``errors.database_refusal``), that error is raised: it is
    no damage."""
    if not _is_sqlite(database):
        return []
    problems = [f"missing: {name}" for name in missing_parts(database)]
    if rebuild_pending(database):
        problems.append("rebuild pending (interrupted)")
    if FTS_TABLE not in " ".join(problems):
        try:
            database.execute_sql(
                f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES ('integrity-check', ?)",
                (0 if quick else 1,),
            )
        except Exception as exc:  # sqlite3.DatabaseError: the index disagrees with its table
            if database_refusal(exc) is not None:
                raise  # locked, read-only, disk full: the check (a write) could not run
            problems.append(f"integrity-check: {exc}")
    return problems


def repair(database: Database) -> bool:
    """At open: redo an interrupted rebuild, or restore missing triggers/table (SQLite).
    Returns True when something was repaired."""
    if not _is_sqlite(database) or database.database == ":memory:":
        return False
    if not database.table_exists("customer"):
        return False
    if not rebuild_pending(database) and not missing_parts(database):
        return False
    import logging

    logging.getLogger(__name__).warning("Search index incomplete: rebuilding it")
    with database.atomic():
        for trigger in TRIGGERS:
            database.execute_sql(f"DROP TRIGGER IF EXISTS {trigger}")
        database.execute_sql(f"DROP TABLE IF EXISTS {FTS_TABLE}")
        rebuild(database)
    return True


def customers_upper_bound(database: Database) -> int:
    """The highest customer id: at least the number of customers, read from the primary
    key (the size searches plan by; deleted ids are rare)."""
    return int(database.execute_sql("SELECT max(id) FROM customer").fetchone()[0] or 0)


def cover(term: str) -> list[str]:
    """Trigrams that together span ``term``: every third one and the last.

    A row holding the term holds all of them; asking for all of a term's trigrams would
    read more of the index for almost no fewer false candidates."""
    starts = list(range(0, len(term) - MIN_TRIGRAM + 1, MIN_TRIGRAM))
    if starts and starts[-1] != len(term) - MIN_TRIGRAM:
        starts.append(len(term) - MIN_TRIGRAM)
    return [term[i : i + MIN_TRIGRAM] for i in starts]


def _quoted(gram: str) -> str:
    return '"' + gram.replace('"', '""') + '"'


# An identity token (``KP`` and 20 letters A-P, ``identity_crypto.TOKEN_PATTERN``) is
# matched on the trigrams of nine of its letters after ``KP``. Every token starts with KP,
# so a trigram «KPx» stands in a sixteenth of all tokens (125,000 rows in a million), and
# the whole token's cover asked for eight lists. 1,000,000 customers, «0802»: the MATCH
# 3.4 -> 1.5 ms, 1,723 -> 1,726 rows (three found for nothing, which the callers' test
# of the whole token drops).
TOKEN_MATCHED = slice(len(TOKEN_MARK), len(TOKEN_MARK) + 9)
# PostgreSQL's trigram index is asked for its first 7 letters after ``KP`` (five trigrams:
# pg_trgm takes every trigram of a ``LIKE``), and ``strpos`` checks the whole token.
# 1,000,000 customers: 22 letters 12-14 ms for nine 4-digit terms, 8 from the start 7-9;
# 8 -> 7 letters 5.1-6.1 -> 4.6-5.1 ms (6: a few rows found for nothing; 5: 1,800); after
# ``KP`` instead of from it, «98812345» 3.0-3.7 -> 2.3-2.5 ms.
TOKEN_INDEXED = slice(len(TOKEN_MARK), len(TOKEN_MARK) + 7)


def like_substring(expr: Node, text: str) -> NodeList:
    """``expr LIKE '%text%'`` with ``%`` and ``_`` in ``text`` taken literally (PostgreSQL's
    trigram index serves it)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return NodeList((expr, SQL("LIKE"), Value(f"%{escaped}%"), SQL("ESCAPE '\\'")))


def holds_token(search_text: Node, token: str) -> Node:
    """PostgreSQL: ``search_text`` holds the identity search token ``token``: the trigram
    index asked for ``TOKEN_INDEXED`` of its letters, ``strpos`` checking the whole token."""
    return like_substring(search_text, token[TOKEN_INDEXED]) & (fn.strpos(search_text, token) > 0)


def first_token(search_text: Node) -> Node:
    """PostgreSQL: the first identity token of ``search_text``, the expression
    ``DNI_PREFIX_INDEX`` is built on (written alike, or the planner cannot use it)."""
    return fn.substring(search_text, SQL(f"'{DNI_PREFIX_PATTERN}'"))


def match_expression(terms: list[str], alternatives: dict[str, str] | None = None) -> str:
    """FTS5 MATCH string for terms of 3+ characters (already folded).

    It selects a superset of the rows containing every term (the trigrams of each term's
    cover, in any order): callers keep only the rows where each term is a substring of
    ``search_text``. ``alternatives``: term -> another text that also satisfies it (an
    identity-number prefix token, ``TOKEN_MATCHED`` of it):
    ``(term's trigrams) OR (token's trigrams)``."""
    alternatives = alternatives or {}
    grams: list[str] = []
    either: list[str] = []
    for term in terms:
        if len(term) < MIN_TRIGRAM:
            continue
        other = alternatives.get(term)
        if other:
            one = " AND ".join(_quoted(g) for g in cover(term))
            two = " AND ".join(_quoted(g) for g in cover(other[TOKEN_MATCHED]))
            either.append(f"(({one}) OR ({two}))")
        else:
            grams.extend(g for g in cover(term) if g not in grams)
    return " AND ".join([_quoted(g) for g in grams] + either)


def recreate(database: Database) -> None:
    """Drop the SQLite index and its triggers, create them as defined here, refill."""
    if isinstance(database, PostgresqlDatabase):
        return
    with database.atomic():
        for trigger in TRIGGERS:
            database.execute_sql(f"DROP TRIGGER IF EXISTS {trigger}")
        database.execute_sql(f"DROP TABLE IF EXISTS {FTS_TABLE}")
        rebuild(database)
