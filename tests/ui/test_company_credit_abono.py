"""«Crédito de empresas…» as Recepción (review-companies #1, #5): an abono from a
saldo a favor the company does not have is refused in the window; a transfer for more than
the debt is recorded and the excess is said to stay as saldo a favor."""

from __future__ import annotations

from decimal import Decimal

import pytest

from patolab_desktop.services.access import permissions, session
from patolab_desktop.services.billing import cash, invoices, payments, statements

from .billing_ui_helpers import billing_setup
from .requests_helpers import make_patient, make_request
from .role_helpers import main_window_as
from .test_billing_day import menu_action

pytestmark = pytest.mark.usefixtures("no_crash_dialog")


def make_company(name: str, rtn: str) -> int:
    from patolab_desktop.services import customers, reference

    with session.acting_as(session.system_actor("tests")):
        department_id = reference.departments()[0][0]
        company = customers.create(
            customers.CustomerData(
                type="empresa",
                name=name,
                id_number=rtn,
                phone="2550-1234",
                department_id=department_id,
                municipality_id=reference.municipalities(department_id)[0][0],
            )
        )
        statements.set_account(company, "5000", 30)
    return company


def owing(lab: dict, company: int, employees: int) -> Decimal:
    """Facturas on credit for ``employees`` requests (HEM + GLU) billed to ``company``."""
    with session.acting_as(session.system_actor("tests")):
        for index in range(employees):
            patient = make_patient("Luis", f"Empleado {index}", age=30)
            request_id, _ = make_request(
                patient,
                lab["doctor"],
                [lab["catalog"]["HEM"], lab["catalog"]["GLU"]],
                bill_to_id=company,
            )
            invoices.issue(invoices.InvoiceInput((request_id,), on_credit=True))
    return statements.balance_due(company)


def credit_window_as_reception(qtbot):
    """The main window of a receptionist with her cash open."""
    window = main_window_as(qtbot, permissions.ROLE_RECEPTION)
    cash.open_session("0")
    return window


def test_reception_cannot_pay_an_abono_with_saldo_a_favor_the_company_lacks(
    qtbot, database, dialog_trap, prompt_log
):
    lab = billing_setup(with_request=False)
    company = make_company("Maquila del Norte S.A.", "08019001234567")
    due = owing(lab, company, 2)
    window = credit_window_as_reception(qtbot)
    seen: dict[str, object] = {}

    def abono(dialog) -> None:
        row = dialog.abono_row
        row.set_method("balance")
        row.amount_edit.setText(str(due))
        seen["recorded"] = dialog.record_abono()
        seen["error"] = row.error.text()
        seen["summary"] = dialog.summary.text()
        seen["balance_label"] = row.balance_label.text()

    dialog_trap.handlers["CompanyCreditDialog"] = abono
    prompt_log.texts = ["Maquila"]
    menu_action(window, "billing", "Crédito de empresas").trigger()
    assert seen["recorded"] is None
    assert seen["error"] == "Maquila del Norte S.A. tiene L 0.00 de saldo a favor."
    assert f"Debe L {due:,.2f}" in str(seen["summary"])
    assert seen["balance_label"] == "Saldo a favor: L 0.00"  # beside «Saldo a favor»
    assert payments.balance_of(company) == Decimal("0.00")
    assert statements.balance_due(company) == due


def test_reception_records_a_transfer_for_more_than_the_debt(
    qtbot, database, dialog_trap, prompt_log
):
    lab = billing_setup(with_request=False)
    company = make_company("Maquila del Norte S.A.", "08019001234567")
    due = owing(lab, company, 2)
    window = credit_window_as_reception(qtbot)
    seen: dict[str, object] = {}

    def abono(dialog) -> None:
        row = dialog.abono_row
        row.set_method("transfer")
        row.amount_edit.setText(str(due + Decimal("40.00")))
        row.bank_edit.setText("BAC")
        row.reference_edit.setText("123")
        seen["paid"] = dialog.record_abono()
        seen["error"] = row.error.text()
        seen["summary"] = dialog.summary.text()
        seen["balance_label"] = row.balance_label.text()

    dialog_trap.handlers["CompanyCreditDialog"] = abono
    prompt_log.texts = ["Maquila"]
    menu_action(window, "billing", "Crédito de empresas").trigger()
    assert seen["error"] == ""
    assert isinstance(seen["paid"], list) and len(seen["paid"]) == 2
    assert "Debe L 0.00" in str(seen["summary"])
    assert seen["balance_label"] == "Saldo a favor: L 40.00"
    [(_kind, title, text)] = prompt_log.kinds("info")
    assert title == "Abono"
    assert text == "Abono registrado. L 40.00 quedan como saldo a favor."
    assert payments.balance_of(company) == Decimal("40.00")
    assert statements.balance_due(company) == Decimal("0.00")
