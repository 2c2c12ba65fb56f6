"""Documentos fiscales: invoices and credit notes with search by number; reprint, save
PDF, Anular (billing.void, reason required) and Nota de crédito (billing.credit_note:
removed investigations, the whole factura or a partial amount; reason; who receives it;
what happens with the money). The services decide; the window shows their messages."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
)

from ...i18n import translate
from ...services.access import session
from ...services.billing import credit_notes, listing, records, refund_drawer
from ...services.billing.types import SETTLE_REFUND, TAX_CLASS_LABELS, TAX_CLASSES, label
from .. import prompts
from ..models.row_table import Column
from ..widgets.forms import push_buttons
from ..widgets.table import SearchBox
from . import printing
from .base import REFUSED, BillingDialog, BillingTableWindow
from .common import (
    day_text,
    money,
    money_column,
    money_edit,
    receiver_name,
    refund_method_combo,
    settlement_combo,
    show_error,
    unmasked,
)

#: the type filter's entry for the facturas still owing a credit note
MISSING_NOTE = "missing_note"


def status_text(row: dict) -> str:
    if row["status"] == "void":
        return translate("billing.documents_window", "ANULADA")
    if row.get("missing_note"):
        return translate("billing.documents_window", "Cancelada sin nota de crédito")
    if row["doc_type"] == "01" and row.get("credited"):
        return translate("billing.documents_window", "Con nota de crédito")
    if row["doc_type"] == "01" and row["balance"] > 0:
        return translate("billing.documents_window", "Pendiente de pago")
    return translate("billing.documents_window", "Vigente")


def document_columns() -> list[Column]:
    return [
        Column("type_label", translate("billing.documents_window", "Tipo")),
        Column("number", translate("billing.documents_window", "Número")),
        Column("issued_at", translate("billing.documents_window", "Fecha"), format=day_text),
        Column("buyer_name", translate("billing.documents_window", "Comprador")),
        money_column("total", translate("billing.documents_window", "Total")),
        money_column("paid", translate("billing.documents_window", "Pagado")),
        money_column("balance", translate("billing.documents_window", "Saldo")),
        Column("status_label", translate("billing.documents_window", "Estado")),
        Column("original_number", translate("billing.documents_window", "Factura original")),
    ]


class FiscalDocumentsWindow(BillingTableWindow):
    def __init__(self, parent=None):
        super().__init__(
            parent,
            translate("billing.documents_window", "Documentos fiscales"),
            "print",
            (1000, 600),
            document_columns(),
            ((0, 110), (1, 160), (2, 120), (3, 200)),
        )
        top = QHBoxLayout()
        self.search = SearchBox(
            translate("billing.documents_window", "Buscar por número o comprador")
        )
        self.type_combo = QComboBox()
        for key, text in (
            ("", translate("billing.documents_window", "Facturas y notas")),
            ("01", translate("billing.documents_window", "Facturas")),
            ("06", translate("billing.documents_window", "Notas de crédito")),
            (MISSING_NOTE, translate("billing.documents_window", "Canceladas sin nota de crédito")),
        ):
            self.type_combo.addItem(text, key)
        top.addWidget(self.search, 1)
        top.addWidget(self.type_combo)
        self.column.addLayout(top)
        buttons = push_buttons(
            (translate("billing.documents_window", "&Reimprimir…"), "print", self.reprint),
            (translate("billing.documents_window", "Guardar &PDF…"), "print", self.save_pdf),
            (translate("billing.documents_window", "&Anular…"), "cancel", self.void_current),
            (
                translate("billing.documents_window", "&Nota de crédito…"),
                "remove",
                self.credit_note_current,
            ),
            (
                translate("billing.documents_window", "Crédi&to de la empresa…"),
                "customers",
                self.company_credit,
            ),
        )
        (
            self.reprint_button,
            self.pdf_button,
            self.void_button,
            self.note_button,
            self.credit_button,
        ) = buttons
        self.finish_table(buttons)
        self.void_button.setVisible(session.has("billing.void"))
        self.note_button.setVisible(session.has("billing.credit_note"))
        self.search.search_changed.connect(self.reload)
        self.type_combo.currentIndexChanged.connect(self.reload)
        self.view.selectionModel().currentRowChanged.connect(self._update_buttons)
        self.view.doubleClicked.connect(lambda *_: self.reprint())
        self.reload()

    def rows(self) -> list[dict]:
        chosen = self.type_combo.currentData() or None
        if chosen == MISSING_NOTE:  # the facturas of cancelled requests owing their note
            rows = listing.search(self.search.text(), missing_note=True)
        else:
            rows = listing.search(self.search.text(), chosen)
        for row in rows:
            row["type_label"] = (
                translate("billing.documents_window", "Factura")
                if row["doc_type"] == "01"
                else translate("billing.documents_window", "Nota de crédito")
            )
            row["status_label"] = status_text(row)
        return rows

    def show_rows(self, rows: list[dict]) -> None:
        super().show_rows(rows)
        self._update_buttons()

    def select_document(self, document_id: int) -> bool:
        if not self.select_id(document_id):
            return False
        self._update_buttons()
        return True

    def _update_buttons(self, *_args) -> None:
        row = self.current()
        invoice = row is not None and row["doc_type"] == "01" and row["status"] == "issued"
        self.reprint_button.setEnabled(row is not None)
        self.pdf_button.setEnabled(row is not None)
        self.void_button.setEnabled(invoice and not row.get("credited"))
        self.note_button.setEnabled(invoice)
        self.credit_button.setEnabled(row is not None and bool(row.get("customer_id")))

    def reprint(self):
        row = self.current()
        return printing.preview_document(self, row["id"]) if row else None

    def save_pdf(self):
        row = self.current()
        return printing.save_document_pdf(self, row["id"]) if row else None

    def void_current(self) -> bool:
        row = self.current()
        if row is None or not self.void_button.isEnabled() or self.void_button.isHidden():
            return False
        if not session.has("billing.void"):  # the button was offered at sign-in
            prompts.refuse(
                self, translate("billing.documents_window", "Anular factura"), "billing.void"
            )
            return False
        dialog = VoidDialog(row, self)
        dialog.exec()
        if dialog.done_ok:
            self.reload()
            self.select_document(row["id"])
        return dialog.done_ok

    def credit_note_current(self) -> int | None:
        row = self.current()
        if row is None or not self.note_button.isEnabled() or self.note_button.isHidden():
            return None
        if not session.has("billing.credit_note"):  # the button was offered at sign-in
            prompts.refuse(
                self,
                translate("billing.documents_window", "Nota de crédito"),
                "billing.credit_note",
            )
            return None
        dialog = CreditNoteDialog(row["id"], parent=self)
        dialog.exec()
        if dialog.note_id is not None:
            self.reload()
        return dialog.note_id

    def company_credit(self):
        row = self.current()
        if row is None or not row.get("customer_id"):
            return None
        from .credit_dialogs import CompanyCreditDialog

        dialog = CompanyCreditDialog(row["customer_id"], self)
        dialog.exec()
        self.reload()
        return dialog


class VoidDialog(BillingDialog):
    """Anular a factura: the reason is required (the service checks it). A paid factura
    whose money must leave the voiding user's drawer while her cash is closed says so on
    opening, with the reason and the button disabled, before anything is typed."""

    def __init__(self, row: dict, parent=None):
        super().__init__(
            parent, translate("billing.documents_window", "Anular factura"), "cancel", min_width=480
        )
        self.row = row
        self.done_ok = False
        explanation = QLabel(
            translate(
                "billing.documents_window",
                "Anular la factura <b>{number}</b> de {buyer} por {total}. El número "
                "queda usado y la factura se reimprime con «ANULADA»; los pagos se "
                "revierten en la caja.",
            ).format(number=row["number"], buyer=row["buyer_name"], total=money(row["total"]))
        )
        explanation.setWordWrap(True)
        self.column.addWidget(explanation)
        self.column.addWidget(
            QLabel(translate("billing.documents_window", "Motivo de la anulación:"))
        )
        self.reason_edit = QPlainTextEdit()
        self.reason_edit.setMaximumHeight(80)
        self.column.addWidget(self.reason_edit)
        self.ok_button = self.finish(
            translate("billing.documents_window", "&Anular factura"),
            self.void,
            "cancel",
            translate("billing.documents_window", "&Volver"),
        )
        refusal = self.attempt(lambda: records.void_refusal(row["id"]))
        if refusal and refusal is not REFUSED:
            show_error(self.error, refusal)
        if refusal:
            self.reason_edit.setEnabled(False)
            self.ok_button.setEnabled(False)

    def void(self) -> bool:
        reason = self.reason_edit.toPlainText()
        if self.attempt(lambda: records.void(self.row["id"], reason)) is REFUSED:
            return False
        self.done_ok = True
        self.accept()
        return True


class CreditNoteDialog(BillingDialog):
    """A Nota de Crédito on a factura: removed investigations, the whole factura or a
    partial amount; the reason, who receives it, and what happens with the money."""

    def __init__(
        self,
        document_id: int,
        parent=None,
        request_line_ids: tuple[int, ...] = (),
        whole: bool = False,
        reason: str = "",
    ):
        super().__init__(
            parent, translate("billing.documents_window", "Nota de crédito"), "remove", (640, 620)
        )
        self.document_id = document_id
        self.note_id: int | None = None
        view = records.view(document_id)
        self.left = credit_notes.remaining(document_id)
        self.column.addWidget(
            QLabel(
                translate(
                    "billing.documents_window",
                    "Factura <b>{number}</b> del {date} · {buyer} · total {total} · queda por "
                    "acreditar {left}",
                ).format(
                    number=view.number,
                    date=day_text(view.issued_at.date()),
                    buyer=view.buyer_name,
                    total=money(view.totals.total),
                    left=money(self.left),
                )
            )
        )
        self.column.addWidget(self._what_box(request_line_ids))
        form = QFormLayout()
        self.reason_edit = QLineEdit(reason)
        self.receiver_name_edit = QLineEdit(receiver_name(view.buyer_name))
        self.receiver_document_edit = QLineEdit(unmasked(view.buyer_document))
        self.settlement = settlement_combo()
        self.refund_method = refund_method_combo()
        for text, widget in (
            (translate("billing.documents_window", "Motivo"), self.reason_edit),
            (translate("billing.documents_window", "Recibe (nombre)"), self.receiver_name_edit),
            (
                translate("billing.documents_window", "Documento de quien recibe"),
                self.receiver_document_edit,
            ),
            (translate("billing.documents_window", "El dinero"), self.settlement),
            (translate("billing.documents_window", "Se devuelve en"), self.refund_method),
        ):
            form.addRow(text, widget)
        self.column.addLayout(form)
        # which drawer a refund leaves from: the one that took the money, while it is open
        self.drawer_label = QLabel(refund_drawer.describe(document_id))
        self.drawer_label.setWordWrap(True)
        self.column.addWidget(self.drawer_label)
        self.issue_button = self.finish(
            translate("billing.documents_window", "&Emitir nota de crédito"),
            self.issue,
            cancel_text=translate("billing.documents_window", "&Volver"),
            stretch=True,
        )
        self.settlement.currentIndexChanged.connect(self._settlement_changed)
        self.mode.buttonToggled.connect(self._mode_changed)
        (
            self.lines_radio
            if request_line_ids
            else self.whole_radio
            if whole
            else self.amount_radio
        ).setChecked(True)
        self._mode_changed()
        self._settlement_changed()

    def _what_box(self, request_line_ids: tuple[int, ...]) -> QGroupBox:
        """What is credited: the checked investigations, the whole factura or an amount."""
        what = QGroupBox(translate("billing.documents_window", "Qué se acredita"))
        what_layout = QVBoxLayout(what)
        self.lines_radio = QRadioButton(
            translate("billing.documents_window", "&Investigaciones quitadas")
        )
        self.whole_radio = QRadioButton(
            translate("billing.documents_window", "La factura &completa")
        )
        self.amount_radio = QRadioButton(
            translate("billing.documents_window", "Un &monto (rebaja)")
        )
        self.mode = QButtonGroup(self)
        for radio in (self.lines_radio, self.whole_radio, self.amount_radio):
            self.mode.addButton(radio)
        self.lines_list = QListWidget()
        self.lines_list.setMaximumHeight(130)
        for line in listing.document_lines(self.document_id):
            item = QListWidgetItem(
                f"{line['description']} — {money(line['amount'])}", self.lines_list
            )
            item.setData(Qt.ItemDataRole.UserRole, line["request_line_id"])
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked
                if line["request_line_id"] in request_line_ids
                else Qt.CheckState.Unchecked
            )
        amount_row = QHBoxLayout()
        self.amount_edit = money_edit(placeholder="0.00")
        self.tax_combo = QComboBox()
        for key in TAX_CLASSES:
            self.tax_combo.addItem(label(TAX_CLASS_LABELS, key), key)
        amount_row.addWidget(self.amount_edit)
        amount_row.addWidget(self.tax_combo)
        what_layout.addWidget(self.lines_radio)
        what_layout.addWidget(self.lines_list)
        what_layout.addWidget(self.whole_radio)
        what_layout.addWidget(self.amount_radio)
        what_layout.addLayout(amount_row)
        return what

    def set_settlement(self, key: str) -> None:
        self.settlement.setCurrentIndex(self.settlement.findData(key))

    def _settlement_changed(self, *_args) -> None:
        refund = self.settlement.currentData() == SETTLE_REFUND
        self.refund_method.setEnabled(refund)
        self.drawer_label.setVisible(refund)

    def _mode_changed(self, *_args) -> None:
        self.lines_list.setEnabled(self.lines_radio.isChecked())
        self.amount_edit.setEnabled(self.amount_radio.isChecked())
        self.tax_combo.setEnabled(self.amount_radio.isChecked())

    def checked_lines(self) -> tuple[int, ...]:
        found = []
        for index in range(self.lines_list.count()):
            item = self.lines_list.item(index)
            if item.checkState() == Qt.CheckState.Checked:
                found.append(item.data(Qt.ItemDataRole.UserRole))
        return tuple(found)

    def data(self) -> credit_notes.CreditNoteInput:
        lines = self.checked_lines() if self.lines_radio.isChecked() else ()
        return credit_notes.CreditNoteInput(
            original_id=self.document_id,
            reason=self.reason_edit.text(),
            receiver_name=self.receiver_name_edit.text(),
            receiver_document=self.receiver_document_edit.text(),
            settlement=self.settlement.currentData(),
            refund_method=self.refund_method.currentData(),
            request_line_ids=lines,
            whole=self.whole_radio.isChecked(),
            amount=self.amount_edit.text() if self.amount_radio.isChecked() else None,
            tax_class=self.tax_combo.currentData(),
        )

    def issue(self) -> int | None:
        if self.lines_radio.isChecked() and not self.checked_lines():
            show_error(
                self.error,
                translate("billing.documents_window", "Marque las investigaciones a acreditar."),
            )
            return None
        note_id = self.attempt(lambda: credit_notes.issue(self.data()))
        if note_id is REFUSED:
            return None
        self.note_id = note_id
        self.accept()
        if prompts.confirm(
            self.parentWidget(),
            translate("billing.documents_window", "Nota de crédito emitida"),
            translate(
                "billing.documents_window", "Se emitió la nota de crédito. ¿Imprimirla ahora?"
            ),
        ):
            printing.preview_document(self.parentWidget(), self.note_id)
        return self.note_id
