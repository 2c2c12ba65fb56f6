"""The «Contacto», «Dirección» and «Otros datos» groups of the customer dialog.

Department and municipality are ``SearchableCombo``s (type "tegu", Enter); a new
customer gets the branch's department and municipality and the country Honduras.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
)

from ...i18n import translate
from ...services import customers, reference
from ..widgets.forms import inline_row
from ..widgets.searchable_combo import SearchableCombo

CONTEXT = "customers.customer_dialog"


class ContactSections:
    """A mixin of ``CustomerDialog`` (needs ``FieldForm``)."""

    def _build_contact(self) -> QGroupBox:
        contact, form = self._section(translate("customers.customer_dialog", "Contacto"))
        self.phone_edit = self._text_field(
            form,
            "phone",
            translate("customers.customer_dialog", "&Teléfono:"),
            translate("customers.customer_dialog", "9988-7766 (WhatsApp)"),
            30,
            translate(
                "customers.customer_dialog",
                "Número principal; se usa para WhatsApp. Sin código se asume Honduras (+504).",
            ),
        )
        self.secondary_phone_edit = self._text_field(
            form,
            "secondary_phone",
            translate("customers.customer_dialog", "Teléfono &2:"),
            translate("customers.customer_dialog", "Opcional"),
            30,
        )
        self.email_edit = self._text_field(
            form,
            "email",
            translate("customers.customer_dialog", "&Correo:"),
            translate("customers.customer_dialog", "nombre@ejemplo.com"),
        )
        self.blocked_check = QCheckBox(
            translate("customers.customer_dialog", "No en&viar notificaciones (bloqueado)"), self
        )
        self._field("is_blocked", self.blocked_check, form, "")
        self.consent_combo = QComboBox(self)
        for key, label in customers.CONSENT_LABELS.items():
            self.consent_combo.addItem(translate("services.customers", label), key)
        self._field(
            "whatsapp_consent",
            self.consent_combo,
            form,
            translate("customers.customer_dialog", "Avisos &WhatsApp:"),
            translate(
                "customers.customer_dialog",
                "¿El paciente acepta avisos por WhatsApp (solicitud recibida, resultados "
                "listos)? Se guarda la fecha y quién lo registró.",
            ),
        )
        self.phone_edit.editingFinished.connect(lambda: self._format_phone(self.phone_edit))
        self.secondary_phone_edit.editingFinished.connect(
            lambda: self._format_phone(self.secondary_phone_edit)
        )
        return contact

    def _build_address(self) -> QGroupBox:
        address, form = self._section(translate("customers.customer_dialog", "Dirección"))
        self.department_combo = SearchableCombo(self)
        self._field(
            "department_id",
            self.department_combo,
            form,
            translate("customers.customer_dialog", "&Departamento:"),
            translate(
                "customers.customer_dialog", "Escriba parte del nombre (sin tildes) y pulse Intro."
            ),
        )
        self.municipality_combo = SearchableCombo(self)
        self._field(
            "municipality_id",
            self.municipality_combo,
            form,
            translate("customers.customer_dialog", "M&unicipio:"),
            translate(
                "customers.customer_dialog", "Escriba parte del nombre (sin tildes) y pulse Intro."
            ),
        )
        self.address_edit = self._text_field(
            form,
            "address",
            translate("customers.customer_dialog", "Di&rección:"),
            translate("customers.customer_dialog", "Colonia, calle, número de casa"),
        )
        self.address2_edit = self._text_field(
            form,
            "address2",
            translate("customers.customer_dialog", "Dirección 2:"),
            translate("customers.customer_dialog", "Referencia (opcional)"),
        )
        self.postal_code_edit = self._line("", customers.MAX_LENGTHS["postal_code"])
        self.country_edit = self._line("", customers.MAX_LENGTHS["country"])
        postal_row, postal_layout = inline_row(self)
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

        self.department_combo.set_items(
            reference.departments(), translate("customers.customer_dialog", "— Seleccione —")
        )
        self._reload_municipalities()
        self.department_combo.currentIndexChanged.connect(lambda *_: self._reload_municipalities())
        return address

    def _build_other(self) -> QGroupBox:
        other, form = self._section(translate("customers.customer_dialog", "Otros datos"))
        self.external_file_edit = self._text_field(
            form,
            "external_file",
            translate("customers.customer_dialog", "E&xpediente externo:"),
            translate("customers.customer_dialog", "Número de expediente en otro sistema"),
        )
        self.notes_edit = QPlainTextEdit(self)
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setPlaceholderText(
            translate("customers.customer_dialog", "Alergias, observaciones…")
        )
        self.notes_edit.setFixedHeight(52)
        self._field(
            "notes",
            self.notes_edit,
            form,
            translate("customers.customer_dialog", "Notas (a&lergias):"),
        )
        return other

    # --- dynamic parts -----------------------------------------------------------------
    def _reload_municipalities(self) -> None:
        department_id = self.department_combo.currentData()
        current = self.municipality_combo.currentData()
        items = reference.municipalities(department_id) if department_id else []
        self.municipality_combo.set_items(
            items,
            translate("customers.customer_dialog", "— Seleccione —")
            if department_id
            else translate("customers.customer_dialog", "— Elija antes el departamento —"),
            current,
        )
        self.municipality_combo.setEnabled(bool(department_id))

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
