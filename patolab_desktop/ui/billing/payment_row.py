"""One payment of a factura or an abono: method, amount and what that method needs
(received cash and change, card digits and code, bank and reference, the balance)."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from ...i18n import translate
from ...services.billing.payments import PaymentInput
from ...services.billing.types import (
    BALANCE,
    CARD,
    CASH,
    CHEQUE,
    METHOD_LABELS,
    METHODS,
    TRANSFER,
    label,
)
from ...util.money import amount_text
from ..icons import icon
from .common import error_label, money, money_edit, typed_amount

ZERO = Decimal("0.00")


class PaymentRow(QWidget):
    """One payment: method, amount and what that method needs."""

    changed = Signal()
    remove_requested = Signal(object)

    def __init__(self, amount: Decimal, parent=None):
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.method_combo = QComboBox()
        for method in METHODS:
            self.method_combo.addItem(label(METHOD_LABELS, method), method)
        self.amount_edit = money_edit(
            amount_text(amount), 110, translate("billing.payment_dialog", "Monto")
        )
        # cash
        self.received_edit = money_edit("", 110, translate("billing.payment_dialog", "Recibido"))
        self.change_label = QLabel()
        # card
        self.last4_edit = QLineEdit()
        self.last4_edit.setPlaceholderText(translate("billing.payment_dialog", "Últimos 4"))
        self.last4_edit.setMaxLength(4)
        self.last4_edit.setMaximumWidth(80)
        self.auth_edit = QLineEdit()
        self.auth_edit.setPlaceholderText(
            translate("billing.payment_dialog", "Código de autorización")
        )
        # transfer / cheque
        self.bank_edit = QLineEdit()
        self.bank_edit.setPlaceholderText(translate("billing.payment_dialog", "Banco"))
        self.reference_edit = QLineEdit()
        self.balance_label = QLabel()
        self.remove_button = QPushButton(icon("remove"), "")
        self.remove_button.setToolTip(translate("billing.payment_dialog", "Quitar este pago"))
        self.error = error_label()
        for widget in (
            self.method_combo,
            self.amount_edit,
            self.received_edit,
            self.change_label,
            self.last4_edit,
            self.auth_edit,
            self.bank_edit,
            self.reference_edit,
            self.balance_label,
        ):
            layout.addWidget(widget)
        layout.addStretch(1)
        layout.addWidget(self.remove_button)
        self.method_combo.currentIndexChanged.connect(self._method_changed)
        self.amount_edit.textChanged.connect(self._live)
        self.received_edit.textChanged.connect(self._live)
        self.remove_button.clicked.connect(lambda: self.remove_requested.emit(self))
        self._method_changed()

    def method(self) -> str:
        return self.method_combo.currentData()

    def set_method(self, method: str) -> None:
        self.method_combo.setCurrentIndex(self.method_combo.findData(method))

    def amount(self) -> Decimal:
        return typed_amount(self.amount_edit.text()) or ZERO

    def change(self) -> Decimal | None:
        if self.method() != CASH:
            return None
        received = typed_amount(self.received_edit.text())
        if received is None:
            return None
        return received - self.amount()

    def _method_changed(self, *_args) -> None:
        method = self.method()
        for widget, shown in (
            (self.received_edit, method == CASH),
            (self.change_label, method == CASH),
            (self.last4_edit, method == CARD),
            (self.auth_edit, method == CARD),
            (self.bank_edit, method in (TRANSFER, CHEQUE)),
            (self.reference_edit, method in (TRANSFER, CHEQUE)),
            (self.balance_label, method == BALANCE),
        ):
            widget.setVisible(shown)
        self.reference_edit.setPlaceholderText(
            translate("billing.payment_dialog", "Referencia")
            if method == TRANSFER
            else translate("billing.payment_dialog", "Número de cheque")
        )
        self._live()

    def _live(self, *_args) -> None:
        change = self.change()
        if change is None:
            self.change_label.setText("")
        elif change < 0:
            self.change_label.setText(
                translate("billing.payment_dialog", "Falta {amount}").format(amount=money(-change))
            )
        else:
            self.change_label.setText(
                translate("billing.payment_dialog", "Cambio: {amount}").format(amount=money(change))
            )
        self.changed.emit()

    def payment(self) -> PaymentInput:
        method = self.method()
        return PaymentInput(
            method=method,
            amount=self.amount_edit.text(),
            received=self.received_edit.text() if method == CASH else None,
            card_last4=self.last4_edit.text() if method == CARD else "",
            auth_code=self.auth_edit.text() if method == CARD else "",
            bank=self.bank_edit.text() if method in (TRANSFER, CHEQUE) else "",
            reference=self.reference_edit.text() if method in (TRANSFER, CHEQUE) else "",
        )

    def next_field(self, widget: QWidget | None) -> QWidget | None:
        """The field Enter goes to from ``widget`` of this row: the next one the method
        shows (method → amount → received; card digits → code; bank → reference). None
        from the row's last field (Enter then issues) or from a widget not of this row."""
        chain = [
            w
            for w in (
                self.method_combo,
                self.amount_edit,
                self.received_edit,
                self.last4_edit,
                self.auth_edit,
                self.bank_edit,
                self.reference_edit,
            )
            if w is self.method_combo or not w.isHidden()
        ]
        if widget not in chain:
            return None
        here = chain.index(widget)
        return chain[here + 1] if here + 1 < len(chain) else None
