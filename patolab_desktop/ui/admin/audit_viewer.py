"""Administrators' audit viewer: paged rows, filters by user, entity, action and dates.

Rows come from ``audit.page`` (keyset pages, newest first) already in words: the record
is named (a request by its number and patient, a patient by name), and the selected row's
changes are listed one per line, before → after, under the table.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QT_TRANSLATE_NOOP, QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
)

from ...i18n import translate
from ...services.access import audit
from ...services.texts import translated_labels
from ..icons import icon
from ..models.paged_table import Column, PagedTableModel
from ..widgets.forms import close_buttons
from ..widgets.screen_fit import fit_to_screen
from ..widgets.table import make_table_view

SYSTEM_USERS = ("cli", "sistema")


def _datetime(value) -> str:
    return value.strftime("%d/%m/%Y %H:%M:%S") if value else ""


def translated_items(labels: dict):
    return translated_labels(labels).items()


COLUMNS = [
    Column(
        "at", QT_TRANSLATE_NOOP("admin.audit_viewer", "Fecha y hora"), sort="at", format=_datetime
    ),
    Column("username", QT_TRANSLATE_NOOP("admin.audit_viewer", "Usuario"), sort="username"),
    Column("action_label", QT_TRANSLATE_NOOP("admin.audit_viewer", "Acción"), sort="action"),
    Column(
        "record",
        QT_TRANSLATE_NOOP("admin.audit_viewer", "Registro"),
        sort="entity",
        tooltip=lambda row: row["record"],
    ),
    Column(
        "changes_text",
        QT_TRANSLATE_NOOP("admin.audit_viewer", "Cambios (antes → después)"),
        tooltip=lambda row: "\n".join(row["changes_lines"]),
    ),
    Column(
        "detail",
        QT_TRANSLATE_NOOP("admin.audit_viewer", "Detalle"),
        tooltip=lambda row: row["detail"],
    ),
]


def _date_filter(caption: str, parent) -> tuple[QCheckBox, QDateEdit]:
    check = QCheckBox(caption, parent)
    edit = QDateEdit(parent)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd/MM/yyyy")
    edit.setDate(QDate.currentDate())
    edit.setEnabled(False)
    check.toggled.connect(edit.setEnabled)
    return check, edit


class AuditViewer(QDialog):
    def __init__(self, parent=None, page_size: int = 200):
        super().__init__(parent)
        self.setObjectName("audit_viewer")
        self.setWindowTitle(translate("admin.audit_viewer", "Auditoría"))
        self.setWindowIcon(icon("audit"))
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        fit_to_screen(self, 1180, 680)  # a 1024 × 768 front-desk screen gets it whole
        layout = QVBoxLayout(self)

        bar = QHBoxLayout()
        self.user_combo = QComboBox(self)
        self.user_combo.setObjectName("user_filter")
        self.user_combo.addItem(translate("admin.audit_viewer", "Todos"), None)
        for row in audit.users_for_filter():
            self.user_combo.addItem(f"{row['username']} — {row['full_name']}", row["id"])
        for name in SYSTEM_USERS:  # actions without a user row: the CLI and the system
            self.user_combo.addItem(
                translate("admin.audit_viewer", "{name} (sistema)").format(name=name), name
            )
        self.entity_combo = QComboBox(self)
        self.entity_combo.setObjectName("entity_filter")
        self.entity_combo.addItem(translate("admin.audit_viewer", "Todos"), None)
        for key, label in sorted(translated_items(audit.ENTITY_LABELS), key=lambda kv: kv[1]):
            self.entity_combo.addItem(label, key)
        self.action_combo = QComboBox(self)
        self.action_combo.setObjectName("action_filter")
        self.action_combo.addItem(translate("admin.audit_viewer", "Todas"), None)
        for key, label in sorted(translated_items(audit.ACTION_LABELS), key=lambda kv: kv[1]):
            self.action_combo.addItem(label, key)
        for combo in (self.user_combo, self.entity_combo, self.action_combo):
            # sized for a short name, not the longest item: the bar fits 1024 px screens
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(8)
        self.from_check, self.from_edit = _date_filter(
            translate("admin.audit_viewer", "&Desde:"), self
        )
        self.to_check, self.to_edit = _date_filter(translate("admin.audit_viewer", "&Hasta:"), self)
        for caption, widget in (
            (translate("admin.audit_viewer", "&Usuario:"), self.user_combo),
            (translate("admin.audit_viewer", "&Registro:"), self.entity_combo),
            (translate("admin.audit_viewer", "&Acción:"), self.action_combo),
        ):
            label = QLabel(caption, self)
            label.setBuddy(widget)
            bar.addWidget(label)
            bar.addWidget(widget)
        bar.addSpacing(8)
        for check, edit in ((self.from_check, self.from_edit), (self.to_check, self.to_edit)):
            bar.addWidget(check)
            bar.addWidget(edit)
        bar.addStretch(1)
        self.refresh_button = QPushButton(
            icon("refresh"), translate("admin.audit_viewer", "Ac&tualizar"), self
        )
        self.refresh_button.setAutoDefault(False)
        bar.addWidget(self.refresh_button)
        layout.addLayout(bar)

        self.model = PagedTableModel(
            [
                dataclasses.replace(c, title=translate("admin.audit_viewer", c.title))
                for c in COLUMNS
            ],
            audit.page,
            page_size=page_size,
            parent=self,
        )
        self.view = make_table_view(self)
        self.view.setObjectName("audit_table")
        self.view.setModel(self.model)
        self.details = QPlainTextEdit(self)
        self.details.setObjectName("audit_details")
        self.details.setReadOnly(True)
        self.details.setPlaceholderText(
            translate("admin.audit_viewer", "Elija una fila para ver todos sus cambios.")
        )
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.view)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([460, 150])
        layout.addWidget(splitter, 1)

        bottom = QHBoxLayout()
        self.count_label = QLabel(self)
        bottom.addWidget(self.count_label)
        bottom.addStretch(1)
        buttons = close_buttons(self)
        bottom.addWidget(buttons)
        layout.addLayout(bottom)

        for combo in (self.user_combo, self.entity_combo, self.action_combo):
            combo.currentIndexChanged.connect(self.apply_filters)
        for widget in (self.from_check, self.to_check):
            widget.toggled.connect(self.apply_filters)
        for edit in (self.from_edit, self.to_edit):
            edit.dateChanged.connect(self.apply_filters)
        self.refresh_button.clicked.connect(self.apply_filters)
        self.view.selectionModel().currentRowChanged.connect(self._show_details)
        self.model.modelReset.connect(self._after_reload)
        self.model.rowsInserted.connect(self._update_count)
        self.apply_filters()
        self._size_columns()
        self.user_combo.setFocus()

    # --- filters ----------------------------------------------------------------------
    def filters(self) -> audit.AuditFilter:
        result = audit.AuditFilter()
        user = self.user_combo.currentData()  # a User id, or a name such as "cli"
        if isinstance(user, int):
            result.user_id = user
        elif isinstance(user, str):
            result.username = user
        result.entity = self.entity_combo.currentData()
        result.action = self.action_combo.currentData()
        if self.from_check.isChecked():
            result.date_from = self.from_edit.date().toPython()
        if self.to_check.isChecked():
            result.date_to = self.to_edit.date().toPython()
        return result

    def apply_filters(self, *_args) -> None:
        self.model.set_filters(self.filters())

    def select_combo_data(self, combo: QComboBox, data) -> None:
        index = combo.findData(data)
        if index >= 0:
            combo.setCurrentIndex(index)

    # --- table ------------------------------------------------------------------------
    def _size_columns(self) -> None:
        date = self.view.fontMetrics().horizontalAdvance("00/00/0000 00:00:00") + 30
        widths = (date, 85, 145, 235, 440 - date)
        for column, width in enumerate(widths):
            self.view.setColumnWidth(column, width)

    def _after_reload(self) -> None:
        self.details.clear()
        self._update_count()
        if self.model.rowCount():
            self.view.selectRow(0)

    def _update_count(self, *_args) -> None:
        shown = self.model.rowCount()
        more = (
            translate("admin.audit_viewer", " (desplácese para ver más)")
            if self.model.canFetchMore()
            else ""
        )
        plural = "s" if shown != 1 else ""
        self.count_label.setText(
            translate(
                "admin.audit_viewer", "{shown} registro{plural} mostrado{plural}{more}"
            ).format(shown=shown, plural=plural, more=more)
        )

    def _show_details(self, current, _previous=None) -> None:
        if not current.isValid():
            self.details.clear()
            return
        row = self.model.row_dict(current.row())
        lines = [
            f"{_datetime(row['at'])} · {row['username']} · {row['action_label']} · {row['record']}",
        ]
        if row["detail"]:
            lines.append(row["detail"])
        if row["changes_lines"]:
            lines.append("")
            lines.extend(row["changes_lines"])
        self.details.setPlainText("\n".join(lines))
