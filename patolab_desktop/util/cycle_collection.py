"""Python's cycle collector paused while a long job turns a file's rows into objects.

An import makes a few objects per row, none in a reference cycle, so every collection it
would trigger walks a heap of hundreds of thousands of live objects for nothing (100,000
rows: ≈ 0.7 s alone, more in a GUI process with a bigger heap), holding the interpreter's
lock against the GUI thread. Whatever cycles do appear are collected after.

``paused()`` turns automatic collection off for the block, and the desk's own collector
(``ui.gui_thread_gc``, which collects on a GUI-thread timer while automatic collection
is off) asks ``is_paused()`` before each tick: a pause in a worker thread holds it too.

What the block leaves alive (the plan the preview shows) goes straight to the oldest
generation (``freeze`` then ``unfreeze``, no walk): left in the youngest, the first
collection after walked all of it at once and froze the window for 0.3–1.2 s at 100,000
rows (issue 20, the GUI-thread stall).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_pauses = 0
_enable_after = False  # automatic collection was on when the first pause began


@contextmanager
def paused() -> Iterator[None]:
    """No cycle collection in the block (nor by the desk's timer); blocks may overlap."""
    global _pauses, _enable_after
    with _lock:
        if _pauses == 0:
            _enable_after = gc.isenabled()
        _pauses += 1
        gc.disable()
    try:
        yield
    finally:
        with _lock:
            gc.freeze()
            gc.unfreeze()
            _pauses -= 1
            if _pauses == 0 and _enable_after:
                gc.enable()


def is_paused() -> bool:
    """Is a ``paused`` block running (in any thread)?"""
    return _pauses > 0
