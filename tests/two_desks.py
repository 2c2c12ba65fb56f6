"""Two desks editing the same record (issue 15, point 9: optimistic locks): both read it,
one saves first, the other's save is refused."""

from __future__ import annotations

import pytest

from patolab_desktop.services.errors import ConflictError


def edit(record, **changes):
    for name, value in changes.items():
        setattr(record, name, value)
    return record


def save_elsewhere(get, update, record_id, **changes) -> None:
    """Another desk reads the record, changes it and saves first."""
    update(edit(get(record_id), **changes))


def stale_save(get, update, record_id, first: dict, second: dict):
    """Desks A and B read the record; A saves ``first``; B's save of ``second`` is refused.
    Returns A's record (as A's update left it) and the ConflictError B got."""
    desk_a, desk_b = get(record_id), get(record_id)
    update(edit(desk_a, **first))
    with pytest.raises(ConflictError) as caught:
        update(edit(desk_b, **second))
    return desk_a, caught.value
