"""The widgets of the request entry and how they are wired: ``EntryLayout`` is a mixin of
``RequestEntry`` (behaviour lives there); this module only builds the screen."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
)

from ...i18n import translate
from ...services import catalog as catalog_service
from ...services import requests as requests_service
from ...services.access import session
from ...services.catalog import referrer_types
from ..icons import icon
from ..widgets.forms import add_labelled, push_button, tab_chain
from ..widgets.table import fixed_table
from .common import (
    LookupEdit,
    RowsModel,
    TotalsBar,
    error_label,
    fill_combo,
    line_columns,
    value_label,
)
from .entry_texts import doctor_lookup, patient_lookup

NEW_PATIENT_KEY = "F2"
NEW_DOCTOR_KEY = "F3"


class EntryLayout:
    """Builds the entry screen's widgets (``_build``) and connects them (``_connect``)."""

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
        self.open_saved_button = push_button(
            translate("requests.request_entry", "Ver solicitud"), "request_detail"
        )
        self.open_saved_button.hide()
        self.print_saved_button = push_button(
            translate("requests.request_entry", "Resumen (Ctrl+P)"),
            "print",
            tip=translate(
                "requests.request_entry",
                "Vista previa e impresión del resumen de la solicitud guardada",
            ),
        )
        self.labels_saved_button = push_button(
            translate("requests.request_entry", "Etiquetas (Ctrl+E)"),
            "print",
            tip=translate("requests.request_entry", "Etiquetas de tubos de la solicitud guardada"),
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
        self.patient_edit = patient_lookup(
            translate("requests.request_entry", "Paciente: nombre, identidad o teléfono")
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
        # the referrer types group and filter the doctors (seed 000)
        self.doctor_type_combo = QComboBox()
        self.doctor_type_combo.addItem(translate("requests.request_entry", "Todos"), None)
        # a role that cannot list referrers keeps «Todos» (its picker finds none either),
        # and the requests area still opens for it
        for kind in referrer_types.list_active() if session.has("referrers.view") else ():
            self.doctor_type_combo.addItem(kind["name"], kind["id"])
        self.doctor_type_combo.setToolTip(
            translate("requests.request_entry", "Buscar solo médicos o instituciones de este tipo")
        )
        self.doctor_edit = doctor_lookup(
            translate("requests.request_entry", "Médico o institución que remite"),
            type_of=self.doctor_type_combo.currentData,
        )
        self.doctor_edit.setObjectName("doctor")
        self.new_doctor_button = QPushButton(
            icon("referrer_new"),
            translate("requests.request_entry", "Nuevo médico… ({NEW_DOCTOR_KEY})").format(
                NEW_DOCTOR_KEY=NEW_DOCTOR_KEY
            ),
        )  # its tooltip follows the role (``RequestEntry.apply_permissions``)
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
        doctor_row = QHBoxLayout()
        doctor_row.addWidget(self.doctor_edit, 1)
        doctor_row.addWidget(self.new_doctor_button)
        doctor_row.addSpacing(8)
        self.doctor_type_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        doctor_type_label = QLabel(translate("requests.request_entry", "Ti&po"))
        doctor_type_label.setBuddy(self.doctor_type_combo)
        doctor_row.addWidget(doctor_type_label)
        doctor_row.addWidget(self.doctor_type_combo)
        form.addLayout(doctor_row, 3, 1)
        form.addWidget(self.doctor_info, 4, 1)
        form.addWidget(self.doctor_error, 5, 1)

        self.priority_combo = QComboBox()
        fill_combo(self.priority_combo, requests_service.PRIORITY_LABELS, "priority_")
        self.source_combo = QComboBox()
        fill_combo(self.source_combo, requests_service.SOURCE_LABELS)
        self.branch_combo = QComboBox()
        self.bill_to_combo = QComboBox()  # billing (issue 17): a company that pays
        self.bill_to_combo.setToolTip(
            translate("requests.request_entry", "La empresa que paga esta solicitud (opcional)")
        )
        self.branch_error = error_label()
        side = QGridLayout()
        side.setVerticalSpacing(4)
        for row, (text, widget) in enumerate(
            (
                (translate("requests.request_entry", "Priori&dad"), self.priority_combo),
                (translate("requests.request_entry", "&Origen"), self.source_combo),
                (translate("requests.request_entry", "Sucursa&l"), self.branch_combo),
                (translate("requests.request_entry", "Factura a"), self.bill_to_combo),
            )
        ):
            add_labelled(side, text, widget, row, 0)
        side.addWidget(self.branch_error, 4, 1)
        side.setRowStretch(5, 1)

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
        self.lines_view = fixed_table(
            self,
            self.lines_model,
            ((0, 80), (2, 140), (3, 110), (4, 110), (5, 110), (6, 160)),
            stretch=1,
        )
        self.lines_view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.lines_view.horizontalHeader().setSortIndicatorShown(False)
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
            self.new_doctor_button,
            self.remove_line_button,
        ):
            button.setAutoDefault(True)  # Enter on a focused button presses it
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.clear_button)
        bottom_layout.addLayout(buttons)
        self.form_error = error_label()
        outer.addWidget(self.form_error)
        outer.addWidget(bottom)

        tab_chain(
            self.patient_edit,
            self.new_patient_button,
            self.doctor_edit,
            self.new_doctor_button,
            self.priority_combo,
            self.source_combo,
            self.branch_combo,
            self.clinical_edit,
            self.notes_edit,
            self.investigation_edit,
            self.lines_view,
            self.discount_spin,
            self.discount_reason,
            self.save_button,
        )

    def _connect(self) -> None:
        self.patient_edit.chosen.connect(self._patient_chosen)
        self.patient_edit.textEdited.connect(lambda _t: self._patient_edited())
        self.doctor_edit.chosen.connect(self._doctor_chosen)
        self.doctor_edit.textEdited.connect(lambda _t: self._doctor_edited())
        self.doctor_type_combo.currentIndexChanged.connect(self._doctor_type_changed)
        self.investigation_edit.chosen.connect(lambda row: self.add_investigation(row["id"]))
        self.new_patient_button.clicked.connect(self.new_patient)
        self.new_doctor_button.clicked.connect(self.new_doctor)
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
            (NEW_DOCTOR_KEY, self.new_doctor),
            ("Ctrl+P", self.print_last_summary),
            ("Ctrl+E", self.print_last_labels),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(context)
            shortcut.activated.connect(slot)
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.lines_view)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self.remove_selected_line)
