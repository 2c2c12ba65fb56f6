"""Python's cycle collector runs on the GUI thread only.

CPython collects reference cycles in whichever thread crosses the allocation threshold.
The desk reads counts, pages, backups and WhatsApp sends on worker threads, so a
collection there could delete a window, a dialog or a timer caught in a cycle from the
wrong thread: for Qt that is undefined (a crash, or a wait that never ends), and it
happens at a moment no test can choose. ``install(app)`` turns the automatic collection
off and a GUI-thread timer collects what the interpreter would have collected by then,
with its own thresholds (``collect_due``). Objects without cycles are freed at once by
reference counting, as before; only the cycles wait for the next tick.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500


def collect_due() -> int:
    """Collect the oldest generation whose count passed its threshold (with the younger
    ones), as the interpreter would have; returns the unreachable objects found."""
    counts, thresholds = gc.get_count(), gc.get_threshold()
    for generation in reversed(range(min(len(counts), len(thresholds)))):
        if thresholds[generation] and counts[generation] > thresholds[generation]:
            return gc.collect(generation)
    return 0


class GuiThreadCollector(QObject):
    """The timer that collects on the GUI thread; automatic collection is off while it
    lives (``stop`` turns it back on)."""

    def __init__(self, parent: QObject, interval_ms: int = INTERVAL_MS):
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(collect_due)
        gc.disable()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        gc.enable()


def install(app: QObject) -> GuiThreadCollector:
    """Collect cycles only on ``app``'s (the GUI) thread from now on; once per app."""
    collector = getattr(app, "_gui_thread_gc", None)
    if collector is None:
        collector = app._gui_thread_gc = GuiThreadCollector(app)
    return collector
