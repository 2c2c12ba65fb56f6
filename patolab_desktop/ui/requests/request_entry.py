"""The one-screen, keyboard-first entry of a lab request.

Patient (search as you type, or register a new one without leaving the screen), doctor,
priority, source, branch, clinical information, notes, investigations added by typing a
code or a name and pressing Enter, an optional manual discount with its reason, and the
running total, discount and net always in sight. Every amount comes from
``requests.preview``; ``requests.create`` saves and gives the request number.

Keys: F2 new patient · Enter picks/adds · Supr removes the selected line ·
Ctrl+S or Ctrl+Enter saves · Esc discards (after asking when something was typed).
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...i18n import translate
from ...services import catalog as catalog_service
from ...services import customers as customers_service
from ...services import requests as requests_service
from ...services.access import session
from ...services.catalog import branches as branches_service
from ...services.catalog import referrers as referrers_service
from ...services.errors import PermissionDenied, ServiceError, ValidationError
from ...services.paging import PageRequest
from ...util.money import format_lempiras
from .. import prompts
from ..icons import icon
from ..widgets.table import make_table_view
from .common import (
    LookupEdit,
    RowsModel,
    TotalsBar,
    acting_user,
    discount_description,
    error_label,
    fill_combo,
    line_columns,
    line_rows,
    select_data,
    show_error,
    value_label,
)

PATIENT_LIMIT = 20
NEW_PATIENT_KEY = "F2"


# --- pickers' text ---------------------------------------------------------------------
def describe_patient(row: dict) -> str:
    parts = [row.get("name") or ""]
    extra = []
    if row.get("id_number"):
        extra.append(str(row["id_number"]))
    if row.get("age") is not None:
        extra.append(translate("requests.request_entry", "{age} años").format(age=row["age"]))
    if row.get("gender"):
        extra.append(str(row["gender"]))
    if row.get("phone"):
        extra.append(str(row["phone"]))
    if extra:
        parts.append(" · ".join(extra))
    return "  —  ".join(parts)


def patient_details(row: dict) -> str:
    extra = []
    if row.get("id_number"):
        extra.append(
            translate("requests.request_entry", "Identidad {id_number}").format(
                id_number=row["id_number"]
            )
        )
    extra.append(
        translate("requests.request_entry", "{age} años").format(age=row["age"])
        if row.get("age") is not None
        else translate("requests.request_entry", "edad desconocida")
    )
    if row.get("gender"):
        extra.append(str(row["gender"]))
    if row.get("phone"):
        extra.append(str(row["phone"]))
    return " · ".join(extra)


def describe_doctor(row: dict) -> str:
    extra = [str(row[k]) for k in ("type", "institution", "phone") if row.get(k)]
    return f"{row.get('name', '')}  —  {' · '.join(extra)}" if extra else str(row.get("name", ""))


def doctor_details(row: dict) -> str:
    return " · ".join(str(row[k]) for k in ("type", "institution", "phone") if row.get(k))


def describe_investigation(row: dict) -> str:
    panel = translate("requests.request_entry", "  [panel]") if row.get("is_panel") else ""
    sample = f" · {row['sample_type']}" if row.get("sample_type") else ""
    price = format_lempiras(row.get("price"))
    return f"{row.get('code', '')}  {row.get('name', '')}{panel}{sample} · {price}"


def initial_customer(typed: str) -> customers_service.CustomerData:
    """What the receptionist already typed in the patient field, for the new-patient form."""
    data = customers_service.CustomerData(type="cliente")
    digits = "".join(ch for ch in typed if ch.isdigit())
    if digits and len(digits) >= len(typed.replace("-", "").replace(" ", "")) - 1:
        if len(digits) in (13, 14):
            data.id_number = digits
        else:
            data.phone = digits
        return data
    words = typed.split()
    if len(words) >= 2:
        half = len(words) // 2 if len(words) != 3 else 1
        data.first_name, data.last_name = " ".join(words[:half]), " ".join(words[half:])
    else:
        data.first_name = typed
    return data


def search_patients(text: str) -> list[dict]:
    page = customers_service.page(
        customers_service.CustomerFilter(search=text), PageRequest(limit=PATIENT_LIMIT)
    )
    return page.rows


class RequestEntry(QWidget):
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
        self._build()
        self._connect()
        self.clear()

    # --- building ---------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)

        title_row = QHBoxLayout()
        title = QLabel(translate("requests.request_entry", "Nueva solicitud"))
        title.setStyleSheet("font-size: 14pt; font-weight: 600;")
        title_row.addWidget(title)
        title_row.addStretch(1)
        self.saved_banner = QLabel()
        self.saved_banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.saved_banner.setStyleSheet(
            "background: #e8f5e9; color: #1b5e20; border: 1px solid #a5d6a7;"
            " border-radius: 4px; padding: 3px 8px; font-weight: 600;"
        )
        self.saved_banner.hide()
        self.open_saved_button = QPushButton(
            icon("request_detail"), translate("requests.request_entry", "Ver solicitud")
        )
        self.open_saved_button.hide()
        self.print_saved_button = QPushButton(
            icon("print"), translate("requests.request_entry", "Resumen (Ctrl+P)")
        )
        self.print_saved_button.setToolTip(
            translate(
                "requests.request_entry",
                "Vista previa e impresión del resumen de la solicitud guardada",
            )
        )
        self.labels_saved_button = QPushButton(
            icon("print"), translate("requests.request_entry", "Etiquetas (Ctrl+E)")
        )
        self.labels_saved_button.setToolTip(
            translate("requests.request_entry", "Etiquetas de tubos de la solicitud guardada")
        )
        title_row.addWidget(self.saved_banner)
        for button in (self.open_saved_button, self.print_saved_button, self.labels_saved_button):
            button.hide()
            title_row.addWidget(button)
        outer.addLayout(title_row)

        # patient, doctor, priority, source, branch
        form = QGridLayout()
        form.setHorizontalSpacing(8)
        form.setVerticalSpacing(2)
        self.patient_edit = LookupEdit(
            search_patients,
            describe_patient,
            translate("requests.request_entry", "Paciente: nombre, identidad o teléfono"),
            display=lambda r: r.get("name", ""),
            min_chars=2,
        )
        self.patient_edit.setObjectName("patient")
        self.new_patient_button = QPushButton(
            icon("customer_new"),
            translate("requests.request_entry", "Nuevo paciente… ({NEW_PATIENT_KEY})").format(
                NEW_PATIENT_KEY=NEW_PATIENT_KEY
            ),
        )
        self.new_patient_button.setToolTip(
            translate("requests.request_entry", "Registrar un paciente sin salir de la solicitud")
        )
        self.patient_info = value_label()
        self.patient_error = error_label()
        self.doctor_edit = LookupEdit(
            lambda t: referrers_service.search(t, limit=20),
            describe_doctor,
            translate("requests.request_entry", "Médico o institución que remite"),
            display=lambda r: r.get("name", ""),
        )
        self.doctor_edit.setObjectName("doctor")
        self.doctor_info = value_label()
        self.doctor_error = error_label()
        patient_label = QLabel(translate("requests.request_entry", "Pacien&te *"))
        patient_label.setBuddy(self.patient_edit)
        doctor_label = QLabel(translate("requests.request_entry", "&Médico *"))
        doctor_label.setBuddy(self.doctor_edit)
        form.addWidget(patient_label, 0, 0)
        patient_row = QHBoxLayout()
        patient_row.addWidget(self.patient_edit, 1)
        patient_row.addWidget(self.new_patient_button)
        form.addLayout(patient_row, 0, 1)
        form.addWidget(self.patient_info, 1, 1)
        form.addWidget(self.patient_error, 2, 1)
        form.addWidget(doctor_label, 3, 0)
        form.addWidget(self.doctor_edit, 3, 1)
        form.addWidget(self.doctor_info, 4, 1)
        form.addWidget(self.doctor_error, 5, 1)

        self.priority_combo = QComboBox()
        fill_combo(self.priority_combo, requests_service.PRIORITY_LABELS, "priority_")
        self.source_combo = QComboBox()
        fill_combo(self.source_combo, requests_service.SOURCE_LABELS)
        self.branch_combo = QComboBox()
        self.branch_error = error_label()
        side = QGridLayout()
        side.setVerticalSpacing(4)
        for row, (text, widget) in enumerate(
            (
                (translate("requests.request_entry", "Priori&dad"), self.priority_combo),
                (translate("requests.request_entry", "&Origen"), self.source_combo),
                (translate("requests.request_entry", "Sucursa&l"), self.branch_combo),
            )
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            side.addWidget(label, row, 0)
            side.addWidget(widget, row, 1)
        side.addWidget(self.branch_error, 3, 1)
        side.setRowStretch(4, 1)

        top = QHBoxLayout()
        top.addLayout(form, 3)
        top.addSpacing(16)
        top.addLayout(side, 1)
        outer.addLayout(top)

        texts = QGridLayout()
        self.clinical_edit = QPlainTextEdit()
        self.clinical_edit.setPlaceholderText(
            translate(
                "requests.request_entry", "Motivo del examen, diagnóstico presuntivo, medicamentos…"
            )
        )
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setPlaceholderText(
            translate("requests.request_entry", "Ayuno, entrega de resultados, observaciones…")
        )
        for edit in (self.clinical_edit, self.notes_edit):
            edit.setTabChangesFocus(True)
            edit.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 12)
        clinical_label = QLabel(translate("requests.request_entry", "In&formación clínica"))
        clinical_label.setBuddy(self.clinical_edit)
        notes_label = QLabel(translate("requests.request_entry", "&Notas"))
        notes_label.setBuddy(self.notes_edit)
        texts.addWidget(clinical_label, 0, 0)
        texts.addWidget(notes_label, 0, 1)
        texts.addWidget(self.clinical_edit, 1, 0)
        texts.addWidget(self.notes_edit, 1, 1)
        outer.addLayout(texts)

        # investigations
        box = QGroupBox(translate("requests.request_entry", "Investigaciones"))
        box_layout = QVBoxLayout(box)
        add_row = QHBoxLayout()
        self.investigation_edit = LookupEdit(
            lambda t: catalog_service.search(t, limit=20),
            self._describe_investigation,
            translate(
                "requests.request_entry", "Código o nombre de la investigación — Enter la agrega"
            ),
            clear_on_choose=True,
        )
        self.investigation_edit.setObjectName("investigation")
        add_label = QLabel(translate("requests.request_entry", "Agregar &investigación"))
        add_label.setBuddy(self.investigation_edit)
        self.remove_line_button = QPushButton(
            icon("remove"), translate("requests.request_entry", "Quitar línea (Supr)")
        )
        add_row.addWidget(add_label)
        add_row.addWidget(self.investigation_edit, 1)
        add_row.addWidget(self.remove_line_button)
        box_layout.addLayout(add_row)
        self.lines_error = error_label()
        box_layout.addWidget(self.lines_error)
        self.lines_info = QLabel()
        self.lines_info.setWordWrap(True)
        self.lines_info.setStyleSheet("color: #8d5a00;")
        self.lines_info.hide()
        box_layout.addWidget(self.lines_info)
        self.lines_model = RowsModel(
            line_columns(), self, editable=lambda r: set() if r["is_member"] else {"notes"}
        )
        self.lines_view = make_table_view(self)
        self.lines_view.setSortingEnabled(False)
        self.lines_view.setModel(self.lines_model)
        self.lines_view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        header = self.lines_view.horizontalHeader()
        header.setSortIndicatorShown(False)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        for column, width in ((0, 80), (2, 140), (3, 110), (4, 110), (5, 110), (6, 160)):
            self.lines_view.setColumnWidth(column, width)
        box_layout.addWidget(self.lines_view, 1)
        outer.addWidget(box, 1)

        # discount + totals + actions: always visible at the bottom
        bottom = QFrame()
        bottom_layout = QHBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        discount_box = QGridLayout()
        self.discount_spin = QDoubleSpinBox()
        self.discount_spin.setRange(0, 100)
        self.discount_spin.setDecimals(2)
        self.discount_spin.setSuffix(" %")
        self.discount_spin.setSpecialValueText(translate("requests.request_entry", "Ninguno"))
        self.discount_spin.setKeyboardTracking(False)
        self.discount_reason = QLineEdit()
        self.discount_reason.setPlaceholderText(
            translate("requests.request_entry", "Motivo del descuento manual")
        )
        self.discount_error = error_label()
        discount_label = QLabel(translate("requests.request_entry", "Descuento man&ual"))
        discount_label.setBuddy(self.discount_spin)
        discount_box.addWidget(discount_label, 0, 0)
        discount_box.addWidget(self.discount_spin, 0, 1)
        discount_box.addWidget(QLabel(translate("requests.request_entry", "Motivo")), 1, 0)
        discount_box.addWidget(self.discount_reason, 1, 1)
        discount_box.addWidget(self.discount_error, 2, 0, 1, 2)
        bottom_layout.addLayout(discount_box, 2)
        self.totals = TotalsBar()
        bottom_layout.addWidget(self.totals, 3)
        buttons = QVBoxLayout()
        self.save_button = QPushButton(
            icon("save"), translate("requests.request_entry", "&Guardar (Ctrl+S)")
        )
        self.save_button.setStyleSheet("font-weight: 600; padding: 6px 14px;")
        self.clear_button = QPushButton(
            icon("clear_form"), translate("requests.request_entry", "Descartar (Esc)")
        )
        for button in (
            self.save_button,
            self.clear_button,
            self.new_patient_button,
            self.remove_line_button,
        ):
            button.setAutoDefault(True)  # Enter on a focused button presses it
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.clear_button)
        bottom_layout.addLayout(buttons)
        self.form_error = error_label()
        outer.addWidget(self.form_error)
        outer.addWidget(bottom)

        self.setTabOrder(self.patient_edit, self.new_patient_button)
        self.setTabOrder(self.new_patient_button, self.doctor_edit)
        self.setTabOrder(self.doctor_edit, self.priority_combo)
        self.setTabOrder(self.priority_combo, self.source_combo)
        self.setTabOrder(self.source_combo, self.branch_combo)
        self.setTabOrder(self.branch_combo, self.clinical_edit)
        self.setTabOrder(self.clinical_edit, self.notes_edit)
        self.setTabOrder(self.notes_edit, self.investigation_edit)
        self.setTabOrder(self.investigation_edit, self.lines_view)
        self.setTabOrder(self.lines_view, self.discount_spin)
        self.setTabOrder(self.discount_spin, self.discount_reason)
        self.setTabOrder(self.discount_reason, self.save_button)

    def _connect(self) -> None:
        self.patient_edit.chosen.connect(self._patient_chosen)
        self.patient_edit.textEdited.connect(lambda _t: self._patient_edited())
        self.doctor_edit.chosen.connect(self._doctor_chosen)
        self.doctor_edit.textEdited.connect(lambda _t: self._doctor_edited())
        self.investigation_edit.chosen.connect(lambda row: self.add_investigation(row["id"]))
        self.new_patient_button.clicked.connect(self.new_patient)
        self.remove_line_button.clicked.connect(self.remove_selected_line)
        self.discount_spin.valueChanged.connect(lambda _v: self.recalculate())
        self.discount_reason.editingFinished.connect(self.recalculate)
        self.lines_model.edited.connect(self._line_edited)
        self.save_button.clicked.connect(self.save)
        self.clear_button.clicked.connect(self.request_discard)
        self.open_saved_button.clicked.connect(self._open_saved)
        self.print_saved_button.clicked.connect(self.print_last_summary)
        self.labels_saved_button.clicked.connect(self.print_last_labels)
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for keys, slot in (
            (QKeySequence.StandardKey.Save, self.save),
            ("Ctrl+Return", self.save),
            ("Ctrl+Enter", self.save),
            (NEW_PATIENT_KEY, self.new_patient),
            ("Ctrl+P", self.print_last_summary),
            ("Ctrl+E", self.print_last_labels),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(context)
            shortcut.activated.connect(slot)
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.lines_view)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self.remove_selected_line)

    # --- state ------------------------------------------------------------------------
    def _apply_permissions(self) -> None:
        """A manual discount needs its permission (the service checks it too)."""
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

    def reload_from_database(self) -> None:
        """Re-read branches and prices (after an unexpected error); keeps what was typed."""
        self._reload_branches()
        self._apply_permissions()
        self.recalculate()

    def focus_default(self) -> None:
        self._apply_permissions()
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
        self.patient_info.setText(
            translate(
                "requests.request_entry",
                "Escriba el nombre, la identidad o el teléfono y elija con Enter.",
            )
        )
        self.doctor_info.setText("")
        self.clinical_edit.clear()
        self.notes_edit.clear()
        select_data(self.priority_combo, "routine")
        select_data(self.source_combo, "walk_in")
        self._reload_branches()
        self.discount_spin.blockSignals(True)
        self.discount_spin.setValue(0)
        self.discount_spin.blockSignals(False)
        self.discount_reason.clear()
        self._apply_permissions()
        for label in (
            self.patient_error,
            self.doctor_error,
            self.branch_error,
            self.lines_error,
            self.discount_error,
            self.form_error,
        ):
            show_error(label, "")
        self.recalculate()

    # --- pickers ----------------------------------------------------------------------
    def _patient_chosen(self, row: dict) -> None:
        self.set_patient(row)
        self.doctor_edit.setFocus(Qt.FocusReason.TabFocusReason)

    def set_patient(self, row: dict) -> None:
        self._patient = dict(row)
        self.patient_edit.show_chosen(row.get("name", ""))
        self.patient_info.setText(patient_details(row))
        show_error(self.patient_error, "")
        self.recalculate()  # the age discount depends on the patient

    def _patient_edited(self) -> None:
        if self._patient is not None:
            self._patient = None
            self.patient_info.setText("")
            self.recalculate()

    def _doctor_chosen(self, row: dict) -> None:
        self.set_doctor(row)
        self.priority_combo.setFocus(Qt.FocusReason.TabFocusReason)

    def set_doctor(self, row: dict) -> None:
        self._doctor = dict(row)
        self.doctor_edit.show_chosen(row.get("name", ""))
        self.doctor_info.setText(doctor_details(row))
        show_error(self.doctor_error, "")

    def _doctor_edited(self) -> None:
        if self._doctor is not None:
            self._doctor = None
            self.doctor_info.setText("")

    def new_patient(self) -> None:
        """Register a patient in the customers dialog and pick them, staying on this screen."""
        from ..customers.customer_dialog import CustomerDialog

        typed = self.patient_edit.text().strip() if self._patient is None else ""
        dialog = CustomerDialog(parent=self, initial=initial_customer(typed))
        if dialog.exec() and dialog.customer_id:
            self.set_patient(customers_service.summary(dialog.customer_id))
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
        return any(row["investigation_id"] == investigation_id for row in self.lines_model.rows())

    def add_investigation(self, investigation_id: int) -> bool:
        """Add an investigation (a panel brings its members); never twice."""
        show_error(self.lines_error, "")
        if investigation_id in self._investigation_ids or self._on_request(investigation_id):
            name = next(
                (
                    r["name"]
                    for r in self.lines_model.rows()
                    if r["investigation_id"] == investigation_id
                ),
                translate("requests.request_entry", "La investigación"),
            )
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
        self.totals.set_totals(
            pricing.total,
            pricing.discount,
            pricing.net,
            discount_description(
                pricing.discount_kind, pricing.discount_percent, pricing.patient_age
            ),
        )
        return True

    _LINE_FIELDS = {"investigation_ids", "investigations", "investigation_id", "lines"}

    # --- save / discard ---------------------------------------------------------------
    def save(self) -> tuple[int, str] | None:
        for label in (
            self.patient_error,
            self.doctor_error,
            self.branch_error,
            self.lines_error,
            self.discount_error,
            self.form_error,
        ):
            show_error(label, "")
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
        net = self._pricing.net if self._pricing is not None else 0
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

    _FIELD_TARGETS = {
        "patient_id": ("patient_error", "patient_edit"),
        "patient": ("patient_error", "patient_edit"),
        "doctor_id": ("doctor_error", "doctor_edit"),
        "doctor": ("doctor_error", "doctor_edit"),
        "branch_id": ("branch_error", "branch_combo"),
        "branch": ("branch_error", "branch_combo"),
        "investigation_ids": ("lines_error", "investigation_edit"),
        "investigations": ("lines_error", "investigation_edit"),
        "lines": ("lines_error", "investigation_edit"),
        "manual_discount_percent": ("discount_error", "discount_spin"),
        "discount_percent": ("discount_error", "discount_spin"),
        "discount_reason": ("discount_error", "discount_reason"),
    }

    def _show_validation(self, fields: dict[str, str]) -> None:
        first = None
        general = []
        for name, message in fields.items():
            target = self._FIELD_TARGETS.get(name)
            if target is None:
                general.append(message)
                continue
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
