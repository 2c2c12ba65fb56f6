"""A small table model over a list of row dicts, for the short lists of this area
(referrer types, panel members, price history, branches, picker results).

These lists are short and read whole from a service (tens or hundreds of rows); the
model only keeps the dicts, so ``data()`` never touches the database. Columns are the
same ``Column`` descriptions the paged lists use.
"""
from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from ..models.paged_table import ROW_DICT_ROLE, ROW_ID_ROLE, Column


class RowsTableModel(QAbstractTableModel):
    def __init__(self, columns: list[Column], rows: list[dict] | None = None, parent=None):
        super().__init__(parent)
        self._columns = list(columns)
        self._rows: list[dict] = list(rows or [])

    @property
    def columns(self) -> list[Column]:
        return list(self._columns)

    # --- changing the rows -------------------------------------------------------------
    def set_rows(self, rows: list[dict]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[dict]:
        return list(self._rows)

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

    # --- reading -----------------------------------------------------------------------
    def row_dict(self, number: int) -> dict:
        return self._rows[number]

    def row_id(self, number: int):
        return self._rows[number].get("id")

    def row_of_id(self, row_id) -> int:
        for number, row in enumerate(self._rows):
            if row.get("id") == row_id:
                return number
        return -1

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
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
