"""A worker thread's long loop lets the GUI thread run (issue 20, the GUI-thread stall).

CPython hands its interpreter lock to a waiting thread after the switch interval (5 ms)
only if the lock has not changed hands meanwhile. A worker whose loop releases it for a
moment again and again (a database step, a cipher call) keeps taking it back before the
sleeping GUI thread wakes up, and the GUI thread's request is never raised: while an
import analysed 100,000 rows the window froze 30–65 ms at a time, about 190 times, until
the worker's next longer query (measured with a 5 ms timer on the GUI thread).

``courtesy()`` returns a function for such a loop to call on every item: at most every
``EVERY_S`` it sleeps for an instant, which gives the lock to the waiting GUI thread.
On the main thread (the CLI, the tests) it does nothing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

EVERY_S = 0.004


def _nothing() -> None:
    return None


def courtesy(every_s: float = EVERY_S) -> Callable[[], None]:
    """A per-item call for a worker's loop (see the module's docstring)."""
    if threading.current_thread() is threading.main_thread():
        return _nothing
    clock, pause = time.perf_counter, time.sleep
    last = clock()

    def let_others_run() -> None:
        nonlocal last
        now = clock()
        if now - last >= every_s:
            pause(0)
            last = clock()

    return let_others_run
