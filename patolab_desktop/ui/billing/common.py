"""Small helpers shared by the billing screens: money text, parsing what a person typed
(only to show live sums; the services check every amount), tables and error labels."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from ...services.billing.amounts import read_cents
from ...services.billing.types import (
    METHOD_LABELS,
    METHODS,
    SETTLE_BALANCE,
    SETTLE_DEBT,
    SETTLE_REFUND,
    SETTLEMENT_LABELS,
    label,
)
from ...services.errors import ServiceError
from ...util.money import format_lempiras
from .. import prompts
from ..models.row_table import Column, RowsTableModel
from ..widgets.csv_export import ask_save_path, suggested_path
from ..widgets.forms import error_line
from ..widgets.forms import show_error as show_error  # the screens import it from here
from ..widgets.table import fixed_table

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def money(value) -> str:
    return format_lempiras(value if value is not None else 0)


def typed_amount(text: str) -> Decimal | None:
    """What a person typed as an amount, read by the services' rule (to the cent, at most
    the largest storable amount), for live sums only: None when it is not one."""
    if not (text or "").strip():
        return None
    try:
        return read_cents(text, currency_sign=True)
    except ValueError:
        return None


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


def save_file(
    window,
    title: str,
    name: str,
    filter_text: str,
    write: Callable[[Path], Any],
    saved: Callable[[Path, Any], str] | None = None,
) -> Path | None:
    """Ask where to save (``name`` in the documents folder to start; its suffix is added
    when missing), run ``write(path)`` and, given ``saved(path, what write returned)``,
    say so under ``title``. The path, or None when cancelled or when a refusal or a disk
    error was shown."""
    suffix = Path(name).suffix
    path = ask_save_path(window, title, suggested_path(name), filter_text, suffix)
    if not path:
        return None
    try:
        result = write(Path(path))
    except (ServiceError, OSError) as exc:
        prompts.error(window, title, str(exc))
        return None
    if saved is not None:
        prompts.info(window, title, saved(Path(path), result))
    return Path(path)


def money_edit(text: str = "", width: int = 0, placeholder: str = "") -> QLineEdit:
    """An amount typed in lempiras: right-aligned, ``width`` px at most (0: any)."""
    edit = QLineEdit(text)
    edit.setAlignment(RIGHT)
    if width:
        edit.setMaximumWidth(width)
    if placeholder:
        edit.setPlaceholderText(placeholder)
    return edit


def settlement_combo() -> QComboBox:
    """What happens with the money of a credit note: refund, credit balance, lower debt."""
    combo = QComboBox()
    for key in (SETTLE_REFUND, SETTLE_BALANCE, SETTLE_DEBT):
        combo.addItem(label(SETTLEMENT_LABELS, key), key)
    return combo


def refund_method_combo() -> QComboBox:
    """How money is given back (every payment method but the credit balance)."""
    combo = QComboBox()
    for method in METHODS:
        if method != "balance":
            combo.addItem(label(METHOD_LABELS, method), method)
    return combo


def receiver_name(buyer_name: str) -> str:
    """Who receives a credit note, to prefill: the buyer, "" for CONSUMIDOR FINAL."""
    return "" if buyer_name == "CONSUMIDOR FINAL" else buyer_name


def table(columns: list[Column], parent=None, widths=(), stretch: int | None = None):
    """A read-only table (view, model) over dict rows (``fixed_table``'s widths, stretch)."""
    model = RowsTableModel(columns, parent=parent)
    return fixed_table(parent, model, widths, stretch), model


def error_label() -> QLabel:
    """The red message line of a billing screen (its object name: "error")."""
    return error_line("error")


def with_error(widget: QWidget, error: QLabel) -> QVBoxLayout:
    """``widget`` with its (hidden) error line right under it."""
    box = QVBoxLayout()
    box.setSpacing(0)
    box.addWidget(widget)
    box.addWidget(error)
    return box


def heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet("font-size: 13pt; font-weight: 700;")
    return label


def unmasked(document: str) -> str:
    """A document to prefill an edit with: "" when it is shown masked (****) to this role."""
    return "" if "*" in (document or "") else (document or "")
