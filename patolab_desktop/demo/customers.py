"""Synthetic Honduran customers for demos and benchmarks (deterministic for a given rng).

Patients have Honduran given names and two surnames (with accents and ñ), a 13-digit DNI
whose first four digits are the code of a real municipality followed by the birth year,
a +504 phone (mobile 3/7/8/9 or a landline 2xxx that ``phonenumbers`` accepts), often an
e-mail, a department and a municipality of that department (weighted by population), and
a date of birth or a declared age. About 8 % are companies with a 14-digit RTN.

Speed: one million rows are inserted in a few minutes with ``executemany`` in batches,
one transaction per batch. For big loads the full-text triggers are dropped during the
load and the index is rebuilt once at the end (much faster than row-by-row updates).
"""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from bisect import bisect_right
from collections.abc import Callable
from functools import lru_cache

import phonenumbers

from ..db import bulk as bulk_load
from ..db import identity as db_identity
from ..db import search
from ..db.database import db, is_sqlite
from ..db.models import Customer, Gender, Municipality
from ..util.text import fold
from .names import (
    COLONIAS,
    COMPANY_KINDS,
    COMPANY_SHARE,
    COMPANY_SUFFIXES,
    COMPANY_WORDS,
    EMAIL_DOMAINS,
    FEMALE,
    MALE,
    NOTES,
    POPULATION,
    SURNAMES,
)

BATCH = 20_000
REBUILD_THRESHOLD = 20_000  # at least this many rows: drop the FTS triggers, rebuild after
FTS_TRIGGERS = ("customer_fts_ai", "customer_fts_ad", "customer_fts_au")

COLUMNS = (
    "uid",
    "type",
    "name",
    "first_name",
    "last_name",
    "name_folded",
    "id_number",
    "gender_id",
    "date_of_birth",
    "age",
    "age_recorded_on",
    "phone",
    "secondary_phone",
    "email",
    "department_id",
    "municipality_id",
    "address",
    "address2",
    "postal_code",
    "country",
    "external_file",
    "notes",
    "is_blocked",
    "incomplete",
    "active",
    "search_text",
    "created_at",
    "updated_at",
    "version",
    "document_type",
    "age_declared",
    "id_hash",
)


def _zipf_weights(n: int, s: float = 0.9) -> list[float]:
    return list(itertools.accumulate(1.0 / (i + 1) ** s for i in range(n)))


@lru_cache(maxsize=1)
def _landline_prefixes() -> tuple[str, ...]:
    """4-digit 2xxx prefixes that ``phonenumbers`` accepts as Honduran fixed lines."""
    return tuple(
        str(p)
        for p in range(2200, 3000)
        if phonenumbers.is_valid_number(phonenumbers.parse(f"{p}1234", "HN"))
    )


def _slug(text: str) -> str:
    return "".join(ch for ch in fold(text) if ch.isalnum())


def _drop_fts_triggers() -> None:
    # Marks the rebuild as pending first: a process killed before the rebuild commits is
    # repaired at the next open (db.search.repair).
    search.begin_bulk_load(db.obj)


def _drop_secondary_indexes(table: str) -> list[str]:
    """Drop the non-unique indexes of an EMPTY SQLite table; returns their CREATE statements.

    Building an index once over a million sorted keys is several times faster than
    keeping it up to date row by row. Unique indexes stay: they guard the data.
    """
    from ..db.database import is_sqlite

    if not is_sqlite():
        return bulk_load.drop_secondary_indexes(db.obj, table)
    if db.execute_sql(f"SELECT 1 FROM {table} LIMIT 1").fetchone():
        return []
    rows = db.execute_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
        "AND sql IS NOT NULL",
        (table,),
    ).fetchall()
    statements = []
    for name, sql in rows:
        if sql.lstrip().upper().startswith("CREATE UNIQUE"):
            continue
        db.execute_sql(f'DROP INDEX IF EXISTS "{name}"')
        statements.append(sql)
    return statements


def generate(count: int, rng, progress: Callable[[str], None] | None = None) -> int:
    """Insert ``count`` synthetic customers; returns how many were inserted."""
    progress = progress or (lambda _text: None)
    if count <= 0:
        return 0
    municipalities = list(
        Municipality.select(Municipality.id, Municipality.code, Municipality.department).tuples()
    )
    genders = {code: gid for gid, code in Gender.select(Gender.id, Gender.code).tuples()}
    spread = max(0.0, 1.0 - sum(POPULATION.values())) / max(1, len(municipalities))
    mun_cum = list(
        itertools.accumulate(
            POPULATION.get(code, 0.0) + spread for _id, code, _dep in municipalities
        )
    )
    female_cum, male_cum = _zipf_weights(len(FEMALE)), _zipf_weights(len(MALE))
    surname_cum = _zipf_weights(len(SURNAMES), 0.7)
    random_ = rng.random
    keys = db_identity.current_keys()  # identity numbers are stored encrypted (issue 15)
    seal, hash_of, prefix_tokens = keys.encrypt, keys.hash, keys.prefix_hashes

    def pick(items, cum):
        """A weighted choice (``rng.choices`` without its per-call overhead)."""
        return items[bisect_right(cum, random_() * cum[-1])]

    folded = {n: fold(n) for n in FEMALE + MALE + SURNAMES}
    landlines = _landline_prefixes()

    today = dt.date.today()
    first_day = dt.date(2017, 1, 9)
    days = max((today - first_day).days, 1)
    sequences: dict[tuple[str, int], int] = {}

    def identity(code: str, year: int, length: int) -> str:
        key = (code, year, length)
        seq = sequences.get(key)
        seq = rng.randint(1, 300) if seq is None else seq + rng.randint(1, 3)
        sequences[key] = seq
        width = length - 8
        return f"{code}{year:04d}{seq % 10**width:0{width}d}"

    def phone() -> str:
        roll = rng.random()
        if roll < 0.15:
            return "+504" + rng.choice(landlines) + f"{rng.randrange(10_000):04d}"
        first = "9" if roll < 0.6 else "8" if roll < 0.82 else "3" if roll < 0.95 else "7"
        return f"+504{first}{rng.randrange(10_000_000):07d}"

    def one(i: int) -> tuple:
        # registered in office hours, spread from 2017 to today in insertion order
        created = dt.datetime.combine(
            first_day + dt.timedelta(days=days * i // count), dt.time(7)
        ) + dt.timedelta(seconds=rng.randrange(36_000))
        created_s = created.isoformat(" ")
        mun_id, mun_code, dep_id = pick(municipalities, mun_cum)
        company = rng.random() < COMPANY_SHARE
        e164 = phone()
        national = e164[4:]
        second = phone() if rng.random() < 0.2 else ""
        birth_code = mun_code if rng.random() < 0.75 else pick(municipalities, mun_cum)[1]
        dob = age = recorded = gender = None
        first = last = ""
        if company:
            kind = rng.choice(COMPANY_KINDS)
            core = pick(SURNAMES, surname_cum) if rng.random() < 0.5 else rng.choice(COMPANY_WORDS)
            name = f"{kind} {core}{rng.choice(COMPANY_SUFFIXES)}"
            name_folded = fold(name)
            id_number = identity(birth_code, rng.randint(1960, today.year - 1), 14)
            email = (
                (
                    f"{rng.choice(('info', 'ventas', 'contabilidad', 'rrhh'))}@"
                    f"{_slug(kind)[:6]}{_slug(core)[:10]}.hn"
                )
                if rng.random() < 0.7
                else ""
            )
        else:
            woman = rng.random() < 0.55
            gender = genders["F" if woman else "M"] if rng.random() > 0.01 else genders["O"]
            names, cum = (FEMALE, female_cum) if woman else (MALE, male_cum)
            given = [pick(names, cum), pick(names, cum)]
            if given[1] == given[0] or rng.random() < 0.55:
                given = given[:1]
            surnames = [pick(SURNAMES, surname_cum), pick(SURNAMES, surname_cum)]
            if rng.random() < 0.08:
                surnames = surnames[:1]
            first, last = " ".join(given), " ".join(surnames)
            name = f"{first} {last}"
            name_folded = " ".join(folded[p] for p in given + surnames)
            roll = rng.random()
            years = (
                rng.randint(0, 12)
                if roll < 0.14
                else rng.randint(13, 59)
                if roll < 0.78
                else rng.randint(60, 79)
                if roll < 0.95
                else rng.randint(80, 101)
            )
            created_day = created.date()
            if rng.random() < 0.7:
                dob = created_day - dt.timedelta(days=years * 365.25 + rng.randint(0, 364))
                birth_year = dob.year
            else:
                age, recorded = years, created_day
                birth_year = created_day.year - years
            id_number = identity(birth_code, birth_year, 13)
            email = ""
            if rng.random() < 0.55:
                user = f"{folded[given[0]]}.{folded[surnames[0]]}"
                if rng.random() < 0.7:
                    user += str(rng.randint(1, 99))
                email = f"{user.replace(' ', '')}@{rng.choice(EMAIL_DOMAINS)}"
        incomplete = rng.random() < 0.003
        if incomplete:
            id_number = None
            if not company:
                gender = dob = age = recorded = None
        active = rng.random() >= 0.01
        address = ""
        if rng.random() < 0.8:
            address = f"{rng.choice(COLONIAS)}, casa {rng.randint(1, 900)}"
        notes = rng.choice(NOTES) if rng.random() < 0.03 else ""
        external = f"EXP-{rng.randint(10_000, 999_999)}" if rng.random() < 0.1 else ""
        # the identity number is encrypted at rest: the search text holds only the keyed
        # tokens of its 4- and 8-digit prefixes (schema 14)
        tokens = " ".join(prefix_tokens(id_number)) if id_number else ""
        search_text = " ".join(
            p for p in (name_folded, tokens, national, "504" + national, email) if p
        )
        uid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        return (
            uid,
            "empresa" if company else "cliente",
            name,
            first,
            last,
            name_folded,
            seal(id_number) if id_number else None,
            gender,
            dob.isoformat() if dob else None,
            age,
            recorded.isoformat() if recorded else None,
            e164,
            second,
            email,
            dep_id,
            mun_id,
            address,
            "",
            "",
            "Honduras",
            external,
            notes,
            rng.random() < 0.01,
            incomplete,
            active,
            search_text,
            created_s,
            created_s,
            1,
            {13: "dni", 14: "rtn"}.get(len(id_number or ""), "ninguno"),
            "",
            hash_of(id_number) if id_number else None,
        )

    table = Customer._meta.table_name
    placeholders = ", ".join([db.param] * len(COLUMNS))
    sql = (
        f"INSERT INTO {table} ({', '.join(COLUMNS)}) VALUES ({placeholders}) ON CONFLICT DO NOTHING"
    )
    bulk = count >= REBUILD_THRESHOLD
    # PostgreSQL, empty table: COPY (issue 20; the rows are new, nothing can conflict)
    copy = not is_sqlite() and not db.execute_sql(f"SELECT 1 FROM {table} LIMIT 1").fetchone()
    inserted = 0
    indexes: list[str] = []
    if bulk:
        _drop_fts_triggers()
        indexes = _drop_secondary_indexes(table)
    try:
        done = 0
        while done < count:
            size = min(BATCH, count - done)
            rows = [one(i) for i in range(done, done + size)]
            with db.atomic():
                if copy:
                    inserted += bulk_load.copy_rows(db.obj, table, COLUMNS, rows)
                else:
                    cursor = db.cursor()
                    cursor.executemany(sql, rows)
                    inserted += max(cursor.rowcount, 0)
            done += size
            if done % 100_000 == 0 or done == count:
                progress(f"Clientes: {done:,} de {count:,}")
    finally:
        if bulk:
            progress("Creando los índices de clientes…")
            if is_sqlite():
                for statement in indexes:
                    db.execute_sql(statement)
            else:
                bulk_load.recreate_indexes(db.obj, indexes)
            progress("Reconstruyendo el índice de búsqueda de clientes…")
            search.rebuild(db.obj)  # triggers + refill + marker removal: one transaction
        if not is_sqlite():
            bulk_load.analyze(db.obj, [table])
    return inserted
