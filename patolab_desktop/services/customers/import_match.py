"""Who an imported row is: the active customers its identity numbers and phones already
belong to (looked up in bulk), which of them it updates, and whether two rows' names are
the same person's."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from ...db.database import db
from ...db.models import Customer
from ...util.text import clean, fold
from . import formats
from .import_plan import LOOKUP_CHUNK, ImportRow


def _chunks(items: list[str], size: int = LOOKUP_CHUNK) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _existing(number_of: dict[str, str], phones: set[str]) -> tuple[dict, dict]:
    """Active customers by id_number, and by phone -> [(id, folded name, id_number)].

    ``number_of``: each id_number's keyed hash (``identity.seal``'s, which the checks
    computed for the row already) -> the number: the numbers are encrypted, looked up by
    that hash."""
    by_number: dict[str, int] = {}
    by_phone: dict[str, list[tuple[int, str, str]]] = {}
    for chunk in _chunks(sorted(number_of)):
        for cid, hashed in _active_where_in("id, id_hash", "id_hash", chunk):
            by_number.setdefault(number_of[hashed], cid)
    for chunk in _chunks(sorted(phones)):
        for cid, phone, name_folded, number in _active_where_in(
            "id, phone, name_folded, id_number", "phone", chunk
        ):
            by_phone.setdefault(phone, []).append((cid, name_folded, number or ""))
    return by_number, by_phone


def names_agree(one: str, other: str) -> bool:
    """Two folded names are the same person's: equal, or every word of the shorter one is
    in the longer one ("carlos ruiz" and "carlos alberto ruiz mejia")."""
    if one == other:
        return True
    short, long_ = sorted((one.split(), other.split()), key=len)
    if not short:
        return False
    return not (Counter(short) - Counter(long_))


def _active_where_in(columns: str, column: str, values: list[str]) -> list[tuple]:
    """``columns`` of the active customers whose ``column`` is one of ``values``, by id.

    Written as SQL: peewee takes longer to build a 500-value ``IN`` than the database takes
    to answer it (100,000 rows: 400 look-ups, ≈ 1 s)."""
    mark = db.param
    sql = (
        f"SELECT {columns} FROM {Customer._meta.table_name} WHERE active = {mark} "
        f"AND {column} IN ({', '.join([mark] * len(values))}) ORDER BY id"
    )
    return db.execute_sql(sql, [True, *values]).fetchall()


def _match(
    number: str, phone: str, name_folded: str, by_number: dict, by_phone: dict
) -> tuple[int | None, int, bool]:
    """(customer id to update or None to create, how many candidates when ambiguous,
    whether the phone is someone else's: a family member sharing it).

    By identity number first; else by phone when the names agree (``names_agree``), an
    exact name winning over a partial one."""
    if number and number in by_number:
        return by_number[number], 0, False
    on_phone = by_phone.get(phone, [])
    candidates = [c for c in on_phone if names_agree(name_folded, c[1])]
    if number:  # only someone still without an id number may receive this one
        candidates = [c for c in candidates if not c[2]]
    exact = [c for c in candidates if c[1] == name_folded]
    if len(exact) == 1:
        candidates = exact
    if len(candidates) > 1:
        return None, len(candidates), False
    if candidates:
        return candidates[0][0], 0, False
    return None, 0, bool(on_phone)


def _person_key(row: ImportRow) -> tuple[str, str, str]:
    """(id number, E.164 phone, folded name) of a row's cells; "" for what is not valid."""
    try:
        number = formats.normalise_document(
            *formats.read_document_cell(row.values.get("id_number", ""))
        )[1]
    except ValueError:
        number = ""
    try:
        phone = formats.normalise_phone(row.values.get("phone", ""))
    except ValueError:
        phone = ""
    return number, phone, fold(clean(row.values.get("name", "")))
