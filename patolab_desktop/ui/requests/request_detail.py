"""A request's detail: header, lines, history, and the actions its status allows.

The buttons are enabled from the same rules the service applies
(``requests.can_cancel``, ``requests.is_read_only``, ``NEXT_STATUS``) and the user's
permissions; the service check is still the one that counts, so a refusal (another
workstation changed the request meanwhile) is shown and the dialog reloads.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...i18n import translate
from ...services import customers as customers_service
from ...services import requests as requests_service
from ...services.access import session
from ...services.errors import ServiceError
from .. import prompts
from ..icons import icon
from ..widgets.forms import push_button, push_buttons
from ..widgets.screen_fit import fit_to_screen
from ..widgets.table import fixed_table
from .common import (
    RowsModel,
    TotalsBar,
    acting_user,
    discount_description,
    field,
    format_date,
    line_columns,
    line_rows,
    priority_color,
    priority_label,
    source_label,
    status_color,
    status_label,
    value_label,
)
from .discount_dialog import discount_tip
from .request_history import event_columns, event_rows


def allowed(permission: str) -> bool:
    return session.has(permission)


class RequestDetailDialog(QDialog):
    """``RequestDetailDialog(request_id)``. ``changed`` after every successful action."""

    changed = Signal(int)

    def __init__(self, request_id: int, parent=None, by: str = ""):
        super().__init__(parent)
        self.request_id = request_id
        self._by = by
        self.detail = None
        self.setWindowIcon(icon("request_detail"))
        fit_to_screen(self, 1080, 700)
        self._build()
        self.reload()
        self.close_button.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- building ---------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        head = QHBoxLayout()
        self.number_label = QLabel()
        self.number_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.number_label.setStyleSheet("font-size: 16pt; font-weight: 700;")
        self.status_badge = QLabel()
        self.priority_badge = QLabel()
        self.read_only_label = QLabel()
        self.read_only_label.setStyleSheet("color: #546e7a; font-style: italic;")
        head.addWidget(self.number_label)
        head.addSpacing(12)
        head.addWidget(self.status_badge)
        head.addWidget(self.priority_badge)
        head.addStretch(1)
        head.addWidget(self.read_only_label)
        layout.addLayout(head)

        info = QGridLayout()
        info.setHorizontalSpacing(24)
        left, right = QFormLayout(), QFormLayout()
        for form in (left, right):
            form.setHorizontalSpacing(10)
            form.setVerticalSpacing(3)
        self.values: dict[str, QLabel] = {}
        for form, rows in (
            (
                left,
                (
                    ("patient", translate("requests.request_detail", "Paciente")),
                    ("doctor", translate("requests.request_detail", "Médico")),
                    ("source", translate("requests.request_detail", "Origen")),
                    ("branch", translate("requests.request_detail", "Sucursal")),
                    ("clinical_info", translate("requests.request_detail", "Información clínica")),
                    ("notes", translate("requests.request_detail", "Notas")),
                ),
            ),
            (
                right,
                (
                    ("requested_at", translate("requests.request_detail", "Solicitada")),
                    ("completed_at", translate("requests.request_detail", "Completada")),
                    ("cancelled_at", translate("requests.request_detail", "Cancelada")),
                    ("cancellation_reason", translate("requests.request_detail", "Motivo")),
                    ("discount", translate("requests.request_detail", "Descuento")),
                    ("created_by", translate("requests.request_detail", "Registrada por")),
                ),
            ),
        ):
            for key, caption in rows:
                label = value_label()
                label.setMinimumWidth(160)
                self.values[key] = label
                form.addRow(f"{caption}:", label)
        info.addLayout(left, 0, 0)
        info.addLayout(right, 0, 1)
        info.setColumnStretch(0, 3)
        info.setColumnStretch(1, 2)
        layout.addLayout(info)

        splitter = QSplitter(Qt.Orientation.Vertical)
        lines_box = QGroupBox(translate("requests.request_detail", "Investigaciones"))
        lines_layout = QVBoxLayout(lines_box)
        self.lines_model = RowsModel(line_columns(with_status=True), self)
        self.lines_view = fixed_table(
            self,
            self.lines_model,
            ((0, 60), (2, 130), (3, 95), (4, 95), (5, 95), (6, 125), (7, 110)),
            stretch=1,
        )
        self.lines_view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        lines_layout.addWidget(self.lines_view)
        results_row = QHBoxLayout()
        self.progress_label = QLabel()
        self.progress_label.setObjectName("progress")
        self.start_button = push_button(
            translate("requests.request_detail", "En &proceso"),
            "workflow_next",
            lambda: self.mark_selected("in_progress"),
            translate("requests.request_detail", "Marcar las investigaciones elegidas en proceso"),
        )
        self.release_button = push_button(
            translate("requests.request_detail", "Resultado &listo"),
            "status_completed",
            lambda: self.mark_selected("released"),
            translate(
                "requests.request_detail",
                "Marcar las investigaciones elegidas con resultado listo (una o varias)",
            ),
        )
        results_row.addWidget(self.progress_label)
        results_row.addStretch(1)
        results_row.addWidget(self.start_button)
        results_row.addWidget(self.release_button)
        lines_layout.addLayout(results_row)
        splitter.addWidget(lines_box)
        # the history and the WhatsApp messages share one tabbed area under the lines, so
        # the investigations keep their room on a 768 px high screen (issue 16)
        self.lower_tabs = QTabWidget()
        self.lower_tabs.setObjectName("detail_tabs")
        events_box = QWidget()
        events_layout = QVBoxLayout(events_box)
        events_layout.setContentsMargins(4, 4, 4, 4)
        self.events_model = RowsModel(event_columns(), self)
        self.events_view = fixed_table(
            self, self.events_model, ((0, 120), (1, 160), (3, 110)), stretch=2
        )
        self.events_view.setWordWrap(False)
        events_layout.addWidget(self.events_view)
        self.lower_tabs.addTab(events_box, translate("requests.request_detail", "Historial"))
        from ..notify.messages_panel import MessagesPanel  # WhatsApp (issue 18)

        self.messages_box = QWidget()
        messages_layout = QVBoxLayout(self.messages_box)
        messages_layout.setContentsMargins(4, 4, 4, 4)
        self.messages = MessagesPanel(request_id=self.request_id, parent=self)
        messages_layout.addWidget(self.messages)
        if allowed("notify.send"):
            self.lower_tabs.addTab(
                self.messages_box, translate("requests.request_detail", "Mensajes de WhatsApp")
            )
            if self.messages.model.rowCount():  # messages to look at come first
                self.lower_tabs.setCurrentWidget(self.messages_box)
        else:
            self.messages_box.hide()
        self.lower_tabs.currentChanged.connect(self._tab_changed)
        splitter.addWidget(self.lower_tabs)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setCollapsible(0, False)
        layout.addWidget(splitter, 1)

        bottom = QHBoxLayout()
        self.totals = TotalsBar(compact=True)
        bottom.addWidget(self.totals, 1)
        layout.addLayout(bottom)

        # the request's own changes, left; printing, the factura and Cerrar, a second row
        advance_text = translate("requests.request_detail", "A&vanzar estado")
        cancel_text = translate("requests.request_detail", "&Cancelar solicitud…")
        add_text = translate("requests.request_detail", "&Agregar investigación…")
        remove_text = translate("requests.request_detail", "&Quitar investigación…")
        edit_text = translate("requests.request_detail", "E&ditar datos…")
        changes = push_buttons(
            (advance_text, "workflow_next", self.advance),
            (cancel_text, "cancel", self.cancel_request),
            (add_text, "add", self.add_investigation),
            (remove_text, "remove", self.remove_investigation),
            (edit_text, "edit", self.edit_request),
        )
        (
            self.advance_button,
            self.cancel_button,
            self.add_button,
            self.remove_button,
            self.edit_button,
        ) = changes
        self.close_button = push_button(
            translate("requests.request_detail", "C&errar"), "", self.accept
        )
        buttons = QHBoxLayout()
        for button in changes:
            buttons.addWidget(button)
        buttons.addStretch(1)
        printing = QHBoxLayout()  # a second row: all in one needs 1050 px (1024 px screens)
        printing.addStretch(1)
        self.print_button = push_button(
            translate("requests.request_detail", "&Resumen…"),
            "print",
            self.print_summary,
            translate("requests.request_detail", "Vista previa e impresión del resumen (Ctrl+P)"),
        )
        self.labels_button = push_button(
            translate("requests.request_detail", "E&tiquetas…"),
            "print",
            self.print_labels,
            translate("requests.request_detail", "Etiquetas de tubos (Ctrl+E)"),
        )
        self.invoice_label = QLabel()  # billing (issue 17): the request's factura
        self.invoice_label.setStyleSheet("color: #2e7d32; font-weight: 600;")
        self.charge_button = push_button(
            translate("requests.request_detail", "Co&brar y facturar…"), "add", self.charge
        )
        self.charge_button.setVisible(allowed("billing.issue"))
        self.discount_button = push_button(
            translate("requests.request_detail", "Desc&uento…"), "discount", self.discount
        )
        printing.insertWidget(0, self.invoice_label)
        printing.insertWidget(1, self.discount_button)
        printing.insertWidget(2, self.charge_button)
        printing.addWidget(self.print_button)
        printing.addWidget(self.labels_button)
        printing.addWidget(self.close_button)
        layout.addLayout(buttons)
        layout.addLayout(printing)
        for keys, slot in (("Ctrl+P", self.print_summary), ("Ctrl+E", self.print_labels)):
            QShortcut(QKeySequence(keys), self, activated=slot)

    # --- data -------------------------------------------------------------------------
    def reload(self) -> None:
        self.detail = detail = requests_service.get(self.request_id)
        status = field(detail, "status")
        number = field(detail, "request_number", "")
        self.setWindowTitle(
            translate("requests.request_detail", "Solicitud {number}").format(number=number)
        )
        self.number_label.setText(number)
        self.status_badge.setText(status_label(status))
        self.status_badge.setStyleSheet(_badge_style(status_color(status).name()))
        priority = field(detail, "priority")
        self.priority_badge.setText(priority_label(priority))
        self.priority_badge.setStyleSheet(_badge_style(priority_color(priority).name()))
        values = {
            "patient": _join(
                field(detail, "patient_name"),
                customers_service.format_id_number(field(detail, "patient_id_number", "")),
                _age(field(detail, "patient_age")),
            ),
            "doctor": field(detail, "doctor_name", ""),
            "source": source_label(field(detail, "source")),
            "branch": field(detail, "branch_name", ""),
            "clinical_info": field(detail, "clinical_info", ""),
            "notes": field(detail, "notes", ""),
            "requested_at": format_date(field(detail, "requested_at")),
            "completed_at": format_date(field(detail, "completed_at")),
            "cancelled_at": format_date(field(detail, "cancelled_at")),
            "cancellation_reason": field(detail, "cancellation_reason", "") or "",
            "discount": _join(
                discount_description(
                    field(detail, "discount_kind", ""),
                    field(detail, "discount_percent", 0),
                    field(detail, "patient_age"),
                ),
                field(detail, "discount_reason", ""),
            ),
            "created_by": field(detail, "created_by", ""),
        }
        for key, label in self.values.items():
            label.setText(str(values.get(key) or "—"))
        self.lines_model.set_rows(line_rows(field(detail, "lines", [])))
        self.progress_label.setText(
            translate("requests.request_detail", "Resultados: {released}/{total} listas").format(
                released=field(detail, "lines_released", 0), total=field(detail, "lines_total", 0)
            )
        )
        self.events_model.set_rows(event_rows(field(detail, "events", [])))
        self.totals.show_request(detail)  # «Neto a pagar» as the factura charges it
        self._update_buttons(status)
        if getattr(self, "messages", None) is not None and self.messages_box.isVisible():
            self.messages.reload()

    def _update_buttons(self, status: str) -> None:
        read_only = requests_service.is_read_only(status)
        next_status = requests_service.NEXT_STATUS.get(status)
        self.advance_button.setEnabled(
            next_status is not None and not read_only and allowed("requests.workflow")
        )
        self.advance_button.setText(
            translate("requests.request_detail", "A&vanzar a «{status_label}»").format(
                status_label=status_label(next_status)
            )
            if next_status
            else translate("requests.request_detail", "A&vanzar estado")
        )
        self.cancel_button.setEnabled(
            requests_service.can_cancel(status) and allowed("requests.cancel")
        )
        can_print = allowed("prints.run")
        self.print_button.setEnabled(can_print)
        self.labels_button.setEnabled(can_print and status != "cancelled")
        can_mark = not read_only and status != "cancelled" and allowed("results.release")
        self.start_button.setEnabled(can_mark)
        self.release_button.setEnabled(can_mark)
        editable = not read_only and allowed("lis.requests.update")
        self.add_button.setEnabled(editable)
        self.remove_button.setEnabled(editable)
        self.edit_button.setEnabled(editable)
        self._update_invoice(status)
        if read_only:
            self.read_only_label.setText(
                translate("requests.request_detail", "Solicitud {lower}: solo lectura").format(
                    lower=status_label(status).lower()
                )
            )
        else:
            self.read_only_label.setText("")

    def _update_invoice(self, status: str) -> None:
        from ...services.billing import records

        valid = [
            d
            for d in records.for_request(self.request_id)
            if d["doc_type"] == "01" and d["status"] == "issued"
        ]
        self.invoice_number = valid[0]["number"] if valid else None
        document_id = valid[0]["id"] if valid else None
        self.invoice_label.setText(
            translate("requests.request_detail", "Factura {number}").format(
                number=self.invoice_number
            )
            if self.invoice_number
            else ""
        )
        self.charge_button.setEnabled(
            document_id is None and status != "cancelled" and allowed("billing.issue")
        )
        # a charged request takes no more investigations (``services.requests``): the
        # button says why instead of a refusal after the search
        charged = translate(
            "requests.request_detail",
            "La solicitud ya está en la factura {number}: registre una solicitud nueva "
            "para otra investigación.",
        )
        if self.invoice_number:
            self.add_button.setEnabled(False)
        self.add_button.setToolTip(
            charged.format(number=self.invoice_number) if self.invoice_number else ""
        )
        self.discount_button.setEnabled(
            self.edit_button.isEnabled() and not self.invoice_number and allowed("discounts.manual")
        )
        self.discount_button.setToolTip(
            discount_tip(self.invoice_number, self.edit_button.isEnabled())
        )

    def charge(self) -> None:
        """«Cobrar y facturar» (issue 17): the payment dialog for this request."""
        if not self.charge_button.isEnabled():
            return
        from ..billing.payment_dialog import charge

        if charge(self, [self.request_id]) is not None:
            self.reload()
            self.changed.emit(self.request_id)

    def _tab_changed(self, _index: int) -> None:
        if self.lower_tabs.currentWidget() is self.messages_box:
            self.messages.reload()

    def print_summary(self) -> None:
        if self.print_button.isEnabled():
            from ..printing import actions

            actions.preview_summary(self, self.request_id)

    def print_labels(self) -> None:
        if self.labels_button.isEnabled():
            from ..printing import actions

            actions.preview_labels(self, self.request_id)

    def _refused(self, title: str, exc: ServiceError) -> None:
        prompts.error(self, title, str(exc))
        self.reload()

    # --- actions ----------------------------------------------------------------------
    def advance(self) -> None:
        status = field(self.detail, "status")
        next_status = requests_service.NEXT_STATUS.get(status)
        if next_status is None:
            return
        number = field(self.detail, "request_number", "")
        if not prompts.confirm(
            self,
            translate("requests.request_detail", "Avanzar estado"),
            translate(
                "requests.request_detail",
                "¿Pasar la solicitud {number} de «{status_label}» a «{status_label2}»?",
            ).format(
                number=number,
                status_label=status_label(status),
                status_label2=status_label(next_status),
            ),
        ):
            return
        try:
            # the version shown: a request another desk changed meanwhile is a conflict,
            # not a second step nobody confirmed
            requests_service.advance(
                self.request_id, by=acting_user(self._by), version=field(self.detail, "version")
            )
        except ServiceError as exc:
            self._refused(
                translate("requests.request_detail", "No se puede avanzar la solicitud"), exc
            )
            return
        self.reload()
        self.changed.emit(self.request_id)

    def selected_line_ids(self) -> list[int]:
        rows = {index.row() for index in self.lines_view.selectionModel().selectedRows()}
        return [
            self.lines_model.row_dict(row)["line_id"]
            for row in sorted(rows)
            if row < self.lines_model.rowCount()
        ]

    def mark_selected(self, status: str) -> None:
        """*En proceso* / *Resultado listo* for the chosen lines (one or many)."""
        line_ids = self.selected_line_ids()
        if not line_ids:
            prompts.info(
                self,
                translate("requests.request_detail", "Resultados"),
                translate("requests.request_detail", "Elija una o varias investigaciones."),
            )
            return
        try:
            requests_service.mark_lines(
                self.request_id,
                line_ids,
                status,
                by=acting_user(self._by),
                version=field(self.detail, "version"),
            )
        except ServiceError as exc:
            self._refused(translate("requests.request_detail", "No se pudo marcar"), exc)
            return
        self.reload()
        self.changed.emit(self.request_id)

    def edit_request(self) -> None:
        """«Editar datos…»: doctor, priority, origin, clinical information and notes."""
        if not self.edit_button.isEnabled():
            return
        from .edit_dialog import RequestEditDialog

        self._run(RequestEditDialog(self.detail, self, by=self._by))

    def discount(self) -> None:
        """«Descuento…»: a manual discount with its reason, or withdrawn (Supervisor)."""
        if not self.discount_button.isEnabled():
            return
        from .discount_dialog import DiscountDialog

        self._run(DiscountDialog(self.detail, self, by=self._by))

    def cancel_request(self) -> None:
        from .cancel_dialog import CancelRequestDialog

        self._run(
            CancelRequestDialog(
                self.request_id,
                field(self.detail, "request_number", ""),
                field(self.detail, "status", ""),
                self,
                by=self._by,
                version=field(self.detail, "version"),
            )
        )

    def _run(self, dialog) -> None:
        """A change's dialog; the request as saved after it, its list told when accepted."""
        accepted = dialog.exec()
        self.reload()
        if accepted:
            self.changed.emit(self.request_id)

    def add_investigation(self) -> None:
        from .add_investigation_dialog import AddInvestigationDialog

        self._change_lines(AddInvestigationDialog)

    def remove_investigation(self) -> None:
        from .remove_investigation_dialog import RemoveInvestigationDialog

        self._change_lines(RemoveInvestigationDialog)

    def _change_lines(self, dialog_class) -> None:
        """Add or remove investigations in their dialog; say so when something changed."""
        dialog = dialog_class(self.request_id, self, by=self._by)
        dialog.exec()
        self.reload()
        if dialog.changed_count:
            self.changed.emit(self.request_id)


def _badge_style(color: str) -> str:
    return (
        f"color: white; background: {color}; border-radius: 9px; padding: 2px 10px;"
        " font-weight: 600;"
    )


def _age(age) -> str:
    return (
        translate("requests.request_detail", "{age} años").format(age=age)
        if age is not None
        else ""
    )


def _join(*parts) -> str:
    return " · ".join(str(p) for p in parts if p not in (None, ""))
