"""The «Contacto», «Dirección» and «Otros datos» groups of the customer dialog.

Department and municipality are ``SearchableCombo``s (type "tegu", Enter); a new
customer gets the branch's department and municipality and the country Honduras. A
WhatsApp «Sí» shows «¿Cómo?» (how the patient gave consent) and «Mensajes» (the kinds of
message accepted, unticked until the patient says which): NOTIFICATIONS.md asks to record
who consented, when, how and for which messages.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from ...i18n import translate
from ...services import customers, reference
from ...services.notify.events import CONSENT_EVENTS, EVENT_LABELS
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

    def _build_consent(self) -> QGroupBox:
        """«Avisos por WhatsApp»: the consent, and while it is «Sí» how it was given and
        the kinds of message accepted (its own group, under the identity: the contact
        column would grow past a 1024 × 768 screen with its messages shown)."""
        group, form = self._section(translate("customers.customer_dialog", "Avisos por WhatsApp"))
        self._consent_form = form
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
        self.consent_how_combo = QComboBox(self)
        self.consent_how_combo.addItem(translate("customers.customer_dialog", "— Elija —"), "")
        for key, text in customers.CONSENT_HOW_LABELS.items():
            if key != customers.CONSENT_HOW_UNKNOWN:  # only shown on a record that has it
                self.consent_how_combo.addItem(translate("ServiceLabels", text), key)
        self._field(
            "consent_how",
            self.consent_how_combo,
            form,
            translate("customers.customer_dialog", "¿Cómo?"),
            translate("customers.customer_dialog", "Cómo dio el paciente su consentimiento."),
        )
        self.consent_events_row = row = QWidget(self)
        grid = QGridLayout(row)
        grid.setContentsMargins(0, 0, 0, 0)
        self.consent_event_checks: dict[str, QCheckBox] = {}
        for index, code in enumerate(CONSENT_EVENTS):
            box = QCheckBox(translate("services.notify", EVENT_LABELS[code]), row)
            box.toggled.connect(lambda *_: self._set_error("consent_events", ""))
            grid.addWidget(box, index // 2, index % 2)
            self.consent_event_checks[code] = box
        row.setFocusProxy(self.consent_event_checks[CONSENT_EVENTS[0]])
        row.setMinimumHeight(row.sizeHint().height())  # never squeezed under its errors
        self._field(
            "consent_events",
            row,
            form,
            translate("customers.customer_dialog", "Mensajes:"),
            translate(
                "customers.customer_dialog",
                "Los avisos que el paciente acepta recibir; los demás no se le envían.",
            ),
        )
        self.consent_combo.currentIndexChanged.connect(lambda *_: self._show_consent_record())
        return group

    def _show_consent_record(self) -> None:
        shown = self.consent_combo.currentData() == "yes"
        for widget in (self.consent_how_combo, self.consent_events_row):
            self._consent_form.setRowVisible(widget, shown)
        if not shown:  # a «No» or «No preguntado» asks nothing more
            self._set_error("consent_how", "")
            self._set_error("consent_events", "")

    def _load_consent_record(self, data: customers.CustomerData) -> None:
        """How and which messages of ``data``; «No registrado» is offered only to a
        consent recorded before the app asked how (it keeps it while unchanged)."""
        combo = self.consent_how_combo
        unknown = combo.findData(customers.CONSENT_HOW_UNKNOWN)
        if data.consent_how == customers.CONSENT_HOW_UNKNOWN and unknown < 0:
            text = customers.CONSENT_HOW_LABELS[customers.CONSENT_HOW_UNKNOWN]
            combo.addItem(translate("ServiceLabels", text), customers.CONSENT_HOW_UNKNOWN)
        elif data.consent_how != customers.CONSENT_HOW_UNKNOWN and unknown >= 0:
            combo.removeItem(unknown)
        combo.setCurrentIndex(max(combo.findData(data.consent_how or ""), 0))
        accepted = set((data.consent_events or "").split(","))
        for code, box in self.consent_event_checks.items():
            box.setChecked(code in accepted)
        self._show_consent_record()

    def _consent_record(self) -> dict[str, str]:
        """``consent_how`` and ``consent_events`` as the form says ("" without a «Sí»)."""
        if self.consent_combo.currentData() != "yes":
            return {"consent_how": "", "consent_events": ""}
        ticked = [code for code, box in self.consent_event_checks.items() if box.isChecked()]
        return {
            "consent_how": self.consent_how_combo.currentData() or "",
            "consent_events": ",".join(ticked),
        }

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
