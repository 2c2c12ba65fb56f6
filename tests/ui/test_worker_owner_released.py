"""A worker thread never holds the last reference to a Qt object (``widgets.gui_release``):
a count runner whose window is gone while its worker runs is freed on the GUI thread.
Freed in the worker, its QObject's destructor ran off its thread holding the interpreter's
lock, and a GUI thread inside Qt (setting a table's model) waited for that lock: the
suite's hang."""

from __future__ import annotations

import threading
import weakref

from patolab_desktop.ui.widgets.latest_runner import LatestRunner


def test_a_count_runner_let_go_while_its_worker_counts_is_freed_on_the_gui_thread(qtbot):
    freed_on: list[bool] = []
    counting, go_on = threading.Event(), threading.Event()

    def count(_key: str) -> int:
        counting.set()
        go_on.wait(10)
        return 1

    runner = LatestRunner(count)
    weakref.finalize(
        runner, lambda: freed_on.append(threading.current_thread() is threading.main_thread())
    )
    runner.submit("pérez")
    assert counting.wait(10)
    worker = runner._thread
    assert worker is not None
    del runner  # the window that asked is gone: the worker holds the only reference
    go_on.set()
    worker.join(10)
    assert not worker.is_alive() and freed_on == []  # not freed in the worker
    qtbot.waitUntil(lambda: freed_on == [True], timeout=5000)  # the GUI thread let it go
