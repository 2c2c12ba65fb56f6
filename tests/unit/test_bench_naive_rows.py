"""The bench's naive peer lets go of its million rows when it is done (issue 20).

Rows captured by a class made per call lived on in the class's reference cycle until a
full collection freed them, during whichever later phase it fell in: a stall charged to
the application's import."""

from __future__ import annotations

import gc
import weakref

from patolab_desktop.bench.gui_measures import _naive_model


class _Cell:
    """A row value that can be watched (a weak reference says when it is freed)."""


def test_the_rows_go_with_the_model_without_a_collection(qapp):
    cell = _Cell()
    watched = weakref.ref(cell)
    rows = [(cell, "b", "c", "d")]
    model = _naive_model(rows)
    assert model.rowCount() == 1 and model.columnCount() == 4
    assert model.data(model.index(0, 1)) == "b"
    del cell
    gc.disable()
    try:
        del model, rows
        assert watched() is None  # freed by reference counting, no collection waited for
    finally:
        gc.enable()
