"""Issue 17 screens, each driven as the real role: «Cobrar y facturar» (preview, buyer,
mixed payments with change, inline refusals), the cash open/close and the supervisor's
confirmation, and who sees which billing entry."""

from __future__ import annotations

from decimal import Decimal

import pytest

from patolab_desktop.db.models_billing import CashSession, FiscalDocument, Payment
from patolab_desktop.services.access import permissions
from patolab_desktop.services.billing import cash
from patolab_desktop.ui.billing.cash_dialogs import CashCloseDialog, CashOpenDialog
from patolab_desktop.ui.billing.payment_dialog import PaymentDialog

from .billing_ui_helpers import billing_setup

pytestmark = pytest.mark.usefixtures("no_crash_dialog")


def test_payment_dialog_previews_and_refuses_inline_then_issues_mixed(
    qtbot, database, as_role, prompt_log, dialog_trap
):
    lab = billing_setup()
    as_role(permissions.ROLE_RECEPTION)
    dialog = PaymentDialog([lab["request"]])
    qtbot.addWidget(dialog)
    dialog.show()
    # the preview: two lines, exento, total L 330.00; the cash is still closed
    assert dialog.lines_model.rowCount() == 2
    assert dialog.totals["exempt"].text() == "L 330.00"
    assert dialog.totals["total"].text() == "L 330.00"
    assert dialog.cash_hint.isVisible()
    assert "Carlos Ruiz" in dialog.customer_label.text()
    assert dialog.buyer_document_edit.text()  # the patient's identity number
    # issuing with the cash closed: the service's message, shown in the dialog
    assert dialog.issue() is None
    assert "Abra su caja" in dialog.error.text()

    def open_with_float(opening):
        opening.float_edit.setText("500")
        opening.open_button.click()

    dialog_trap.handlers["CashOpenDialog"] = open_with_float
    dialog.open_cash_button.click()
    assert cash.current()["opening_float"] == Decimal("500")
    assert not dialog.cash_hint.isVisible()
    # mixed: card 200 without an authorisation code → refused inline on that row
    first = dialog.rows[0]
    first.set_method("card")
    first.amount_edit.setText("200.00")
    first.last4_edit.setText("4321")
    second = dialog.add_row(dialog.missing())
    assert second.amount_edit.text() == "130.00"
    second.received_edit.setText("200")
    assert second.change_label.text() == "Cambio: L 70.00"
    assert "Cambio: L 70.00" in dialog.paid_label.text()
    assert dialog.issue() is None
    assert "código de autorización" in first.error.text()
    first.auth_edit.setText("A0099")
    # a third row that overpays, removed again
    third = dialog.add_row(Decimal("50"))
    assert "Sobra" in dialog.paid_label.text()
    dialog.remove_row(third)
    assert len(dialog.rows) == 2
    document_id = dialog.issue()
    assert document_id is not None
    assert "Cambio a entregar: L 70.00" in dialog.done_label.text()
    assert dialog.preview_button.isVisible() and not dialog.issue_button.isVisible()
    document = FiscalDocument.get_by_id(document_id)
    assert document.number == "000-001-01-00000001"
    methods = sorted(p.method for p in Payment.select().where(Payment.document == document_id))
    assert methods == ["card", "cash"]


def test_buyer_above_the_limit_needs_name_and_document(qtbot, database, as_role):
    lab = billing_setup(with_request=False)
    from patolab_desktop.services import catalog
    from patolab_desktop.services.access import session

    from .requests_helpers import make_patient, make_request

    with session.acting_as(session.system_actor("tests")):
        expensive = catalog.create(
            catalog.InvestigationData(code="BIO", name="Biopsia compleja", price=Decimal("12000"))
        )
        patient = make_patient("Ana", "López", age=40)
        request_id, _ = make_request(patient, lab["doctor"], [expensive])
    as_role(permissions.ROLE_RECEPTION)
    cash.open_session("0")
    dialog = PaymentDialog([request_id])
    qtbot.addWidget(dialog)
    dialog.consumer_check.setChecked(True)
    assert dialog.issue() is None
    assert "CONSUMIDOR FINAL" in dialog.buyer_error.text()
    dialog.consumer_check.setChecked(False)
    assert dialog.issue() is not None


def test_open_and_close_the_cash_with_a_difference_note(qtbot, database, as_role):
    billing_setup(with_request=False)
    as_role(permissions.ROLE_RECEPTION)
    opening = CashOpenDialog()
    qtbot.addWidget(opening)
    opening.float_edit.setText("500.00")
    assert opening.open_session() is not None
    closing = CashCloseDialog()
    qtbot.addWidget(closing)
    assert closing.expected["cash"] == Decimal("500.00")
    closing.set_count(200, 2)
    closing.set_count(50, 1)
    assert closing.cash_total.text() == "L 450.00"
    assert closing.difference_label.text() == "-L 50.00"
    assert closing.close_session() is None
    assert "nota" in closing.error.text()
    closing.note_edit.setPlainText("Faltan 50 de un cambio mal dado")
    assert closing.close_session() == closing.session_id
    assert CashSession.get_by_id(closing.session_id).status == "closed"
