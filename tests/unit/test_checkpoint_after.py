"""A big write's commit leaves SQLite's checkpoint to a thread of its own (issue 20,
``db.database.checkpoint_after``): the import's user no longer waits for the write-ahead
log to be copied into the file, and the copy is still made.

Observed in the wal-index (the ``-shm`` file, SQLite's file format documentation):
``mxFrame`` (offset 16) is the last frame of the log, ``nBackfill`` (offset 96) how many
frames a checkpoint has copied into the database file."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from patolab_desktop.db import database as database_module
from patolab_desktop.db.database import checkpoint_after, db, write_transaction

pytestmark = [pytest.mark.usefixtures("database"), pytest.mark.sqlite_only]

PAGES = 1500  # over SQLite's automatic checkpoint (1,000 pages)


def _log_and_copied() -> tuple[int, int]:
    raw = Path(f"{db.database}-shm").read_bytes()[:100]
    return struct.unpack_from("=I", raw, 16)[0], struct.unpack_from("=I", raw, 96)[0]


def _big_write() -> None:
    db.execute_sql("CREATE TABLE IF NOT EXISTS scratch (body BLOB)")
    with write_transaction():
        for _ in range(PAGES):
            db.execute_sql("INSERT INTO scratch VALUES (randomblob(4000))")


def test_without_it_the_commit_itself_copies_the_log():
    _big_write()
    log, copied = _log_and_copied()
    assert log > 1000 and copied == log


def test_the_commit_leaves_the_log_and_a_thread_copies_it(monkeypatch):
    started = []
    real = database_module._checkpoint
    monkeypatch.setattr(database_module, "_checkpoint", started.append)
    before = db.execute_sql("PRAGMA wal_autocheckpoint").fetchone()[0]
    with checkpoint_after():
        assert db.execute_sql("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
        _big_write()
    database_module.wait_for_checkpoint()
    assert db.execute_sql("PRAGMA wal_autocheckpoint").fetchone()[0] == before
    log, copied = _log_and_copied()
    assert log > 1000 and copied < log  # committed, not yet copied
    assert started == [str(db.database)]
    real(started[0])  # what the thread runs, on a connection of its own
    assert _log_and_copied() == (log, log)


def test_the_thread_copies_the_log():
    with checkpoint_after():
        _big_write()
    database_module.wait_for_checkpoint()
    log, copied = _log_and_copied()
    assert log > 1000 and copied == log


def test_a_block_that_fails_starts_no_checkpoint_and_restores_the_setting(monkeypatch):
    started = []
    monkeypatch.setattr(database_module, "_checkpoint", started.append)
    before = db.execute_sql("PRAGMA wal_autocheckpoint").fetchone()[0]
    with pytest.raises(RuntimeError), checkpoint_after():
        raise RuntimeError("disco lleno")
    database_module.wait_for_checkpoint()
    assert started == []
    assert db.execute_sql("PRAGMA wal_autocheckpoint").fetchone()[0] == before


def test_waiting_covers_every_started_checkpoint(monkeypatch):
    """Review: two imports in a row start two checkpoints; closing waits for both, not
    only the last."""
    import threading

    gates = [threading.Event(), threading.Event()]
    calls = iter(gates)
    monkeypatch.setattr(database_module, "_checkpoint", lambda _path: next(calls).wait())
    for _ in gates:
        with checkpoint_after():
            pass
    gates[1].set()
    database_module.wait_for_checkpoint(0)  # the first still holds: it stays awaited
    assert any(t.is_alive() for t in database_module._background_checkpoints)
    gates[0].set()
    database_module.wait_for_checkpoint()
    assert database_module._background_checkpoints == set()
