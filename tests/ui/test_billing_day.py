"""Issue 17, the day at the desk with money: as Recepción register a patient, enter a
request, open the cash, take a mixed payment (card + cash with change), issue and print
the factura, close the cash; then as Supervisor confirm the close and print its report.
Plus who sees what: Recepción cannot void nor manage authorisations; Laboratorio sees no
billing action."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt

from patolab_desktop.db.models import Customer
from patolab_desktop.db.models_billing import CashSession, FiscalDocument, Payment
from patolab_desktop.services.access import permissions
from patolab_desktop.ui.printing import actions

from .billing_ui_helpers import billing_setup
from .desk_helpers import enter_request, print_to_pdf
from .role_helpers import main_window_as
from .test_customer_dialog import fill_patient

pytestmark = pytest.mark.usefixtures("fast_hashing", "no_crash_dialog")


def pdf_text(path: Path) -> str:
    text = "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)
    return " ".join(text.split())


def menu_action(window, key: str, words: str):
    for action in window.menu(key).actions():
        if words in action.text().replace("&", "") and action.isVisible():
            return action
    raise AssertionError(f"no visible {words!r} in {key}")


def test_a_day_at_the_desk_with_money(
    qtbot, database, tmp_path, monkeypatch, prompt_log, dialog_trap
):
    billing_setup(with_request=False)
    trap = dialog_trap.handlers
    printed: list[Path] = []
    monkeypatch.setattr(actions, "exec_dialog", print_to_pdf(tmp_path, printed))
    window = main_window_as(qtbot, permissions.ROLE_RECEPTION)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    assert window.cash_indicator.isVisible() and window.cash_indicator.text() == "Caja cerrada"
    assert not window.billing_banner.isVisible()  # nothing to warn about

    # --- register a walk-in patient ------------------------------------------------------
    def register(dialog):
        fill_patient(qtbot, dialog, first_name="Sofía", last_name="Ramírez Cruz", id_number="")
        dialog.id_number_edit.setText("0801199512345")
        assert dialog.save()

    trap["CustomerDialog"] = register
    customers_tab = window.show_tab("customers")
    qtbot.keyClick(customers_tab.search_box, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    patient = Customer.get(Customer.first_name == "Sofía")

    # --- enter a request -------------------------------------------------------------------
    area = window.show_tab("requests")
    area.show_list()
    qtbot.keyClick(area.list.search, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    entry = area.entry
    enter_request(qtbot, entry, "sofia ramirez", "martinez", "HEM", "GLU")
    assert entry.patient()["id"] == patient.id
    with qtbot.waitSignal(entry.saved) as saved:
        qtbot.keyClick(entry.investigation_edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    request_id, number = saved.args

    # --- open the cash from the Caja menu ------------------------------------------------
    def open_cash(dialog):
        dialog.float_edit.setText("500.00")
        dialog.open_button.click()

    trap["CashOpenDialog"] = open_cash
    menu_action(window, "cash", "Abrir caja").trigger()
    assert window.cash_indicator.text() == "Caja abierta"

    # --- charge from the request detail: card 200 + cash 130 (hands over 200) ------------
    issued = []

    def pay(dialog):
        assert dialog.totals["total"].text() == "L 330.00"
        assert "Sofía Ramírez Cruz" in dialog.customer_label.text()
        card = dialog.rows[0]
        card.set_method("card")
        card.amount_edit.setText("200")
        card.last4_edit.setText("4321")
        card.auth_edit.setText("A0099")
        cash_row = dialog.add_row(dialog.missing())
        cash_row.received_edit.setText("200")
        assert cash_row.change_label.text() == "Cambio: L 70.00"
        issued.append(dialog.issue())
        assert issued[-1] is not None, dialog.error.text()
        dialog.preview_button.click()  # the print preview → printed to PDF
        dialog.close_button.click()

    def detail(dialog):
        assert dialog.charge_button.isVisible() and dialog.charge_button.isEnabled()
        dialog.charge_button.click()
        assert dialog.invoice_number and not dialog.charge_button.isEnabled()

    trap["PaymentDialog"] = pay
    trap["RequestDetailDialog"] = detail
    entry.open_saved_button.click()
    document = FiscalDocument.get_by_id(issued[0])
    assert document.number == "000-001-01-00000001" and document.total == Decimal("330")
    assert len(printed) == 1
    text = pdf_text(printed[0])
    assert "FACTURA" in text and document.number in text
    assert "Sofía Ramírez Cruz" in text and "CAI" in text
    payments = {p.method: p for p in Payment.select().where(Payment.document == document.id)}
    assert payments["cash"].change == Decimal("70") and payments["card"].auth_code == "A0099"

    # --- close the cash: 500 float + 130 cash = 630 counted; the card voucher 200 ---------
    def close_cash(dialog):
        assert dialog.expected["cash"] == Decimal("630.00")
        assert dialog.expected["card"] == Decimal("200.00")
        dialog.set_count(500, 1)
        dialog.set_count(100, 1)
        dialog.set_count(20, 1)
        dialog.set_count(10, 1)
        dialog.other_edits["card"].setText("200.00")
        assert dialog.difference_label.text() == "L 0.00"
        dialog.close_button.click()

    trap["CashCloseDialog"] = close_cash
    prompt_log.answer = True  # print the close report
    menu_action(window, "cash", "Cerrar caja").trigger()
    closed = CashSession.get(CashSession.status == "closed")
    assert closed.difference == 0
    assert window.cash_indicator.text() == "Caja cerrada"
    close_text = pdf_text(printed[1])
    assert len(printed) == 2 and "CIERRE DE CAJA" in close_text
    assert "pendiente de confirmación" in close_text

    # --- the supervisor confirms the close and prints its report -------------------------
    supervisor = main_window_as(qtbot, permissions.ROLE_SUPERVISOR)

    def confirm(dialog):
        assert dialog.select_session(closed.id)
        assert dialog.confirm_button.isVisible()
        assert dialog.confirm_selected(), dialog.error.text()
        dialog.status_combo.setCurrentIndex(dialog.status_combo.findData(""))
        assert dialog.select_session(closed.id)
        dialog.print_button.click()

    trap["CashSessionsDialog"] = confirm
    menu_action(supervisor, "cash", "Cierres de caja").trigger()
    confirmed = CashSession.get_by_id(closed.id)
    assert confirmed.status == "confirmed" and confirmed.confirmed_by
    confirmed_text = pdf_text(printed[-1])
    assert "CIERRE DE CAJA" in confirmed_text and "pendiente" not in confirmed_text
    assert confirmed.confirmed_by in confirmed_text
    assert dt.date.today()  # the day is done
