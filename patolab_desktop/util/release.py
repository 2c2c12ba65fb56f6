"""Letting go of a big structure without freezing the window.

When the last reference to a list of a hundred thousand rows goes, Python frees every row
and every object it holds in one go, inside a single statement, and no other thread runs
meanwhile: an import's plan of 100,000 rows took 200 ms to free, and the window stood
still that long (issue 20, the GUI-thread stall). Emptied a slice at a time, the freeing
is cut into steps of about a millisecond, between which the interpreter lets the other
threads (the GUI thread) run.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

SLICE = 500  # rows freed per step


def empty_gradually(lists: Iterable[list]) -> None:
    """Empty each list from its end, ``SLICE`` items at a time (in the calling thread)."""
    for items in lists:
        while items:
            del items[-SLICE:]


def release_in_background(lists: Iterable[list]) -> threading.Thread:
    """Hand ``lists`` to a worker thread that empties them gradually; the caller must hold
    no other reference to their items. Returns the (daemon) thread."""
    thread = threading.Thread(
        target=empty_gradually, args=(list(lists),), name="patolab-release", daemon=True
    )
    thread.start()
    return thread
