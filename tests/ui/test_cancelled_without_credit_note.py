"""A receptionist cancels a paid request and is told to ask a supervisor for the credit
note; nothing listed the notes still missing (the factura showed «issued» with balance 0,
the sales book kept counting it: probe2 §7). The Documentos fiscales window flags such a
factura and filters them, and the receptionist's cash close warns of them."""

from __future__ import annotations

import pytest

from patolab_desktop.services.access import permissions
from patolab_desktop.services.billing import cash, invoices
from patolab_desktop.services.billing.payments import PaymentInput
from patolab_desktop.ui.billing.cash_dialogs import CashCloseDialog
from patolab_desktop.ui.billing.documents_window import FiscalDocumentsWindow

from .billing_ui_helpers import billing_setup, issue_credit_note
from .requests_helpers import make_request
from .test_billing_documents import invoice_as_reception

pytestmark = pytest.mark.usefixtures("no_crash_dialog")


def test_the_supervisor_finds_the_missing_note_and_the_close_warns(
    qtbot, database, as_role, prompt_log
):
    from patolab_desktop.ui.requests.cancel_dialog import CancelRequestDialog

    lab = billing_setup()
    cancelled = invoice_as_reception(as_role, lab)  # L 330.00 cash
    other, _ = make_request(lab["patient"], lab["doctor"], [lab["catalog"]["GLU"]])
    kept = invoices.issue(invoices.InvoiceInput((other,), payments=(PaymentInput("cash", "80"),)))
    dialog = CancelRequestDialog(lab["request"], lab["number"], "pending")
    qtbot.addWidget(dialog)
    dialog.set_reason("Paciente no quiso esperar")
    dialog.accept()
    assert any("supervisor" in c[2] for c in prompt_log.kinds("info"))
    close = CashCloseDialog()
    qtbot.addWidget(close)
    assert not close.missing_label.isHidden()
    assert "000-001-01-00000001" in close.missing_label.text()
    assert "000-001-01-00000002" not in close.missing_label.text()

    as_role(permissions.ROLE_SUPERVISOR)
    window = FiscalDocumentsWindow()
    qtbot.addWidget(window)
    window.type_combo.setCurrentIndex(window.type_combo.findData("missing_note"))
    assert [window.model.row_dict(i)["id"] for i in range(window.model.rowCount())] == [cancelled]
    assert window.model.row_dict(0)["status_label"] == "Cancelada sin nota de crédito"
    window.type_combo.setCurrentIndex(0)  # every document: the flag in the status column
    labels = {
        window.model.row_dict(i)["id"]: window.model.row_dict(i)["status_label"]
        for i in range(window.model.rowCount())
    }
    assert labels == {cancelled: "Cancelada sin nota de crédito", kept: "Vigente"}

    issue_credit_note(cancelled, "Paciente no quiso esperar", whole=True)
    window.type_combo.setCurrentIndex(window.type_combo.findData("missing_note"))
    assert window.model.rowCount() == 0
    as_role(permissions.ROLE_RECEPTION)
    again = CashCloseDialog()
    qtbot.addWidget(again)
    assert again.missing_label.isHidden()
    assert cash.current() is not None
