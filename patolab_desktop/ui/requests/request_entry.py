"""The one-screen, keyboard-first entry of a lab request.

Patient (search as you type, or register a new one without leaving the screen), doctor,
priority, source, branch, clinical information, notes, investigations added by typing a
code or a name and pressing Enter, an optional manual discount with its reason, and the
running total, discount and net always in sight. Every amount comes from
``requests.preview``; ``requests.create`` saves and gives the request number.

Keys: F2 new patient · F3 new doctor · Enter picks/adds · Supr removes the selected line ·
Ctrl+S or Ctrl+Enter saves · Esc discards (after asking when something was typed).
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QWidget

from ...i18n import translate
from ...services import customers as customers_service
from ...services import requests as requests_service
from ...services.access import session
from ...services.catalog import branches as branches_service
from ...services.errors import PermissionDenied, ServiceError, ValidationError
from ...util.money import format_lempiras
from .. import prompts
from ..widgets.forms import split_errors
from ..widgets.searchable_combo import replace_items
from .common import (
    acting_user,
    discount_description,
    line_rows,
    select_data,
    show_error,
)
from .entry_layout import NEW_DOCTOR_KEY, NEW_PATIENT_KEY, EntryLayout  # noqa: F401
from .entry_texts import (  # noqa: F401 (the pickers' texts, re-exported)
    PATIENT_LIMIT,
    describe_doctor,
    describe_investigation,
    describe_patient,
    doctor_details,
    doctor_row,
    initial_customer,
    patient_details,
    search_patients,
)


def entry_refusal() -> str:
    """Why this role may not register a request ("" when it may): a request is for a
    patient, so the entry needs ``patients.view`` as well as ``lis.requests.create``
    (``requests.ENTRY_PERMISSIONS``)."""
    return session.refusal(*requests_service.ENTRY_PERMISSIONS)


def new_doctor_refusal() -> str:
    """Why this role may not register a doctor from the entry ("" when it may): it creates
    a referrer and then reads it back to pick it."""
    return session.refusal("referrers.create", "referrers.view")


class RequestEntry(EntryLayout, QWidget):
    """The entry screen. ``saved(request_id, request_number)`` after each save."""

    saved = Signal(int, str)
    open_request = Signal(int)

    def __init__(self, parent: QWidget | None = None, by: str = ""):
        super().__init__(parent)
        self._by = by
        self._patient: dict | None = None
        self._doctor: dict | None = None
        self._investigation_ids: list[int] = []
        self._line_notes: dict[int, str] = {}
        self._pricing = None
        self._last_saved: tuple[int, str] | None = None
        self._refused = ""  # why this role may not register a request ("" when it may)
        self._build()
        self._connect()
        self.clear()

    # --- state ------------------------------------------------------------------------
    def apply_permissions(self) -> None:
        """A request needs ``requests.ENTRY_PERMISSIONS`` (the patient box searches the
        patients): without them the whole form is off and says why, where the patient is
        typed. A manual discount needs its permission. The service checks both too."""
        refused, was_refused = entry_refusal(), self._refused
        self._refused = refused
        self.setEnabled(not refused)
        self.setToolTip(refused)
        if refused:
            self.patient_info.setText(refused)
        elif was_refused:  # granted meanwhile: the form as a new one shows it
            self.patient_info.setText(self._patient_hint())
            self.recalculate()
        refused_doctor = new_doctor_refusal()
        self.new_doctor_button.setEnabled(not refused_doctor)
        self.new_doctor_button.setToolTip(
            refused_doctor
            or translate(
                "requests.request_entry",
                "Registrar un médico o institución sin salir de la solicitud",
            )
        )
        manual = session.has("discounts.manual")
        for widget in (self.discount_spin, self.discount_reason):
            widget.setEnabled(manual)
            widget.setToolTip(
                ""
                if manual
                else translate(
                    "requests.request_entry", "Su rol no puede aplicar descuentos manuales."
                )
            )

    @staticmethod
    def _patient_hint() -> str:
        return translate(
            "requests.request_entry",
            "Escriba el nombre, la identidad o el teléfono y elija con Enter.",
        )

    def reload_from_database(self) -> None:
        """Re-read branches and prices (after an unexpected error); keeps what was typed."""
        self._reload_branches()
        self.apply_permissions()
        self.recalculate()

    def focus_default(self) -> None:
        self.apply_permissions()
        self.patient_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.patient_edit.selectAll()

    def patient(self) -> dict | None:
        return self._patient

    def doctor(self) -> dict | None:
        return self._doctor

    def investigation_ids(self) -> list[int]:
        return list(self._investigation_ids)

    def pricing(self):
        return self._pricing

    def _reload_branches(self) -> None:
        current = self.branch_combo.currentData()
        self.branch_combo.blockSignals(True)
        self.branch_combo.clear()
        for branch in branches_service.list_active():
            self.branch_combo.addItem(f"{branch['name']} ({branch['code']})", branch["id"])
        self.branch_combo.blockSignals(False)
        if current is not None and self.branch_combo.findData(current) >= 0:
            select_data(self.branch_combo, current)
        else:
            select_data(self.branch_combo, branches_service.default_branch_id())
        self._reload_bill_to()

    def _reload_bill_to(self) -> None:
        """The companies that may pay a request (issue 17); the patient by default."""
        from ...services.paging import PageRequest
        from .common import field

        current = self.bill_to_combo.currentData()
        try:
            page = customers_service.page(
                customers_service.CustomerFilter(type="empresa"), PageRequest(limit=300)
            )
            rows = page.rows
        except ServiceError:
            rows = []
        replace_items(
            self.bill_to_combo,
            [(field(row, "id"), field(row, "name", "")) for row in rows],
            translate("requests.request_entry", "(el paciente)"),
        )
        if current is not None and self.bill_to_combo.findData(current) >= 0:
            select_data(self.bill_to_combo, current)

    def draft(self) -> requests_service.RequestDraft:
        percent = Decimal(str(round(self.discount_spin.value(), 2)))
        return requests_service.RequestDraft(
            patient_id=self._patient["id"] if self._patient else None,
            doctor_id=self._doctor["id"] if self._doctor else None,
            priority=self.priority_combo.currentData(),
            source=self.source_combo.currentData(),
            branch_id=self.branch_combo.currentData(),
            clinical_info=self.clinical_edit.toPlainText().strip(),
            notes=self.notes_edit.toPlainText().strip(),
            investigation_ids=list(self._investigation_ids),
            line_notes={k: v for k, v in self._line_notes.items() if v.strip()},
            manual_discount_percent=percent if percent > 0 else None,
            discount_reason=self.discount_reason.text().strip(),
            bill_to_id=self.bill_to_combo.currentData(),
        )

    def is_empty(self) -> bool:
        return not (
            self._patient
            or self._doctor
            or self._investigation_ids
            or self.patient_edit.text().strip()
            or self.doctor_edit.text().strip()
            or self.investigation_edit.text().strip()
            or self.clinical_edit.toPlainText().strip()
            or self.notes_edit.toPlainText().strip()
            or self.discount_spin.value() > 0
            or self.discount_reason.text().strip()
        )

    def clear(self) -> None:
        """Empty form for the next patient (the branch stays as chosen)."""
        self._patient = None
        self._doctor = None
        self._investigation_ids = []
        self._line_notes = {}
        for edit in (self.patient_edit, self.doctor_edit, self.investigation_edit):
            edit.hide_popup()
            edit.clear()
        self.patient_info.setText(self._patient_hint())
        self.doctor_info.setText("")
        self.clinical_edit.clear()
        self.notes_edit.clear()
        select_data(self.priority_combo, "routine")
        select_data(self.source_combo, "walk_in")
        self._reload_branches()
        self.bill_to_combo.setCurrentIndex(0)
        self.discount_spin.blockSignals(True)
        self.discount_spin.setValue(0)
        self.discount_spin.blockSignals(False)
        self.discount_reason.clear()
        self.apply_permissions()
        self._clear_errors()
        self.recalculate()

    def _clear_errors(self) -> None:
        for label in (
            self.patient_error,
            self.doctor_error,
            self.branch_error,
            self.lines_error,
            self.discount_error,
            self.form_error,
        ):
            show_error(label, "")

    # --- pickers ----------------------------------------------------------------------
    def _patient_chosen(self, row: dict) -> None:
        self.set_patient(row)
        self.doctor_edit.setFocus(Qt.FocusReason.TabFocusReason)

    def _show_pick(self, role: str, row: dict, details: str) -> None:
        """Keep the chosen ``role`` ("patient" or "doctor") and show it with its details."""
        setattr(self, f"_{role}", dict(row))
        getattr(self, f"{role}_edit").show_chosen(row.get("name", ""))
        getattr(self, f"{role}_info").setText(details)
        show_error(getattr(self, f"{role}_error"), "")

    def _drop_pick(self, role: str) -> bool:
        """The ``role``'s text was edited: forget the chosen one (True when there was)."""
        if getattr(self, f"_{role}") is None:
            return False
        setattr(self, f"_{role}", None)
        getattr(self, f"{role}_info").setText("")
        return True

    def set_patient(self, row: dict) -> None:
        self._show_pick("patient", row, patient_details(row))
        self.recalculate()  # the age discount depends on the patient

    def _patient_edited(self) -> None:
        if self._drop_pick("patient"):
            self.recalculate()

    def _doctor_chosen(self, row: dict) -> None:
        self.set_doctor(row)
        self.priority_combo.setFocus(Qt.FocusReason.TabFocusReason)

    def set_doctor(self, row: dict) -> None:
        self._show_pick("doctor", row, doctor_details(row))

    def _doctor_edited(self) -> None:
        self._drop_pick("doctor")

    def _doctor_type_changed(self, _index: int) -> None:
        """Another type chosen while a name is typed: its list follows at once."""
        if self.doctor_edit.text().strip():
            self.doctor_edit.refresh_now()

    def start_for_patient(self, customer_id: int) -> bool:
        """A new request for ``customer_id`` (from the customers list or the patient
        dialog's "Guardar y crear solicitud"); asks first when a draft would be lost."""
        if not self.request_discard():  # empties the form (asking when something was typed)
            return False
        self.set_patient(customers_service.summary(customer_id))
        self.doctor_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def new_patient(self) -> None:
        """Register a patient in the customers dialog and pick them, staying on this screen."""
        from ..customers.customer_dialog import CustomerDialog

        typed = self.patient_edit.text().strip() if self._patient is None else ""
        dialog = CustomerDialog(parent=self, initial=initial_customer(typed), offer_request=False)
        if dialog.exec() and dialog.customer_id:
            self.set_patient(customers_service.summary(dialog.customer_id))
            self.doctor_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def new_doctor(self) -> None:
        """Register the referring doctor (or institution) in the referrer dialog, with the
        typed name and the chosen type, and pick them; the rest of the request stays."""
        from ...services.catalog import referrers as referrers_service
        from ..referrers.referrer_dialog import ReferrerDialog

        refused = new_doctor_refusal()
        if refused:  # the button is off; F3 says why where the doctor is typed
            show_error(self.doctor_error, refused)
            return
        typed = self.doctor_edit.text().strip() if self._doctor is None else ""
        self.doctor_edit.hide_popup()
        initial = referrers_service.ReferrerData(
            name=typed, type_id=self.doctor_type_combo.currentData()
        )
        dialog = ReferrerDialog(parent=self, initial=initial)
        if dialog.exec() and dialog.saved_id is not None:
            self.set_doctor(doctor_row(dialog.saved_id))
            self.priority_combo.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.doctor_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- lines ------------------------------------------------------------------------
    def _describe_investigation(self, row: dict) -> str:
        already = (
            translate("requests.request_entry", "   ✓ ya está en la solicitud")
            if self._on_request(row["id"])
            else ""
        )
        return describe_investigation(row) + already

    def _on_request(self, investigation_id: int) -> bool:
        return self._name_on_request(investigation_id) is not None

    def _name_on_request(self, investigation_id: int) -> str | None:
        """The name of ``investigation_id`` when the request already holds it: a line, or a
        panel inside one of its panels (no line; ``Pricing.inner_panels``)."""
        for row in self.lines_model.rows():
            if row["investigation_id"] == investigation_id:
                return row["name"]
        return self._pricing.inner_panels.get(investigation_id) if self._pricing else None

    def add_investigation(self, investigation_id: int) -> bool:
        """Add an investigation (a panel brings its members); never twice."""
        show_error(self.lines_error, "")
        held = self._name_on_request(investigation_id)
        if investigation_id in self._investigation_ids or held is not None:
            name = held or translate("requests.request_entry", "La investigación")
            show_error(
                self.lines_error,
                translate(
                    "requests.request_entry",
                    "«{name}» ya está en la solicitud; no se agrega dos veces.",
                ).format(name=name),
            )
            return False
        self._investigation_ids.append(investigation_id)
        if not self.recalculate():  # e.g. deactivated in the catalog meanwhile
            message = self.lines_error.text()
            self._investigation_ids.remove(investigation_id)
            self.recalculate()
            show_error(self.lines_error, message)
            return False
        self._select_line(investigation_id)
        return True

    def _select_line(self, investigation_id: int) -> None:
        for row, line in enumerate(self.lines_model.rows()):
            if line["investigation_id"] == investigation_id:
                self.lines_view.selectRow(row)
                self.lines_view.scrollTo(self.lines_model.index(row, 0))
                return

    def remove_selected_line(self) -> None:
        index = self.lines_view.currentIndex()
        if not index.isValid():
            return
        self.remove_line(index.row())

    def remove_line(self, row: int) -> bool:
        line = self.lines_model.row_dict(row)
        if line["is_member"]:
            panel = next(
                (
                    r["name"]
                    for r in self.lines_model.rows()
                    if r["investigation_id"] == line["parent_investigation_id"]
                ),
                translate("requests.request_entry", "su panel"),
            )
            show_error(
                self.lines_error,
                translate(
                    "requests.request_entry",
                    "«{name}» es parte del panel «{panel}»: quite el panel para quitarla.",
                ).format(name=line["name"], panel=panel),
            )
            return False
        show_error(self.lines_error, "")
        investigation_id = line["investigation_id"]
        if investigation_id in self._investigation_ids:
            self._investigation_ids.remove(investigation_id)
        self._line_notes.pop(investigation_id, None)
        self.recalculate()
        remaining = self.lines_model.rowCount()
        if remaining:
            self.lines_view.selectRow(min(row, remaining - 1))
        return True

    def _line_edited(self, row: int, key: str, value) -> None:
        if key == "notes":
            self._line_notes[self.lines_model.row_dict(row)["investigation_id"]] = str(value)

    # --- pricing ----------------------------------------------------------------------
    def recalculate(self) -> bool:
        """Ask the service for the lines and amounts of the current draft."""
        if self._refused:  # the form is off and already says why (``apply_permissions``)
            return False
        draft = self.draft()
        show_error(self.discount_error, "")
        try:
            pricing = requests_service.preview(draft)
        except ValidationError as exc:
            lines = {k: v for k, v in exc.fields.items() if k in self._LINE_FIELDS}
            show_error(self.lines_error, "\n".join(lines.values()))
            show_error(
                self.discount_error, "\n".join(v for k, v in exc.fields.items() if k not in lines)
            )
            return False
        except PermissionDenied as exc:  # a role without lis.requests.create (issue 5)
            show_error(self.discount_error, str(exc))
            return False
        self._pricing = pricing
        rows = line_rows(pricing.lines)
        for row in rows:
            row["notes"] = self._line_notes.get(row["investigation_id"], row["notes"])
        self.lines_model.set_rows(rows)
        show_error(self.lines_info, "\n".join(getattr(pricing, "warnings", None) or []))
        charged = pricing.charged  # as a factura will charge it, ISV included
        self.totals.set_totals(
            charged.subtotal,
            charged.discounts,
            charged.total,
            discount_description(
                pricing.discount_kind, pricing.discount_percent, pricing.patient_age
            ),
            tax=charged.isv15 + charged.isv18,
        )
        return True

    _LINE_FIELDS = {"investigation_ids", "investigations", "investigation_id", "lines"}

    # --- save / discard ---------------------------------------------------------------
    def save(self) -> tuple[int, str] | None:
        self._clear_errors()
        self.recalculate()
        try:
            request_id, number = requests_service.create(self.draft(), by=acting_user(self._by))
        except ValidationError as exc:
            self._show_validation(exc.fields)
            return None
        except ServiceError as exc:
            show_error(self.form_error, str(exc))
            prompts.error(
                self, translate("requests.request_entry", "No se guardó la solicitud"), str(exc)
            )
            return None
        charged = self._pricing.charged if self._pricing is not None else None
        net = charged.total if charged is not None else 0  # as the factura will charge it
        patient = self._patient["name"] if self._patient else ""
        self._last_saved = (request_id, number)
        self.saved_banner.setText(
            translate(
                "requests.request_entry",
                "Solicitud {number} guardada · {patient} · Neto {format_lempiras}",
            ).format(number=number, patient=patient, format_lempiras=format_lempiras(net))
        )
        self.saved_banner.show()
        self.open_saved_button.show()
        can_print = session.has("prints.run")
        self.print_saved_button.setVisible(can_print)
        self.labels_saved_button.setVisible(can_print)
        self.clear()
        self.saved.emit(request_id, number)
        self.focus_default()
        return request_id, number

    def last_saved(self) -> tuple[int, str] | None:
        return self._last_saved

    def print_last_summary(self) -> None:
        """Print preview of the summary of the request just saved (for the patient)."""
        if self._last_saved:
            from ..printing import actions

            actions.preview_summary(self, self._last_saved[0])

    def print_last_labels(self) -> None:
        if self._last_saved:
            from ..printing import actions

            actions.preview_labels(self, self._last_saved[0])

    def _open_saved(self) -> None:
        if self._last_saved:
            self.open_request.emit(self._last_saved[0])

    # the service's field names -> (error label, input) of this form
    _FIELD_TARGETS = {
        name: target
        for target, names in (
            (("patient_error", "patient_edit"), ("patient_id", "patient")),
            (("doctor_error", "doctor_edit"), ("doctor_id", "doctor")),
            (("branch_error", "branch_combo"), ("branch_id", "branch")),
            (
                ("lines_error", "investigation_edit"),
                ("investigation_ids", "investigations", "lines"),
            ),
            (("discount_error", "discount_spin"), ("manual_discount_percent", "discount_percent")),
            (("discount_error", "discount_reason"), ("discount_reason",)),
        )
        for name in names
    }

    def _show_validation(self, fields: dict[str, str]) -> None:
        first = None
        placed, general = split_errors(fields, self._FIELD_TARGETS)
        for name, message in placed.items():
            target = self._FIELD_TARGETS[name]
            label = getattr(self, target[0])
            show_error(
                label, "\n".join(filter(None, (label.text() if label.isVisible() else "", message)))
            )
            first = first or getattr(self, target[1])
        show_error(self.form_error, "\n".join(general))
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)

    def request_discard(self) -> bool:
        """Esc: empty the form, asking first when something was typed. True when emptied."""
        if self.is_empty():
            self.clear()
            return True
        if not prompts.confirm(
            self,
            translate("requests.request_entry", "Descartar solicitud"),
            translate(
                "requests.request_entry",
                "¿Descartar la solicitud que está escribiendo? No se guardará nada.",
            ),
        ):
            return False
        self.clear()
        self.focus_default()
        return True

    def keyPressEvent(self, e):  # noqa: N802
        if e.key() == Qt.Key.Key_Escape and not e.modifiers():
            self.request_discard()
            e.accept()
            return
        super().keyPressEvent(e)
