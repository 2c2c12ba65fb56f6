"""Several real processes (spawn) doing the same work on one database at the same moment:
each opens the database, gets ready, waits for the others at a barrier and then works as
fast as it can. The outcome of each: ("ok", numbers, started, ended) or ("error", repr, 0, 0)."""

from __future__ import annotations

import multiprocessing
import time


def _worker(work, target: str, share, barrier, barrier_timeout: float, results) -> None:
    from patolab_desktop.services.bootstrap import close_db, open_db

    open_db(target)
    started = []

    def at_the_barrier() -> None:
        barrier.wait(timeout=barrier_timeout)
        started.append(time.monotonic())

    try:
        numbers = work(share, at_the_barrier)
        results.put(("ok", numbers, started[0], time.monotonic()))
    except Exception as exc:  # report to the parent instead of dying silently
        results.put(("error", repr(exc), 0, 0))
    finally:
        close_db()


def race(work, target, shares: list, timeout: float = 600, barrier_timeout: float = 120):
    """Run ``work(share, at_the_barrier)`` in one process per share (named "1", "2"...), all
    on the database ``target``; ``work`` (a module-level function) calls ``at_the_barrier()``
    when it is ready and returns the numbers it got. Returns the outcomes as they came."""
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(len(shares))
    results = ctx.Queue()
    workers = [
        ctx.Process(
            target=_worker,
            args=(work, str(target), share, barrier, barrier_timeout, results),
            name=str(number),
        )
        for number, share in enumerate(shares, start=1)
    ]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=timeout) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
    return outcomes
