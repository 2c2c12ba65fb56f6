"""The cycle collector during a patient import (issue 20, the GUI-thread stall).

Paused while the rows become objects; afterwards, what the import left alive must not sit
in the youngest generation, where the next collection walked all of it at once (holding
the GIL: the window froze for up to a second at 100,000 rows).
"""

from __future__ import annotations

import gc

from patolab_desktop.util.cycle_collection import paused


def test_collector_paused_then_back_with_the_survivors_out_of_the_young_generation():
    walked: list[int] = []

    def on_collection(phase: str, info: dict) -> None:
        if phase == "start" and info["generation"] == 0 and not walked:
            walked.append(len(gc.get_objects(generation=0)))

    was_enabled = gc.isenabled()  # the suite collects between tests, as the desk does
    gc.enable()  # (``ui.gui_thread_gc``); the command line collects as Python does
    gc.callbacks.append(on_collection)
    try:
        with paused():
            assert not gc.isenabled()
            kept = [[n] for n in range(100_000)]  # what an import's plan keeps alive
        assert gc.isenabled()
        garbage = [[n] for n in range(5_000)]  # enough to start the next young collection
    finally:
        gc.callbacks.remove(on_collection)
        if not was_enabled:
            gc.disable()
    assert len(kept) == 100_000 and garbage
    assert walked and walked[0] < 20_000  # not the 100,000 rows the import left alive


def test_collector_left_off_when_already_off_and_the_survivors_still_moved_out():
    """The desk turns automatic collection off (``ui.gui_thread_gc``): an import leaves
    it off, and what it keeps alive still leaves the youngest generation, which the GUI
    thread's next collection would otherwise walk."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        gc.collect()
        with paused():
            assert not gc.isenabled()
            kept = [[n] for n in range(50_000)]
        assert not gc.isenabled()
        assert gc.get_count()[0] < 1_000 and len(kept) == 50_000
    finally:
        if was_enabled:
            gc.enable()
