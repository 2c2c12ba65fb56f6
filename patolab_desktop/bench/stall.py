"""The GUI thread's longest stall while the benchmark works (issue 20, point 4).

A 5 ms timer ticks on the GUI thread whenever its event loop runs. The longest gap between
two ticks, less the interval, is the longest time a click or a keystroke would have waited.
The measures drive the windows as a user does (letter by letter, the events processed
between keystrokes) and run the export and the import as the application runs them, in a
worker thread while the event loop keeps turning, so the gaps are the application's own.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

INTERVAL_MS = 5


class StallMeter:
    def __init__(self, app) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.app = app
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self._tick)
        self._last = 0.0
        self._worst = 0.0
        self.phases: dict[str, float] = {}

    def _tick(self) -> None:
        now = time.perf_counter()
        self._worst = max(self._worst, (now - self._last) * 1000 - INTERVAL_MS)
        self._last = now

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        """Measure the longest stall of the work done inside the ``with`` block."""
        self.app.processEvents()
        self._worst = 0.0
        self._last = time.perf_counter()
        self._timer.start()
        try:
            yield
        finally:
            self.app.processEvents()  # the last stretch ends at the next turn of the loop
            self._tick()
            self._timer.stop()
            self.phases[name] = round(max(self.phases.get(name, 0.0), self._worst, 0.0), 1)

    def in_worker(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run ``fn(*args, progress=…, cancelled=…)`` in a worker thread as the application
        does (``BackgroundTask``), turning the event loop until it ends; its result, or its
        exception raised here."""
        from PySide6.QtCore import QEventLoop

        from ..ui.widgets.progress import BackgroundTask

        loop = QEventLoop()
        task = BackgroundTask(fn, *args)
        task.finished.connect(lambda _outcome: loop.quit())
        task.start()
        loop.exec()
        outcome = task.outcome
        if outcome is None:  # pragma: no cover - the loop only ends on finished
            raise RuntimeError("the worker ended without an outcome")
        if outcome.error is not None:
            raise outcome.error
        return outcome.result

    def result(self) -> dict:
        return {
            "max_ms": max(self.phases.values()) if self.phases else None,
            "interval_ms": INTERVAL_MS,
            "phases": dict(self.phases),
        }
