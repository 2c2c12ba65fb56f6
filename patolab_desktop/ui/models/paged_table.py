"""A lazily paged table model over a service's keyset page function (Anki-style).

The service filters and sorts in SQL; the model keeps the rows it has fetched as
plain dicts, asks for the next page in ``fetchMore`` and re-queries when a header is
clicked. ``data()`` only reads those dicts, so it never touches the database.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from ...services.paging import DEFAULT_PAGE_SIZE, Page, PageRequest

ROW_ID_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_DICT_ROLE = Qt.ItemDataRole.UserRole + 2


@dataclass
class Column:
    key: str  # key in the row dict
    title: str
    sort: str | None = None  # sort name understood by the service; None = not sortable
    format: Callable[[Any], str] | None = None  # value -> text
    align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
    decoration: Callable[[dict], Any] | None = None  # row -> QIcon
    foreground: Callable[[dict], Any] | None = None  # row -> QColor/QBrush
    tooltip: Callable[[dict], str] | None = None


FetchPage = Callable[[Any, PageRequest], Page]


class PagedTableModel(QAbstractTableModel):
    """Rows come from ``fetch(filters, PageRequest) -> Page``."""

    def __init__(self, columns: list[Column], fetch: FetchPage, page_size: int = DEFAULT_PAGE_SIZE,
                 parent=None):
        super().__init__(parent)
        self._columns = columns
        self._fetch = fetch
        self._page_size = page_size
        self._rows: list[dict] = []
        self._cursor: tuple | None = None
        self._exhausted = True
        self._filters: Any = None
        self._sort_column = -1
        self._descending = False
        self._loaded = False  # no query has run yet (set_filters/reload not called)

    # --- querying -------------------------------------------------------------------
    @property
    def filters(self) -> Any:
        return self._filters

    @property
    def columns(self) -> list[Column]:
        return list(self._columns)

    @property
    def sort_column(self) -> int:
        """Index of the column the rows are sorted by; -1 = the service's default order."""
        return self._sort_column

    @property
    def sort_order(self) -> Qt.SortOrder:
        return Qt.SortOrder.DescendingOrder if self._descending else Qt.SortOrder.AscendingOrder

    @property
    def exhausted(self) -> bool:
        """True when every row matching the filters has been fetched."""
        return self._exhausted

    def set_filters(self, filters: Any) -> None:
        """Run a new query (search text or filter changed) and show its first page."""
        self._filters = filters
        self.reload()

    def reload(self) -> None:
        self._loaded = True
        self.beginResetModel()
        self._rows, self._cursor, self._exhausted = [], None, False
        try:
            self._load_page()
        except BaseException:
            # Never leave the model half reset: show no rows, then let the error through.
            self._rows, self._cursor, self._exhausted = [], None, True
            raise
        finally:
            self.endResetModel()

    def _request(self) -> PageRequest:
        sort = self._columns[self._sort_column].sort if self._sort_column >= 0 else ""
        return PageRequest(sort=sort or "", descending=self._descending, after=self._cursor,
                           limit=self._page_size)

    def _load_page(self) -> list[dict]:
        page = self._fetch(self._filters, self._request())
        self._rows.extend(page.rows)
        self._cursor = page.cursor
        self._exhausted = page.cursor is None
        return page.rows

    def canFetchMore(self, parent=QModelIndex()) -> bool:  # noqa: N802 (Qt API)
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent=QModelIndex()) -> None:  # noqa: N802
        if parent.isValid() or self._exhausted:
            return
        page = self._fetch(self._filters, self._request())
        if page.rows:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page.rows) - 1)
            self._rows.extend(page.rows)
            self._cursor = page.cursor
            self._exhausted = page.cursor is None
            self.endInsertRows()
        else:
            self._cursor, self._exhausted = None, True

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        if column < 0 or column >= len(self._columns) or not self._columns[column].sort:
            return
        self._sort_column = column
        self._descending = order == Qt.SortOrder.DescendingOrder
        if self._loaded:  # before the first query, only remember the order
            self.reload()

    # --- reading --------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._columns)

    def row_dict(self, row: int) -> dict:
        return self._rows[row]

    def row_id(self, row: int):
        return self._rows[row].get("id")

    def row_of_id(self, row_id) -> int:
        for number, row in enumerate(self._rows):
            if row.get("id") == row_id:
                return number
        return -1

    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        column = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = row.get(column.key)
            if column.format is not None:
                return column.format(value)
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(column.align)
        if role == Qt.ItemDataRole.DecorationRole and column.decoration is not None:
            return column.decoration(row)
        if role == Qt.ItemDataRole.ForegroundRole and column.foreground is not None:
            return column.foreground(row)
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip is not None:
            return column.tooltip(row)
        if role == ROW_ID_ROLE:
            return row.get("id")
        if role == ROW_DICT_ROLE:
            return row
        return None

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            if 0 <= section < len(self._columns):
                return self._columns[section].title
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
