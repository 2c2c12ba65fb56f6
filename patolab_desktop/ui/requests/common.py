"""Pieces shared by the request screens.

Labels, colours and icons for status/priority/source, the search-as-you-type picker
(``LookupEdit``), a small in-memory table model for a request's lines and history
(``RowsModel``) and the always-visible totals bar (``TotalsBar``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QEvent,
    QPoint,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QWidget,
)

from ...i18n import translate
from ...services import requests as requests_service
from ...services.access import session
from ...services.texts import service_label
from ...util.formatting import format_datetime as format_date  # noqa: F401 (re-exported)
from ...util.money import format_lempiras
from ..icons import COLORS, icon
from ..models.row_table import Column, RowsTableModel

INDENT = "      "  # panel members are indented under their panel
MEMBER_MARK = QT_TRANSLATE_NOOP("requests.common", "(del panel)")
DEFAULT_COLOR = "#37474f"


# --- labels, colours, icons -------------------------------------------------------------
def status_label(status: str | None) -> str:
    return service_label(requests_service.STATUS_LABELS.get(status or "", status or ""))


def priority_label(priority: str | None) -> str:
    return service_label(requests_service.PRIORITY_LABELS.get(priority or "", priority or ""))


def source_label(source: str | None) -> str:
    return service_label(requests_service.SOURCE_LABELS.get(source or "", source or ""))


def status_icon(status: str | None):
    return icon(f"status_{status}")


def priority_icon(priority: str | None):
    return icon(f"priority_{priority}")


def status_color(status: str | None) -> QColor:
    return QColor(COLORS.get(f"status_{status}", DEFAULT_COLOR))


def priority_color(priority: str | None) -> QColor:
    return QColor(COLORS.get(f"priority_{priority}", DEFAULT_COLOR))


def format_money(value) -> str:
    return "" if value is None else format_lempiras(value)


def fill_combo(
    combo: QComboBox,
    labels: dict[str, str],
    icon_prefix: str | None = None,
    any_label: str | None = None,
) -> None:
    """Items ``label`` with ``key`` as data; an optional first "any" item with data None."""
    combo.clear()
    if any_label is not None:
        combo.addItem(any_label, None)
    for key, label in labels.items():
        if icon_prefix:
            combo.addItem(icon(f"{icon_prefix}{key}"), service_label(label), key)
        else:
            combo.addItem(service_label(label), key)


def select_data(combo: QComboBox, value) -> None:
    index = combo.findData(value)
    if index >= 0:
        combo.setCurrentIndex(index)


def acting_user(by: str = "") -> str:
    """Who the request history names: the given name, else the logged-in user."""
    return by or session.username_for_audit()


def field(obj, name: str, default=None):
    """Read ``name`` from a dataclass/object or a dict (service results come as either)."""
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


# --- request lines ---------------------------------------------------------------------
def line_rows(lines) -> list[dict]:
    """Normalise priced lines (``PricedLine`` or detail line dicts) for ``RowsModel``."""
    rows = []
    for line in lines:
        parent = field(line, "parent_investigation_id")
        rows.append(
            {
                "id": field(line, "investigation_id"),
                "investigation_id": field(line, "investigation_id"),
                "code": field(line, "code", ""),
                "name": field(line, "name", ""),
                "sample_type": field(line, "sample_type", ""),
                "price": field(line, "price"),
                "discount": field(line, "discount"),
                "net_price": field(line, "net_price"),
                "parent_investigation_id": parent,
                "is_member": parent is not None,
                "is_panel": bool(field(line, "is_panel", False)),
                "notes": field(line, "notes", "") or "",
                "status": field(line, "status", ""),
            }
        )
    panels = {row["parent_investigation_id"] for row in rows if row["is_member"]}
    for row in rows:
        row["is_panel"] = row["is_panel"] or row["investigation_id"] in panels
    return rows


def _line_name(row: dict) -> str:
    if row["is_member"]:
        return f"{INDENT}↳ {row['name']}  {translate('requests.common', MEMBER_MARK)}"
    return row["name"]


def _line_icon(row: dict):
    return icon("panel") if row["is_panel"] else None


def _member_grey(row: dict):
    return QBrush(QColor("#607d8b")) if row["is_member"] else None


def _money_column(key: str, title: str) -> Column:
    return Column(
        key,
        title,
        format=format_money,
        align=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
        foreground=_member_grey,
    )


def line_columns(with_status: bool = False, with_notes: bool = True) -> list[Column]:
    columns = [
        Column("code", translate("requests.common", "Código"), foreground=_member_grey),
        Column(
            "name",
            translate("requests.common", "Investigación"),
            decoration=_line_icon,
            foreground=_member_grey,
            tooltip=lambda r: (
                translate("requests.common", "Forma parte de un panel") if r["is_member"] else ""
            ),
        ),
        Column(
            "sample_type", translate("requests.common", "Tipo de muestra"), foreground=_member_grey
        ),
        _money_column("price", translate("requests.common", "Precio")),
        _money_column("discount", translate("requests.common", "Descuento")),
        _money_column("net_price", translate("requests.common", "Neto")),
    ]
    if with_status:
        columns.append(
            Column(
                "status",
                translate("requests.common", "Estado"),
                format=status_label,
                decoration=lambda r: status_icon(r.get("status")),
                foreground=lambda r: status_color(r.get("status")),
            )
        )
    if with_notes:
        columns.append(Column("notes", translate("requests.common", "Notas")))
    return columns


class RowsModel(RowsTableModel):
    """A small table over a list of dicts already in memory (a request's lines, events).

    ``editable`` names the column keys the user may edit; ``edited(row, key, value)`` is
    emitted after an edit so the owner can keep its own state.
    """

    edited = Signal(int, str, object)

    def __init__(
        self, columns: list[Column], parent=None, editable: Callable[[dict], set] | None = None
    ):
        super().__init__(columns, parent=parent)
        self._editable = editable

    def cell_text(self, row: dict, column: Column) -> str:
        if column.key == "name" and "is_member" in row:
            return _line_name(row)
        return super().cell_text(row, column)

    def extra_data(self, row: dict, column: Column, role):
        if role == Qt.ItemDataRole.EditRole:
            value = row.get(column.key)
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.FontRole and row.get("is_panel"):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.UserRole:
            return row.get("id")
        return None

    def _is_editable(self, row: int, column: int) -> bool:
        return self._editable is not None and self._columns[column].key in self._editable(
            self._rows[row]
        )

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self._is_editable(index.row(), index.column()):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole):  # noqa: N802
        if (
            role != Qt.ItemDataRole.EditRole
            or not index.isValid()
            or not self._is_editable(index.row(), index.column())
        ):
            return False
        key = self._columns[index.column()].key
        self._rows[index.row()][key] = value
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole])
        self.edited.emit(index.row(), key, value)
        return True


# --- totals ----------------------------------------------------------------------------
def discount_description(kind: str, percent, age) -> str:
    if not kind:
        return translate("requests.common", "Sin descuento")
    pct = f"{percent.normalize():f}" if hasattr(percent, "normalize") else str(percent)
    if kind == "age":
        years = (
            translate("requests.common", "{age} años, ").format(age=age) if age is not None else ""
        )
        return translate("requests.common", "Descuento por edad ({years}{pct} %)").format(
            years=years, pct=pct
        )
    if kind == "manual":
        return translate("requests.common", "Descuento manual ({pct} %)").format(pct=pct)
    return translate("requests.common", "Descuento ({pct} %)").format(pct=pct)


class TotalsBar(QFrame):
    """Total, discount and net in Lempiras, big enough to read across the desk."""

    def __init__(self, parent=None, compact: bool = False):
        super().__init__(parent)
        self.setObjectName("totalsBar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            "#totalsBar { background: #eef3f6; border: 1px solid #c5d3dc; border-radius: 4px; }"
        )
        layout = QGridLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setHorizontalSpacing(18)
        layout.setVerticalSpacing(0)
        self.total_label = QLabel()
        self.discount_label = QLabel()
        self.net_label = QLabel()
        self.discount_caption = QLabel(translate("requests.common", "Descuento"))
        captions = (
            QLabel(translate("requests.common", "Total")),
            self.discount_caption,
            QLabel(translate("requests.common", "Neto a pagar")),
        )
        size = 11 if compact else 13
        for column, (caption, value) in enumerate(
            zip(captions, (self.total_label, self.discount_label, self.net_label), strict=False)
        ):
            caption.setStyleSheet("color: #546e7a;")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setStyleSheet(f"font-size: {size}pt; font-weight: 600;")
            layout.addWidget(caption, 0, column, Qt.AlignmentFlag.AlignRight)
            layout.addWidget(value, 1, column, Qt.AlignmentFlag.AlignRight)
        self.discount_label.setStyleSheet(
            f"font-size: {size}pt; font-weight: 600; color: {COLORS['discount']};"
        )
        self.net_label.setStyleSheet(f"font-size: {size + 4}pt; font-weight: 700; color: #0d47a1;")
        self.set_totals(0, 0, 0)

    def set_totals(self, total, discount, net, description: str = "") -> None:
        self.total_label.setText(format_lempiras(total))
        self.discount_label.setText(format_lempiras(discount))
        self.net_label.setText(format_lempiras(net))
        self.discount_caption.setText(description or translate("requests.common", "Descuento"))


# --- search-as-you-type picker ----------------------------------------------------------
class LookupEdit(QLineEdit):
    """A line edit that shows a list of matches under itself while the user types.

    ``search(text) -> list[dict]`` runs after a short pause (or at once on Enter/↓);
    ↑/↓ move in the list, Enter picks (the first match by default), Esc closes the list.
    ``chosen(dict)`` is emitted with the picked row. The list is an overlay child of the
    window, so the focus never leaves the field.
    """

    chosen = Signal(dict)

    def __init__(
        self,
        search: Callable[[str], list[dict]],
        describe: Callable[[dict], str],
        placeholder: str = "",
        parent: QWidget | None = None,
        *,
        display: Callable[[dict], str] | None = None,
        clear_on_choose: bool = False,
        debounce_ms: int = 150,
        min_chars: int = 1,
        max_rows: int = 10,
    ):
        super().__init__(parent)
        self._search = search
        self._describe = describe
        self._display = display or describe
        self._clear_on_choose = clear_on_choose
        self._min_chars = min_chars
        self._max_rows = max_rows
        self._matches: list[dict] = []
        self._pending = False
        self._chosen_text: str | None = None
        self.setPlaceholderText(placeholder)
        self.setClearButtonEnabled(True)
        self.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self._list = QListWidget()
        self._list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._list.setUniformItemSizes(True)
        self._list.setStyleSheet(
            "QListWidget { border: 1px solid #90a4ae; background: white; }"
            "QListWidget::item { padding: 3px 4px; }"
            "QListWidget::item:selected { background: #1976d2; color: white; }"
        )
        self._list.itemClicked.connect(lambda item: self.choose(self._list.row(item)))
        self._list.hide()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(debounce_ms)
        self._timer.timeout.connect(self.refresh_now)
        self.textEdited.connect(self._on_edited)
        self.destroyed.connect(self._list.deleteLater)

    # --- API --------------------------------------------------------------------------
    def matches(self) -> list[dict]:
        return list(self._matches)

    def popup_visible(self) -> bool:
        return self._list.isVisible()

    def popup(self) -> QListWidget:
        return self._list

    def current_row(self) -> int:
        return self._list.currentRow()

    def refresh_now(self) -> None:
        """Run the search for the current text at once."""
        self._timer.stop()
        self._pending = False
        text = self.text().strip()
        if len(text) < self._min_chars:
            self._matches = []
            self.hide_popup()
            return
        self._matches = list(self._search(text))
        self._list.clear()
        if self._matches:
            for match in self._matches:
                self._list.addItem(QListWidgetItem(self._describe(match)))
            self._list.setCurrentRow(0)
        else:
            item = QListWidgetItem(translate("requests.common", "Sin resultados"))
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self._list.addItem(item)
        self._show_popup()

    def choose(self, row: int | None = None) -> bool:
        """Pick match ``row`` (the highlighted one by default). False when nothing to pick."""
        if self._pending:
            self.refresh_now()
        row = self._list.currentRow() if row is None else row
        if not (0 <= row < len(self._matches)):
            return False
        item = self._matches[row]
        self.hide_popup()
        self.setText("" if self._clear_on_choose else self._display(item))
        self._chosen_text = None if self._clear_on_choose else self.text()
        self._matches = []
        self.chosen.emit(item)
        return True

    def hide_popup(self) -> None:
        self._list.hide()

    def show_chosen(self, text: str) -> None:
        """Show the text of a row picked elsewhere (Enter on it then does not search again)."""
        self._timer.stop()
        self._pending = False
        self.hide_popup()
        self.setText(text)
        self._chosen_text = text

    # --- internals --------------------------------------------------------------------
    def _on_edited(self, _text: str) -> None:
        self._chosen_text = None
        self._pending = True
        self._timer.start()

    def _show_popup(self) -> None:
        window = self.window()
        if self._list.parent() is not window:
            self._list.setParent(window)
        rows = max(1, min(self._list.count(), self._max_rows))
        row_height = max(self._list.sizeHintForRow(0), self.fontMetrics().height())
        height = rows * row_height + 2 * self._list.frameWidth()
        width = max(self.width(), 460)
        below = self.mapTo(window, QPoint(0, self.height()))
        x = min(below.x(), max(0, window.width() - width))
        y = below.y()
        if y + height > window.height() and below.y() - self.height() - height >= 0:
            y = below.y() - self.height() - height
        self._list.setGeometry(x, y, width, min(height, max(60, window.height() - y)))
        self._list.show()
        self._list.raise_()

    def _move(self, step: int) -> None:
        if not self._list.isVisible():
            self.refresh_now()
            return
        if not self._matches:
            return
        row = max(0, min(len(self._matches) - 1, self._list.currentRow() + step))
        self._list.setCurrentRow(row)

    _NAV_KEYS = (
        Qt.Key.Key_Up,
        Qt.Key.Key_Down,
        Qt.Key.Key_PageUp,
        Qt.Key.Key_PageDown,
        Qt.Key.Key_Return,
        Qt.Key.Key_Enter,
        Qt.Key.Key_Escape,
    )

    def event(self, e):
        # While the list is open its keys belong to this field, not to window shortcuts.
        if (
            e.type() == QEvent.Type.ShortcutOverride
            and self._list.isVisible()
            and e.key() in self._NAV_KEYS
            and not e.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            e.accept()
            return True
        return super().event(e)

    def keyPressEvent(self, e):  # noqa: N802
        key = e.key()
        plain = not e.modifiers() & (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
        )
        if plain and key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
            self._move(1 if key == Qt.Key.Key_Down else -1)
            return
        if plain and key in (Qt.Key.Key_PageDown, Qt.Key.Key_PageUp) and self._list.isVisible():
            self._move(5 if key == Qt.Key.Key_PageDown else -5)
            return
        if (
            plain
            and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and self.text().strip()
            and (self._pending or self.text() != self._chosen_text)
        ):
            if self._pending or not self._list.isVisible():
                self.refresh_now()
            if not self.choose():
                e.accept()  # "Sin resultados" is on screen; Enter must not do anything else
            return
        if key == Qt.Key.Key_Escape and self._list.isVisible():
            self.hide_popup()
            return
        super().keyPressEvent(e)

    def focusOutEvent(self, e):  # noqa: N802
        # A click on the list does not take the focus (NoFocus), so this is a real leave.
        self.hide_popup()
        super().focusOutEvent(e)

    def hideEvent(self, e):  # noqa: N802
        self.hide_popup()
        super().hideEvent(e)


def value_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setWordWrap(True)
    return label


def error_label() -> QLabel:
    label = QLabel()
    label.setStyleSheet("color: #c62828;")
    label.setWordWrap(True)
    label.hide()
    return label


def show_error(label: QLabel, text: str) -> None:
    label.setText(text)
    label.setVisible(bool(text))


def any_value(*values) -> Any:
    for value in values:
        if value not in (None, ""):
            return value
    return None
