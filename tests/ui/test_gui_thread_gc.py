"""Reference cycles are collected on the GUI thread only (``ui.gui_thread_gc``): a worker
thread that allocates never collects a window caught in a cycle from the wrong thread."""

from __future__ import annotations

import gc
import threading
import weakref

import pytest
from PySide6.QtCore import QObject

from patolab_desktop.ui import gui_thread_gc


class _Cycle:
    """An object in a reference cycle that notes the thread that freed it."""

    def __init__(self, freed_on: list):
        self.me = self
        self.freed_on = freed_on

    def __del__(self):
        self.freed_on.append(threading.current_thread() is threading.main_thread())


@pytest.fixture
def collector(qapp):
    was_enabled = gc.isenabled()
    owner = QObject()
    gc.enable()  # as Python starts: the collector turns it off
    running = gui_thread_gc.GuiThreadCollector(owner, interval_ms=10)
    yield running
    running.stop()
    owner.deleteLater()
    if not was_enabled:
        gc.disable()


def test_a_worker_that_allocates_does_not_collect_the_gui_thread_does(qtbot, collector):
    assert not gc.isenabled()
    freed_on: list = []
    cycle = weakref.ref(_Cycle(freed_on))
    assert cycle() is not None  # only the collector frees it

    kept: list = []

    def allocate() -> None:  # far past the youngest generation's threshold, kept alive
        kept.extend([n] for n in range(50_000))

    worker = threading.Thread(target=allocate)
    worker.start()
    worker.join()
    assert cycle() is not None and freed_on == []  # the worker collected nothing
    qtbot.waitUntil(lambda: cycle() is None, timeout=5000)  # the GUI thread's tick
    assert freed_on == [True] and len(kept) == 50_000


def test_collect_due_follows_the_interpreter_s_thresholds():
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        gc.collect()
        assert gui_thread_gc.collect_due() == 0  # nothing due right after a collection
        freed_on: list = []
        cycle = weakref.ref(_Cycle(freed_on))
        assert gui_thread_gc.collect_due() == 0 and cycle() is not None  # not due yet
        kept = [[n] for n in range(gc.get_threshold()[0] + 10)]
        assert gui_thread_gc.collect_due() >= 1 and cycle() is None and kept
    finally:
        if was_enabled:
            gc.enable()


def test_the_desk_application_collects_on_its_own_thread(qapp):
    from patolab_desktop.ui.app import create_application

    app = create_application()
    assert gui_thread_gc.install(app) is app._gui_thread_gc  # once per application
    assert app._gui_thread_gc.timer.isActive() and not gc.isenabled()


def _full_collections() -> int:
    return gc.get_stats()[-1]["collections"]


def test_a_full_collection_waits_until_a_quarter_of_the_oldest_generation_is_new(
    monkeypatch,
):
    """A full collection walks the whole heap (0.3–0.5 s with a million customers browsed):
    as in the interpreter, it waits until what reached the oldest generation since the
    last one is a quarter of what that held."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        gc.collect()
        oldest = gui_thread_gc._OldestGeneration
        monkeypatch.setattr(oldest, "total", 10**9)
        monkeypatch.setattr(oldest, "pending", 0)
        for _ in range(gc.get_threshold()[2] + 1):
            gc.collect(1)  # the oldest generation's count passes its threshold
        full = _full_collections()
        gui_thread_gc.collect_due()
        assert _full_collections() == full  # a quarter of a billion objects is not new
        monkeypatch.setattr(oldest, "total", 4 * oldest.pending)  # now a quarter is
        gui_thread_gc.collect_due()
        assert _full_collections() == full + 1
        assert oldest.pending == 0 and 0 < oldest.total < 10**9  # measured afresh
    finally:
        if was_enabled:
            gc.enable()


def test_a_pause_in_a_worker_holds_the_gui_thread_s_collector():
    """An import's analysis pauses the collection in its worker: the GUI thread collects
    nothing until it ends, however many objects it made; then it collects again."""
    from patolab_desktop.util import cycle_collection

    was_enabled = gc.isenabled()
    gc.disable()  # the desk's way
    freed_on: list = []
    started, finish = threading.Event(), threading.Event()
    kept: list = []

    def import_like() -> None:
        with cycle_collection.paused():
            kept.extend([n] for n in range(20_000))  # far past the young threshold
            started.set()
            finish.wait(10)

    worker = threading.Thread(target=import_like)
    worker.start()
    try:
        assert started.wait(10)
        cycle = weakref.ref(_Cycle(freed_on))
        assert gc.get_count()[0] > gc.get_threshold()[0]
        assert cycle_collection.is_paused() and gui_thread_gc.collect_due() == 0
        assert cycle() is not None and freed_on == []
    finally:
        finish.set()
        worker.join()
    assert not cycle_collection.is_paused() and not gc.isenabled()
    cycle = weakref.ref(_Cycle(freed_on))  # a cycle made after the pause, then garbage
    garbage = [[n] for n in range(gc.get_threshold()[0] + 10)]
    try:
        assert gui_thread_gc.collect_due() >= 1 and cycle() is None and garbage
        assert freed_on and all(freed_on) and len(kept) == 20_000
    finally:
        if was_enabled:
            gc.enable()
