"""Table view set-up shared by every list window, and a debounced search box."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLineEdit, QTableView

from ..icons import icon

SEARCH_DEBOUNCE_MS = 150


class ListTableView(QTableView):
    """Ctrl+End goes to the real last row of the list, not the last row loaded so far:
    the paged model loads the rest when it is short, else shows the list from its end
    (the same SQL order reversed, the header arrow says so); Ctrl+Home then goes back to
    the start in the original order (issue 16)."""

    def moveCursor(self, action, modifiers):  # noqa: N802 (Qt API)
        model = self.model()
        ctrl = bool(modifiers & Qt.KeyboardModifier.ControlModifier)
        cursor = QAbstractItemView.CursorAction
        column = max(self.currentIndex().column(), 0)
        if ctrl and action == cursor.MoveEnd and hasattr(model, "reach_end"):
            if not model.reach_end():
                self._show_order()
                return model.index(0, column)
        elif ctrl and action == cursor.MoveHome and getattr(model, "reversed_for_end", False):
            model.restore_order()
            self._show_order()
            return model.index(0, column)
        return super().moveCursor(action, modifiers)

    def _show_order(self) -> None:
        header = self.horizontalHeader()
        header.blockSignals(True)
        try:
            header.setSortIndicator(self.model().sort_column, self.model().sort_order)
        finally:
            header.blockSignals(False)


def make_table_view(parent=None) -> QTableView:
    view = ListTableView(parent)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setAlternatingRowColors(True)
    view.setSortingEnabled(True)  # the model re-queries in SQL; no proxy sorting
    view.setWordWrap(False)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setTabKeyNavigation(False)  # Tab leaves the table (keyboard-first forms)
    vertical = view.verticalHeader()
    vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # fixed heights: fast
    vertical.setDefaultSectionSize(24)
    vertical.hide()
    horizontal = view.horizontalHeader()
    horizontal.setResizeContentsPrecision(0)
    horizontal.setStretchLastSection(True)
    horizontal.setSortIndicatorShown(True)
    horizontal.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
    horizontal.sortIndicatorChanged.connect(lambda *_: _restore_sort_indicator(view))
    return view


def _restore_sort_indicator(view: QTableView) -> None:
    """A click on a column the service cannot sort by leaves the order (and arrow) as it was."""
    model = view.model()
    columns = getattr(model, "columns", None)
    header = view.horizontalHeader()
    section = header.sortIndicatorSection()
    if columns is None or not 0 <= section < len(columns) or columns[section].sort:
        return
    header.blockSignals(True)
    try:
        header.setSortIndicator(model.sort_column, model.sort_order)
    finally:
        header.blockSignals(False)


class SearchBox(QLineEdit):
    """Emits ``search_changed(text)`` once typing pauses for a moment."""

    search_changed = Signal(str)

    def __init__(self, placeholder: str, parent=None, debounce_ms: int = SEARCH_DEBOUNCE_MS):
        super().__init__(parent)
        self.setPlaceholderText(placeholder)
        self.setClearButtonEnabled(True)
        self.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(debounce_ms)
        self._timer.timeout.connect(lambda: self.search_changed.emit(self.text()))
        self.textEdited.connect(lambda _text: self._timer.start())
        self.returnPressed.connect(self.flush)

    def flush(self) -> None:
        """Search now (Enter, or a test that does not want to wait)."""
        self._timer.stop()
        self.search_changed.emit(self.text())


class RowSelectionMixin:
    """Selection helpers for a list widget with ``self.view`` over a row-dict ``self.model``."""

    def selected_row(self) -> dict | None:
        index = self.view.currentIndex()
        if not index.isValid() or not self.view.selectionModel().isRowSelected(index.row()):
            return None
        return self.model.row_dict(index.row())

    def selected_id(self) -> int | None:
        row = self.selected_row()
        return row.get("id") if row else None

    def select_id(self, row_id: int) -> bool:
        number = self.model.row_of_id(row_id)
        if number < 0:
            return False
        self.select_row(number)
        return True

    def set_rows_keeping(self, rows: list[dict], keep_id: int | None = None) -> None:
        """Show ``rows`` (a ``RowsTableModel``) and select ``keep_id``, by default the row
        that was selected."""
        if keep_id is None:
            keep_id = self.selected_id()
        self.model.set_rows(rows)
        if keep_id is not None:
            self.select_id(keep_id)

    def select_row(self, number: int) -> None:
        index = self.model.index(number, 0)
        self.view.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.view.scrollTo(index)
