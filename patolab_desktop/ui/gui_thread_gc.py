"""Python's cycle collector runs on the GUI thread only.

CPython collects reference cycles in whichever thread crosses the allocation threshold.
The desk reads counts, pages, backups and WhatsApp sends on worker threads, so a
collection there could delete a window, a dialog or a timer caught in a cycle from the
wrong thread: for Qt that is undefined (a crash, or a wait that never ends), and it
happens at a moment no test can choose. ``install(app)`` turns the automatic collection
off and a GUI-thread timer collects what the interpreter would have collected by then,
with its own thresholds and its rule for full collections (``collect_due``), and nothing
while a long job has paused collection (``util.cycle_collection``: an import). Objects
without cycles are freed at once by reference counting, as before; only the cycles wait
for the next tick.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

from ..util import cycle_collection

INTERVAL_MS = 500


class _OldestGeneration:
    """What the interpreter weighs before a full collection, estimated here: the objects
    the oldest generation held after the last one (``total``) and those moved into it
    since by collections of the middle one (``pending``). Like the interpreter, a full
    collection waits until ``pending`` is a quarter of ``total``: with a big heap (a
    million customers browsed, an import's preview) one walks everything for 0.3–0.5 s
    while the window is frozen, so it must stay rare (bench run 38, before this rule and the
    import's pause were kept here: a 270 ms stall in an import)."""

    total = 0
    pending = 0


def collect_due() -> int:
    """Collect the oldest generation whose count passed its threshold (with the younger
    ones), as the interpreter would have; returns the unreachable objects found. Nothing
    while ``util.cycle_collection.paused`` runs in some thread (an import's analysis)."""
    if cycle_collection.is_paused():
        return 0
    counts, thresholds = gc.get_count(), gc.get_threshold()
    oldest = min(len(counts), len(thresholds)) - 1
    for generation in reversed(range(oldest + 1)):
        if not thresholds[generation] or counts[generation] <= thresholds[generation]:
            continue
        if generation == oldest and _OldestGeneration.pending < _OldestGeneration.total // 4:
            continue  # the interpreter's rule against quadratic full collections
        return _collect(generation, oldest, counts[0])
    return 0


def _collect(generation: int, oldest: int, young: int) -> int:
    if generation == oldest:
        found = gc.collect(generation)
        _OldestGeneration.total = len(gc.get_objects(generation=oldest))
        _OldestGeneration.pending = 0
        return found
    if generation == oldest - 1:  # its survivors, and the youngest's, move to the oldest
        before = young + len(gc.get_objects(generation=generation))
        found = gc.collect(generation)
        _OldestGeneration.pending += max(0, before - found)
        return found
    return gc.collect(generation)


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
