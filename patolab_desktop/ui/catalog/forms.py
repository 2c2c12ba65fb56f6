"""Form helpers shared by the referrer, investigation and branch dialogs: a field with
an inline error label under it, Spanish buttons, and the error/inactive colours."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from ...i18n import translate
from ..icons import icon

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


def make_form(parent: QWidget | None = None) -> QFormLayout:
    form = QFormLayout(parent)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
    return form


class FieldErrors:
    """Keeps each field's inline error label; shows the messages of a service's
    ``validate`` (or ``ValidationError.fields``) next to their fields."""

    def __init__(self, owner: QWidget):
        self._owner = owner
        self.labels: dict[str, QLabel] = {}
        self.inputs: dict[str, QWidget] = {}
        self.general = QLabel(owner)  # messages without a field of their own
        self.general.setObjectName("error___all__")
        self.general.setStyleSheet(ERROR_STYLE)
        self.general.setWordWrap(True)
        self.general.hide()

    def add(
        self, form: QFormLayout, key: str, caption: str, widget: QWidget, hint: str = ""
    ) -> QWidget:
        box = QWidget(self._owner)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(1)
        column.addWidget(widget)
        error = QLabel(box)
        error.setObjectName(f"error_{key}")
        error.setStyleSheet(ERROR_STYLE)
        error.setWordWrap(True)
        error.hide()
        column.addWidget(error)
        if hint:
            widget.setToolTip(hint)
        label = QLabel(caption, self._owner)
        label.setBuddy(widget)
        form.addRow(label, box)
        self.labels[key] = error
        self.inputs[key] = widget
        return box

    def register(self, key: str, label: QLabel, widget: QWidget | None = None) -> None:
        """Use an error label placed elsewhere (e.g. under a panel editor)."""
        label.setObjectName(f"error_{key}")
        label.setStyleSheet(ERROR_STYLE)
        label.setWordWrap(True)
        label.hide()
        self.labels[key] = label
        if widget is not None:
            self.inputs[key] = widget

    def clear(self) -> None:
        for key, label in self.labels.items():
            label.clear()
            label.hide()
            widget = self.inputs.get(key)
            if widget is not None:
                widget.setStyleSheet("")
        self.general.clear()
        self.general.hide()

    def show(self, errors: dict[str, str]) -> None:
        """Show ``errors`` and put the focus on the first field that has one."""
        self.clear()
        first = None
        general = []
        for key, message in errors.items():
            label = self.labels.get(key)
            if label is None:
                general.append(message)
                continue
            label.setText(message)
            label.show()
            widget = self.inputs.get(key)
            if widget is not None:
                if hasattr(widget, "setStyleSheet") and widget.metaObject().className() in (
                    "QLineEdit",
                    "QComboBox",
                    "QPlainTextEdit",
                ):
                    widget.setStyleSheet(ERROR_FIELD_STYLE)
                if first is None:
                    first = widget
        if general:
            self.general.setText("\n".join(general))
            self.general.show()
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)

    def message(self, key: str) -> str:
        label = self.labels.get(key)
        return label.text() if label is not None else ""


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
