"""A list table fits its columns to its width when shown and after each reload while
shown; a hidden or deleted table leaves its model's reloads alone (nothing queued that
runs after its window is gone)."""

from __future__ import annotations

import shiboken6
from PySide6.QtWidgets import QApplication

from patolab_desktop.ui.models.row_table import Column, RowsTableModel
from patolab_desktop.ui.widgets.table import ListTableView, make_table_view

ROWS = [{"id": 1, "code": "GLU"}, {"id": 2, "code": "CREA"}]


def _table(qtbot, model):
    table = make_table_view()
    qtbot.addWidget(table)
    table.setModel(model)
    return table


def test_a_hidden_table_fits_when_shown_not_after_each_reload(qtbot, monkeypatch):
    fits: list[bool] = []
    monkeypatch.setattr(ListTableView, "fit_columns", lambda view: fits.append(view.isVisible()))
    model = RowsTableModel([Column("code", "Código")])
    table = _table(qtbot, model)
    model.set_rows(ROWS)
    QApplication.processEvents()
    assert fits == []  # never shown: nothing queued
    table.show()
    assert fits and all(fits)  # showing it fits it
    fits.clear()
    model.set_rows(ROWS[:1])
    QApplication.processEvents()
    assert fits == [True]  # and each reload while shown


def test_a_deleted_table_leaves_the_model_that_outlives_it_alone(qtbot):
    model = RowsTableModel([Column("code", "Código")])
    table = _table(qtbot, model)
    shiboken6.delete(table)
    with qtbot.captureExceptions() as exceptions:
        model.set_rows(ROWS)
        QApplication.processEvents()
    assert exceptions == []
    assert model.rowCount() == 2
