"""A list's first page read off the GUI thread while the window keeps painting (issue 20).

On PostgreSQL a keystroke's page waits on the server. At a million customers the slowest
search («jose martinez») took 60-76 ms, all of it with the GUI thread blocked: the bench's
longest stall (95.9 ms in one run, the target is 50). ``PageReader.run(fn)`` runs ``fn()``
in one long-lived thread and waits in a local event loop that paints and runs timers but
holds the person's input back until the page is there (``ExcludeUserInputEvents``): keys
typed meanwhile are not lost, they come right after, in order. The result and the
exceptions are those of calling ``fn()`` here.

The thread keeps its database connection between keystrokes (a new connection for each
would cost more than the wait it saves) and ends, closing it, after ``IDLE_SECONDS``
without work. On SQLite the page is read on the GUI thread as before: the database is in
this process, its main connection holds the warm page cache, and a page takes a few ms.
"""

from __future__ import annotations

import itertools
import queue
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, Qt, Signal

from . import gui_release
from .latest_runner import close_thread_connection


class _Done(QObject):
    """Lives on the GUI thread; the reading thread signals it (queued) when a job is done."""

    finished = Signal(int)


class PageReader:
    IDLE_SECONDS = 60.0

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs: queue.Queue[Callable[[], None]] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._numbers = itertools.count(1)
        self._loops: dict[int, QEventLoop] = {}  # GUI thread only
        self._done = _Done()
        gui_release.ready()
        self._done.finished.connect(self._finished, Qt.ConnectionType.QueuedConnection)

    def run(self, fn: Callable[[], Any]) -> Any:
        """``fn()`` in the reading thread; the event loop turns (without input) until then.
        The reading thread never touches the loop: it signals a number, and the GUI thread
        ends the loop of that number if it still waits (a loop already gone is not woken)."""
        number = next(self._numbers)
        done = threading.Event()
        outcome: dict[str, Any] = {}

        def job() -> None:
            try:
                outcome["result"] = fn()
            except BaseException as exc:  # noqa: BLE001 - raised again on the GUI thread
                outcome["error"] = exc
            finally:
                done.set()
                self._done.finished.emit(number)

        loop = self._loops[number] = QEventLoop()
        try:
            self._submit(job)
            if not done.is_set():
                loop.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
        finally:
            del self._loops[number]
        done.wait()
        if "error" in outcome:
            raise outcome["error"]
        return outcome["result"]

    def _finished(self, number: int) -> None:
        loop = self._loops.get(number)
        if loop is not None:
            loop.quit()

    def _submit(self, job: Callable[[], None]) -> None:
        with self._lock:
            self._jobs.put(job)
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name="page-reader", daemon=True)
                self._thread.start()

    def _work(self) -> None:
        try:
            while True:
                try:
                    job = self._jobs.get(timeout=self.IDLE_SECONDS)
                except queue.Empty:
                    with self._lock:
                        if self._jobs.empty():
                            self._thread = None
                            return
                    continue
                job()
        finally:
            close_thread_connection()
            gui_release.hand_over(self)  # this thread's reference is not the last

    def thread(self) -> threading.Thread | None:
        """The reading thread while it lives (tests)."""
        return self._thread
