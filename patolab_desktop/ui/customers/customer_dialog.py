"""Create / edit one customer (patient or company).

Every rule lives in ``services.customers``: the dialog shows the messages of
``customers.validate`` (and of ``ValidationError.fields``) next to their fields, warns about
likely duplicates with ``customers.find_duplicates`` before saving, and reloads the form when
someone else saved the same customer first (``ConflictError``).

Fast at the desk (issue 16 C): a new patient gets the branch's department and
municipality and the country; the age is ``35``, ``8m`` or ``3d``; sex is one key;
**Enter moves on** to the next field still empty that a registration needs, and saves
when none is left (Ctrl+Enter or Ctrl+S save from anywhere). **Guardar y crear solicitud**
(Ctrl+Shift+Enter) saves and asks the caller to open the request entry for the patient
(``wants_request``). The sections are built in ``identity_section`` and
``contact_sections``; the inline errors in ``customer_form``.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ...i18n import translate
from ...services import customers, reference
from ...services.catalog import branches
from ...services.errors import (
    ConflictError,
    ConnectionLost,
    NotFoundError,
    ServiceError,
    ValidationError,
)
from .. import prompts
from ..icons import icon
from ..widgets.record_dialog import ask_about_duplicates, confirm_discard
from ..widgets.searchable_combo import SearchableCombo
from .contact_sections import ContactSections
from .customer_form import ERROR_STYLE, FieldForm
from .identity_section import MIN_BIRTH, IdentitySection, to_qdate  # noqa: F401 (re-exported)

CONTEXT = "customers.customer_dialog"
ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def _duplicate_line(match: dict) -> str:
    """A likely duplicate: name · identity · phone (why it matched)."""
    parts = [match.get("name", "")]
    if match.get("id_number"):
        parts.append(
            translate("customers.customer_dialog", "Identidad {id_number}").format(
                id_number=match["id_number"]
            )
        )
    if match.get("phone"):
        parts.append(
            translate("customers.customer_dialog", "Tel. {phone}").format(phone=match["phone"])
        )
    reason = match.get("reason")
    line = " · ".join(p for p in parts if p)
    return line + (f"  ({reason})" if reason else "")


class CustomerDialog(FieldForm, IdentitySection, ContactSections, QDialog):
    """``CustomerDialog(customer_id=None)``: new when None, else edits that customer.

    After ``exec()`` returns Accepted, ``customer_id`` is the saved customer's id and
    ``wants_request`` tells whether "Guardar y crear solicitud" was used.
    Raises ``NotFoundError`` from the constructor when ``customer_id`` does not exist.
    ``offer_request=False`` hides that button (the request entry's own F2).
    ``read_only=True`` («Ver cliente»): for a role that may see patients but not edit
    them; every field is read-only, no «Guardar», a «Cerrar» button. The identity number
    comes masked from the service as the role's permission says.
    """

    def __init__(
        self,
        customer_id: int | None = None,
        parent=None,
        initial: customers.CustomerData | None = None,
        offer_request: bool = True,
        read_only: bool = False,
    ):
        super().__init__(parent)
        self._init_fields()
        self.customer_id = customer_id
        self.wants_request = False
        self.read_only = read_only and customer_id is not None
        self._offer_request = offer_request and not self.read_only
        self._original = customers.CustomerData()
        self._snapshot: customers.CustomerData | None = None
        self._age_was_computed = False
        self.setWindowTitle(
            translate("customers.customer_dialog", "Ver cliente")
            if self.read_only
            else translate("customers.customer_dialog", "Editar cliente")
            if customer_id
            else translate("customers.customer_dialog", "Nuevo cliente")
        )
        self.setWindowIcon(
            icon("customers" if self.read_only else "edit" if customer_id else "customer_new")
        )
        self.setModal(True)
        self._build()
        if customer_id is not None:
            self.load(customers.get(customer_id))  # NotFoundError goes to the caller
        else:
            self.load(self._new_customer(initial))
        if self.read_only:
            self._make_read_only()
        self._focus_first()

    def _make_read_only(self) -> None:
        """Every field shows its value and takes no change; «Cerrar» is the only way out."""
        for widget in self.findChildren(QWidget):
            if isinstance(widget, (QLineEdit, QPlainTextEdit)):
                widget.setReadOnly(True)
                widget.setPlaceholderText("")  # «nombre@ejemplo.com» is no one's e-mail
            elif isinstance(widget, QAbstractSpinBox):
                widget.setReadOnly(True)
            elif isinstance(widget, (QComboBox, QCheckBox, QRadioButton)):
                widget.setEnabled(False)
        self.save_button.hide()
        self.save_request_button.hide()
        self.cancel_button.setText(translate("customers.customer_dialog", "Cerrar"))
        self.cancel_button.setToolTip(translate("customers.customer_dialog", "Cerrar (Esc)"))
        self.cancel_button.setDefault(True)

    @staticmethod
    def _new_customer(initial: customers.CustomerData | None) -> customers.CustomerData:
        """A new customer with the desk's defaults: the branch's department and
        municipality, the country, a DNI as the document to type."""
        data = dataclasses.replace(initial) if initial else customers.CustomerData()
        if data.department_id is None and data.municipality_id is None:
            data.department_id, data.municipality_id = branches.place()
        if not data.document_type:
            data.document_type = "rtn" if data.type == "empresa" else "dni"
        return data

    # --- construction ------------------------------------------------------------------
    def _build(self) -> None:
        identity = self._build_identity()
        contact = self._build_contact()
        consent = self._build_consent()
        address = self._build_address()
        other = self._build_other()

        self.general_error = QLabel(self)
        self.general_error.setObjectName("error___all__")
        self.general_error.setStyleSheet(ERROR_STYLE)
        self.general_error.setWordWrap(True)
        self.general_error.hide()
        self._errors["__all__"] = self.general_error
        # likely duplicates while typing (PRODUCT: «Duplicate warnings while typing»)
        self.duplicate_note = QLabel(self)
        self.duplicate_note.setObjectName("duplicate_note")
        self.duplicate_note.setStyleSheet(
            "background: #fff3e0; color: #8a4b00; padding: 4px 6px; border-radius: 3px;"
        )
        self.duplicate_note.setWordWrap(True)
        self.duplicate_note.hide()

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
        self.save_request_button = self.buttons.addButton(
            translate("customers.customer_dialog", "Guardar &y crear solicitud"),
            QDialogButtonBox.ButtonRole.ActionRole,
        )
        self.save_request_button.setIcon(icon("request_new"))
        self.save_request_button.setToolTip(
            translate(
                "customers.customer_dialog",
                "Guardar y abrir una solicitud nueva para este paciente (Ctrl+Mayús+Intro)",
            )
        )
        self.save_request_button.setVisible(self._offer_request)
        self.messages_button = self.buttons.addButton(
            translate("customers.customer_dialog", "Mensa&jes de WhatsApp…"),
            QDialogButtonBox.ButtonRole.ActionRole,
        )
        self.messages_button.setVisible(False)  # an existing patient, for notify.send
        self.messages_button.clicked.connect(self.show_messages)
        self.cancel_button = self.buttons.addButton(
            translate("customers.customer_dialog", "Cancelar"),
            QDialogButtonBox.ButtonRole.RejectRole,
        )
        self.cancel_button.setIcon(icon("cancel"))
        self.cancel_button.setToolTip(translate("customers.customer_dialog", "Cancelar (Esc)"))
        self.save_button.clicked.connect(self.save)
        self.save_request_button.clicked.connect(self.save_and_request)
        self.cancel_button.clicked.connect(self.reject)
        for keys in ("Ctrl+Return", "Ctrl+Enter", "Ctrl+S"):
            QShortcut(QKeySequence(keys), self, activated=self.save)
        if self._offer_request:
            for keys in ("Ctrl+Shift+Return", "Ctrl+Shift+Enter"):
                QShortcut(QKeySequence(keys), self, activated=self.save_and_request)

        grid = QGridLayout()
        for column, groups in enumerate(((identity, consent), (contact, address))):
            stack = QVBoxLayout()
            for group in groups:
                stack.addWidget(group)
            grid.addLayout(stack, 0, column)
        grid.addWidget(other, 1, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addStretch(1)  # a taller window leaves the rows as they are
        layout.addWidget(self.duplicate_note)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)

        self.gender_combo.addItem(translate("customers.customer_dialog", "— Seleccione —"), None)
        for data, text in reference.genders():
            self.gender_combo.addItem(text, data)

        # Enter moves on (issue 16 C): one key for sex, Enter in the searchable combos
        self.gender_combo.picked.connect(lambda: self._enter_from(self.gender_combo))
        self.department_combo.committed.connect(lambda: self._enter_from(self.department_combo))
        self.municipality_combo.committed.connect(lambda: self._enter_from(self.municipality_combo))
        for key, widget in self._inputs.items():
            self._clear_on_edit(key, widget)
        for edit in (
            self.id_number_edit,
            self.phone_edit,
            self.first_name_edit,
            self.last_name_edit,
            self.name_edit,
            self.birth_edit,
        ):
            edit.editingFinished.connect(self._warn_duplicates)
        self._set_tab_order()

    def _set_tab_order(self) -> None:
        """Down the identity column in the order a walk-in patient is asked (name, age,
        sex), then the phone, then the rest; the WhatsApp consent after the notes."""
        order = [
            *self.type_buttons.values(),
            self.first_name_edit,
            self.last_name_edit,
            self.name_edit,
            self.age_edit,
            self.gender_combo,
            self.phone_edit,
            self.document_type_combo,
            self.id_number_edit,
            self.birth_edit,
            self.birth_unknown,
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
            self.consent_combo,
            self.consent_how_combo,
            *self.consent_event_checks.values(),
            self.save_button,
            self.save_request_button,
            self.cancel_button,
        ]
        for first, second in zip(order, order[1:], strict=False):
            QWidget.setTabOrder(first, second)

    # --- Enter moves on ----------------------------------------------------------------
    def _quick_chain(self) -> list[tuple[QWidget, bool]]:
        """(field, required) in the order Enter walks them; ``required`` False for a
        field visited while empty but not needed to save (the patient's last name)."""
        if self.current_type() == "cliente":
            age = self.age_edit if self.birth_unknown.isChecked() else self.birth_edit
            people = [(self.first_name_edit, True), (self.last_name_edit, False), (age, True)]
            people.append((self.gender_combo, True))
        else:
            people = [(self.name_edit, True), (self.id_number_edit, True)]
        return [
            *people,
            (self.phone_edit, True),
            (self.department_combo, True),
            (self.municipality_combo, True),
        ]

    def _is_empty(self, widget: QWidget) -> bool:
        if widget is self.birth_edit:
            return self.birth_date() is None
        if widget is self.first_name_edit:
            return not self._composed_name()
        if hasattr(widget, "currentData"):
            return widget.currentData() is None
        return not widget.text().strip()

    def _enter_from(self, widget: QWidget | None) -> None:
        """Go to the next field of the chain still empty; save when nothing needed is."""
        chain = self._quick_chain()
        fields = [w for w, _required in chain]
        here = fields.index(widget) if widget in fields else -1
        for candidate, _required in chain[here + 1 :]:
            if self._is_empty(candidate) and candidate.isEnabled():
                self._go_to(candidate)
                return
        for candidate, required in chain[: here + 1]:
            if required and self._is_empty(candidate) and candidate is not widget:
                self._go_to(candidate)
                return
        if here >= 0 and chain[here][1] and self._is_empty(widget):
            self.save()  # shows why this field cannot stay empty
            return
        self.save()

    @staticmethod
    def _go_to(widget: QWidget) -> None:
        widget.setFocus(Qt.FocusReason.TabFocusReason)
        select = getattr(widget, "selectAll", None)
        if select is not None:
            select()

    def keyPressEvent(self, event):  # noqa: N802
        """Enter (without Ctrl) moves on instead of pressing the default button."""
        if event.key() in ENTER_KEYS and not event.modifiers() & (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
        ):
            focus = self.focusWidget()
            if isinstance(focus, SearchableCombo) or isinstance(
                focus.parentWidget() if focus else None, SearchableCombo
            ):
                event.accept()  # the combo picks its match and emits ``committed``
                return
            if focus in (self.cancel_button, self.save_request_button):
                focus.click()
                return
            event.accept()
            self._enter_from(focus)
            return
        super().keyPressEvent(event)

    # --- data in and out -------------------------------------------------------------------
    def show_messages(self) -> None:
        """The patient's WhatsApp messages (issue 18)."""
        from ..notify.messages_dialog import MessagesDialog

        if self.customer_id is not None:
            MessagesDialog(customer_id=self.customer_id, parent=self).exec()

    def load(self, data: customers.CustomerData) -> None:
        self._original = data
        self.customer_id = data.id
        from ...services.access import session

        self.messages_button.setVisible(data.id is not None and session.has("notify.send"))
        button = self.type_buttons.get(data.type) or self.type_buttons.get("cliente")
        button.setChecked(True)
        self.first_name_edit.setText(data.first_name or "")
        self.last_name_edit.setText(data.last_name or "")
        self.name_edit.setText(data.name or "")
        if data.type == "cliente" and not data.first_name and not data.last_name and data.name:
            self.first_name_edit.setText(data.name)  # imported with a single full name
        document = data.document_type or ("dni" if data.id_number else "ninguno")
        self._select(self.document_type_combo, document)
        self.id_number_edit.setText(
            customers.format_id_number(data.id_number) if data.id_number else ""
        )
        self._select(self.gender_combo, data.gender_id)
        self.birth_unknown.setChecked(data.date_of_birth is None)
        if data.date_of_birth is not None:
            self.birth_edit.setDate(to_qdate(data.date_of_birth))
        age_text = data.age_text or ("" if data.age is None else str(data.age))
        self.age_edit.setText("" if data.date_of_birth else age_text)
        self.phone_edit.setText(customers.format_phone(data.phone) if data.phone else "")
        self.secondary_phone_edit.setText(
            customers.format_phone(data.secondary_phone) if data.secondary_phone else ""
        )
        self.email_edit.setText(data.email or "")
        self.department_combo.set_current_data(data.department_id)
        self._reload_municipalities()
        self.municipality_combo.set_current_data(data.municipality_id)
        self.address_edit.setText(data.address or "")
        self.address2_edit.setText(data.address2 or "")
        self.postal_code_edit.setText(data.postal_code or "")
        self.country_edit.setText(data.country or customers.DEFAULT_COUNTRY)
        self.external_file_edit.setText(data.external_file or "")
        self.notes_edit.setPlainText(data.notes or "")
        self.blocked_check.setChecked(bool(data.is_blocked))
        index = self.consent_combo.findData(data.whatsapp_consent or "")
        self.consent_combo.setCurrentIndex(max(index, 0))
        self._load_consent_record(data)
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

    def data(self) -> customers.CustomerData:
        """The form as a CustomerData (the loaded record's id, uid and version kept)."""
        patient = self.current_type() == "cliente"
        first, last = self.first_name_edit.text().strip(), self.last_name_edit.text().strip()
        name = self._composed_name() if patient else self.name_edit.text().strip()
        unknown = self.birth_unknown.isChecked()
        age_text = self.age_edit.text().strip() if unknown else ""
        return dataclasses.replace(
            self._original,
            type=self.current_type(),
            name=name,
            first_name=first if patient else "",
            last_name=last if patient else "",
            id_number=self.id_number_edit.text().strip(),
            document_type=self.document_type(),
            gender_id=self.gender_combo.currentData(),
            date_of_birth=self.birth_date(),
            age=None,
            age_text=age_text,
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
            whatsapp_consent=self.consent_combo.currentData() or "",
            **self._consent_record(),
        )

    def resizeEvent(self, event):  # noqa: N802
        super().resizeEvent(event)
        self._refit_errors()

    # --- saving ----------------------------------------------------------------------------
    def save_and_request(self) -> bool:
        """Save, then the caller opens the request entry for this patient."""
        self.wants_request = True
        if not self.save():
            self.wants_request = False
            return False
        return True

    def save(self) -> bool:
        if self.read_only:  # Enter and Ctrl+S reach here too: nothing to save
            return False
        data = self.data()
        problems = customers.validate(data)
        if not self.birth_unknown.isChecked() and data.date_of_birth is None:
            problems.setdefault(
                "date_of_birth",
                translate(
                    "customers.customer_dialog",
                    "Escriba la fecha de nacimiento o marque «No sé la fecha».",
                ),
            )
            problems.pop("age", None)
        if problems:
            self.refuse(problems)
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
            self.refuse(exc.fields)
            return False
        except ConflictError as exc:
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
        except NotFoundError as exc:
            prompts.error(
                self, translate("customers.customer_dialog", "Cliente no encontrado"), str(exc)
            )
            super().reject()
            return False
        except ServiceError as exc:  # e.g. PermissionDenied: said, never a silent False
            prompts.error(self, translate("customers.customer_dialog", "No se guardó"), str(exc))
            return False
        self._snapshot = None
        self.accept()
        return True

    def _warn_duplicates(self) -> None:
        """Leaving the identity, a name, the phone or the date of birth: the active
        customers that look like the same person (``customers.find_duplicates``: the same
        document, or the same name with the same phone or date of birth) are named under
        the form at once, before she types the rest; saving still asks. A lost connection
        to the server is left to the save to say (a hint, not her action)."""
        try:
            found = customers.find_duplicates(self.data())
        except (ServiceError, ConnectionLost):
            found = []
        if not found:
            self.duplicate_note.hide()
            return
        lines = [_duplicate_line(match) for match in found[:3]]
        if len(found) > 3:
            lines.append(
                translate("customers.customer_dialog", "… y {v} más").format(v=len(found) - 3)
            )
        self.duplicate_note.setText(
            translate("customers.customer_dialog", "Posible cliente duplicado:")
            + "\n"
            + "\n".join(lines)
        )
        self.duplicate_note.show()

    def _confirm_duplicates(self, data: customers.CustomerData) -> bool:
        return ask_about_duplicates(
            self,
            customers.find_duplicates(data),
            _duplicate_line,
            translate("customers.customer_dialog", "Posible cliente duplicado"),
            translate(
                "customers.customer_dialog",
                "Ya hay clientes registrados que parecen ser el mismo:\n\n",
            ),
            translate("customers.customer_dialog", "\n\n¿Guardar de todos modos?"),
            translate("customers.customer_dialog", "… y {v} más"),
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
        if self.is_dirty() and not confirm_discard(self):
            return
        super().reject()

    def _focus_first(self) -> None:
        first = self.first_name_edit if self.current_type() == "cliente" else self.name_edit
        first.setFocus(Qt.FocusReason.OtherFocusReason)

    def showEvent(self, event):  # noqa: N802
        super().showEvent(event)
        self._focus_first()
