"""Request numbers ``CODE-YYYY-000123``: per branch and year, gap-free and race-safe.

A number is taken only inside the transaction that saves the request
(``db.database.write_transaction()``): the branch/year counter row is read and bumped
in that transaction, so

* two workstations never get the same number (SQLite: ``BEGIN IMMEDIATE`` holds the
  write lock; PostgreSQL: the counter row is locked with ``SELECT ... FOR UPDATE``);
* a save that fails after taking the number rolls the counter back with it (no gap);
* an abandoned form never reserves one (nothing is written before the save);
* a number is never given twice and never changes afterwards (nothing edits it).
"""

from __future__ import annotations

import re

from peewee import ModelSelect

from ...db.database import db, locked
from ...db.models import Branch, RequestCounter
from ...util.lookups import present
from ..access import session
from ..errors import NotFoundError
from ..texts import translate

DIGITS = 6
NUMBER_RE = re.compile(r"^([A-Z0-9]{1,10})-(\d{4})-(\d+)$")


def format_number(branch_code: str, year: int, sequence: int) -> str:
    """``format_number("SPS", 2026, 123)`` → ``"SPS-2026-000123"``."""
    return f"{branch_code.upper()}-{int(year):04d}-{int(sequence):0{DIGITS}d}"


def parse_number(number: str) -> tuple[str, int, int] | None:
    """``"SPS-2026-000123"`` → ``("SPS", 2026, 123)``; None when it is not a number."""
    match = NUMBER_RE.match((number or "").strip().upper())
    if not match:
        return None
    return match.group(1), int(match.group(2)), int(match.group(3))


def _counter_query(branch_id: int, year: int) -> ModelSelect:
    # PostgreSQL: the row stays locked until COMMIT/ROLLBACK
    return locked(
        RequestCounter.select(RequestCounter.id, RequestCounter.last_number).where(
            (RequestCounter.branch == branch_id) & (RequestCounter.year == year)
        )
    )


def take_next(branch_id: int, year: int, code: str | None = None) -> tuple[int, str]:
    """Take the next number of ``branch_id`` for ``year``: ``(sequence, request_number)``.

    Must run inside the saving ``write_transaction()``; the counter change commits or
    rolls back together with the request. ``code`` is the branch's code when the caller
    read it in that transaction (else it is read here).
    """
    session.require("lis.requests.create")
    if db.transaction_depth() == 0:
        raise RuntimeError("request numbers are taken only inside the saving transaction")
    code = code or present(
        Branch.select(Branch.code).where(Branch.id == branch_id).scalar(),
        NotFoundError(translate("services.request_numbers", "La sucursal no existe.")),
    )
    row = _counter_query(branch_id, year).first()
    if row is None:
        # First request of this branch and year. ON CONFLICT DO NOTHING: if another
        # workstation creates the row at the same moment, we wait for it and use its row.
        # A restore may have left a floor: numbers issued before it are never given again.
        from ..safety.counters import floor, request_key

        RequestCounter.insert(
            branch=branch_id, year=year, last_number=floor("request", request_key(code, year))
        ).on_conflict_ignore().execute()
        row = _counter_query(branch_id, year).first()
    sequence = int(row.last_number) + 1
    RequestCounter.update(last_number=sequence).where(RequestCounter.id == row.id).execute()
    return sequence, format_number(code, year, sequence)


def last_number(branch_id: int, year: int) -> int:
    """The last sequence given for a branch and year (0 when none); read only."""
    session.require("lis.requests.view")
    value = (
        RequestCounter.select(RequestCounter.last_number)
        .where((RequestCounter.branch == branch_id) & (RequestCounter.year == year))
        .scalar()
    )
    return int(value or 0)


def candidates_for_sequence(sequence: int) -> list[str]:
    """Every number that sequence ``n`` can have (all branches and years with a counter).

    Lets the list find "123" through the unique index on ``request_number`` instead of
    scanning for a suffix.
    """
    query = (
        RequestCounter.select(Branch.code, RequestCounter.year)
        .join(Branch, on=(RequestCounter.branch == Branch.id))
        .where(RequestCounter.last_number >= sequence)
        .tuples()
    )
    return [format_number(code, year, sequence) for code, year in query]
