"""The bench frees the windows it opens, as the application's event loop does (issue 20).

``processEvents`` alone leaves deferred deletions pending: every window the bench opened
stayed in memory and counted in the peak RSS after browsing (about 45 MB at a million
customers), which the application, returning to its event loop, never holds.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from patolab_desktop.bench import gui_measures
from patolab_desktop.bench.stall import StallMeter


def test_each_window_the_bench_opens_is_deleted_before_the_next(qapp):
    opened: list[QWidget] = []
    destroyed: list[int] = []

    def factory():
        window = QWidget()
        number = len(opened)
        window.destroyed.connect(lambda *_: destroyed.append(number))
        opened.append(window)
        return window

    figures = gui_measures._window_opens(qapp, factory, StallMeter(qapp), "test_window", runs=3)
    assert figures["n"] == 3
    assert destroyed == [0, 1, 2]
