"""Administración → Autorizaciones fiscales (billing.authorisations): every SAR
authorisation with its use, what is left, its deadline and warnings; add one; close one.
The service validates (CAI characters, ranges, one year, one active per point and type)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from ...i18n import translate
from ...services.billing import authorisations
from ...services.billing.types import DOC_TYPE_LABELS, label
from ...services.catalog import branches
from ...services.errors import ServiceError, ValidationError
from .. import prompts
from ..icons import icon
from ..models.row_table import Column
from .common import RIGHT, day_text, error_label, show_error, table


def columns() -> list[Column]:
    return [
        Column("branch", translate("billing.authorisations_window", "Sucursal")),
        Column("key", translate("billing.authorisations_window", "Punto y tipo")),
        Column("doc_type_label", translate("billing.authorisations_window", "Documento")),
        Column("cai", translate("billing.authorisations_window", "CAI")),
        Column("range_text", translate("billing.authorisations_window", "Rango autorizado")),
        Column("used", translate("billing.authorisations_window", "Usados"), align=RIGHT),
        Column("remaining", translate("billing.authorisations_window", "Quedan"), align=RIGHT),
        Column(
            "deadline",
            translate("billing.authorisations_window", "Fecha límite"),
            format=day_text,
        ),
        Column("status_label", translate("billing.authorisations_window", "Estado")),
        Column(
            "warning_text",
            translate("billing.authorisations_window", "Avisos"),
            tooltip=lambda r: r.get("warning_text", ""),
        ),
    ]


class AuthorisationsWindow(QDialog):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle(translate("billing.authorisations_window", "Autorizaciones fiscales"))
        self.setWindowIcon(icon("settings"))
        self.resize(1000, 520)
        layout = QVBoxLayout(self)
        self.warnings_label = QLabel()
        self.warnings_label.setWordWrap(True)
        self.warnings_label.setStyleSheet(
            "background: #fff3e0; color: #bf360c; padding: 6px; font-weight: 600;"
        )
        layout.addWidget(self.warnings_label)
        self.view, self.model = table(columns(), self)
        for column, width in ((0, 110), (1, 100), (2, 110), (3, 190), (4, 150), (7, 90)):
            self.view.setColumnWidth(column, width)
        layout.addWidget(self.view, 1)
        self.error = error_label()
        layout.addWidget(self.error)
        buttons = QHBoxLayout()
        self.add_button = QPushButton(
            icon("add"), translate("billing.authorisations_window", "&Agregar autorización…")
        )
        self.end_button = QPushButton(
            icon("cancel"), translate("billing.authorisations_window", "C&errar autorización…")
        )
        close = QPushButton(translate("billing.authorisations_window", "&Salir"))
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.end_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.add_button.clicked.connect(self.add)
        self.end_button.clicked.connect(self.end_current)
        close.clicked.connect(self.accept)
        self.reload()

    def reload(self) -> None:
        try:
            rows = authorisations.list_all()
            found = authorisations.warnings()
        except ServiceError as exc:
            show_error(self.error, str(exc))
            return
        labels = {
            "active": translate("billing.authorisations_window", "Activa"),
            "ended": translate("billing.authorisations_window", "Cerrada"),
        }
        for row in rows:
            row["key"] = f"{row['establishment']}-{row['point']}-{row['doc_type']}"
            row["status_label"] = labels.get(row["status"], row["status"])
            row["warning_text"] = " ".join(row["warnings"])
        self.model.set_rows(rows)
        self.warnings_label.setText("\n".join(found))
        self.warnings_label.setVisible(bool(found))
        if rows:
            self.view.selectRow(0)

    def select_authorisation(self, authorisation_id: int) -> bool:
        row = self.model.row_of_id(authorisation_id)
        if row >= 0:
            self.view.selectRow(row)
        return row >= 0

    def current(self) -> dict | None:
        index = self.view.currentIndex()
        return self.model.row_dict(index.row()) if index.isValid() else None

    def add(self) -> int | None:
        dialog = AuthorisationDialog(self)
        dialog.exec()
        if dialog.authorisation_id is not None:
            self.reload()
        return dialog.authorisation_id

    def end_current(self) -> bool:
        row = self.current()
        if row is None:
            return False
        reason = prompts.ask_text(
            self,
            translate("billing.authorisations_window", "Cerrar autorización"),
            translate(
                "billing.authorisations_window",
                "Motivo para cerrar la autorización {key} (sus números sobrantes se "
                "reportan como no utilizados):",
            ).format(key=row["key"]),
        )
        if not reason:
            return False
        try:
            authorisations.end(row["id"], reason, row["version"])
        except ServiceError as exc:
            show_error(self.error, str(exc))
            return False
        show_error(self.error, "")
        self.reload()
        return True


class AuthorisationDialog(QDialog):
    """A new SAR authorisation: branch, establecimiento, punto, type, CAI, range,
    deadline. Each refusal is shown beside its field."""

    FIELDS = ("branch_id", "establishment", "point", "doc_type", "cai", "range_from", "range_to")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.authorisation_id: int | None = None
        self.setWindowTitle(translate("billing.authorisations_window", "Nueva autorización"))
        self.setWindowIcon(icon("add"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.branch_combo = QComboBox()
        for branch in branches.list_active():
            self.branch_combo.addItem(f"{branch['code']} — {branch['name']}", branch["id"])
        self.establishment_edit = QLineEdit("000")
        self.point_edit = QLineEdit("001")
        self.type_combo = QComboBox()
        for code, _source in DOC_TYPE_LABELS.items():
            self.type_combo.addItem(f"{code} {label(DOC_TYPE_LABELS, code)}", code)
        self.cai_edit = QLineEdit()
        self.cai_edit.setPlaceholderText("3B82F6-8B5CF6-…-5E")
        self.from_edit = QLineEdit("1")
        self.to_edit = QLineEdit()
        self.deadline_edit = QDateEdit(QDate.currentDate().addMonths(6))
        self.deadline_edit.setCalendarPopup(True)
        self.deadline_edit.setDisplayFormat("dd/MM/yyyy")
        self.errors: dict[str, QLabel] = {}
        for key, text, widget in (
            (
                "branch_id",
                translate("billing.authorisations_window", "Sucursal"),
                self.branch_combo,
            ),
            (
                "establishment",
                translate("billing.authorisations_window", "Establecimiento (000 = casa matriz)"),
                self.establishment_edit,
            ),
            (
                "point",
                translate("billing.authorisations_window", "Punto de emisión"),
                self.point_edit,
            ),
            (
                "doc_type",
                translate("billing.authorisations_window", "Tipo de documento"),
                self.type_combo,
            ),
            ("cai", translate("billing.authorisations_window", "CAI"), self.cai_edit),
            (
                "range_from",
                translate("billing.authorisations_window", "Desde (correlativo)"),
                self.from_edit,
            ),
            (
                "range_to",
                translate("billing.authorisations_window", "Hasta (correlativo)"),
                self.to_edit,
            ),
            (
                "deadline",
                translate("billing.authorisations_window", "Fecha límite de emisión"),
                self.deadline_edit,
            ),
        ):
            box = QVBoxLayout()
            box.setSpacing(0)
            box.addWidget(widget)
            self.errors[key] = error_label()
            box.addWidget(self.errors[key])
            form.addRow(text, box)
        layout.addLayout(form)
        self.error = error_label()
        layout.addWidget(self.error)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.save_button = QPushButton(
            icon("status_completed"), translate("billing.authorisations_window", "&Guardar")
        )
        cancel = QPushButton(translate("billing.authorisations_window", "&Cancelar"))
        buttons.addWidget(self.save_button)
        buttons.addWidget(cancel)
        layout.addLayout(buttons)
        self.save_button.clicked.connect(self.save)
        cancel.clicked.connect(self.reject)

    def set_deadline(self, day: dt.date) -> None:
        self.deadline_edit.setDate(QDate(day.year, day.month, day.day))

    def data(self) -> authorisations.AuthorisationInput:
        return authorisations.AuthorisationInput(
            branch_id=self.branch_combo.currentData(),
            establishment=self.establishment_edit.text(),
            point=self.point_edit.text(),
            doc_type=self.type_combo.currentData(),
            cai=self.cai_edit.text(),
            range_from=self.from_edit.text(),
            range_to=self.to_edit.text(),
            deadline=self.deadline_edit.date().toPython(),
        )

    def save(self) -> int | None:
        for label_ in list(self.errors.values()) + [self.error]:
            show_error(label_, "")
        try:
            self.authorisation_id = authorisations.add(self.data())
        except ValidationError as exc:
            general = []
            for key, text in exc.fields.items():
                if key in self.errors:
                    show_error(self.errors[key], text)
                else:
                    general.append(text)
            show_error(self.error, "\n".join(general))
            return None
        except ServiceError as exc:
            show_error(self.error, str(exc))
            return None
        self.accept()
        return self.authorisation_id
