"""Slow reads off the GUI thread, latest request only (the count of a search's matches).

``LatestRunner(fn)``: ``submit(key)`` asks for ``fn(key)`` in a worker thread; while it
runs, newer submissions replace older ones, so a burst of keystrokes costs at most two
calls. ``finished(key, result)`` arrives on the GUI thread for each call that ran; the
receiver compares ``key`` with what it shows now and drops stale answers. ``fn`` raising
a ``ServiceError`` gives ``None``; any other exception is logged and gives ``None`` too.

The worker is a plain thread started when work arrives and ended when none is left, so
an idle window holds no thread; peewee gives it its own database connection, closed when
it ends. ``wait()`` joins it and delivers its last answer (tests, the benchmark, closing).
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Signal

from ...services.errors import ServiceError
from . import gui_release

log = logging.getLogger(__name__)

_NOTHING = object()


class LatestRunner(QObject):
    finished = Signal(object, object)  # key, result (None when it failed)

    def __init__(self, fn: Callable[[Any], Any], parent: QObject | None = None):
        super().__init__(parent)
        gui_release.ready()
        self._fn = fn
        self._lock = threading.Lock()
        self._pending: Any = _NOTHING
        self._thread: threading.Thread | None = None

    def submit(self, key: Any) -> None:
        with self._lock:
            self._pending = key
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, daemon=True)
                self._thread.start()

    def discard(self) -> None:
        """Forget a submission that has not started (its answer is no longer wanted)."""
        with self._lock:
            self._pending = _NOTHING

    def _work(self) -> None:
        try:
            while True:
                with self._lock:
                    key, self._pending = self._pending, _NOTHING
                    if key is _NOTHING:
                        self._thread = None
                        return
                try:
                    result = self._fn(key)
                except ServiceError:
                    result = None
                except Exception:  # noqa: BLE001 - a count must never take the window down
                    log.exception("Background read failed")
                    result = None
                with contextlib.suppress(RuntimeError):  # the window was deleted meanwhile
                    self.finished.emit(key, result)
        finally:
            close_thread_connection()
            gui_release.hand_over(self)  # this thread's reference is not the last

    def wait(self) -> None:
        """Join the worker (if any) and deliver its answers now."""
        with self._lock:
            thread = self._thread
        if thread is not None:
            thread.join()
        QCoreApplication.processEvents()


def close_thread_connection() -> None:
    """Close the connection peewee opened for the calling worker thread (not the GUI's);
    every worker thread of the windows ends with it."""
    try:
        from ...services.bootstrap import close_worker_connection

        close_worker_connection()
    except Exception:  # noqa: BLE001 - closing must never raise in a worker
        log.exception("Could not close the worker's database connection")
