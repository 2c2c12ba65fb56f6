"""Form helpers shared by the record dialogs (branches, referrers, investigations, users
and the administration dialogs): a field with an inline error label under it, Spanish
buttons, and the error/hint/inactive colours."""

from __future__ import annotations

import itertools
import re
import weakref
from collections.abc import Container, Iterable

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractButton,
    QBoxLayout,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...i18n import translate
from ..icons import icon
from ..models.paged_table import Column

ERROR_STYLE = "color: #c62828;"
ERROR_FIELD_STYLE = "border: 1px solid #c62828;"
HINT_STYLE = "color: #6b6b6b;"
NOTICE_STYLE = (
    "background: #fff8e1; border: 1px solid #f0c36d; border-radius: 3px; "
    "padding: 4px; color: #5d4037;"
)
INACTIVE_COLOR = QColor("#8a8a8a")
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
CENTER = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter
_STYLED_INPUTS = ("QLineEdit", "QComboBox", "QPlainTextEdit")


def module_context(obj) -> str:
    """The translation context of the ui module that defines ``obj``'s class, by the
    project's convention ("catalog.branches_dialog" for ui/catalog/branches_dialog.py)."""
    module = type(obj).__module__
    return module.split(".ui.", 1)[1] if ".ui." in module else module


def snake_name(obj) -> str:
    """``obj``'s class name in snake case ("BranchDialog" → "branch_dialog")."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(obj).__name__).lower()


def inactive_foreground(row: dict) -> QColor | None:
    """A table column's ``foreground``: grey for a deactivated row."""
    return None if row.get("active", True) else INACTIVE_COLOR


def reference_column(key: str, title: str, sort: str | None = None, **more) -> Column:
    """A column of a reference-data list (sorted by ``sort`` when given), grey for an
    inactive row."""
    return Column(key, title, sort, foreground=inactive_foreground, **more)


def hint_label(
    text: str, parent: QWidget | None = None, style: str = HINT_STYLE, wrap: bool = True
) -> QLabel:
    """A grey explanation under a form or a list (word-wrapped unless not ``wrap``)."""
    hint = QLabel(text, parent)
    hint.setWordWrap(wrap)
    hint.setStyleSheet(style)
    return hint


def error_line(name: str = "") -> QLabel:
    """A red, word-wrapped message line, hidden until ``show_error`` gives it a text."""
    label = QLabel()
    if name:
        label.setObjectName(name)
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.hide()
    return label


def show_error(label: QLabel, text: str) -> None:
    """Show ``text`` in an error line (hidden when there is none)."""
    label.setText(text or "")
    label.setVisible(bool(text))


def accept_buttons(
    text: str, icon_name: str, cancel_text: str, dialog: QDialog | None = None
) -> tuple[QDialogButtonBox, QPushButton, QPushButton]:
    """«text» with its icon (Enter) and «cancel_text» (Esc); given ``dialog``, they
    accept and reject it. Returns the box and both buttons."""
    buttons = QDialogButtonBox()
    ok = buttons.addButton(text, QDialogButtonBox.ButtonRole.AcceptRole)
    ok.setIcon(icon(icon_name))
    ok.setDefault(True)
    cancel = buttons.addButton(cancel_text, QDialogButtonBox.ButtonRole.RejectRole)
    if dialog is not None:
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
    return buttons, ok, cancel


def error_and_buttons(
    layout: QBoxLayout, text: str, icon_name: str, cancel_text: str, dialog: QDialog | None = None
) -> tuple[QLabel, QDialogButtonBox, QPushButton, QPushButton]:
    """The foot of a form dialog, added to ``layout``: its (hidden) red error line, then
    ``accept_buttons``. Returns the error line, the box and both buttons."""
    error = error_line()
    layout.addWidget(error)
    buttons, ok, cancel = accept_buttons(text, icon_name, cancel_text, dialog)
    layout.addWidget(buttons)
    return error, buttons, ok, cancel


def error_label(label: QLabel, key: str) -> QLabel:
    """Make ``label`` the (hidden) red message of field ``key``."""
    label.setObjectName(f"error_{key}")
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.hide()
    return label


def _holds_data(combo: QComboBox) -> bool:
    """A combo of items with data (a fixed list, or a SearchableCombo's ``set_items``),
    not free text typed into an editable combo."""
    return not combo.isEditable() or hasattr(combo, "set_items")


def field_value(widget: QWidget):
    """What a form field holds: text, checked state or the chosen item's data."""
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText()
    if isinstance(widget, QAbstractButton):
        return widget.isChecked()
    if isinstance(widget, QComboBox):
        return widget.currentData() if _holds_data(widget) else widget.currentText()
    return widget.text()


def set_field_value(widget: QWidget, value) -> None:
    """Show ``value`` in a form field (the inverse of ``field_value``)."""
    if isinstance(widget, QPlainTextEdit):
        widget.setPlainText(value or "")
    elif isinstance(widget, QAbstractButton):
        widget.setChecked(bool(value))
    elif isinstance(widget, QComboBox):
        if _holds_data(widget):
            widget.setCurrentIndex(max(widget.findData(value), 0))
        else:
            widget.setCurrentText(value or "")
    else:
        widget.setText("" if value is None else str(value))


def split_errors(errors: dict[str, str], fields: Container[str]) -> tuple[dict[str, str], list]:
    """The messages of ``errors`` whose key is one of ``fields``, and (in order) the
    others, which no field shows."""
    placed = {key: message for key, message in errors.items() if key in fields}
    return placed, [message for key, message in errors.items() if key not in fields]


def make_form(parent: QWidget | None = None) -> QFormLayout:
    form = QFormLayout(parent)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
    return form


def _no_owner() -> None:
    return None


class FieldErrors:
    """Keeps each field's inline error label; shows the messages of a service's
    ``validate`` (or ``ValidationError.fields``) next to their fields.

    Messages without a field of their own go to ``general`` (a label the dialog places
    under its form) and are returned by ``show``; ``general=False`` leaves them to the
    caller (the administration dialogs show them in a boxed message)."""

    select_on_error = False  # select the text of the first field in error

    def __init__(self, owner: QWidget | None, general: bool = True):
        # the owner weakly: a dialog holds this object, and the cycle left a dropped dialog
        # to Python's collector, which deleted it at any later moment, even while Qt ran
        # one of its queued calls (a test process crashed in a table's ``fit_columns``)
        self._owner = weakref.ref(owner) if owner is not None else _no_owner
        self.labels: dict[str, QLabel] = {}
        self.inputs: dict[str, QWidget] = {}
        self.general: QLabel | None = None
        if general:
            self.general = error_label(QLabel(owner), "__all__")

    def add(
        self, form: QFormLayout, key: str, caption: str, widget: QWidget, hint: str = ""
    ) -> QWidget:
        box = QWidget(self._owner())
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(1)
        column.addWidget(widget)
        error = error_label(QLabel(box), key)
        column.addWidget(error)
        if hint:
            widget.setToolTip(hint)
        label = QLabel(caption, self._owner())
        label.setBuddy(widget)
        form.addRow(label, box)
        self.labels[key] = error
        self.inputs[key] = widget
        return box

    def register(self, key: str, label: QLabel, widget: QWidget | None = None) -> None:
        """Use an error label placed elsewhere (e.g. under a panel editor)."""
        self.labels[key] = error_label(label, key)
        if widget is not None:
            self.inputs[key] = widget

    def clear(self) -> None:
        for key, label in self.labels.items():
            label.clear()
            label.hide()
            widget = self.inputs.get(key)
            if widget is not None:
                widget.setStyleSheet("")
        if self.general is not None:
            self.general.clear()
            self.general.hide()

    def show(self, errors: dict[str, str]) -> list[str]:
        """Show ``errors``, put the focus on the first field that has one and return the
        messages that have no field."""
        self.clear()
        first = None
        placed, general = split_errors(errors, self.labels)
        for key, message in placed.items():
            label = self.labels[key]
            label.setText(message)
            label.show()
            widget = self.inputs.get(key)
            if widget is not None:
                if widget.metaObject().className() in _STYLED_INPUTS:
                    widget.setStyleSheet(ERROR_FIELD_STYLE)
                if first is None:
                    first = widget
        if general and self.general is not None:
            self.general.setText("\n".join(general))
            self.general.show()
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)
            if self.select_on_error and hasattr(first, "selectAll"):
                first.selectAll()
        return general

    def message(self, key: str) -> str:
        """The message shown for ``key`` ("" when none)."""
        label = self.labels.get(key)
        return label.text() if label is not None and not label.isHidden() else ""

    text = message


def labelled_row(caption: str, field: QWidget, *after: QWidget) -> QHBoxLayout:
    """«Caption: [field……] [after…]»: the label's mnemonic focuses ``field``."""
    row = QHBoxLayout()
    label = QLabel(caption, field.parentWidget())
    label.setBuddy(field)
    row.addWidget(label)
    row.addWidget(field, 1)
    for widget in after:
        row.addWidget(widget)
    return row


def inline_row(parent: QWidget) -> tuple[QWidget, QHBoxLayout]:
    """A widget under ``parent`` whose margin-less row layout puts several inputs side by
    side as one form field; returns both."""
    row = QWidget(parent)
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    return row, layout


def push_button(
    text: str, icon_name: str = "", slot=None, tip: str = "", parent: QWidget | None = None
) -> QPushButton:
    """A button with its icon (none when ``icon_name`` is "") and tooltip; a click runs
    ``slot()``."""
    button = QPushButton(icon(icon_name), text, parent) if icon_name else QPushButton(text, parent)
    if tip:
        button.setToolTip(tip)
    if slot is not None:
        button.clicked.connect(lambda _checked=False: slot())
    return button


def push_buttons(*specs: tuple) -> list[QPushButton]:
    """A ``push_button`` per spec ``(text, icon name, slot[, tip])``, in order: a screen
    lists its actions once, unpacks the list into the attributes it needs and hands the
    same list to its button row, so no button is named twice."""
    return [push_button(*spec) for spec in specs]


def dialog_frame(dialog: QDialog, title: str, icon_name: str, min_width: int = 0):
    """A modal dialog's title, icon and minimum width; returns its column layout."""
    dialog.setWindowTitle(title)
    dialog.setWindowIcon(icon(icon_name))
    dialog.setModal(True)
    if min_width:
        dialog.setMinimumWidth(min_width)
    return QVBoxLayout(dialog)


def tab_chain(*widgets: QWidget) -> None:
    """Tab goes from each of ``widgets`` to the next."""
    for first, second in itertools.pairwise(widgets):
        QWidget.setTabOrder(first, second)


def add_labelled(grid: QGridLayout, caption: str, widget: QWidget, row: int, column: int):
    """«caption» at (row, column) of ``grid`` and ``widget`` right of it; the caption's
    mnemonic focuses the widget."""
    label = QLabel(caption)
    label.setBuddy(widget)
    grid.addWidget(label, row, column)
    grid.addWidget(widget, row, column + 1)
    return label


def button_row(
    layout: QVBoxLayout, left: Iterable[QWidget] = (), right: Iterable[QWidget] = ()
) -> QHBoxLayout:
    """A row under ``layout``: the ``left`` widgets, a stretch, the ``right`` widgets."""
    row = QHBoxLayout()
    for widget in left:
        row.addWidget(widget)
    row.addStretch(1)
    for widget in right:
        row.addWidget(widget)
    layout.addLayout(row)
    return row


def close_buttons(dialog: QDialog, default: bool = False) -> QDialogButtonBox:
    """A lone «Cerrar» (Esc) that rejects ``dialog``; ``default`` makes Enter press it."""
    buttons = QDialogButtonBox(dialog)
    close = buttons.addButton(
        translate("widgets.forms", "&Cerrar"), QDialogButtonBox.ButtonRole.RejectRole
    )
    close.setAutoDefault(default)
    close.setDefault(default)
    buttons.rejected.connect(dialog.reject)
    return buttons


def status_column(feminine: bool = False) -> Column:
    """The «Estado» column of reference data: Activo/Inactivo (Activa/Inactiva)."""

    def status(active) -> str:
        if feminine:
            return (
                translate("widgets.forms", "Activa")
                if active
                else translate("widgets.forms", "Inactiva")
            )
        return (
            translate("widgets.forms", "Activo")
            if active
            else translate("widgets.forms", "Inactivo")
        )

    return Column(
        "active",
        translate("widgets.forms", "Estado"),
        align=CENTER,
        format=status,
        foreground=inactive_foreground,
    )


def dialog_buttons(parent: QWidget, save_text: str | None = None) -> QDialogButtonBox:
    """Guardar (default: Enter) and Cancelar (Esc)."""
    buttons = QDialogButtonBox(parent)
    if save_text is None:
        save_text = translate("catalog.forms", "&Guardar")
    save = buttons.addButton(save_text, QDialogButtonBox.ButtonRole.AcceptRole)
    save.setIcon(icon("save"))
    save.setDefault(True)
    save.setObjectName("save_button")
    cancel = buttons.addButton(
        translate("catalog.forms", "Cancelar"), QDialogButtonBox.ButtonRole.RejectRole
    )
    cancel.setIcon(icon("cancel"))
    cancel.setObjectName("cancel_button")
    return buttons
