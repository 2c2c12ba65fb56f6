"""Facturación → Autorizaciones fiscales (CAI)… (billing.authorisations): every SAR
authorisation with its use, what is left, its deadline and warnings; add one; close one.
The service validates (CAI characters, ranges, one year, one active per point and type)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QLabel,
    QLineEdit,
)

from ...i18n import translate
from ...services.billing import authorisations
from ...services.billing.types import DOC_TYPE_LABELS, label
from ...services.catalog import branches
from ...services.errors import ServiceError, ValidationError
from .. import prompts
from ..models.row_table import Column
from ..widgets.forms import push_buttons
from .base import REFUSED, BillingDialog, BillingTableWindow
from .common import RIGHT, day_text, error_label, show_error, with_error


def _whole_in_tooltip(key: str, title: str) -> Column:
    """A column of long texts, each whole in its tooltip when a small screen cuts it."""
    return Column(key, title, tooltip=lambda r: r.get(key, ""))


def columns() -> list[Column]:
    return [
        Column("branch", translate("billing.authorisations_window", "Sucursal")),
        Column("key", translate("billing.authorisations_window", "Punto y tipo")),
        Column("doc_type_label", translate("billing.authorisations_window", "Documento")),
        Column("cai", translate("billing.authorisations_window", "CAI")),
        _whole_in_tooltip(
            "range_text", translate("billing.authorisations_window", "Rango autorizado")
        ),
        Column("used", translate("billing.authorisations_window", "Usados"), align=RIGHT),
        Column("remaining", translate("billing.authorisations_window", "Quedan"), align=RIGHT),
        Column(
            "deadline",
            translate("billing.authorisations_window", "Fecha límite"),
            format=day_text,
        ),
        Column("status_label", translate("billing.authorisations_window", "Estado")),
        _whole_in_tooltip("warning_text", translate("billing.authorisations_window", "Avisos")),
    ]


class AuthorisationsWindow(BillingTableWindow):
    def __init__(self, parent=None):
        super().__init__(
            parent,
            translate("billing.authorisations_window", "Autorizaciones fiscales"),
            "settings",
            (1000, 520),
            columns(),
        )
        # the CAI is read character by character against the SAR's resolution: never cut
        # (on a 1024 px screen the range gives up the room, whole in its tooltip)
        self.view.keep_whole.add(3)
        self.warnings_label = QLabel()
        self.warnings_label.setWordWrap(True)
        self.warnings_label.setStyleSheet(
            "background: #fff3e0; color: #bf360c; padding: 6px; font-weight: 600;"
        )
        self.column.addWidget(self.warnings_label)
        buttons = push_buttons(
            (translate("billing.authorisations_window", "&Agregar autorización…"), "add", self.add),
            (
                translate("billing.authorisations_window", "C&errar autorización…"),
                "cancel",
                self.end_current,
            ),
        )
        self.add_button, self.end_button = buttons
        self.finish_table(buttons, translate("billing.authorisations_window", "&Salir"))
        self.reload()

    def reload(self, *_args) -> None:
        """The authorisations and their warnings (a refusal keeps what is shown)."""
        found = self.attempt(lambda: (authorisations.list_all(), authorisations.warnings()))
        if found is REFUSED:
            return
        rows, warnings = found
        for row in rows:  # the status label comes with the row (the service's words)
            row["key"] = f"{row['establishment']}-{row['point']}-{row['doc_type']}"
            row["warning_text"] = " ".join(row["warnings"])
        self.show_rows(rows)
        self.warnings_label.setText("\n".join(warnings))
        self.warnings_label.setVisible(bool(warnings))

    def select_authorisation(self, authorisation_id: int) -> bool:
        return self.select_id(authorisation_id)

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
        if self.attempt(lambda: authorisations.end(row["id"], reason, row["version"])) is REFUSED:
            return False
        show_error(self.error, "")
        self.reload()
        return True


class AuthorisationDialog(BillingDialog):
    """A new SAR authorisation: branch, establecimiento, punto, type, CAI, range,
    deadline. Each refusal is shown beside its field."""

    FIELDS = ("branch_id", "establishment", "point", "doc_type", "cai", "range_from", "range_to")

    def __init__(self, parent=None):
        super().__init__(
            parent,
            translate("billing.authorisations_window", "Nueva autorización"),
            "add",
            min_width=560,
        )
        self.authorisation_id: int | None = None
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
            self.errors[key] = error_label()
            form.addRow(text, with_error(widget, self.errors[key]))
        self.column.addLayout(form)
        self.save_button = self.finish(
            translate("billing.authorisations_window", "&Guardar"), self.save
        )

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
            authorisation_id = authorisations.add(self.data())
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
        self.authorisation_id = authorisation_id
        self.accept()
        return self.authorisation_id
