"""«Crédito de empresas…» as Recepción (review-companies #1, #4, #5): an abono from a
saldo a favor the company does not have is refused in the window; a transfer for more than
the debt is recorded and the excess is said to stay as saldo a favor; with several
companies matching the typed text the receptionist chooses one by name and RTN."""

from __future__ import annotations

from decimal import Decimal

import pytest

from patolab_desktop.services.access import permissions, session
from patolab_desktop.services.billing import cash, invoices, payments, statements
from patolab_desktop.ui import prompts

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


def open_credit(window, prompt_log, dialog_trap, *texts: str) -> list[int]:
    """Facturación → «Crédito de empresas…», answering ``texts``; the companies opened."""
    opened: list[int] = []
    dialog_trap.handlers["CompanyCreditDialog"] = lambda d: opened.append(d.customer_id)
    prompt_log.texts = list(texts)
    menu_action(window, "billing", "Crédito de empresas").trigger()
    return opened


def test_reception_chooses_among_the_companies_that_match(
    qtbot, database, dialog_trap, prompt_log, monkeypatch
):
    billing_setup(with_request=False)
    san_jorge = make_company("Hospital San Jorge S.A.", "08019001234567")
    escuela = make_company("Hospital Escuela Privado S.A.", "08019001234568")
    window = main_window_as(qtbot, permissions.ROLE_RECEPTION)
    offered: list[list[str]] = []

    def ask_item(parent, title, label, items):
        offered.append(list(items))
        prompt_log.calls.append(("ask_item", title, label))
        return next((item for item in items if item.startswith(prompt_log.texts[0])), None)

    monkeypatch.setattr(prompts, "ask_item", ask_item)
    assert open_credit(window, prompt_log, dialog_trap, "Hospital", "Hospital San Jorge") == [
        san_jorge
    ]
    [items] = offered
    assert sorted(items) == [
        "Hospital Escuela Privado S.A. · RTN ****-****-*34568",
        "Hospital San Jorge S.A. · RTN ****-****-*34567",
    ]
    assert "Varias empresas coinciden con «Hospital»" in prompt_log.kinds("ask_item")[0][2]
    # the other one, when chosen
    assert open_credit(window, prompt_log, dialog_trap, "hospital", "Hospital Escuela") == [escuela]
    # one match opens without a question; «Cancelar» in the list opens nothing
    offered.clear()
    assert open_credit(window, prompt_log, dialog_trap, "San Jorge") == [san_jorge]
    assert offered == []
    monkeypatch.setattr(prompts, "ask_item", lambda *args: None)
    assert open_credit(window, prompt_log, dialog_trap, "Hospital") == []


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
