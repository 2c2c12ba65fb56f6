"""A patient's (or a request's) WhatsApp messages in their own window."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout

from ...i18n import translate
from ..widgets.screen_fit import fit_to_screen
from .messages_panel import MessagesPanel


class MessagesDialog(QDialog):
    def __init__(self, request_id=None, customer_id=None, parent=None):
        super().__init__(parent)
        self.setWindowTitle(translate("notify.messages", "Mensajes de WhatsApp"))
        fit_to_screen(self, 1000, 420)
        layout = QVBoxLayout(self)
        self.panel = MessagesPanel(request_id=request_id, customer_id=customer_id, parent=self)
        layout.addWidget(self.panel)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
