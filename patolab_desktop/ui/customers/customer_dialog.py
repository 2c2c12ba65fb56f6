"""Create / edit one customer (patient or company).

Every rule lives in ``services.customers``: the dialog shows the messages of
``customers.validate`` (and of ``ValidationError.fields``) next to their fields, warns about
likely duplicates with ``customers.find_duplicates`` before saving, and reloads the form when
someone else saved the same customer first (``ConflictError``).
Keyboard: the first field has focus, Enter saves (Ctrl+Enter from the notes), Esc cancels.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from PySide6.QtCore import QT_TRANSLATE_NOOP, QDate, Qt, QTimer
from PySide6.QtGui import QIntValidator, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ...i18n import translate
from ...services import customers, reference
from ...services.errors import ConflictError, NotFoundError, ServiceError, ValidationError
from ...util.text import digits
from .. import prompts
from ..icons import icon
from .customer_filters import fill_combo

ERROR_STYLE = "color: #c62828;"
ERROR_FIELD_STYLE = "border: 1px solid #c62828; border-radius: 2px; padding: 2px 3px;"
MIN_BIRTH = QDate(1900, 1, 1)
TYPE_MNEMONICS = {
    "cliente": QT_TRANSLATE_NOOP("customers.customer_dialog", "&Paciente"),
    "empresa": QT_TRANSLATE_NOOP("customers.customer_dialog", "E&mpresa"),
}

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
}


def _to_qdate(value: dt.date) -> QDate:
    return QDate(value.year, value.month, value.day)


def _to_date(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


class CustomerDialog(QDialog):
    """``CustomerDialog(customer_id=None)``: new when None, else edits that customer.

    After ``exec()`` returns Accepted, ``customer_id`` is the saved customer's id.
    Raises ``NotFoundError`` from the constructor when ``customer_id`` does not exist.
    """

    def __init__(
        self,
        customer_id: int | None = None,
        parent=None,
        initial: customers.CustomerData | None = None,
    ):
        super().__init__(parent)
        self.customer_id = customer_id
        self._original = customers.CustomerData()
        self._errors: dict[str, QLabel] = {}
        self._error_forms: dict[QLabel, QFormLayout] = {}
        self._inputs: dict[str, QWidget] = {}
        self._snapshot: customers.CustomerData | None = None
        self._age_was_computed = False
        self._height_without_errors: int | None = None
        self.setWindowTitle(
            translate("customers.customer_dialog", "Editar cliente")
            if customer_id
            else translate("customers.customer_dialog", "Nuevo cliente")
        )
        self.setWindowIcon(icon("edit" if customer_id else "customer_new"))
        self.setModal(True)
        self._build()
        if customer_id is not None:
            self.load(customers.get(customer_id))  # NotFoundError goes to the caller
        else:
            self.load(initial or customers.CustomerData())
        self._focus_first()

    # --- construction ------------------------------------------------------------------
    def _field(
        self, key: str, widget: QWidget, form: QFormLayout, label: str, hint: str = ""
    ) -> QWidget:
        """Add ``widget`` to ``form``, with a (hidden) row for its error message under it."""
        if hint:
            widget.setToolTip(hint)
        caption = QLabel(label, self)
        caption.setBuddy(widget)
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

    @staticmethod
    def _form(group: QGroupBox) -> QFormLayout:
        form = QFormLayout(group)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        return form

    def _line(self, placeholder: str = "", max_length: int = 200) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setPlaceholderText(placeholder)
        edit.setMaxLength(max_length)
        return edit

    def _build(self) -> None:
        # Identity ------------------------------------------------------------------------
        identity = QGroupBox(translate("customers.customer_dialog", "Identificación"), self)
        form = self._form(identity)

        type_row = QWidget(self)
        type_layout = QHBoxLayout(type_row)
        type_layout.setContentsMargins(0, 0, 0, 0)
        self.type_group = QButtonGroup(self)
        self.type_buttons: dict[str, QRadioButton] = {}
        for number, (code, label) in enumerate(customers.TYPE_LABELS.items()):
            button = QRadioButton(
                translate("customers.customer_dialog", TYPE_MNEMONICS.get(code, label)), type_row
            )
            button.setProperty("type_code", code)
            self.type_group.addButton(button, number)
            self.type_buttons[code] = button
            type_layout.addWidget(button)
        type_layout.addStretch(1)
        type_row.setFocusProxy(self.type_buttons.get("cliente"))
        self._field("type", type_row, form, translate("customers.customer_dialog", "Tipo:"))
        self._inputs["type"] = self.type_buttons.get("cliente") or next(
            iter(self.type_buttons.values())
        )

        self.first_name_edit = self._line(
            translate("customers.customer_dialog", "Nombres del paciente"), 100
        )
        self.first_name_row = self._field(
            "first_name",
            self.first_name_edit,
            form,
            translate("customers.customer_dialog", "&Nombres:"),
        )
        self.last_name_edit = self._line(
            translate("customers.customer_dialog", "Apellidos del paciente"), 100
        )
        self.last_name_row = self._field(
            "last_name",
            self.last_name_edit,
            form,
            translate("customers.customer_dialog", "&Apellidos:"),
        )
        self.name_edit = self._line(
            translate("customers.customer_dialog", "Razón social o nombre de la institución"), 200
        )
        self.name_row = self._field(
            "name", self.name_edit, form, translate("customers.customer_dialog", "&Nombre:")
        )

        self.id_number_edit = self._line(
            translate("customers.customer_dialog", "DNI 0801-1990-12345 o RTN de 14 dígitos"), 20
        )
        self._field(
            "id_number",
            self.id_number_edit,
            form,
            translate("customers.customer_dialog", "&Identidad/RTN:"),
            translate(
                "customers.customer_dialog", "Escriba solo los números; los guiones se ponen solos."
            ),
        )
        self.gender_combo = QComboBox(self)
        self._field(
            "gender_id", self.gender_combo, form, translate("customers.customer_dialog", "&Género:")
        )

        birth_row = QWidget(self)
        birth_layout = QHBoxLayout(birth_row)
        birth_layout.setContentsMargins(0, 0, 0, 0)
        self.birth_edit = QDateEdit(birth_row)
        self.birth_edit.setDisplayFormat("dd/MM/yyyy")
        self.birth_edit.setCalendarPopup(True)
        # the day before MIN_BIRTH stands for "unknown" and shows blank
        self.birth_edit.setDateRange(MIN_BIRTH.addDays(-1), QDate.currentDate())
        self.birth_edit.setSpecialValueText(" ")
        self.birth_edit.setDate(self.birth_edit.minimumDate())
        self.birth_unknown = QCheckBox(
            translate("customers.customer_dialog", "No &sé la fecha"), birth_row
        )
        self.birth_unknown.setToolTip(
            translate(
                "customers.customer_dialog", "Sin fecha de nacimiento: escriba la edad declarada"
            )
        )
        birth_layout.addWidget(self.birth_edit, 1)
        birth_layout.addWidget(self.birth_unknown)
        birth_row.setFocusProxy(self.birth_unknown)
        self._field(
            "date_of_birth",
            birth_row,
            form,
            translate("customers.customer_dialog", "&Fecha de nacimiento:"),
        )
        self._inputs["date_of_birth"] = self.birth_edit

        self.age_edit = self._line(translate("customers.customer_dialog", "Edad en años"), 3)
        self.age_edit.setValidator(QIntValidator(0, 130, self))
        self.age_edit.setFixedWidth(
            self.age_edit.fontMetrics().horizontalAdvance(
                translate("customers.customer_dialog", "Obligatoria")
            )
            + 24
        )
        self.age_note = QLabel(self)
        self.age_note.setStyleSheet("color: #6b6b6b;")
        age_row = QWidget(self)
        age_layout = QHBoxLayout(age_row)
        age_layout.setContentsMargins(0, 0, 0, 0)
        age_layout.addWidget(self.age_edit)
        age_layout.addWidget(self.age_note, 1)
        age_row.setFocusProxy(self.age_edit)
        self._field("age", age_row, form, translate("customers.customer_dialog", "&Edad:"))
        self._inputs["age"] = self.age_edit
        self.identity_form = form

        # Contact --------------------------------------------------------------------------
        contact = QGroupBox(translate("customers.customer_dialog", "Contacto"), self)
        form = self._form(contact)
        self.phone_edit = self._line(
            translate("customers.customer_dialog", "9988-7766 (WhatsApp)"), 30
        )
        self._field(
            "phone",
            self.phone_edit,
            form,
            translate("customers.customer_dialog", "&Teléfono:"),
            translate(
                "customers.customer_dialog",
                "Número principal; se usa para WhatsApp. Sin código se asume Honduras (+504).",
            ),
        )
        self.secondary_phone_edit = self._line(
            translate("customers.customer_dialog", "Opcional"), 30
        )
        self._field(
            "secondary_phone",
            self.secondary_phone_edit,
            form,
            translate("customers.customer_dialog", "Teléfono &2:"),
        )
        self.email_edit = self._line(
            translate("customers.customer_dialog", "nombre@ejemplo.com"), 254
        )
        self._field(
            "email", self.email_edit, form, translate("customers.customer_dialog", "&Correo:")
        )
        self.blocked_check = QCheckBox(
            translate("customers.customer_dialog", "No en&viar notificaciones (bloqueado)"), self
        )
        self._field("is_blocked", self.blocked_check, form, "")

        # Address --------------------------------------------------------------------------
        address = QGroupBox(translate("customers.customer_dialog", "Dirección"), self)
        form = self._form(address)
        self.department_combo = QComboBox(self)
        self.department_combo.setMaxVisibleItems(20)
        self._field(
            "department_id",
            self.department_combo,
            form,
            translate("customers.customer_dialog", "&Departamento:"),
        )
        self.municipality_combo = QComboBox(self)
        self.municipality_combo.setMaxVisibleItems(20)
        self._field(
            "municipality_id",
            self.municipality_combo,
            form,
            translate("customers.customer_dialog", "M&unicipio:"),
        )
        self.address_edit = self._line(
            translate("customers.customer_dialog", "Colonia, calle, número de casa"), 300
        )
        self._field(
            "address",
            self.address_edit,
            form,
            translate("customers.customer_dialog", "Di&rección:"),
        )
        self.address2_edit = self._line(
            translate("customers.customer_dialog", "Referencia (opcional)"), 300
        )
        self._field(
            "address2",
            self.address2_edit,
            form,
            translate("customers.customer_dialog", "Dirección 2:"),
        )
        self.postal_code_edit = self._line("", 20)
        self.country_edit = self._line("", 60)
        postal_row = QWidget(self)
        postal_layout = QHBoxLayout(postal_row)
        postal_layout.setContentsMargins(0, 0, 0, 0)
        postal_layout.addWidget(self.postal_code_edit, 1)
        country_label = QLabel(translate("customers.customer_dialog", "País:"), postal_row)
        postal_layout.addWidget(country_label)
        postal_layout.addWidget(self.country_edit, 2)
        postal_row.setFocusProxy(self.postal_code_edit)
        self._field(
            "postal_code",
            postal_row,
            form,
            translate("customers.customer_dialog", "Código p&ostal:"),
        )
        self._inputs["postal_code"] = self.postal_code_edit
        # country errors show under the postal-code row (same line on screen)
        self._errors["country"] = self._errors["postal_code"]
        self._inputs["country"] = self.country_edit

        # Other ----------------------------------------------------------------------------
        other = QGroupBox(translate("customers.customer_dialog", "Otros datos"), self)
        form = self._form(other)
        self.external_file_edit = self._line(
            translate("customers.customer_dialog", "Número de expediente en otro sistema"), 100
        )
        self._field(
            "external_file",
            self.external_file_edit,
            form,
            translate("customers.customer_dialog", "E&xpediente externo:"),
        )
        self.notes_edit = QPlainTextEdit(self)
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setPlaceholderText(
            translate("customers.customer_dialog", "Alergias, observaciones…")
        )
        self.notes_edit.setFixedHeight(60)
        self._field(
            "notes",
            self.notes_edit,
            form,
            translate("customers.customer_dialog", "Notas (a&lergias):"),
        )

        # General message + buttons -------------------------------------------------------
        self.general_error = QLabel(self)
        self.general_error.setObjectName("error___all__")
        self.general_error.setStyleSheet(ERROR_STYLE)
        self.general_error.setWordWrap(True)
        self.general_error.hide()
        self._errors["__all__"] = self.general_error

        self.buttons = QDialogButtonBox(self)
        self.save_button = self.buttons.addButton(
            translate("customers.customer_dialog", "Guardar"),
            QDialogButtonBox.ButtonRole.AcceptRole,
        )
        self.save_button.setIcon(icon("save"))
        self.save_button.setDefault(True)
        self.save_button.setToolTip(
            translate("customers.customer_dialog", "Guardar (Intro o Ctrl+S)")
        )
        self.cancel_button = self.buttons.addButton(
            translate("customers.customer_dialog", "Cancelar"),
            QDialogButtonBox.ButtonRole.RejectRole,
        )
        self.cancel_button.setIcon(icon("cancel"))
        self.cancel_button.setToolTip(translate("customers.customer_dialog", "Cancelar (Esc)"))
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        for keys in ("Ctrl+Return", "Ctrl+Enter", "Ctrl+S"):
            QShortcut(QKeySequence(keys), self, activated=self.save)

        grid = QGridLayout()
        grid.addWidget(identity, 0, 0, 2, 1)
        grid.addWidget(contact, 0, 1)
        grid.addWidget(address, 1, 1)
        grid.addWidget(other, 2, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)

        fill_combo(
            self.gender_combo,
            reference.genders(),
            translate("customers.customer_dialog", "— Seleccione —"),
        )
        fill_combo(
            self.department_combo,
            reference.departments(),
            translate("customers.customer_dialog", "— Seleccione —"),
        )
        self._reload_municipalities()

        # signals
        self.type_group.idToggled.connect(lambda *_: self._type_changed())
        self.birth_unknown.toggled.connect(lambda *_: self._birth_mode_changed())
        self.birth_unknown.clicked.connect(self._birth_unknown_clicked)
        self.birth_edit.dateChanged.connect(lambda *_: self._show_computed_age())
        self.department_combo.currentIndexChanged.connect(lambda *_: self._reload_municipalities())
        self.id_number_edit.editingFinished.connect(self._format_id_number)
        self.phone_edit.editingFinished.connect(lambda: self._format_phone(self.phone_edit))
        self.secondary_phone_edit.editingFinished.connect(
            lambda: self._format_phone(self.secondary_phone_edit)
        )
        for key, widget in self._inputs.items():
            self._clear_on_edit(key, widget)
        self._set_tab_order()

    def _clear_on_edit(self, key: str, widget: QWidget) -> None:
        """Typing in a field hides its error message."""

        def clear(*_args, key=key):
            self._set_error(key, "")

        if isinstance(widget, QLineEdit):
            widget.textEdited.connect(clear)
        elif isinstance(widget, QComboBox):
            widget.activated.connect(clear)
        elif isinstance(widget, QPlainTextEdit):
            widget.textChanged.connect(clear)
        elif isinstance(widget, QDateEdit):
            widget.dateChanged.connect(clear)
            widget.dateChanged.connect(lambda *_: self._set_error("age", ""))

    def _set_tab_order(self) -> None:
        order = [
            *self.type_buttons.values(),
            self.first_name_edit,
            self.last_name_edit,
            self.name_edit,
            self.id_number_edit,
            self.gender_combo,
            self.birth_edit,
            self.birth_unknown,
            self.age_edit,
            self.phone_edit,
            self.secondary_phone_edit,
            self.email_edit,
            self.blocked_check,
            self.department_combo,
            self.municipality_combo,
            self.address_edit,
            self.address2_edit,
            self.postal_code_edit,
            self.country_edit,
            self.external_file_edit,
            self.notes_edit,
            self.save_button,
            self.cancel_button,
        ]
        for first, second in zip(order, order[1:], strict=False):
            QWidget.setTabOrder(first, second)

    # --- dynamic parts ---------------------------------------------------------------------
    def current_type(self) -> str:
        for code, button in self.type_buttons.items():
            if button.isChecked():
                return code
        return "cliente"

    def _type_changed(self) -> None:
        patient = self.current_type() == "cliente"
        form = self.identity_form
        form.setRowVisible(self.first_name_row, patient)
        form.setRowVisible(self.last_name_row, patient)
        form.setRowVisible(self.name_row, not patient)
        for key in ("first_name", "last_name", "name"):
            self._set_error(key, "")  # messages of hidden fields go with them
        if patient and not self.first_name_edit.text() and self.name_edit.text():
            self.first_name_edit.setText(self.name_edit.text())
        elif not patient and not self.name_edit.text():
            self.name_edit.setText(self._composed_name())
        self.age_edit.setPlaceholderText(
            translate("customers.customer_dialog", "Obligatoria")
            if patient
            else translate("customers.customer_dialog", "Opcional")
        )

    def _composed_name(self) -> str:
        return " ".join(
            p
            for p in (self.first_name_edit.text().strip(), self.last_name_edit.text().strip())
            if p
        )

    def _birth_mode_changed(self) -> None:
        unknown = self.birth_unknown.isChecked()
        self.birth_edit.setEnabled(not unknown)
        self.birth_edit.parentWidget().setFocusProxy(
            self.birth_unknown if unknown else self.birth_edit
        )
        if unknown:
            self.birth_edit.setDate(self.birth_edit.minimumDate())  # shows blank
        elif self.birth_edit.date() == self.birth_edit.minimumDate():
            self.birth_edit.setDate(QDate(QDate.currentDate().year() - 30, 1, 1))
        self.age_edit.setReadOnly(not unknown)
        self.age_edit.setFocusPolicy(
            Qt.FocusPolicy.StrongFocus if unknown else Qt.FocusPolicy.NoFocus
        )
        if unknown and self._age_was_computed:
            self.age_edit.clear()
        self._show_computed_age()

    def _birth_unknown_clicked(self, checked: bool) -> None:
        """By keyboard or mouse: go straight to the field that must be filled in now."""
        target = self.age_edit if checked else self.birth_edit
        target.setFocus(Qt.FocusReason.OtherFocusReason)
        if isinstance(target, QLineEdit):
            target.selectAll()

    def birth_date(self) -> dt.date | None:
        if (
            self.birth_unknown.isChecked()
            or self.birth_edit.date() == self.birth_edit.minimumDate()
        ):
            return None
        return _to_date(self.birth_edit.date())

    def _show_computed_age(self) -> None:
        born = self.birth_date()
        if born is None:
            self._age_was_computed = False
            self.age_note.setText(
                translate("customers.customer_dialog", "años (declarada; sin fecha de nacimiento)")
            )
            return
        age = customers.age_on(customers.CustomerData(date_of_birth=born), dt.date.today())
        self.age_edit.setText("" if age is None else str(age))
        self._age_was_computed = True
        self.age_note.setText(
            translate(
                "customers.customer_dialog", "años, calculada hoy desde la fecha de nacimiento"
            )
        )

    def _reload_municipalities(self) -> None:
        department_id = self.department_combo.currentData()
        current = self.municipality_combo.currentData()
        items = reference.municipalities(department_id) if department_id else []
        fill_combo(
            self.municipality_combo,
            items,
            translate("customers.customer_dialog", "— Seleccione —")
            if department_id
            else translate("customers.customer_dialog", "— Elija antes el departamento —"),
            current,
        )
        self.municipality_combo.setEnabled(bool(department_id))

    def _format_id_number(self) -> None:
        raw = self.id_number_edit.text()
        number = digits(raw)
        if len(number) in (13, 14) and number == raw.replace("-", "").replace(" ", ""):
            self.id_number_edit.setText(customers.format_id_number(number))

    def _format_phone(self, edit: QLineEdit) -> None:
        text = edit.text().strip()
        if not text:
            return
        e164 = self._phone_e164(text)
        if e164:
            edit.setText(customers.format_phone(e164))

    @staticmethod
    def _phone_e164(text: str) -> str:
        """The typed phone in E.164, or "" when it is not valid yet (validate() says why)."""
        try:
            return customers.normalise_phone(text)
        except ValueError:
            return ""

    # --- data in and out -------------------------------------------------------------------
    def load(self, data: customers.CustomerData) -> None:
        self._original = data
        self.customer_id = data.id
        button = self.type_buttons.get(data.type) or self.type_buttons.get("cliente")
        button.setChecked(True)
        self.first_name_edit.setText(data.first_name or "")
        self.last_name_edit.setText(data.last_name or "")
        self.name_edit.setText(data.name or "")
        if data.type == "cliente" and not data.first_name and not data.last_name and data.name:
            self.first_name_edit.setText(data.name)  # imported with a single full name
        self.id_number_edit.setText(
            customers.format_id_number(data.id_number) if data.id_number else ""
        )
        self._select(self.gender_combo, data.gender_id)
        self.birth_unknown.setChecked(data.date_of_birth is None)
        if data.date_of_birth is not None:
            self.birth_edit.setDate(_to_qdate(data.date_of_birth))
        self.age_edit.setText("" if data.age is None or data.date_of_birth else str(data.age))
        self.phone_edit.setText(customers.format_phone(data.phone) if data.phone else "")
        self.secondary_phone_edit.setText(
            customers.format_phone(data.secondary_phone) if data.secondary_phone else ""
        )
        self.email_edit.setText(data.email or "")
        self._select(self.department_combo, data.department_id)
        self._reload_municipalities()
        self._select(self.municipality_combo, data.municipality_id)
        self.address_edit.setText(data.address or "")
        self.address2_edit.setText(data.address2 or "")
        self.postal_code_edit.setText(data.postal_code or "")
        self.country_edit.setText(data.country or "Honduras")
        self.external_file_edit.setText(data.external_file or "")
        self.notes_edit.setPlainText(data.notes or "")
        self.blocked_check.setChecked(bool(data.is_blocked))
        self._age_was_computed = False
        self._type_changed()
        self._birth_mode_changed()
        self.clear_errors()
        self._snapshot = self.data()
        if data.id is not None and not data.active:
            self._set_error(
                "__all__",
                translate("customers.customer_dialog", "Este cliente está inactivo (desactivado)."),
            )

    @staticmethod
    def _select(combo: QComboBox, value) -> None:
        index = combo.findData(value) if value is not None else 0
        combo.setCurrentIndex(max(index, 0))

    def data(self) -> customers.CustomerData:
        """The form as a CustomerData (the loaded record's id, uid and version kept)."""
        patient = self.current_type() == "cliente"
        first, last = self.first_name_edit.text().strip(), self.last_name_edit.text().strip()
        name = self._composed_name() if patient else self.name_edit.text().strip()
        age_text = self.age_edit.text().strip()
        unknown = self.birth_unknown.isChecked()
        return dataclasses.replace(
            self._original,
            type=self.current_type(),
            name=name,
            first_name=first if patient else "",
            last_name=last if patient else "",
            id_number=self.id_number_edit.text().strip(),
            gender_id=self.gender_combo.currentData(),
            date_of_birth=self.birth_date(),
            age=int(age_text) if unknown and age_text.isdigit() else None,
            phone=self.phone_edit.text().strip(),
            secondary_phone=self.secondary_phone_edit.text().strip(),
            email=self.email_edit.text().strip(),
            department_id=self.department_combo.currentData(),
            municipality_id=self.municipality_combo.currentData(),
            address=self.address_edit.text().strip(),
            address2=self.address2_edit.text().strip(),
            postal_code=self.postal_code_edit.text().strip(),
            country=self.country_edit.text().strip(),
            external_file=self.external_file_edit.text().strip(),
            notes=self.notes_edit.toPlainText().strip(),
            is_blocked=self.blocked_check.isChecked(),
        )

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
        if message and self._height_without_errors is None and self.isVisible():
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
        """The form grew to show its messages: back to its size when none is left."""
        if self._height_without_errors is None or any(
            label.text() for label in self._errors.values()
        ):
            return
        height, self._height_without_errors = self._height_without_errors, None

        def shrink() -> None:  # after the hidden rows have left the nested layouts
            self.layout().activate()
            self.resize(self.width(), max(height, self.minimumSizeHint().height()))

        QTimer.singleShot(0, self, shrink)

    @staticmethod
    def _fit_error(label: QLabel, field: QWidget | None) -> None:
        """Reserve the height a wrapped message needs at its field's width (nested form
        layouts do not pass height-for-width on, so a two-line message would be clipped)."""
        if not label.text():
            label.setMinimumHeight(0)
            return
        width = field.width() if field is not None and field.width() > 50 else 300
        label.setMinimumHeight(label.heightForWidth(width))

    def resizeEvent(self, event):  # noqa: N802
        super().resizeEvent(event)
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

    # --- saving ----------------------------------------------------------------------------
    def save(self) -> bool:
        data = self.data()
        problems = customers.validate(data)
        if problems:
            self._refuse(problems)
            return False
        if not self._confirm_duplicates(data):
            return False
        try:
            if data.id is None:
                self.customer_id = customers.create(data)
            else:
                customers.update(data)
                self.customer_id = data.id
        except ValidationError as exc:
            self._refuse(exc.fields)
            return False
        except ServiceError as exc:  # e.g. PermissionDenied: say it, never fail silently
            if isinstance(exc, (ConflictError, NotFoundError)):
                return self._save_failed(exc)
            prompts.error(self, translate("customers.customer_dialog", "No se guardó"), str(exc))
            return False
        self._snapshot = None
        self.accept()
        return True

    def _refuse(self, fields: dict[str, str]) -> None:
        """Show the messages by their fields; when none is on screen, in a message box."""
        self.show_errors(fields)
        if not any(label.isVisibleTo(self) and label.text() for label in self._errors.values()):
            prompts.error(
                self,
                translate("customers.customer_dialog", "No se guardó"),
                "\n".join(fields.values()),
            )

    def _save_failed(self, exc: ServiceError) -> bool:
        if isinstance(exc, ConflictError):
            prompts.error(
                self,
                translate("customers.customer_dialog", "El cliente cambió"),
                translate(
                    "customers.customer_dialog",
                    "{exc}\n\nOtra persona guardó este cliente mientras usted lo editaba. Se "
                    "cargarán los datos actuales; revise y vuelva a aplicar sus cambios.",
                ).format(exc=exc),
            )
            self._reload_from_database()
            return False
        prompts.error(
            self, translate("customers.customer_dialog", "Cliente no encontrado"), str(exc)
        )
        super().reject()
        return False

    def _confirm_duplicates(self, data: customers.CustomerData) -> bool:
        matches = customers.find_duplicates(data)
        if not matches:
            return True
        lines = []
        for match in matches[:8]:
            parts = [match.get("name", "")]
            if match.get("id_number"):
                parts.append(
                    translate("customers.customer_dialog", "Identidad {id_number}").format(
                        id_number=match["id_number"]
                    )
                )
            if match.get("phone"):
                parts.append(
                    translate("customers.customer_dialog", "Tel. {phone}").format(
                        phone=match["phone"]
                    )
                )
            reason = match.get("reason")
            line = " · ".join(p for p in parts if p)
            lines.append(f"• {line}" + (f"  ({reason})" if reason else ""))
        if len(matches) > 8:
            lines.append(
                translate("customers.customer_dialog", "… y {v} más").format(v=len(matches) - 8)
            )
        return prompts.confirm(
            self,
            translate("customers.customer_dialog", "Posible cliente duplicado"),
            translate(
                "customers.customer_dialog",
                "Ya hay clientes registrados que parecen ser el mismo:\n\n",
            )
            + "\n".join(lines)
            + translate("customers.customer_dialog", "\n\n¿Guardar de todos modos?"),
        )

    def _reload_from_database(self) -> None:
        try:
            fresh = customers.get(self._original.id)
        except NotFoundError:
            prompts.error(
                self,
                translate("customers.customer_dialog", "Cliente no encontrado"),
                translate("customers.customer_dialog", "Este cliente ya no existe."),
            )
            super().reject()
            return
        self.load(fresh)
        self._set_error(
            "__all__",
            translate(
                "customers.customer_dialog", "Se cargaron los datos guardados por otra persona."
            ),
        )

    def is_dirty(self) -> bool:
        return self._snapshot is not None and self.data() != self._snapshot

    def reject(self) -> None:
        if self.is_dirty() and not prompts.confirm(
            self,
            translate("customers.customer_dialog", "Descartar cambios"),
            translate("customers.customer_dialog", "¿Cerrar sin guardar los cambios?"),
        ):
            return
        super().reject()

    def _focus_first(self) -> None:
        first = self.first_name_edit if self.current_type() == "cliente" else self.name_edit
        first.setFocus(Qt.FocusReason.OtherFocusReason)

    def showEvent(self, event):  # noqa: N802
        super().showEvent(event)
        self._focus_first()
