"""Number counters that a restore must move forward, never back (issue 15, point 6).

A request number printed on a tube must never be given again, even after the lab
restores last week's backup. Each kind of counter registers here:

* ``snapshot()`` reads every counter of the OPEN database as ``{natural key: last}``
  (natural keys survive a restore: ``"SPS-2026"``, not a branch id);
* ``raise_to(values)`` runs with the models bound to the restored copy and raises each
  counter to at least its value; it returns the keys it could not place (their owner,
  e.g. the branch, is not in the copy), which are kept in ``counter_floor`` so a counter
  created later for that key starts after them (``floor(name, key)``).

Request counters are registered below; billing registers its invoice counters the same
way (``register(Counter("invoice", snapshot, raise_to))``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ...db.models import Branch, RequestCounter
from ...db.models_safety import CounterFloor


@dataclass(frozen=True)
class Counter:
    name: str
    snapshot: Callable[[], dict[str, int]]
    raise_to: Callable[[dict[str, int]], dict[str, int]]


COUNTERS: dict[str, Counter] = {}


def register(counter: Counter) -> None:
    COUNTERS[counter.name] = counter


def snapshot_all() -> dict[str, dict[str, int]]:
    """Every registered counter of the bound database, and the floors already kept."""
    result: dict[str, dict[str, int]] = {}
    for name, counter in COUNTERS.items():
        result[name] = dict(counter.snapshot())
    if CounterFloor.table_exists():
        for row in CounterFloor.select():
            values = result.setdefault(row.name, {})
            values[row.key] = max(values.get(row.key, 0), int(row.last_number))
    return result


def raise_all(snapshot: dict[str, dict[str, int]]) -> int:
    """In the bound (restored) database: raise every counter to at least ``snapshot``;
    keys without an owner become floors. Returns how many counters or floors moved."""
    moved = 0
    for name, values in snapshot.items():
        counter = COUNTERS.get(name)
        unplaced = counter.raise_to(values) if counter is not None else dict(values)
        moved += len(values) - len(unplaced)
        for key, last in unplaced.items():
            moved += _raise_floor(name, key, last)
    return moved


def _raise_floor(name: str, key: str, last: int) -> int:
    row = CounterFloor.get_or_none((CounterFloor.name == name) & (CounterFloor.key == key))
    if row is None:
        CounterFloor.create(name=name, key=key, last_number=last)
        return 1
    if row.last_number < last:
        CounterFloor.update(last_number=last).where(CounterFloor.id == row.id).execute()
        return 1
    return 0


def floor(name: str, key: str) -> int:
    """The highest number of counter ``name``/``key`` issued before a restore (0: none)."""
    value = (
        CounterFloor.select(CounterFloor.last_number)
        .where((CounterFloor.name == name) & (CounterFloor.key == key))
        .scalar()
    )
    return int(value or 0)


# --- request numbers: per branch code and year ----------------------------------------


def request_key(branch_code: str, year: int) -> str:
    return f"{branch_code.upper()}-{int(year)}"


def _request_snapshot() -> dict[str, int]:
    query = (
        RequestCounter.select(Branch.code, RequestCounter.year, RequestCounter.last_number)
        .join(Branch, on=(RequestCounter.branch == Branch.id))
        .tuples()
    )
    return {request_key(code, year): int(last) for code, year, last in query}


def _request_raise(values: dict[str, int]) -> dict[str, int]:
    branches = {code.upper(): bid for bid, code in Branch.select(Branch.id, Branch.code).tuples()}
    unplaced: dict[str, int] = {}
    for key, last in values.items():
        code, _, year = key.rpartition("-")
        branch_id = branches.get(code)
        if branch_id is None or not year.isdigit():
            unplaced[key] = last
            continue
        row = RequestCounter.get_or_none(
            (RequestCounter.branch == branch_id) & (RequestCounter.year == int(year))
        )
        if row is None:
            RequestCounter.create(branch=branch_id, year=int(year), last_number=last)
        elif row.last_number < last:
            RequestCounter.update(last_number=last).where(RequestCounter.id == row.id).execute()
    return unplaced


register(Counter("request", _request_snapshot, _request_raise))
