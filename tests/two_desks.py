"""Two desks editing the same record (issue 15, point 9: optimistic locks): both read it,
one saves first, the other's save is refused. And two desks at the same moment on
PostgreSQL (``Desk``): one holds its transaction open, the other must wait for it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

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


# --- two desks at the same moment on PostgreSQL (race tests) -----------------------------


class Desk(threading.Thread):
    """Another desk in this process: ``work`` runs on a thread of its own, so on a database
    connection of its own (peewee keeps one per thread); its result or error is kept.

    ``held=True``: ``work`` runs inside a transaction that stays open (its locks held)
    until ``commit()``, as a desk whose save is still in flight."""

    def __init__(self, work: Callable[[], Any], held: bool = False) -> None:
        super().__init__(daemon=True)
        self.work, self.held = work, held
        self.pid: int | None = None  # its PostgreSQL backend
        self.holding, self._release = threading.Event(), threading.Event()
        self.result: Any = None
        self.error: BaseException | None = None

    def run(self) -> None:
        from patolab_desktop.db.database import db

        try:
            self.pid = db.connection().get_backend_pid()
            if self.held:
                with db.atomic():
                    self.result = self.work()
                    self.holding.set()
                    self._release.wait(timeout=120)
            else:
                self.result = self.work()
        except BaseException as exc:  # noqa: BLE001  (the test looks at it)
            self.error = exc
        finally:
            self.holding.set()
            db.close()

    def hold(self) -> Desk:
        """Start, and return once ``work`` is done and its transaction still open."""
        self.start()
        assert self.holding.wait(timeout=120)
        assert self.error is None, self.error
        return self

    def commit(self) -> None:
        self._release.set()
        self.join(timeout=120)
        assert not self.is_alive()


def waits_for(desk: Desk, holder: Desk) -> bool:
    """Start ``desk`` and return True once it waits for a lock ``holder`` holds (the server
    says so: ``pg_blocking_pids``); False when it finished without waiting."""
    from patolab_desktop.db.database import db

    desk.start()
    while True:
        if desk.pid is not None:
            blocked = db.execute_sql(
                "SELECT %s = ANY(pg_blocking_pids(%s))", (holder.pid, desk.pid)
            ).fetchone()[0]
            if blocked:
                return True
        desk.join(timeout=0.01)  # a condition wait: ends at once when the desk is done
        if not desk.is_alive():
            return False


def finish(desk: Desk) -> Desk:
    desk.join(timeout=120)
    assert not desk.is_alive()
    return desk


def second_waits(first: Callable[[], Any], second: Callable[[], Any]) -> Desk:
    """Desk one runs ``first`` and holds its transaction open; desk two starts ``second``,
    which must wait for it (asserted), and goes on once desk one commits. Returns desk
    two, done (its ``result`` or ``error``)."""
    holder = Desk(first, held=True).hold()
    other = Desk(second)
    waited = waits_for(other, holder)
    holder.commit()
    finish(other)
    assert waited, other.error or "the second desk did not wait for the first"
    return other
