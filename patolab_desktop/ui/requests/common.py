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
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QLabel,
)

from ...i18n import translate
from ...services import requests as requests_service
from ...services.access import session
from ...services.requests import reports
from ...services.texts import service_label
from ...util.formatting import format_datetime as format_date  # noqa: F401 (re-exported)
from ...util.money import format_lempiras
from ..icons import COLORS, icon
from ..models.row_table import Column, RowsTableModel
from ..widgets.forms import error_line
from ..widgets.forms import show_error as show_error  # the screens import it from here
from ..widgets.lookup_edit import LookupEdit  # noqa: F401 (re-exported: the pickers)

INDENT = "      "  # panel members are indented under their panel
MEMBER_MARK = QT_TRANSLATE_NOOP("requests.common", "(del panel)")
DEFAULT_COLOR = "#37474f"


# --- labels, colours, icons -------------------------------------------------------------
def status_label(status: str | None) -> str:
    """A request's status, or a line's own one (``released``, issue 18)."""
    key = status or ""
    source = requests_service.STATUS_LABELS.get(key) or requests_service.LINE_STATUS_LABELS.get(
        key, key
    )
    return service_label(source)


_LINE_STATUS_LOOK = {"released": "completed"}  # a released line looks like a completed request


def priority_label(priority: str | None) -> str:
    return service_label(requests_service.PRIORITY_LABELS.get(priority or "", priority or ""))


def source_label(source: str | None) -> str:
    return service_label(requests_service.SOURCE_LABELS.get(source or "", source or ""))


def status_icon(status: str | None):
    return icon(f"status_{_LINE_STATUS_LOOK.get(status or '', status)}")


def priority_icon(priority: str | None):
    return icon(f"priority_{priority}")


def status_color(status: str | None) -> QColor:
    look = _LINE_STATUS_LOOK.get(status or "", status)
    return QColor(COLORS.get(f"status_{look}", DEFAULT_COLOR))


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
                "line_id": field(line, "id"),
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
        self.net_caption = QLabel(translate("requests.common", "Neto a pagar"))
        captions = (
            QLabel(translate("requests.common", "Total")),
            self.discount_caption,
            self.net_caption,
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

    def show_request(self, detail, description: str = "") -> None:
        """A saved request's amounts as its factura charges them (``charge_totals``)."""
        to_pay = reports.charge_totals(detail)
        tax = to_pay["isv15"] + to_pay["isv18"]
        self.set_totals(to_pay["total"], to_pay["discount"], to_pay["net"], description, tax)

    def set_totals(self, total, discount, net, description: str = "", tax=0) -> None:
        """``tax``: the ISV ``net`` includes (taxed investigations), said under it."""
        self.total_label.setText(format_lempiras(total))
        self.discount_label.setText(format_lempiras(discount))
        self.net_label.setText(format_lempiras(net))
        self.discount_caption.setText(description or translate("requests.common", "Descuento"))
        self.net_caption.setText(
            translate("requests.common", "Neto a pagar (incluye ISV {tax})").format(
                tax=format_lempiras(tax)
            )
            if tax
            else translate("requests.common", "Neto a pagar")
        )


# --- search-as-you-type picker ----------------------------------------------------------
def value_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setWordWrap(True)
    return label


error_label = error_line  # a red message line under a field or a form


def any_value(*values) -> Any:
    for value in values:
        if value not in (None, ""):
            return value
    return None
