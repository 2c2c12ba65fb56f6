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
from .desk_helpers import enter_request

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


def test_catalog_item_tax_class_is_chosen_in_the_dialog_and_invoiced(
    qtbot, database, as_role, prompt_log
):
    from patolab_desktop.db.models import Investigation
    from patolab_desktop.ui.catalog.investigation_dialog import InvestigationDialog

    lab = billing_setup()
    as_role(permissions.ROLE_ADMIN)
    dialog = InvestigationDialog(lab["catalog"]["GLU"])
    qtbot.addWidget(dialog)
    assert dialog.tax_combo.currentData() == "exento"
    dialog.tax_combo.setCurrentIndex(dialog.tax_combo.findData("gravado15"))
    assert dialog.save()
    assert Investigation.get_by_id(lab["catalog"]["GLU"]).tax_class == "gravado15"
    as_role(permissions.ROLE_RECEPTION)
    payment = PaymentDialog([lab["request"]])
    qtbot.addWidget(payment)
    assert payment.totals["taxed15"].text() == "L 80.00"
    assert payment.totals["isv15"].text() == "L 12.00"
    assert payment.totals["total"].text() == "L 342.00"


def make_company(name: str = "Maquila del Norte S.A.") -> int:
    from patolab_desktop.services import customers, reference
    from patolab_desktop.services.access import session

    with session.acting_as(session.system_actor("tests")):
        department_id = reference.departments()[0][0]
        return customers.create(
            customers.CustomerData(
                type="empresa",
                name=name,
                id_number="08019001234567",
                phone="2550-1234",
                department_id=department_id,
                municipality_id=reference.municipalities(department_id)[0][0],
            )
        )


def test_request_billed_to_a_company_on_credit(
    qtbot, database, as_role, dialog_trap, prompt_log, tmp_path
):
    from PySide6.QtCore import Qt

    from patolab_desktop.services.billing import statements

    from .role_helpers import main_window_as

    lab = billing_setup(with_request=False)
    company = make_company()
    as_role(permissions.ROLE_ADMIN)
    statements.set_account(company, "5000.00", 30)
    window = main_window_as(qtbot, permissions.ROLE_RECEPTION)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    cash.open_session("0")
    from patolab_desktop.services.access import session

    from .requests_helpers import make_patient

    with session.acting_as(session.system_actor("tests")):
        make_patient("Luis", "Empleado Norte", age=30)
    area = window.show_tab("requests")
    area.show_entry()
    entry = area.entry
    entry.reload_from_database()
    assert entry.bill_to_combo.findData(company) > 0
    entry.bill_to_combo.setCurrentIndex(entry.bill_to_combo.findData(company))
    enter_request(qtbot, entry, "luis empleado", "martinez", "HEM")
    with qtbot.waitSignal(entry.saved) as saved:
        qtbot.keyClick(entry.investigation_edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    request_id, _number = saved.args
    assert entry.bill_to_combo.currentIndex() == 0  # cleared for the next patient
    dialog = PaymentDialog([request_id])
    qtbot.addWidget(dialog)
    dialog.show()
    assert "Maquila del Norte" in dialog.customer_label.text()
    assert dialog.credit_check.isVisible()
    dialog.remove_row(dialog.rows[0])
    dialog.credit_check.setChecked(True)
    assert "A crédito: L 250.00" in dialog.paid_label.text()
    document_id = dialog.issue()
    assert document_id is not None, dialog.error.text()
    document = FiscalDocument.get_by_id(document_id)
    assert document.on_credit and document.customer_id == company
    assert statements.statement(company)["balance"] == Decimal("250.00")
    assert lab["invoice_auth"]
    # the company's statement: an abono at the desk, then the CSV
    from patolab_desktop.ui.billing.credit_dialogs import CompanyCreditDialog

    credit = CompanyCreditDialog(company)
    qtbot.addWidget(credit)
    assert not credit.save_terms_button.isVisibleTo(credit)  # Administrador only
    assert credit.model.rowCount() == 1
    credit.abono_row.amount_edit.setText("100.00")
    assert credit.record_abono() == [document_id]
    assert "Debe L 150.00" in credit.summary.text()
    prompt_log.save_path = str(tmp_path / "estado.csv")
    path = credit.save_csv()
    assert path is not None and "150.00" in path.read_text(encoding="utf-8-sig")
    prompt_log.save_path = str(tmp_path / "estado.pdf")
    pdf = credit.save_pdf()
    from pypdf import PdfReader

    text = " ".join("".join(p.extract_text() for p in PdfReader(str(pdf)).pages).split())
    assert "ESTADO DE CUENTA" in text and "Maquila del Norte" in text and "150.00" in text
