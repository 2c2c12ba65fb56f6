"""Small helpers shared by the billing screens: money text, parsing what a person typed
(only to show live sums; the services check every amount), tables and error labels."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from ...util.money import format_lempiras
from ..models.row_table import Column, RowsTableModel
from ..widgets.table import make_table_view

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def money(value) -> str:
    return format_lempiras(value if value is not None else 0)


def typed_amount(text: str) -> Decimal | None:
    """What a person typed as an amount, for live sums only (None when unreadable)."""
    cleaned = (text or "").replace(",", "").replace("L", "").strip()
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def day_text(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def money_column(key: str, title: str) -> Column:
    return Column(key, title, format=money, align=RIGHT)


def table(columns: list[Column], parent=None):
    """A read-only table (view, model) over dict rows."""
    model = RowsTableModel(columns, parent=parent)
    view = make_table_view(parent)
    view.setSortingEnabled(False)
    view.setModel(model)
    return view, model


def error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("error")
    label.setStyleSheet("color: #c62828;")
    label.setWordWrap(True)
    label.hide()
    return label


def show_error(label: QLabel, text: str) -> None:
    label.setText(text or "")
    label.setVisible(bool(text))


def heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet("font-size: 13pt; font-weight: 700;")
    return label


def unmasked(document: str) -> str:
    """A document to prefill an edit with: "" when it is shown masked (****) to this role."""
    return "" if "*" in (document or "") else (document or "")
