"""The outbox window for administrators: filters, counts per status, the red banner
while sending is stopped (with *Reanudar*), *Reintentar* and *Cancelar*."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...i18n import translate
from ...services.notify import config, outbox
from ...services.notify.events import EVENT_LABELS, STATUS_LABELS, STATUSES
from ...util.translation import translate as service_translate
from ..requests.common import RowsModel
from ..widgets.forms import button_row, push_button
from ..widgets.screen_fit import fit_to_screen
from ..widgets.table import fixed_table
from .messages_panel import MessageActions, message_columns

BANNER_STYLE = (
    "background: #c62828; color: white; font-weight: 600; padding: 8px; border-radius: 4px;"
)


class OutboxWindow(MessageActions, QDialog):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(translate("notify.outbox_window", "Cola de WhatsApp"))
        fit_to_screen(self, 1080, 620)
        layout = QVBoxLayout(self)
        banner_row = QHBoxLayout()
        self.banner = QLabel()
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner.setWordWrap(True)
        self.resume_button = QPushButton(translate("notify.outbox_window", "Reanudar el envío"))
        banner_row.addWidget(self.banner, 1)
        banner_row.addWidget(self.resume_button)
        layout.addLayout(banner_row)
        filters = QHBoxLayout()
        self.status_combo = QComboBox()
        self.status_combo.addItem(translate("notify.outbox_window", "Todos los estados"), None)
        for status in STATUSES:
            self.status_combo.addItem(
                service_translate("services.notify", STATUS_LABELS[status]), status
            )
        self.event_combo = QComboBox()
        self.event_combo.addItem(translate("notify.outbox_window", "Todos los avisos"), None)
        for event, label in EVENT_LABELS.items():
            self.event_combo.addItem(service_translate("services.notify", label), event)
        status_label = QLabel(translate("notify.outbox_window", "&Estado"))
        status_label.setBuddy(self.status_combo)
        event_label = QLabel(translate("notify.outbox_window", "&Aviso"))
        event_label.setBuddy(self.event_combo)
        for widget in (status_label, self.status_combo, event_label, self.event_combo):
            filters.addWidget(widget)
        filters.addStretch(1)
        layout.addLayout(filters)
        # the counts per status on a line of their own: beside the filters they needed
        # 1,100 px once «Enviado a mano» joined them (a 1024 px screen)
        self.counts_label = QLabel()
        self.counts_label.setWordWrap(True)
        layout.addWidget(self.counts_label)
        self.model = RowsModel(message_columns(), self)
        self.view = fixed_table(
            self, self.model, ((0, 120), (1, 150), (2, 120), (3, 160), (4, 330), (5, 120))
        )
        layout.addWidget(self.view, 1)
        self.retry_button = push_button(
            translate("notify.outbox_window", "&Reintentar"), slot=lambda: self._act(outbox.retry)
        )
        self.cancel_button = push_button(
            translate("notify.outbox_window", "Ca&ncelar envío"),
            slot=lambda: self._act(outbox.cancel),
        )
        self.refresh_button = push_button(
            translate("notify.outbox_window", "Ac&tualizar"), slot=self.reload
        )
        self.close_button = push_button(
            translate("notify.outbox_window", "C&errar"), slot=self.accept
        )
        button_row(
            layout,
            (self.retry_button, self.cancel_button, self.refresh_button),
            (self.close_button,),
        )
        self.status_combo.currentIndexChanged.connect(lambda _i: self.reload())
        self.event_combo.currentIndexChanged.connect(lambda _i: self.reload())
        self.resume_button.clicked.connect(self.resume)
        self.reload()

    def reload(self) -> None:
        state = config.stopped()
        warnings = []
        if state is not None:
            warnings.append(
                translate(
                    "notify.outbox_window",
                    "Envío por WhatsApp DETENIDO desde {at}: {reason} Corrija la configuración "
                    "y pulse Reanudar.",
                ).format(at=str(state.get("at", "")).replace("T", " "), reason=state["reason"])
            )
        if config.missing_token():  # no token here, and no other desk is sending
            warnings.append(
                translate(
                    "notify.outbox_window",
                    "Ninguna computadora está enviando los mensajes en cola (uno espera desde "
                    "hace más de {minutes} minutos) y esta no tiene la clave de acceso de "
                    "WhatsApp. Escríbala en Archivo › Configuración de WhatsApp y pulse "
                    "Guardar, o abra PatoLab en la computadora que la tiene.",
                ).format(minutes=int(outbox.STALLED_AFTER.total_seconds() // 60))
            )
        self.banner.setVisible(bool(warnings))
        self.banner.setText("\n".join(warnings))
        self.resume_button.setVisible(state is not None)
        counts = outbox.counts()
        self.counts_label.setText(
            " · ".join(
                f"{service_translate('services.notify', STATUS_LABELS[s])}: {counts[s]}"
                for s in STATUSES
            )
        )
        self.model.set_rows(
            outbox.listing(self.status_combo.currentData(), self.event_combo.currentData())
        )

    def refused_title(self) -> str:
        return translate("notify.outbox_window", "Cola de WhatsApp")

    def resume(self) -> None:
        config.resume()
        self.reload()
