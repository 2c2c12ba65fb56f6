"""The «Identificación» group of the customer dialog: type, names, age, sex, identity
document and date of birth, and what changes as they are typed.

* the age is typed as ``35`` (years), ``8m`` (months) or ``3d`` (days); with a date of
  birth it is computed and read-only;
* "No sé la fecha" leaves the date empty: no birth date is ever invented;
* sex is one key (M/H/O in Spanish): the key picks it and the form moves on;
* the document type (DNI, RTN, pasaporte, carné de residente, ninguno) says how the
  number is checked; a company always has an RTN.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QT_TRANSLATE_NOOP, QDate, QRegularExpression, Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGroupBox,
    QLabel,
    QLineEdit,
    QRadioButton,
)

from ...i18n import translate
from ...services import customers
from ...services.texts import translated_labels
from ...util.text import digits, fold
from ..widgets.forms import inline_row

CONTEXT = "customers.customer_dialog"
MIN_BIRTH = QDate(1900, 1, 1)
TYPE_MNEMONICS = {
    "cliente": QT_TRANSLATE_NOOP("customers.customer_dialog", "&Paciente"),
    "empresa": QT_TRANSLATE_NOOP("customers.customer_dialog", "E&mpresa"),
}
NUMBER_HINTS = {
    "dni": QT_TRANSLATE_NOOP("customers.customer_dialog", "0801-1990-12345 (13 dígitos)"),
    "rtn": QT_TRANSLATE_NOOP("customers.customer_dialog", "08011990123456 (14 dígitos)"),
    "pasaporte": QT_TRANSLATE_NOOP(
        "customers.customer_dialog", "Letras y números, p. ej. F1234567"
    ),
    "residente": QT_TRANSLATE_NOOP("customers.customer_dialog", "Número del carné"),
    "ninguno": QT_TRANSLATE_NOOP("customers.customer_dialog", "Sin documento"),
}


def to_qdate(value: dt.date) -> QDate:
    return QDate(value.year, value.month, value.day)


def to_date(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


class OneKeyCombo(QComboBox):
    """A short list chosen with one key: the first item whose text starts with the
    letter typed (accents ignored) is picked and ``picked`` is emitted."""

    picked = Signal()

    def keyPressEvent(self, event):  # noqa: N802
        text = fold(event.text())
        if (
            len(text) == 1
            and text.isalpha()
            and not event.modifiers()
            & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
        ):
            for index in range(self.count()):
                if self.itemData(index) is not None and fold(self.itemText(index)).startswith(text):
                    self.setCurrentIndex(index)
                    self.picked.emit()
                    event.accept()
                    return
        super().keyPressEvent(event)


class IdentitySection:
    """A mixin of ``CustomerDialog`` (needs ``FieldForm``)."""

    def _build_identity(self) -> QGroupBox:
        identity, form = self._section(translate("customers.customer_dialog", "Identificación"))

        type_row, type_layout = inline_row(self)
        self.type_group = QButtonGroup(self)
        self.type_buttons: dict[str, QRadioButton] = {}
        for number, (code, label) in enumerate(customers.TYPE_LABELS.items()):
            text = TYPE_MNEMONICS.get(code)
            button = QRadioButton(
                translate("customers.customer_dialog", text)
                if text
                else translate("ServiceLabels", label),
                type_row,
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

        self.first_name_edit = self.first_name_row = self._text_field(
            form,
            "first_name",
            translate("customers.customer_dialog", "&Nombres:"),
            translate("customers.customer_dialog", "Nombres del paciente"),
        )
        self.last_name_edit = self.last_name_row = self._text_field(
            form,
            "last_name",
            translate("customers.customer_dialog", "&Apellidos:"),
            translate("customers.customer_dialog", "Apellidos del paciente"),
        )
        self.name_edit = self.name_row = self._text_field(
            form,
            "name",
            translate("customers.customer_dialog", "&Nombre:"),
            translate("customers.customer_dialog", "Razón social o nombre de la institución"),
        )

        self.age_edit = self._line(translate("customers.customer_dialog", "35, 8m o 3d"), 10)
        self.age_edit.setValidator(
            # Unicode letters: without the option \W takes «ñ» and «í» for non-letters
            # and the validator ate them from «35 años» and «3 días»
            QRegularExpressionValidator(
                QRegularExpression(
                    r"\d{0,3}\s*[^\d\W]{0,6}",
                    QRegularExpression.PatternOption.UseUnicodePropertiesOption,
                ),
                self,
            )
        )
        self.age_edit.setFixedWidth(
            self.age_edit.fontMetrics().horizontalAdvance("35, 8m o 3d") + 28
        )
        self.age_edit.setToolTip(
            translate(
                "customers.customer_dialog", "Años (35), meses (8m) o días (3d) para los bebés."
            )
        )
        self.age_note = QLabel(self)
        self.age_note.setStyleSheet("color: #6b6b6b;")
        age_row, age_layout = inline_row(self)
        age_layout.addWidget(self.age_edit)
        age_layout.addWidget(self.age_note, 1)
        age_row.setFocusProxy(self.age_edit)
        self._field("age", age_row, form, translate("customers.customer_dialog", "&Edad:"))
        self._inputs["age"] = self.age_edit

        self.gender_combo = OneKeyCombo(self)
        self.gender_combo.setToolTip(
            translate("customers.customer_dialog", "Una tecla: M (mujer), H (hombre), O (otro).")
        )
        self._field(
            "gender_id", self.gender_combo, form, translate("customers.customer_dialog", "&Género:")
        )

        document_row, document_layout = inline_row(self)
        self.document_type_combo = QComboBox(document_row)
        for code, text in translated_labels(customers.DOCUMENT_TYPES).items():
            self.document_type_combo.addItem(text, code)
        self.id_number_edit = self._line("", 24)
        self.id_number_edit.setToolTip(
            translate(
                "customers.customer_dialog", "Escriba solo los números; los guiones se ponen solos."
            )
        )
        document_layout.addWidget(self.document_type_combo)
        document_layout.addWidget(self.id_number_edit, 1)
        document_row.setFocusProxy(self.id_number_edit)
        self._field(
            "id_number", document_row, form, translate("customers.customer_dialog", "&Identidad:")
        )
        self._inputs["id_number"] = self.id_number_edit

        birth_row, birth_layout = inline_row(self)
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
        self.identity_form = form

        self.type_group.idToggled.connect(lambda *_: self._type_changed())
        self.birth_unknown.toggled.connect(lambda *_: self._birth_mode_changed())
        self.birth_unknown.clicked.connect(self._birth_unknown_clicked)
        self.birth_edit.dateChanged.connect(lambda *_: self._show_computed_age())
        self.age_edit.textChanged.connect(lambda *_: self._show_age_note())
        self.document_type_combo.currentIndexChanged.connect(lambda *_: self._document_changed())
        self.id_number_edit.editingFinished.connect(self._format_id_number)
        return identity

    # --- type and names ---------------------------------------------------------------
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
        if not patient:  # the law asks a company for its RTN
            self._select(self.document_type_combo, "rtn")
        self.document_type_combo.setEnabled(patient)
        self.age_edit.setPlaceholderText(
            translate("customers.customer_dialog", "35, 8m o 3d")
            if patient
            else translate("customers.customer_dialog", "Opcional")
        )
        self._document_changed()

    def _composed_name(self) -> str:
        return " ".join(
            p
            for p in (self.first_name_edit.text().strip(), self.last_name_edit.text().strip())
            if p
        )

    # --- identity document ------------------------------------------------------------
    def document_type(self) -> str:
        return self.document_type_combo.currentData() or "ninguno"

    def _document_changed(self) -> None:
        kind = self.document_type()
        none = kind == "ninguno"
        if none and "*" not in self.id_number_edit.text():
            self.id_number_edit.clear()
        self.id_number_edit.setEnabled(not none)
        self.id_number_edit.setPlaceholderText(
            translate("customers.customer_dialog", NUMBER_HINTS.get(kind, ""))
        )
        self._set_error("id_number", "")

    def _format_id_number(self) -> None:
        raw = self.id_number_edit.text()
        if "*" in raw:
            return  # masked for this role: shown as it came
        kind = self.document_type()
        if kind in ("pasaporte", "residente"):
            self.id_number_edit.setText("".join(raw.replace("-", "").split()).upper())
            return
        number = digits(raw)
        if len(number) in (13, 14) and number == raw.replace("-", "").replace(" ", ""):
            self.id_number_edit.setText(customers.format_id_number(number))

    # --- date of birth and age ----------------------------------------------------------
    def _birth_mode_changed(self) -> None:
        unknown = self.birth_unknown.isChecked()
        self.birth_edit.setEnabled(not unknown)
        self.birth_edit.parentWidget().setFocusProxy(
            self.birth_unknown if unknown else self.birth_edit
        )
        if unknown:
            self.birth_edit.setDate(self.birth_edit.minimumDate())  # shows blank
        # typed again: the date stays empty until it is typed (no invented 1 January)
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
        return to_date(self.birth_edit.date())

    def _show_computed_age(self) -> None:
        born = self.birth_date()
        if born is None:
            if self._age_was_computed:
                self.age_edit.clear()
            self._age_was_computed = False
            self._show_age_note()
            return
        age = customers.age_on(customers.CustomerData(date_of_birth=born), dt.date.today())
        self.age_edit.setText("" if age is None else str(age))
        self._age_was_computed = True
        self.age_note.setText(
            translate(
                "customers.customer_dialog", "años, calculada hoy desde la fecha de nacimiento"
            )
        )

    def _show_age_note(self) -> None:
        if self._age_was_computed:
            return
        if not self.birth_unknown.isChecked():
            self.age_note.setText(
                translate("customers.customer_dialog", "escriba la fecha de nacimiento")
            )
            return
        text = self.age_edit.text().strip()
        try:
            label = customers.age_label(text) if text else ""
        except ValueError:
            label = ""
        self.age_note.setText(
            translate("customers.customer_dialog", "{age}, declarada hoy").format(age=label)
            if label
            else translate("customers.customer_dialog", "declarada (sin fecha de nacimiento)")
        )

    @staticmethod
    def _select(combo: QComboBox, value) -> None:
        index = combo.findData(value) if value is not None else 0
        combo.setCurrentIndex(max(index, 0))
