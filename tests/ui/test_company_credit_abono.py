"""«Crédito de empresas…» as Recepción (review-companies #1, #4, #5): an abono from a
saldo a favor the company does not have is refused in the window; a transfer for more than
the debt is recorded and the excess is said to stay as saldo a favor; with several
companies matching the typed text the receptionist chooses one by name and RTN."""

from __future__ import annotations

from decimal import Decimal

import pytest

from patolab_desktop.services.access import permissions
from patolab_desktop.services.billing import cash, payments, statements
from patolab_desktop.ui import prompts

from .billing_ui_helpers import bill_on_credit, billing_setup, make_company
from .role_helpers import main_window_as
from .test_billing_day import menu_action

pytestmark = pytest.mark.usefixtures("no_crash_dialog")


def owing(lab: dict, company: int, employees: int) -> Decimal:
    """Facturas on credit for ``employees`` requests (HEM + GLU) billed to ``company``."""
    bill_on_credit(lab, company, employees)
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
    san_jorge = make_company("Hospital San Jorge S.A.", "08019001234567", with_credit=True)
    escuela = make_company("Hospital Escuela Privado S.A.", "08019001234568", with_credit=True)
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


def abono_at_the_desk(qtbot, dialog_trap, prompt_log, fill) -> tuple[int, Decimal, dict]:
    """Maquila del Norte S.A. owing two facturas; a receptionist with her cash open opens
    it in «Crédito de empresas…», ``fill(abono_row, due)`` and records the abono. The
    company, what it owed and what the dialog showed after."""
    lab = billing_setup(with_request=False)
    company = make_company("Maquila del Norte S.A.", "08019001234567", with_credit=True)
    due = owing(lab, company, 2)
    window = main_window_as(qtbot, permissions.ROLE_RECEPTION)
    cash.open_session("0")
    seen: dict[str, object] = {}

    def abono(dialog) -> None:
        row = dialog.abono_row
        fill(row, due)
        seen["recorded"] = dialog.record_abono()
        seen["error"] = row.error.text()
        seen["summary"] = dialog.summary.text()
        seen["balance_label"] = row.balance_label.text()

    dialog_trap.handlers["CompanyCreditDialog"] = abono
    prompt_log.texts = ["Maquila"]
    menu_action(window, "billing", "Crédito de empresas").trigger()
    return company, due, seen


def test_reception_cannot_pay_an_abono_with_saldo_a_favor_the_company_lacks(
    qtbot, database, dialog_trap, prompt_log
):
    def from_saldo_a_favor(row, due: Decimal) -> None:
        row.set_method("balance")
        row.amount_edit.setText(str(due))

    company, due, seen = abono_at_the_desk(qtbot, dialog_trap, prompt_log, from_saldo_a_favor)
    assert seen["recorded"] is None
    assert seen["error"] == "Maquila del Norte S.A. tiene L 0.00 de saldo a favor."
    assert f"Debe L {due:,.2f}" in str(seen["summary"])
    assert seen["balance_label"] == "Saldo a favor: L 0.00"  # beside «Saldo a favor»
    assert payments.balance_of(company) == Decimal("0.00")
    assert statements.balance_due(company) == due


def test_reception_records_a_transfer_for_more_than_the_debt(
    qtbot, database, dialog_trap, prompt_log
):
    def transfer_40_more(row, due: Decimal) -> None:
        row.set_method("transfer")
        row.amount_edit.setText(str(due + Decimal("40.00")))
        row.bank_edit.setText("BAC")
        row.reference_edit.setText("123")

    company, _due, seen = abono_at_the_desk(qtbot, dialog_trap, prompt_log, transfer_40_more)
    assert seen["error"] == ""
    assert isinstance(seen["recorded"], list) and len(seen["recorded"]) == 2
    assert "Debe L 0.00" in str(seen["summary"])
    assert seen["balance_label"] == "Saldo a favor: L 40.00"
    [(_kind, title, text)] = prompt_log.kinds("info")
    assert title == "Abono"
    assert text == "Abono registrado. L 40.00 quedan como saldo a favor."
    assert payments.balance_of(company) == Decimal("40.00")
    assert statements.balance_due(company) == Decimal("0.00")
