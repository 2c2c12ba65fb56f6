"""The messages of a request or a patient: status, the error in words, *Reintentar*,
*Cancelar* and *Abrir en WhatsApp* (click-to-chat, recorded)."""

from __future__ import annotations

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ...i18n import translate
from ...services.access import session
from ...services.notify import outbox
from .. import prompts
from ..models.paged_table import Column
from ..requests.common import RowsModel, format_date
from ..widgets.table import fixed_table


def message_columns() -> list[Column]:
    return [
        Column("created_at", translate("notify.messages", "Fecha"), format=format_date),
        Column("event_label", translate("notify.messages", "Aviso")),
        Column("phone", translate("notify.messages", "Teléfono")),
        Column("status_label", translate("notify.messages", "Estado")),
        Column(
            "error_text",
            translate("notify.messages", "Motivo"),
            tooltip=lambda r: r.get("error_text") or "",
        ),
        Column("sent_at", translate("notify.messages", "Aceptado"), format=format_date),
    ]


def open_url(url: str) -> None:
    """Opens the link in the browser or the WhatsApp app (tests replace it)."""
    QDesktopServices.openUrl(QUrl(url))


class MessageActions:
    """What a list of WhatsApp messages (``self.view`` over ``self.model``) does with the
    selected one: ``current()`` and *Reintentar* / *Cancelar* (``act``), a refusal shown
    under ``refused_title()``, then ``reload()``."""

    def refused_title(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def current(self) -> dict | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.row_dict(rows[0].row()) if rows else None

    def _act(self, action) -> bool:
        row = self.current()
        if row is None:
            return False
        prompts.attempt(self, self.refused_title(), lambda: action(row["id"]))
        self.reload()
        return True


class MessagesPanel(MessageActions, QWidget):
    """``MessagesPanel(request_id=...)`` or ``MessagesPanel(customer_id=...)``."""

    changed = Signal()

    def __init__(self, request_id=None, customer_id=None, parent=None):
        super().__init__(parent)
        self.request_id, self.customer_id = request_id, customer_id
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.model = RowsModel(message_columns(), self)
        self.view = fixed_table(
            self, self.model, ((0, 115), (1, 145), (2, 110), (3, 150), (5, 115)), stretch=4
        )
        layout.addWidget(self.view)
        row = QHBoxLayout()
        self.note = QLabel(
            translate(
                "notify.messages",
                "«Aceptado por WhatsApp» no confirma la entrega: sin servidor público la "
                "aplicación no la puede saber.",
            )
        )
        self.note.setStyleSheet("color: #546e7a;")
        self.note.setWordWrap(True)
        self.retry_button = QPushButton(translate("notify.messages", "&Reintentar"))
        self.cancel_button = QPushButton(translate("notify.messages", "Ca&ncelar envío"))
        self.open_button = QPushButton(translate("notify.messages", "Abrir en &WhatsApp"))
        self.open_tip = translate(
            "notify.messages",
            "Abre el chat con el texto escrito (wa.me); usted pulsa enviar. Sirve sin "
            "cuenta de la API. Un aviso que no salió (en cola, fallido, vencido o cancelado) "
            "queda «Enviado a mano» y la aplicación ya no lo envía.",
        )
        self.open_button.setToolTip(self.open_tip)
        row.addWidget(self.note, 1)
        for button in (self.retry_button, self.cancel_button, self.open_button):
            row.addWidget(button)
        layout.addLayout(row)
        self.retry_button.clicked.connect(lambda: self._act(outbox.retry))
        self.cancel_button.clicked.connect(lambda: self._act(outbox.cancel))
        self.open_button.clicked.connect(self.open_in_whatsapp)
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.reload()

    def reload(self) -> None:
        if not session.has("notify.send"):
            self.model.set_rows([])
            self.setEnabled(False)
            return
        if self.request_id is not None:
            rows = outbox.for_request(self.request_id)
        else:
            rows = outbox.for_customer(self.customer_id)
        self.model.set_rows(rows)
        if rows and not self.view.selectionModel().hasSelection():
            self.view.selectRow(len(rows) - 1 if self.request_id is not None else 0)
        self._update_buttons()

    def refused_title(self) -> str:
        return translate("notify.messages", "Mensajes de WhatsApp")

    def _update_buttons(self) -> None:
        row = self.current()
        status = row["status"] if row else ""
        refused = row.get("retry_refused", "") if row else ""
        self.retry_button.setEnabled(status in outbox.RETRYABLE and not refused)
        # why it is off, where the receptionist looks (the service refuses it anyway)
        self.retry_button.setToolTip(refused)
        self.cancel_button.setEnabled(status in ("queued", "failed"))
        self.open_button.setEnabled(row is not None)
        # already out: open_in_whatsapp asks first (a second copy for the patient)
        self.open_button.setToolTip(
            translate(
                "notify.messages",
                "Este aviso ya salió: antes de abrirlo otra vez se le pedirá confirmar, "
                "porque el paciente lo recibiría dos veces.",
            )
            if status in outbox.ALREADY_OUT
            else self.open_tip
        )

    def _act(self, action) -> bool:
        if not super()._act(action):
            return False
        self.changed.emit()
        return True

    def open_in_whatsapp(self) -> None:
        """Opens the chat; a message not out (queued, failed, expired, cancelled) becomes
        «Enviado a mano» (the sender leaves it, *Reintentar* is off). A message already out
        is opened again only after the receptionist confirms."""
        row = self.current()
        if row is None:
            return
        again = row["status"] in outbox.ALREADY_OUT
        if again and not prompts.confirm(
            self,
            self.refused_title(),
            translate(
                "notify.messages",
                "Este aviso ya salió («{status}»). Si abre el chat y lo envía, el paciente lo "
                "recibirá dos veces.\n\n¿Abrirlo de todos modos?",
            ).format(status=row["status_label"]),
        ):
            return
        url = prompts.attempt(
            self, self.refused_title(), lambda: outbox.open_link(row["id"], again=again)
        )
        if url is prompts.REFUSED:
            self.reload()  # e.g. the sender took it meanwhile: show it as it is now
            return
        open_url(url)
        self.reload()
        if not again:
            self.changed.emit()  # now «Enviado a mano»: one less in the queue or the failures
