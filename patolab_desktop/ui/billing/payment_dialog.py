"""«Cobrar y facturar»: the invoice preview, the buyer, the payments, then issue.

The preview comes from ``invoices.preview`` (lines, Importe Exento/Exonerado/Gravado,
ISV, total); every rule (buyer above L 10,000, payments covering the total, card codes,
credit) is checked by ``invoices.issue`` and its messages are shown inline beside the
field they name. After issuing, the same dialog offers the print preview and the PDF.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...i18n import translate
from ...services.access import session
from ...services.billing import cash, invoices
from ...services.billing.buyers import BuyerInput
from ...services.billing.types import (
    TAX_CLASS_LABELS,
    label,
)
from ...services.errors import ServiceError, ValidationError
from .. import prompts
from ..models.row_table import Column
from ..widgets.forms import button_row, push_button, push_buttons
from ..widgets.keyed_form import keyed_form_box
from ..widgets.record_dialog import confirm_discard
from . import printing
from .base import BillingDialog
from .common import RIGHT, error_label, money, money_column, show_error, table, with_error
from .payment_row import ZERO, PaymentRow

CTX = "billing.payment_dialog"


def line_columns() -> list[Column]:
    return [
        Column("description", translate("billing.payment_dialog", "Descripción")),
        Column("quantity", translate("billing.payment_dialog", "Cant."), align=RIGHT),
        money_column("unit_price", translate("billing.payment_dialog", "Precio")),
        money_column("discount", translate("billing.payment_dialog", "Descuento")),
        money_column("amount", translate("billing.payment_dialog", "Importe")),
        Column("tax_label", translate("billing.payment_dialog", "Impuesto")),
    ]


def _total_label(key: str) -> QLabel:
    """A right-aligned amount of the totals box; the total to pay in large bold."""
    value = QLabel()
    value.setAlignment(RIGHT)
    if key == "total":
        value.setStyleSheet("font-size: 14pt; font-weight: 700;")
    return value


class PaymentDialog(BillingDialog):
    """``PaymentDialog(request_ids)``. ``issued(document_id)`` once the factura exists."""

    issued = Signal(int)

    def __init__(self, request_ids, parent=None, bill_to_id: int | None = None):
        super().__init__(
            parent, translate("billing.payment_dialog", "Cobrar y facturar"), "print", (960, 720)
        )
        self.request_ids = tuple(request_ids)
        self.bill_to_id = bill_to_id
        self.document_id: int | None = None
        self.info: dict = {}
        self.rows: list[PaymentRow] = []
        self._build()
        self.refresh_preview()
        if self.info:
            # the first decision is how the patient pays: the focus starts there, never on
            # «Emitir factura» (one Enter on opening issued a cash factura for the total)
            self.add_row(self.total()).method_combo.setFocus(Qt.FocusReason.OtherFocusReason)
        self._typed = self.data()  # Esc asks before what is typed after this is lost

    # --- building ---------------------------------------------------------------------
    def _build(self) -> None:
        self.cash_hint = QLabel()
        self.cash_hint.setStyleSheet(
            "background: #fff3e0; color: #e65100; padding: 6px; border-radius: 4px;"
        )
        self.open_cash_button = push_button(
            translate("billing.payment_dialog", "&Abrir caja…"), "", self.open_cash
        )
        hint_row = QHBoxLayout()
        hint_row.addWidget(self.cash_hint, 1)
        hint_row.addWidget(self.open_cash_button)
        self.column.addLayout(hint_row)
        top = QHBoxLayout()
        top.addWidget(self._lines_table(), 3)
        top.addWidget(self._totals_box(), 1)
        self.column.addLayout(top, 2)
        self.column.addWidget(self._buyer_box())
        self.column.addWidget(self._payments_box(), 2)
        self.column.addWidget(self.error)
        self.done_label = QLabel()
        self.done_label.setStyleSheet("color: #2e7d32; font-size: 12pt; font-weight: 700;")
        self.done_label.hide()
        self.column.addWidget(self.done_label)
        self._build_buttons()
        self._set_issued(False)
        self._update_cash_hint()

    def _lines_table(self) -> QTableView:
        self.lines_view, self.lines_model = table(
            line_columns(), self, ((1, 50), (2, 95), (3, 95), (4, 95), (5, 100)), stretch=0
        )
        self.lines_view.setMinimumHeight(120)
        return self.lines_view

    def _totals_box(self) -> QGroupBox:
        captions = {
            "subtotal": translate("billing.payment_dialog", "Subtotal"),
            "discounts": translate("billing.payment_dialog", "Descuentos"),
            "exempt": translate("billing.payment_dialog", "Importe Exento"),
            "exonerated": translate("billing.payment_dialog", "Importe Exonerado"),
            "taxed15": translate("billing.payment_dialog", "Importe Gravado 15 %"),
            "taxed18": translate("billing.payment_dialog", "Importe Gravado 18 %"),
            "isv15": translate("billing.payment_dialog", "ISV 15 %"),
            "isv18": translate("billing.payment_dialog", "ISV 18 %"),
            "total": translate("billing.payment_dialog", "Total a pagar"),
        }
        totals_box, _form, self.totals = keyed_form_box(
            translate("billing.payment_dialog", "Totales"), captions, _total_label
        )
        return totals_box

    def _buyer_box(self) -> QGroupBox:
        """Who the factura is for: consumidor final or a name and document, and the
        papers of an exonerated buyer."""
        buyer_box = QGroupBox(translate("billing.payment_dialog", "Comprador"))
        buyer = QGridLayout(buyer_box)
        self.customer_label = QLabel()
        self.customer_label.setStyleSheet("font-weight: 600;")
        self.consumer_check = QCheckBox(translate("billing.payment_dialog", "CONSUMIDOR &FINAL"))
        self.exonerated_check = QCheckBox(
            translate("billing.payment_dialog", "Comprador &exonerado")
        )
        for name, text in (
            ("buyer_name_edit", translate("billing.payment_dialog", "Nombre del comprador")),
            ("buyer_document_edit", translate("billing.payment_dialog", "RTN o identidad")),
            ("order_edit", translate("billing.payment_dialog", "N.º Orden de Compra Exenta")),
            (
                "register_edit",
                translate("billing.payment_dialog", "Constancia del Registro de Exonerados"),
            ),
            ("sag_edit", translate("billing.payment_dialog", "Registro SAG")),
        ):
            edit = QLineEdit()
            edit.setPlaceholderText(text)
            setattr(self, name, edit)
        self.buyer_error = error_label()
        buyer.addWidget(self.customer_label, 0, 0, 1, 3)
        buyer.addWidget(self.consumer_check, 0, 3)
        buyer.addWidget(QLabel(translate("billing.payment_dialog", "Nombre")), 1, 0)
        buyer.addWidget(self.buyer_name_edit, 1, 1)
        buyer.addWidget(QLabel(translate("billing.payment_dialog", "Documento")), 1, 2)
        buyer.addWidget(self.buyer_document_edit, 1, 3)
        buyer.addWidget(self.exonerated_check, 2, 0)
        exemption = QHBoxLayout()
        for edit in (self.order_edit, self.register_edit, self.sag_edit):
            exemption.addWidget(edit)
        buyer.addLayout(exemption, 2, 1, 1, 3)
        buyer.addWidget(self.buyer_error, 3, 0, 1, 4)
        self.consumer_check.toggled.connect(self._consumer_toggled)
        self.exonerated_check.toggled.connect(self._exonerated_toggled)
        for edit in (self.order_edit, self.register_edit):
            edit.editingFinished.connect(self.refresh_preview)
        self._exonerated_toggled(False)
        return buyer_box

    def _payments_box(self) -> QGroupBox:
        """The payment rows (scrolling), «Agregar pago», credit and what is paid."""
        pay_box = QGroupBox(translate("billing.payment_dialog", "Pagos"))
        pay = QVBoxLayout(pay_box)
        self.rows_widget = QWidget()
        self.rows_layout = QVBoxLayout(self.rows_widget)
        self.rows_layout.setContentsMargins(0, 0, 0, 0)
        self.rows_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.rows_widget)
        scroll.setMinimumHeight(90)
        pay.addWidget(scroll, 1)
        self.add_payment_button = push_button(
            translate("billing.payment_dialog", "A&gregar pago"),
            "add",
            lambda: self.add_row(self.missing()),
        )
        self.credit_check = QCheckBox(
            translate("billing.payment_dialog", "El resto a &crédito de la empresa")
        )
        self.paid_label = QLabel()
        self.paid_label.setStyleSheet("font-weight: 600;")
        button_row(pay, (self.add_payment_button, self.credit_check), (self.paid_label,))
        self.payments_error = error_label()
        pay.addWidget(self.payments_error)
        self.credit_check.toggled.connect(self._update_paid)
        return pay_box

    def _build_buttons(self) -> None:
        """Papel, «Vista previa», «Guardar PDF» (once issued), «Emitir factura», «Cerrar»."""
        self.paper_combo = QComboBox()
        for key, text in printing.papers():
            self.paper_combo.addItem(text, key)
        self.paper_combo.setCurrentIndex(self.paper_combo.findData(printing.default_paper()))
        self.preview_button, self.pdf_button, self.issue_button, self.close_button = push_buttons(
            (
                translate("billing.payment_dialog", "&Vista previa / imprimir…"),
                "print",
                self.preview,
            ),
            (translate("billing.payment_dialog", "Guardar &PDF…"), "print", self.save_pdf),
            (
                translate("billing.payment_dialog", "&Emitir factura"),
                "status_completed",
                self.issue,
            ),
            (translate("billing.payment_dialog", "Ce&rrar"), "", self._close),
        )
        self.issue_button.setDefault(True)
        paper = QLabel(translate("billing.payment_dialog", "Papel:"))
        button_row(
            self.column,
            (paper, self.paper_combo, self.preview_button, self.pdf_button),
            (self.issue_button, self.close_button),
        )

    # --- data -------------------------------------------------------------------------
    def buyer(self) -> BuyerInput:
        exonerated = self.exonerated_check.isChecked()
        return BuyerInput(
            consumer_final=self.consumer_check.isChecked(),
            name=self.buyer_name_edit.text(),
            document=self._typed_document(),
            exempt_purchase_order=self.order_edit.text() if exonerated else "",
            exonerated_register=self.register_edit.text() if exonerated else "",
            sag_register=self.sag_edit.text() if exonerated else "",
        )

    def _typed_document(self) -> str:
        """The document typed for the buyer; the customer's own (shown masked to roles
        that may not read it) is taken by the service from the record, never sent back."""
        text = self.buyer_document_edit.text().strip()
        if self.info and text == self.info["customer_document"]:
            return ""
        return text

    def data(self) -> invoices.InvoiceInput:
        return invoices.InvoiceInput(
            request_ids=self.request_ids,
            payments=tuple(row.payment() for row in self.rows),
            buyer=self.buyer(),
            bill_to_id=self.bill_to_id,
            on_credit=self.credit_check.isChecked() and self.credit_check.isVisible(),
        )

    def refresh_preview(self) -> None:
        try:
            info = invoices.preview(
                invoices.InvoiceInput(
                    self.request_ids, buyer=self.buyer(), bill_to_id=self.bill_to_id
                )
            )
        except ServiceError as exc:
            show_error(self.error, str(exc))
            self.issue_button.setEnabled(False)
            return
        first = not self.info
        self.info = info
        amounts = info["amounts"]
        self.lines_model.set_rows(
            [
                {
                    "id": position,
                    "description": item.line.description,
                    "quantity": item.line.quantity,
                    "unit_price": item.unit_price,
                    "discount": item.discount,
                    "amount": item.amount,
                    "tax_label": label(TAX_CLASS_LABELS, item.line.tax_class),
                }
                for position, item in enumerate(amounts.lines, start=1)
            ]
        )
        for key, value in self.totals.items():
            value.setText(money(getattr(amounts, key)))
        document = info["customer_document"]
        self.customer_label.setText(
            translate("billing.payment_dialog", "Factura a: {name}").format(
                name=info["customer_name"]
            )
            + (f"  ·  {document}" if document else "")
        )
        if first:
            self.buyer_name_edit.setText(info["customer_name"])
            self.buyer_document_edit.setText(document)
            self.consumer_check.setChecked(not document)
        self.credit_check.setVisible(bool(info["is_company"] and info["has_credit"]))
        for row in self.rows:
            row.balance_label.setText(
                translate("billing.payment_dialog", "Saldo a favor: {amount}").format(
                    amount=money(info["balance"])
                )
            )
        self._update_paid()

    def total(self) -> Decimal:
        return self.info["amounts"].total if self.info else ZERO

    def paid(self) -> Decimal:
        return sum((row.amount() for row in self.rows), ZERO)

    def missing(self) -> Decimal:
        return max(self.total() - self.paid(), ZERO)

    def add_row(self, amount: Decimal = ZERO) -> PaymentRow:
        row = PaymentRow(amount, self.rows_widget)
        row.changed.connect(self._update_paid)
        row.remove_requested.connect(self.remove_row)
        if self.info:
            row.balance_label.setText(
                translate("billing.payment_dialog", "Saldo a favor: {amount}").format(
                    amount=money(self.info["balance"])
                )
            )
        self.rows.append(row)
        self.rows_layout.insertLayout(self.rows_layout.count() - 1, self._row_box(row))
        self._update_paid()
        return row

    @staticmethod
    def _row_box(row: PaymentRow):
        return with_error(row, row.error)

    def remove_row(self, row: PaymentRow) -> None:
        if row not in self.rows:
            return
        self.rows.remove(row)
        row.error.deleteLater()
        row.deleteLater()
        self._update_paid()

    def _update_paid(self, *_args) -> None:
        paid = self.paid()
        change = sum((row.change() or ZERO for row in self.rows if (row.change() or 0) > 0), ZERO)
        text = translate("billing.payment_dialog", "Pagado {paid} de {total}").format(
            paid=money(paid), total=money(self.total())
        )
        missing = self.total() - paid
        if missing > 0:
            text += "  ·  " + (
                translate("billing.payment_dialog", "A crédito: {amount}")
                if self.credit_check.isChecked()
                else translate("billing.payment_dialog", "Falta: {amount}")
            ).format(amount=money(missing))
        elif missing < 0:
            text += "  ·  " + translate("billing.payment_dialog", "Sobra: {amount}").format(
                amount=money(-missing)
            )
        if change > 0:
            text += "  ·  " + translate("billing.payment_dialog", "Cambio: {amount}").format(
                amount=money(change)
            )
        self.paid_label.setText(text)

    def _consumer_toggled(self, checked: bool) -> None:
        self.buyer_name_edit.setEnabled(not checked)
        self.buyer_document_edit.setEnabled(not checked)

    def _exonerated_toggled(self, checked: bool) -> None:
        for edit in (self.order_edit, self.register_edit, self.sag_edit):
            edit.setEnabled(checked)
        if self.info:
            self.refresh_preview()

    def _update_cash_hint(self) -> None:
        missing = False
        if session.has("billing.cash"):
            try:
                missing = cash.current() is None
            except ServiceError:
                missing = False
        self.cash_hint.setText(
            translate(
                "billing.payment_dialog",
                "Su caja está cerrada: ábrala para cobrar (cada pago va a su cuadre).",
            )
        )
        self.cash_hint.setVisible(missing and self.document_id is None)
        self.open_cash_button.setVisible(missing and self.document_id is None)

    def open_cash(self) -> None:
        from .cash_dialogs import CashOpenDialog

        CashOpenDialog(self).exec()
        self._update_cash_hint()

    # --- actions ----------------------------------------------------------------------
    def _clear_errors(self) -> None:
        for label_ in [self.error, self.buyer_error, self.payments_error] + [
            r.error for r in self.rows
        ]:
            show_error(label_, "")

    def _show_errors(self, exc: ServiceError) -> None:
        if not isinstance(exc, ValidationError):
            show_error(self.error, str(exc))
            return
        general = []
        for key, text in exc.fields.items():
            if key.startswith("payment") and "." in key:
                index = int(key.split(".")[0][len("payment") :] or 0)
                if 0 <= index < len(self.rows):
                    row_error = self.rows[index].error
                    show_error(row_error, "\n".join(filter(None, [row_error.text(), text])))
                    continue
            if key.startswith("buyer") or key == "exemption":
                show_error(self.buyer_error, text)
            elif key == "payments":
                show_error(self.payments_error, text)
            else:
                general.append(text)
        show_error(self.error, "\n".join(general))

    def issue(self) -> int | None:
        """Issue the factura; returns its id (errors shown inline)."""
        if self.document_id is not None:
            return self.document_id
        self._clear_errors()
        try:
            document_id = invoices.issue(self.data())
        except ServiceError as exc:
            self._show_errors(exc)
            return None
        self.document_id = document_id
        from ...services.billing import records

        view = records.view(document_id)
        change = sum((p.change or ZERO for p in view.payments), ZERO)
        self.done_label.setText(
            translate("billing.payment_dialog", "Factura {number} emitida por {total}.").format(
                number=view.number, total=money(view.totals.total)
            )
            + (
                "  "
                + translate("billing.payment_dialog", "Cambio a entregar: {amount}").format(
                    amount=money(change)
                )
                if change > 0
                else ""
            )
        )
        self._set_issued(True)
        self.issued.emit(document_id)
        return document_id

    def _set_issued(self, done: bool) -> None:
        self.done_label.setVisible(done)
        self.issue_button.setVisible(not done)
        self.preview_button.setVisible(done)
        self.pdf_button.setVisible(done)
        self.paper_combo.setEnabled(done)
        for widget in (
            self.add_payment_button,
            self.credit_check,
            self.consumer_check,
            self.buyer_name_edit,
            self.buyer_document_edit,
            self.exonerated_check,
            self.rows_widget,
        ):
            widget.setEnabled(not done)
        if done:
            self.cash_hint.hide()
            self.open_cash_button.hide()
            self.close_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def paper(self) -> str:
        return self.paper_combo.currentData()

    def preview(self):
        if self.document_id is not None:
            return printing.preview_document(self, self.document_id, self.paper())
        return None

    def save_pdf(self):
        if self.document_id is not None:
            return printing.save_document_pdf(self, self.document_id, self.paper())
        return None

    def _close(self) -> None:
        if self.document_id is not None:
            self.accept()
        else:
            self.reject()

    def reject(self) -> None:
        """Esc / «Cerrar» before issuing asks when a payment or the buyer was typed."""
        if self.document_id is None and self.data() != self._typed and not confirm_discard(self):
            return
        super().reject()

    def keyPressEvent(self, event):  # noqa: N802
        """Enter in a payment's method, amount, card digits or bank goes on to the row's
        next field (PRODUCT: keyboard first); from its last field, or elsewhere, it presses
        «Emitir factura»."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers():
            focus = self.focusWidget()
            for row in self.rows:
                following = row.next_field(focus)
                if following is not None:
                    following.setFocus(Qt.FocusReason.TabFocusReason)
                    if isinstance(following, QLineEdit):
                        following.selectAll()
                    event.accept()
                    return
        super().keyPressEvent(event)


def charge(parent, request_ids, bill_to_id: int | None = None) -> int | None:
    """Open «Cobrar y facturar» for requests; returns the factura's id or None."""
    if not session.has("billing.issue"):
        prompts.error(
            parent,
            translate("billing.payment_dialog", "Cobrar y facturar"),
            translate(
                "billing.payment_dialog",
                "No tiene permiso para facturar: pida a recepción que cobre la solicitud.",
            ),
        )
        return None
    dialog = PaymentDialog(request_ids, parent, bill_to_id=bill_to_id)
    if not dialog.info:
        prompts.error(
            parent, translate("billing.payment_dialog", "Cobrar y facturar"), dialog.error.text()
        )
        return None
    dialog.exec()
    return dialog.document_id
