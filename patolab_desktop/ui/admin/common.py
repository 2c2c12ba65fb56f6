"""Small widgets shared by the administration dialogs: password field, inline errors."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ... import APP_NAME
from ...i18n import translate
from ..icons import icon
from ..widgets import forms

HINT_STYLE = "color: #607d8b;"
MESSAGE_STYLE = (
    "QLabel { background: #fdecea; color: #b71c1c; border: 1px solid #f5c2c0;"
    " border-radius: 4px; padding: 6px 8px; }"
)
INFO_STYLE = (
    "QLabel { background: #e8f1fb; color: #0d47a1; border: 1px solid #c5daf3;"
    " border-radius: 4px; padding: 6px 8px; }"
)


class PasswordEdit(QLineEdit):
    """A password field with an eye button that shows the typed text while pressed."""

    def __init__(self, parent=None, placeholder: str = ""):
        super().__init__(parent)
        self.setEchoMode(QLineEdit.EchoMode.Password)
        self.setPlaceholderText(placeholder)
        self.setMaxLength(200)
        self._show = self.addAction(
            icon("show_password"), QLineEdit.ActionPosition.TrailingPosition
        )
        self._show.setToolTip(translate("admin.common", "Mostrar u ocultar la contraseña"))
        self._show.setCheckable(True)
        self._show.toggled.connect(self._toggle)

    def _toggle(self, visible: bool) -> None:
        self.setEchoMode(QLineEdit.EchoMode.Normal if visible else QLineEdit.EchoMode.Password)


def message_label(parent=None, style: str = MESSAGE_STYLE) -> QLabel:
    """A hidden boxed message (errors of the whole dialog)."""
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setStyleSheet(style)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.hide()
    return label


def show_message(label: QLabel, text: str) -> None:
    label.setText(text)
    label.setVisible(bool(text))


def header(icon_name: str, title: str, subtitle: str = "", parent=None) -> QWidget:
    """Icon, bold title and a grey subtitle across the top of a dialog."""
    box = QWidget(parent)
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 6)
    picture = QLabel(box)
    picture.setPixmap(icon(icon_name).pixmap(44, 44))
    picture.setAlignment(Qt.AlignmentFlag.AlignTop)
    row.addWidget(picture)
    texts = QVBoxLayout()
    texts.setSpacing(2)
    heading = QLabel(title, box)
    font = heading.font()
    font.setPointSizeF(font.pointSizeF() * 1.35)
    font.setBold(True)
    heading.setFont(font)
    texts.addWidget(heading)
    if subtitle:
        sub = QLabel(subtitle, box)
        sub.setWordWrap(True)
        sub.setStyleSheet(HINT_STYLE)
        texts.addWidget(sub)
    row.addLayout(texts, 1)
    return box


class FieldErrors(forms.FieldErrors):
    """Red messages under the fields of one form, keyed by the service's field names;
    ``show`` returns the messages with no field (the dialog shows them boxed)."""

    select_on_error = True

    def __init__(self, form: QFormLayout):
        super().__init__(None, general=False)
        self._form = form

    def add_row(self, key: str, label: str, widget: QWidget) -> None:
        self.add(self._form, key, label, widget)


def fit_height(dialog: QWidget) -> None:
    """Shrink a dialog to the height its layout needs at its current width.

    Word-wrapped labels make Qt size a dialog for a narrower width (taller text); once
    wider, the spare height would open a gap inside the form.
    """
    layout = dialog.layout()
    if layout is None:
        return
    height = layout.totalHeightForWidth(dialog.width())
    if height > 0:
        dialog.resize(dialog.width(), max(height, layout.totalMinimumSize().height()))


def password_row(errors: FieldErrors, parent, key: str, label: str, name: str) -> PasswordEdit:
    """A password field named ``name`` in ``errors``' form, with its error line."""
    edit = PasswordEdit(parent)
    edit.setObjectName(name)
    errors.add_row(key, label, edit)
    return edit


def hint_label(text: str, parent=None) -> QLabel:
    """A blue-grey, word-wrapped explanation under a form."""
    return forms.hint_label(text, parent, HINT_STYLE)


def make_form() -> QFormLayout:
    form = QFormLayout()
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return form


def app_title() -> str:
    return APP_NAME
