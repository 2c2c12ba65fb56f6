"""Table view set-up shared by every list window, and a debounced search box."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLineEdit, QTableView

from ...i18n import translate
from ..icons import icon
from .progress import off_gui_thread

SEARCH_DEBOUNCE_MS = 150
MIN_COLUMN = 48  # px: a column narrowed to fit the screen keeps a few characters
STRETCH_ROOM = 140  # px kept for a column that takes the rest of the width


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

    def __init__(self, parent=None):
        super().__init__(parent)
        self._natural: dict[int, int] = {}  # widths the owner or the person gave columns
        self.keep_whole: set[int] = set()  # columns never narrowed (a number, an amount)
        # room kept for a stretched column while the others narrow; an owner that knows
        # what the column holds (an empty «Avisos») keeps less
        self.stretch_room = STRETCH_ROOM
        # narrow the widest columns first (a table of short codes beside one long text, the
        # billing windows) instead of all in proportion (the lists, whose widest column is
        # the name a person reads first)
        self.cut_widest_first = False
        self._fitting = False
        self.horizontalHeader().sectionResized.connect(self._remember_width)

    def _remember_width(self, section: int, _old: int, new: int) -> None:
        if not self._fitting:
            self._natural[section] = new

    def resizeEvent(self, event):  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        self.fit_columns()

    def showEvent(self, event):  # noqa: N802 (Qt API)
        super().showEvent(event)
        self.fit_columns()

    def setModel(self, model):  # noqa: N802 (Qt API)
        """Columns fit again after each reload (owners size them then). A paged model's
        header sorts run off the GUI thread, with this window's progress: ordering a
        million customers by a column without an index takes the database seconds, during
        which the window must keep painting (issue 20)."""
        super().setModel(model)
        if model is None:
            return
        model.modelReset.connect(self._fit_after_reset)  # a method: gone with the view
        if getattr(model, "slow_fetch", False) is None:
            model.slow_fetch = off_gui_thread(
                self.window,
                translate("widgets.table", "Ordenar la lista"),
                translate("widgets.table", "Ordenando la lista"),
            )

    def _fit_after_reset(self) -> None:
        """Fit once the reload is over; a hidden view waits for ``showEvent``. A dialog
        built and never shown then leaves no call queued on its tables: dropped, it lives
        on (its own reference cycles) until Python's collector deletes it at any moment,
        and a queued fit that ran then deleted the table under it (a test process crashed
        in ``fit_columns``)."""
        if self.isVisible():
            QTimer.singleShot(0, self, self.fit_columns)

    def fit_columns(self) -> None:
        """Keep every column on screen: when they are wider than the table (a 1024 px
        screen), narrow them in proportion, each to at least ``MIN_COLUMN`` px; or, with
        ``cut_widest_first``, the widest ones first down to a common width, so a short
        code, date or count stays whole while a long text gives up the room."""
        header = self.horizontalHeader()
        room = self.viewport().width()
        if room <= 0 or self._fitting:
            return
        self._fitting = True
        try:
            self._fit(header, room)
        finally:
            self._fitting = False

    def _fit(self, header, room: int) -> None:
        last = header.logicalIndex(header.count() - 1)
        for section, width in self._natural.items():  # back to the given widths first
            if section != last and section < header.count():
                header.resizeSection(section, width)
        if header.length() <= room:
            return
        sections = [i for i in range(header.count()) if not header.isSectionHidden(i)]
        stretch = QHeaderView.ResizeMode.Stretch
        stretched = [
            i
            for i in sections
            if header.sectionResizeMode(i) == stretch or (header.stretchLastSection() and i == last)
        ]
        fixed = [i for i in sections if i not in stretched and i not in self.keep_whole]
        reserved_whole = sum(
            header.sectionSize(i) for i in sections if i in self.keep_whole and i not in stretched
        )
        reserved = self.stretch_room * len(stretched)  # a stretched column (the patient)
        if self.cut_widest_first:
            sizes = {i: header.sectionSize(i) for i in fixed}
            excess = sum(sizes.values()) + reserved + reserved_whole - room
            if excess <= 0 or not sizes:
                return
            ceiling = _common_ceiling(list(sizes.values()), excess)
            for i, size in sizes.items():
                if size > ceiling:
                    header.resizeSection(i, ceiling)
            return
        for _round in range(4):
            excess = sum(header.sectionSize(i) for i in fixed) + reserved + reserved_whole - room
            shrinkable = {i: header.sectionSize(i) - MIN_COLUMN for i in fixed}
            slack = sum(v for v in shrinkable.values() if v > 0)
            if excess <= 0 or slack <= 0:
                return
            for i, spare in shrinkable.items():
                if spare > 0:
                    cut = min(spare, -(-excess * spare // slack))  # ceiling share
                    header.resizeSection(i, header.sectionSize(i) - cut)

    def _show_order(self) -> None:
        header = self.horizontalHeader()
        header.blockSignals(True)
        try:
            header.setSortIndicator(self.model().sort_column, self.model().sort_order)
        finally:
            header.blockSignals(False)


def _common_ceiling(sizes: list[int], excess: int) -> int:
    """The width the widest of ``sizes`` are cut down to so that together they give up
    ``excess`` px (the narrower ones keep theirs); never under ``MIN_COLUMN``."""
    ordered = sorted(sizes, reverse=True)
    total = 0
    for count, size in enumerate(ordered, 1):
        total += size
        ceiling = (total - excess) // count
        if count == len(ordered) or ceiling >= ordered[count]:
            return max(ceiling, MIN_COLUMN)
    return MIN_COLUMN  # pragma: no cover - the loop always returns


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


def fixed_table(parent, model, widths=(), stretch: int | None = None) -> QTableView:
    """A table over a short in-memory ``model`` in its own order (no sorting by header):
    ``widths`` as (column, px) pairs; column ``stretch`` takes the rest of the width
    (instead of the last one)."""
    view = make_table_view(parent)
    view.setSortingEnabled(False)
    view.setModel(model)
    header = view.horizontalHeader()
    if stretch is not None:
        header.setStretchLastSection(False)
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    for column, width in widths:
        view.setColumnWidth(column, width)
    return view


def size_columns(view: QTableView, columns, samples: dict[str, str]) -> None:
    """Give each column the width of its typical widest text (``samples`` by key, else its
    title) or of its title, measured once with the view's fonts (no resize-to-contents
    over a million rows); room for the icon of a column with one."""
    metrics = QFontMetrics(view.font())
    header = view.horizontalHeader()
    header_metrics = QFontMetrics(header.font())
    for number, column in enumerate(columns):
        sample = samples.get(column.key, column.title)
        icon_room = 22 if column.decoration is not None else 0
        width = max(
            metrics.horizontalAdvance(sample) + 16 + icon_room,
            header_metrics.horizontalAdvance(column.title) + 30,
        )
        header.resizeSection(number, width)


def search_key(owner, event, escape_clears: bool = False) -> bool:
    """Keys typed in ``owner.search_box`` of a searchable list: Esc empties a non-empty
    search (when ``escape_clears``), Down / PageDown go to the results (the first row
    selected when none is). True when the key was used."""
    if event.type() != QEvent.Type.KeyPress:
        return False
    box = owner.search_box
    if escape_clears and event.key() == Qt.Key.Key_Escape and box.text():
        box.clear()  # and show everything again
        box.flush()
        return True
    if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_PageDown):
        box.flush()
        if owner.model.rowCount():
            owner.view.setFocus(Qt.FocusReason.TabFocusReason)
            if owner.selected_row() is None:
                owner.select_row(0)
            return True
    return False


def _restore_sort_indicator(view: QTableView) -> None:
    """After a header click the arrow shows the order the rows are really in: a click on a
    column the service cannot sort by, or a sort that was cancelled or failed, leaves the
    order (and the arrow) as it was."""
    model = view.model()
    header = view.horizontalHeader()
    if getattr(model, "columns", None) is None or not hasattr(model, "sort_column"):
        return
    shown = (header.sortIndicatorSection(), header.sortIndicatorOrder())
    if shown == (model.sort_column, model.sort_order):
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

    def reload(self, keep_id: int | None = None) -> None:
        """Query again (the host's ``refresh()``, False when the service refused) keeping
        the selected row, or ``keep_id``."""
        if keep_id is None:
            keep_id = self.selected_id()
        if self.refresh() and keep_id is not None:
            self.select_id(keep_id)

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
