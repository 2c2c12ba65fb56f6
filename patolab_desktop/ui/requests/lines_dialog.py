"""Base of the add/remove investigation dialogs: the request's lines and its totals.

Both dialogs stay open after a change and show the amounts the service recalculated
(read back with ``requests.get``), so the receptionist sees the new net at once.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
)

from ...i18n import translate
from ...services import requests as requests_service
from ...services.errors import ServiceError
from .. import prompts
from ..widgets.screen_fit import fit_to_screen
from ..widgets.table import fixed_table
from .common import (
    RowsModel,
    TotalsBar,
    discount_description,
    error_label,
    field,
    line_columns,
    line_rows,
    show_error,
    status_label,
)


class RequestLinesDialog(QDialog):
    """Header, lines table, totals, a message line and a close button."""

    def __init__(self, request_id: int, parent=None, by: str = "", title: str = ""):
        super().__init__(parent)
        self.request_id = request_id
        self._by = by
        self.detail = None
        self.changed_count = 0
        self.setWindowTitle(title)
        self.setModal(True)
        fit_to_screen(self, 900, 540)
        self.main_layout = QVBoxLayout(self)
        self.header_label = QLabel()
        self.header_label.setTextFormat(Qt.TextFormat.RichText)
        self.main_layout.addWidget(self.header_label)
        self.read_only_label = QLabel()
        self.read_only_label.setStyleSheet("color: #c62828;")
        self.read_only_label.setWordWrap(True)
        self.read_only_label.hide()
        self.main_layout.addWidget(self.read_only_label)
        self.action_area = QVBoxLayout()
        self.main_layout.addLayout(self.action_area)
        self.lines_model = RowsModel(line_columns(with_status=True, with_notes=True), self)
        self.lines_view = fixed_table(
            self,
            self.lines_model,
            ((0, 55), (2, 115), (3, 90), (4, 90), (5, 90), (6, 135), (7, 90)),
            stretch=1,
        )
        self.main_layout.addWidget(self.lines_view, 1)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #1b5e20; font-weight: 600;")
        self.message.hide()
        self.main_layout.addWidget(self.message)
        self.error = error_label()
        self.main_layout.addWidget(self.error)
        bottom = QHBoxLayout()
        self.totals = TotalsBar(compact=True)
        bottom.addWidget(self.totals, 1)
        self.close_button = QPushButton(translate("requests.lines_dialog", "C&errar"))
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.accept)
        bottom.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignBottom)
        self.main_layout.addLayout(bottom)

    def reload(self) -> None:
        self.detail = detail = requests_service.get(self.request_id)
        status = field(detail, "status")
        self.header_label.setText(
            translate(
                "requests.lines_dialog",
                "<b>{field}</b> · {field2} · <span style='color:#546e7a'>{status_label}</span>",
            ).format(
                field=field(detail, "request_number", ""),
                field2=field(detail, "patient_name", ""),
                status_label=status_label(status),
            )
        )
        self.lines_model.set_rows(line_rows(field(detail, "lines", [])))
        self.totals.show_request(  # «Neto a pagar» as the factura charges it
            detail,
            discount_description(
                field(detail, "discount_kind", ""),
                field(detail, "discount_percent", 0),
                field(detail, "patient_age"),
            ),
        )
        read_only = requests_service.is_read_only(status)
        show_error(
            self.read_only_label,
            translate(
                "requests.lines_dialog", "La solicitud está {lower}: no se puede modificar."
            ).format(lower=status_label(status).lower())
            if read_only
            else "",
        )
        self.set_read_only(read_only)

    def set_read_only(self, read_only: bool) -> None:  # subclasses disable their action
        return None

    def show_message(self, text: str) -> None:
        show_error(self.error, "")
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def change(self, call, refused_title: str) -> bool:
        """Run ``call()`` (a service change of the request's lines) and reload: a refusal
        is shown under the table and in a message under ``refused_title``; a change is
        counted in ``changed_count``."""
        try:
            call()
        except ServiceError as exc:
            self.show_refusal(str(exc))
            prompts.error(self, refused_title, str(exc))
            self.reload()
            return False
        self.changed_count += 1
        self.reload()
        return True

    def show_refusal(self, text: str) -> None:
        self.message.hide()
        show_error(self.error, text)

    def net_text(self) -> str:
        return self.totals.net_label.text()
