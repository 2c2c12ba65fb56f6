"""Cancel a lab request: the reason is required; the service decides if it is allowed."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QLabel,
)

from ...i18n import translate
from ...services import requests as requests_service
from ...services.errors import ServiceError
from .. import prompts
from ..widgets.forms import dialog_frame, error_and_buttons
from .common import acting_user, show_error, status_label

COMMON_REASONS = (
    QT_TRANSLATE_NOOP("requests.cancel_dialog", "El paciente no se presentó a la toma de muestra"),
    QT_TRANSLATE_NOOP("requests.cancel_dialog", "Solicitud duplicada"),
    QT_TRANSLATE_NOOP("requests.cancel_dialog", "Error al registrar la solicitud"),
    QT_TRANSLATE_NOOP("requests.cancel_dialog", "El paciente desistió del examen"),
    QT_TRANSLATE_NOOP(
        "requests.cancel_dialog", "Muestra no apta; se registrará una nueva solicitud"
    ),
)


class CancelRequestDialog(QDialog):
    """``CancelRequestDialog(request_id, request_number, status)``; Accepted once cancelled.
    ``version``: the request's version as the caller shows it (a change made meanwhile on
    another desk is then a conflict)."""

    def __init__(
        self,
        request_id: int,
        request_number: str = "",
        status: str = "",
        parent=None,
        by: str = "",
        version: int | None = None,
    ):
        super().__init__(parent)
        self.request_id = request_id
        self.version = version
        self.cancelled = False
        self._by = by
        layout = dialog_frame(
            self, translate("requests.cancel_dialog", "Cancelar solicitud"), "cancel", 480
        )
        title = QLabel(
            translate(
                "requests.cancel_dialog", "Cancelar la solicitud <b>{request_number}</b>"
            ).format(request_number=request_number)
            + (
                translate("requests.cancel_dialog", " (estado: {status_label})").format(
                    status_label=status_label(status)
                )
                if status
                else ""
            )
        )
        layout.addWidget(title)
        explain = QLabel(
            translate(
                "requests.cancel_dialog",
                "Las solicitudes no se borran: quedan canceladas con su motivo en el "
                "historial. Solo se cancelan las pendientes o con muestra tomada.",
            )
        )
        explain.setWordWrap(True)
        explain.setStyleSheet("color: #546e7a;")
        layout.addWidget(explain)
        reason_label = QLabel(translate("requests.cancel_dialog", "&Motivo de la cancelación *"))
        self.reason_combo = QComboBox()
        self.reason_combo.setEditable(True)
        self.reason_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        # no completion while typing: an editable combo completes «Muestra no apta» inline
        # to the common reason «…; se registrará una nueva solicitud», and Enter saved a
        # reason she had not typed (the common ones stay in the list: F4 or Alt+↓)
        self.reason_combo.setCompleter(None)
        self.reason_combo.addItems([translate("requests.cancel_dialog", r) for r in COMMON_REASONS])
        self.reason_combo.setCurrentIndex(-1)
        self.reason_combo.lineEdit().setPlaceholderText(
            translate("requests.cancel_dialog", "Escriba el motivo o elija uno de la lista")
        )
        self.reason_combo.lineEdit().setMaxLength(500)
        reason_label.setBuddy(self.reason_combo)
        layout.addWidget(reason_label)
        layout.addWidget(self.reason_combo)
        from ..billing.settlement import SettlementBox  # money already invoiced (issue 17)

        self.settlement = SettlementBox(request_id, self)
        self.credit_note_id = None
        layout.addWidget(self.settlement)
        self.error, self.buttons, self.ok_button, self.close_button = error_and_buttons(
            layout,
            translate("requests.cancel_dialog", "Cancelar &solicitud"),
            "cancel",
            translate("requests.cancel_dialog", "&Volver"),
            self,
        )
        self.reason_combo.editTextChanged.connect(self._update)
        self._update()
        self.reason_combo.setFocus(Qt.FocusReason.OtherFocusReason)

    def reason(self) -> str:
        return self.reason_combo.currentText().strip()

    def set_reason(self, text: str) -> None:
        self.reason_combo.setEditText(text)

    def _update(self, *_args) -> None:
        self.ok_button.setEnabled(bool(self.reason()))
        if self.reason():
            show_error(self.error, "")

    def accept(self) -> None:
        if self.cancelled:
            return  # already done (Enter and the button both asked)
        reason = self.reason()
        if not reason:
            show_error(
                self.error,
                translate("requests.cancel_dialog", "Escriba el motivo de la cancelación."),
            )
            return
        try:
            requests_service.cancel(
                self.request_id, reason, by=acting_user(self._by), version=self.version
            )
        except ServiceError as exc:
            show_error(self.error, str(exc))
            prompts.error(
                self, translate("requests.cancel_dialog", "No se puede cancelar"), str(exc)
            )
            return
        self.cancelled = True
        from ..billing.settlement import settle

        self.credit_note_id = settle(self, self.settlement, reason)
        super().accept()
