"""A credit note's cash refund leaves from the drawer that took the money while it is open,
as a void reverses into it (probe2 §4): it came out of the Supervisor's own drawer (opened
with L 0, expecting −L 330.00) while the receptionist's drawer still expected the money,
and a Supervisor without an open drawer was refused. The dialog says which drawer."""

from __future__ import annotations

from decimal import Decimal

import pytest

from patolab_desktop.db.models_billing import Payment
from patolab_desktop.services import requests
from patolab_desktop.services.access import permissions
from patolab_desktop.services.billing import cash
from patolab_desktop.ui.billing.documents_window import CreditNoteDialog

from .billing_ui_helpers import billing_setup
from .test_billing_documents import invoice_as_reception

pytestmark = pytest.mark.usefixtures("no_crash_dialog")


def refund_dialog(qtbot, document_id: int) -> CreditNoteDialog:
    """The whole factura given back in cash, as the Supervisor fills it in."""
    dialog = CreditNoteDialog(document_id)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.whole_radio.setChecked(True)
    dialog.reason_edit.setText("El paciente desistió del examen")
    dialog.receiver_document_edit.setText("0801199012345")
    dialog.set_settlement("refund")
    return dialog


def test_the_refund_leaves_the_receptionists_open_drawer(qtbot, database, as_role, prompt_log):
    lab = billing_setup()
    document_id = invoice_as_reception(as_role, lab)  # L 330.00 cash, drawer opened with 100
    drawer = cash.current()["id"]
    requests.cancel(lab["request"], "El paciente desistió del examen", by="recepcion")
    as_role(permissions.ROLE_SUPERVISOR)  # no drawer of her own
    dialog = refund_dialog(qtbot, document_id)
    assert dialog.drawer_label.isVisible()
    assert "sale de la caja de recepcion, donde se cobró" in dialog.drawer_label.text()
    prompt_log.answer = False  # no print
    note_id = dialog.issue()
    assert note_id is not None, dialog.error.text()
    refund = Payment.get((Payment.document == document_id) & (Payment.kind == "refund"))
    assert refund.cash_session_id == drawer
    assert cash.expected(drawer)["cash"] == Decimal("100.00")  # 100 + 330 − 330
    dialog.set_settlement("balance")
    assert not dialog.drawer_label.isVisible()


def test_once_that_drawer_closed_the_refund_leaves_the_supervisors(
    qtbot, database, as_role, prompt_log
):
    lab = billing_setup()
    document_id = invoice_as_reception(as_role, lab)
    cash.close({"100": 4, "20": 1, "10": 1}, {})
    requests.cancel(lab["request"], "El paciente desistió del examen", by="recepcion")
    as_role(permissions.ROLE_SUPERVISOR)
    dialog = refund_dialog(qtbot, document_id)
    assert "ya se cerró" in dialog.drawer_label.text()
    assert "usted no tiene una caja abierta" in dialog.drawer_label.text()
    assert dialog.issue() is None and "Abra su caja" in dialog.error.text()
    own = cash.open_session("500")
    dialog = refund_dialog(qtbot, document_id)
    assert dialog.drawer_label.text() == "La devolución sale de su caja."
    prompt_log.answer = False
    assert dialog.issue() is not None, dialog.error.text()
    assert cash.expected(own)["cash"] == Decimal("170.00")  # 500 − 330 given back
