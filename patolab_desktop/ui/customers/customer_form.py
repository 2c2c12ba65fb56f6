"""The plumbing of the customer dialog's form: fields with an inline error row under each,
the service's field names mapped to the dialog's, and showing/clearing the messages.

``FieldForm`` is a mixin of ``CustomerDialog``; it keeps ``_errors`` (key → error label),
``_inputs`` (key → the widget that gets focus) and ``_error_forms`` (label → its form).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from ...i18n import translate
from ...services import customers

ERROR_STYLE = "color: #c62828;"
ERROR_FIELD_STYLE = "border: 1px solid #c62828; border-radius: 2px; padding: 2px 3px;"

# service field name -> dialog field key (aliases the service may use)
FIELD_ALIASES = {
    "gender": "gender_id",
    "department": "department_id",
    "state": "department_id",
    "municipality": "municipality_id",
    "city": "municipality_id",
    "dob": "date_of_birth",
    "birth_date": "date_of_birth",
    "full_name": "name",
    "postalCode": "postal_code",
    "age_text": "age",
    "document_type": "id_number",
}


class _RowMnemonic(QObject):
    """A caption's Alt+letter for a row of several widgets (identity, age, date of birth,
    postal code): the row takes no focus itself, so Qt's label did nothing; the row's
    focus proxy of the moment gets it (the date of birth's changes with «No sé la fecha»)."""

    def __init__(self, caption: QLabel, row: QWidget) -> None:
        super().__init__(caption)
        self._row = row
        caption.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Shortcut:
            target = self._row.focusProxy()
            if (
                target is not None
                and target.isEnabled()
                and target.focusPolicy() != (Qt.FocusPolicy.NoFocus)
            ):
                target.setFocus(Qt.FocusReason.ShortcutFocusReason)
            return True
        return False


class FieldForm:
    """Fields with inline errors (a mixin of a QDialog)."""

    def _init_fields(self) -> None:
        self._errors: dict[str, QLabel] = {}
        self._error_forms: dict[QLabel, QFormLayout] = {}
        self._inputs: dict[str, QWidget] = {}

    def _field(
        self, key: str, widget: QWidget, form: QFormLayout, label: str, hint: str = ""
    ) -> QWidget:
        """Add ``widget`` to ``form``, with a (hidden) row for its error message under it."""
        if hint:
            widget.setToolTip(hint)
        caption = QLabel(label, self)
        caption.setBuddy(widget)
        if widget.focusProxy() is not None:
            _RowMnemonic(caption, widget)
        form.addRow(caption, widget)
        error = QLabel(self)
        error.setObjectName(f"error_{key}")
        error.setStyleSheet(ERROR_STYLE)
        error.setWordWrap(True)
        error.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        error.setContentsMargins(0, 0, 0, 2)
        form.addRow("", error)
        form.setRowVisible(error, False)
        self._errors[key] = error
        self._error_forms[error] = form
        self._inputs[key] = widget
        widget.setProperty("field_key", key)
        return widget

    def _section(self, title: str) -> tuple[QGroupBox, QFormLayout]:
        """A titled group box of the dialog and the form laid out in it."""
        group = QGroupBox(title, self)
        form = QFormLayout(group)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        return group, form

    def _text_field(
        self,
        form: QFormLayout,
        key: str,
        label: str,
        placeholder: str,
        max_length: int | None = None,
        hint: str = "",
    ) -> QLineEdit:
        """A one-line field for ``key`` (``_line``) added to ``form`` (``_field``), as long
        as the customers service lets ``key`` be (``customers.MAX_LENGTHS``) unless
        ``max_length`` is given (a phone: the service keeps its normalised number)."""
        if max_length is None:
            max_length = customers.MAX_LENGTHS[key]
        return self._field(key, self._line(placeholder, max_length), form, label, hint)

    def _line(self, placeholder: str = "", max_length: int = 200) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setPlaceholderText(placeholder)
        edit.setMaxLength(max_length)
        return edit

    def _clear_on_edit(self, key: str, widget: QWidget) -> None:
        """Typing in a field hides its error message."""

        def clear(*_args, key=key):
            self._set_error(key, "")

        if isinstance(widget, QLineEdit):
            widget.textEdited.connect(clear)
        elif isinstance(widget, QComboBox):
            widget.activated.connect(clear)
            widget.currentIndexChanged.connect(clear)
        elif isinstance(widget, QPlainTextEdit):
            widget.textChanged.connect(clear)
        elif isinstance(widget, QDateEdit):
            widget.dateChanged.connect(clear)
            widget.dateChanged.connect(lambda *_: self._set_error("age", ""))

    # --- errors --------------------------------------------------------------------------
    def _key(self, field: str) -> str:
        key = FIELD_ALIASES.get(field, field)
        if key == "name" and self.current_type() == "cliente":
            key = "first_name"
        return key if key in self._errors else "__all__"

    def _set_error(self, key: str, message: str) -> None:
        label = self._errors.get(key)
        if label is None:
            return
        if message and getattr(self, "_height_without_errors", None) is None and self.isVisible():
            self._height_without_errors = self.height()  # to go back once they are gone
        label.setText(message)
        form = self._error_forms.get(label)
        if form is not None:
            form.setRowVisible(label, bool(message))
            self._fit_error(label, self._inputs.get(key))
        else:
            label.setVisible(bool(message))
        widget = self._inputs.get(key)
        if isinstance(widget, (QLineEdit, QPlainTextEdit)):  # combos keep their native look
            widget.setStyleSheet(ERROR_FIELD_STYLE if message else "")
        if not message:
            self._shrink_after_errors()

    def _shrink_after_errors(self) -> None:
        """The form grew to show its messages: back to its size when none is left (it used
        to stay inflated; issue 16)."""
        height = getattr(self, "_height_without_errors", None)
        if height is None or any(label.text() for label in self._errors.values()):
            return
        self._height_without_errors = None

        def shrink() -> None:  # after the hidden rows have left the nested layouts
            self.layout().activate()
            self.resize(self.width(), max(height, self.minimumSizeHint().height()))

        QTimer.singleShot(0, self, shrink)

    def refuse(self, fields: dict[str, str]) -> None:
        """Show the messages by their fields; when none is on screen, in a message box
        (a failed save is never silent; issue 16)."""
        from .. import prompts

        self.show_errors(fields)
        if not any(label.isVisibleTo(self) and label.text() for label in self._errors.values()):
            prompts.error(
                self,
                translate("customers.customer_dialog", "No se guardó"),
                "\n".join(fields.values()),
            )

    @staticmethod
    def _fit_error(label: QLabel, field: QWidget | None) -> None:
        """Reserve the height a wrapped message needs at its field's width (nested form
        layouts do not pass height-for-width on, so a two-line message would be clipped)."""
        if not label.text():
            label.setMinimumHeight(0)
            return
        width = field.width() if field is not None and field.width() > 50 else 300
        label.setMinimumHeight(label.heightForWidth(width))

    def _refit_errors(self) -> None:
        for key, label in self._errors.items():
            if label in self._error_forms and label.text():
                self._fit_error(label, self._inputs.get(key))

    def clear_errors(self) -> None:
        for key in self._errors:
            self._set_error(key, "")

    def show_errors(self, fields: dict[str, str]) -> None:
        """Show each message next to its field and focus the first field in error."""
        self.clear_errors()
        merged: dict[str, list[str]] = {}
        for field, message in fields.items():
            merged.setdefault(self._key(field), []).append(message)
        for key, messages in merged.items():
            self._set_error(key, "\n".join(messages))
        for key in self._inputs:  # dict order = form order
            if key in merged and self._inputs[key].isVisible():
                self._inputs[key].setFocus(Qt.FocusReason.OtherFocusReason)
                break

    def error_text(self, field: str) -> str:
        """The message shown for ``field`` ("" when none); for tests and accessibility."""
        label = self._errors.get(self._key(field))
        return label.text() if label is not None and not label.isHidden() else ""
