"""Choose the dates and branch of the supervisors' period report, then preview or save it."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from ...i18n import translate
from ...services import reference
from ..icons import icon
from ..widgets.forms import dialog_frame, error_and_buttons


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


def month_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    first = day.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following - dt.timedelta(days=1)


class PeriodReportDialog(QDialog):
    """Dates (inclusive), branch («Todas») and the buttons Vista previa / Guardar PDF."""

    def __init__(self, parent=None, today: dt.date | None = None):
        super().__init__(parent)
        self.today = today or dt.date.today()
        layout = dialog_frame(
            self, translate("printing.period_dialog", "Resumen por período"), "print", 420
        )
        intro = QLabel(
            translate(
                "printing.period_dialog",
                "Solicitudes por estado, prioridad, origen, sucursal y día, con montos y "
                "las canceladas con su motivo.",
            )
        )
        intro.setWordWrap(True)
        intro.setStyleSheet("color: #546e7a;")
        layout.addWidget(intro)

        form = QFormLayout()
        self.date_from = self._date_edit()
        self.date_to = self._date_edit()
        form.addRow(translate("printing.period_dialog", "&Desde:"), self.date_from)
        form.addRow(translate("printing.period_dialog", "&Hasta:"), self.date_to)
        self.branch = QComboBox()
        self.branch.addItem(translate("printing.period_dialog", "Todas las sucursales"), None)
        for branch_id, code, name in reference.branches(active_only=False):
            self.branch.addItem(f"{name} ({code})", branch_id)
        form.addRow(translate("printing.period_dialog", "&Sucursal:"), self.branch)
        layout.addLayout(form)

        quick = QHBoxLayout()
        for text, handler in (
            (translate("printing.period_dialog", "Ho&y"), self.set_today),
            (translate("printing.period_dialog", "&Esta semana"), self.set_this_week),
            (translate("printing.period_dialog", "Este &mes"), self.set_this_month),
            (translate("printing.period_dialog", "Mes a&nterior"), self.set_last_month),
        ):
            button = QPushButton(text)
            button.setAutoDefault(False)
            button.clicked.connect(handler)
            quick.addWidget(button)
        layout.addLayout(quick)

        self.error, self.buttons, self.preview_button, self.close_button = error_and_buttons(
            layout,
            translate("printing.period_dialog", "&Vista previa"),
            "print",
            translate("printing.period_dialog", "&Cerrar"),
        )
        self.pdf_button = self.buttons.addButton(
            translate("printing.period_dialog", "Guardar &PDF…"),
            QDialogButtonBox.ButtonRole.ActionRole,
        )
        self.pdf_button.setIcon(icon("save"))
        self.preview_button.clicked.connect(self.preview)
        self.pdf_button.clicked.connect(self.save_pdf)
        self.close_button.clicked.connect(self.reject)

        self.date_from.dateChanged.connect(self._validate)
        self.date_to.dateChanged.connect(self._validate)
        self.set_this_month()
        self.date_from.setFocus(Qt.FocusReason.OtherFocusReason)

    def _date_edit(self) -> QDateEdit:
        edit = QDateEdit()
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("dd/MM/yyyy")
        edit.setMaximumDate(_qdate(self.today + dt.timedelta(days=366)))
        return edit

    # --- quick ranges ---------------------------------------------------------------------
    def set_range(self, date_from: dt.date, date_to: dt.date) -> None:
        self.date_from.setDate(_qdate(date_from))
        self.date_to.setDate(_qdate(date_to))
        self._validate()

    def set_today(self) -> None:
        self.set_range(self.today, self.today)

    def set_this_week(self) -> None:
        monday = self.today - dt.timedelta(days=self.today.weekday())
        self.set_range(monday, self.today)

    def set_this_month(self) -> None:
        self.set_range(self.today.replace(day=1), self.today)

    def set_last_month(self) -> None:
        self.set_range(*month_bounds(self.today.replace(day=1) - dt.timedelta(days=1)))

    # --- values -----------------------------------------------------------------------------
    def values(self) -> tuple[dt.date, dt.date, int | None]:
        return (
            _pydate(self.date_from.date()),
            _pydate(self.date_to.date()),
            self.branch.currentData(),
        )

    def _validate(self, *_args) -> bool:
        date_from, date_to, _branch = self.values()
        message = (
            translate("printing.period_dialog", "La fecha final es anterior a la inicial.")
            if date_to < date_from
            else ""
        )
        self.error.setText(message)
        self.error.setVisible(bool(message))
        self.preview_button.setEnabled(not message)
        self.pdf_button.setEnabled(not message)
        return not message

    def _data(self) -> dict | None:
        from . import actions

        if not self._validate():
            return None
        return actions.period_report(self, *self.values())

    def preview(self) -> None:
        from . import actions

        data = self._data()
        if data is not None:
            actions.preview_period_data(self, data)

    def save_pdf(self):
        from . import actions

        data = self._data()
        return actions.save_period_data_pdf(self, data) if data is not None else None


def preview_period_report(parent: QWidget | None):
    """The small dialog to choose dates and branch, with preview and PDF buttons."""
    from .actions import exec_dialog

    dialog = PeriodReportDialog(parent)
    exec_dialog(dialog)
    return dialog
