"""Table models over row dicts described by ``Column``s.

``RowTableModel`` is the shared reading side (``data()`` only reads the dicts, so it never
touches the database); ``RowsTableModel`` adds in-memory editing of short lists (referrer
types, panel members, price history, branches, a request's lines). The paged lists use
``PagedTableModel``, which adds keyset paging on top of the same base.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

ROOT = QModelIndex()  # the invisible root of a flat table model


ROW_ID_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_DICT_ROLE = Qt.ItemDataRole.UserRole + 2

# data() runs some 2,000 times a paint of a full list (every role of every visible cell):
# the roles as plain ints, read once, and the flags as one constant (issue 20: a keystroke
# in the customers list spent more time here than in its query)
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_DECORATION = int(Qt.ItemDataRole.DecorationRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ROW_ID = int(ROW_ID_ROLE)
_ROW_DICT = int(ROW_DICT_ROLE)
_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


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
    header_tip: str = ""  # the header's tooltip (e.g. what its sort orders by)

    @property
    def align_value(self) -> int:
        """The alignment as the int Qt wants, computed once."""
        value = self.__dict__.get("_align_value")
        if value is None:
            value = self.__dict__["_align_value"] = int(self.align)
        return value


class RowTableModel(QAbstractTableModel):
    """Read-only table over ``self._rows`` (dicts) with ``self._columns``."""

    def __init__(self, columns: list[Column], rows: list[dict] | None = None, parent=None):
        super().__init__(parent)
        self._columns = list(columns)
        self._rows: list[dict] = list(rows or [])

    @property
    def columns(self) -> list[Column]:
        return list(self._columns)

    def rows(self) -> list[dict]:
        return list(self._rows)

    def row_dict(self, number: int) -> dict:
        return self._rows[number]

    def row_id(self, number: int):
        return self._rows[number].get("id")

    def row_of_id(self, row_id) -> int:
        for number, row in enumerate(self._rows):
            if row.get("id") == row_id:
                return number
        return -1

    def rowCount(self, parent=ROOT) -> int:  # noqa: N802 (Qt API)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._columns)

    def cell_text(self, row: dict, column: Column) -> str:
        value = row.get(column.key)
        if column.format is not None:
            return column.format(value)
        return "" if value is None else str(value)

    def extra_data(self, row: dict, column: Column, role):
        """Roles a subclass adds (fonts, edit values); None = not handled."""
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.ItemDataRole.DisplayRole):
        number = index.row()  # -1 for an invalid index
        if number < 0 or number >= len(self._rows):
            return None
        row = self._rows[number]
        column = self._columns[index.column()]
        if role == _DISPLAY:
            return self.cell_text(row, column)
        if role == _ALIGNMENT:
            return column.align_value
        if role == _DECORATION:
            return None if column.decoration is None else column.decoration(row)
        if role == _FOREGROUND:
            return None if column.foreground is None else column.foreground(row)
        if role == _TOOLTIP:
            return None if column.tooltip is None else (column.tooltip(row) or None)
        if role == _ROW_ID:
            return row.get("id")
        if role == _ROW_DICT:
            return row
        return self.extra_data(row, column, role)

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._columns[section].title
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._columns[section].header_tip or None
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return _FLAGS


class RowsTableModel(RowTableModel):
    """A short list held whole in memory, changed by its owner."""

    def set_rows(self, rows: list[dict]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def append_row(self, row: dict) -> None:
        at = len(self._rows)
        self.beginInsertRows(QModelIndex(), at, at)
        self._rows.append(row)
        self.endInsertRows()

    def remove_row(self, number: int) -> dict | None:
        if not 0 <= number < len(self._rows):
            return None
        self.beginRemoveRows(QModelIndex(), number, number)
        row = self._rows.pop(number)
        self.endRemoveRows()
        return row

    def move_row(self, number: int, delta: int) -> int:
        """Move a row up (-1) or down (+1); returns its new position."""
        target = number + delta
        if not (0 <= number < len(self._rows) and 0 <= target < len(self._rows)):
            return number
        # Qt's destination index is "before which row" in the old numbering
        destination = target + 1 if delta > 0 else target
        self.beginMoveRows(QModelIndex(), number, number, QModelIndex(), destination)
        self._rows.insert(target, self._rows.pop(number))
        self.endMoveRows()
        return target
