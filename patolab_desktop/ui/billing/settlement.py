"""What happens with money already invoiced or paid when a request is cancelled or an
investigation removed (issue 17, point 5): a credit note that gives the money back,
keeps it as the customer's credit balance or lowers what is owed.

``SettlementBox`` is the question inside the cancel dialog (shown only when the request
is invoiced); ``settle`` issues the note after the cancel (a user without
billing.credit_note is told a supervisor must issue it; the cancel still happens).
"""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QLineEdit

from ...i18n import translate
from ...services.access import session
from ...services.billing import credit_notes, listing, records, refund_drawer
from ...services.billing.types import (
    SETTLE_DEBT,
    SETTLE_REFUND,
)
from ...services.errors import ServiceError
from .. import prompts
from .common import money, receiver_name, refund_method_combo, settlement_combo, unmasked


class SettlementBox(QGroupBox):
    def __init__(self, request_id: int, parent=None):
        super().__init__(translate("billing.settlement", "Dinero ya facturado"), parent)
        self.request_id = request_id
        try:
            self.info = credit_notes.invoiced_lines(request_id)
            # investigations already credited one by one leave nothing to settle here
            to_credit = listing.invoiced_line_ids(request_id)
        except ServiceError:
            self.info, to_credit = {}, set()
        self.invoiced = bool(self.info) and bool(to_credit)
        self.allowed = session.has("billing.credit_note")
        self.setVisible(self.invoiced)
        if not self.invoiced:
            return
        form = QFormLayout(self)
        info = self.info
        summary = QLabel(
            translate(
                "billing.settlement",
                "La solicitud está en la factura {number}: total {total}, pagado {paid}, "
                "se debe {owed}. ¿Qué se hace con ese dinero?",
            ).format(
                number=info["number"],
                total=money(info["total"]),
                paid=money(info["paid"]),
                owed=money(max(info["owed"], 0)),
            )
        )
        summary.setWordWrap(True)
        form.addRow(summary)
        self.settlement_combo = settlement_combo()
        self.set_settlement(SETTLE_REFUND if info["paid"] > 0 else SETTLE_DEBT)
        self.method_combo = refund_method_combo()
        self.receiver_name_edit = QLineEdit(receiver_name(info["buyer_name"]))
        self.receiver_document_edit = QLineEdit(unmasked(info["buyer_document"]))
        for text, widget in (
            (translate("billing.settlement", "Nota de crédito"), self.settlement_combo),
            (translate("billing.settlement", "Se devuelve en"), self.method_combo),
            (translate("billing.settlement", "Recibe (nombre)"), self.receiver_name_edit),
            (
                translate("billing.settlement", "Documento de quien recibe"),
                self.receiver_document_edit,
            ),
        ):
            form.addRow(text, widget)
        # which drawer a refund leaves from (the one that took the money, while it is open)
        self.drawer_label = QLabel(
            refund_drawer.describe(info["document_id"]) if self.allowed else ""
        )
        self.drawer_label.setWordWrap(True)
        form.addRow(self.drawer_label)
        self.settlement_combo.currentIndexChanged.connect(self._changed)
        self._changed()
        if not self.allowed:
            note = QLabel(
                translate(
                    "billing.settlement",
                    "Usted no emite notas de crédito: la cancelación se hace y un supervisor "
                    "debe emitir la nota de crédito de la factura {number}.",
                ).format(number=info["number"])
            )
            note.setWordWrap(True)
            note.setStyleSheet("color: #e65100;")
            form.addRow(note)
            for widget in (
                self.settlement_combo,
                self.method_combo,
                self.receiver_name_edit,
                self.receiver_document_edit,
            ):
                widget.setEnabled(False)

    def set_settlement(self, key: str) -> None:
        self.settlement_combo.setCurrentIndex(self.settlement_combo.findData(key))

    def _changed(self, *_args) -> None:
        refund = self.allowed and self.settlement_combo.currentData() == SETTLE_REFUND
        self.method_combo.setEnabled(refund)
        self.drawer_label.setVisible(refund)


def settle(parent, box: SettlementBox, reason: str) -> int | None:
    """After the cancel: the credit note for the request's invoiced lines that have none
    yet, or the message that a supervisor must issue it. Returns the note's id or None."""
    if box is None or not box.invoiced:
        return None
    number = box.info["number"]
    title = translate("billing.settlement", "Nota de crédito")
    if not box.allowed:
        prompts.info(
            parent,
            title,
            translate(
                "billing.settlement",
                "La solicitud se canceló. La factura {number} ya estaba emitida: pida a un "
                "supervisor que emita la nota de crédito (Facturación → Documentos fiscales).",
            ).format(number=number),
        )
        return None
    try:
        # the request's lines not credited yet (one removed earlier has its own note)
        line_ids = tuple(sorted(listing.invoiced_line_ids(box.request_id)))
        if not line_ids:
            return None  # credited meanwhile, from another desk: nothing left to settle
        note_id = credit_notes.issue(
            credit_notes.CreditNoteInput(
                original_id=box.info["document_id"],
                reason=reason,
                receiver_name=box.receiver_name_edit.text(),
                receiver_document=box.receiver_document_edit.text(),
                settlement=box.settlement_combo.currentData(),
                refund_method=box.method_combo.currentData(),
                request_line_ids=line_ids,
            )
        )
    except ServiceError as exc:
        prompts.error(
            parent,
            translate("billing.settlement", "La nota de crédito no se emitió"),
            translate(
                "billing.settlement",
                "La solicitud se canceló, pero la nota de crédito de la factura {number} no se "
                "emitió: {error} Emítala desde Facturación → Documentos fiscales.",
            ).format(number=number, error=str(exc)),
        )
        return None
    view = records.view(note_id)
    prompts.info(
        parent,
        title,
        translate(
            "billing.settlement", "Se emitió la nota de crédito {number} por {total}."
        ).format(number=view.number, total=money(view.totals.total)),
    )
    return note_id


def refuse_invoiced_removal(parent, request_id: int, request_line_id: int) -> bool:
    """An investigation charged on a factura is not removed from the request: its money
    goes on a credit note. True when the removal must not go on (the user was told, and a
    user with billing.credit_note gets the credit note dialog for that line)."""
    try:
        charged = listing.invoiced_line_ids(request_id)
    except ServiceError:
        return False
    if request_line_id not in charged:
        return False
    info = credit_notes.invoiced_lines(request_id)
    title = translate("billing.settlement", "Investigación facturada")
    if not session.has("billing.credit_note"):
        prompts.info(
            parent,
            title,
            translate(
                "billing.settlement",
                "Esta investigación ya está cobrada en la factura {number}: no se quita. Un "
                "supervisor debe emitir una nota de crédito por ella.",
            ).format(number=info.get("number", "")),
        )
        return True
    if prompts.confirm(
        parent,
        title,
        translate(
            "billing.settlement",
            "Esta investigación ya está cobrada en la factura {number}: no se quita de la "
            "solicitud, se acredita con una nota de crédito. ¿Emitir la nota ahora?",
        ).format(number=info.get("number", "")),
    ):
        from .documents_window import CreditNoteDialog

        dialog = CreditNoteDialog(
            info["document_id"],
            parent,
            request_line_ids=(request_line_id,),
            reason=translate("billing.settlement", "Investigación quitada de la solicitud"),
        )
        dialog.exec()
    return True
