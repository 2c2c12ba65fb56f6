"""A company's debt stays reachable at the desk: the Supervisor's «Desactivar» of a company
that owes on credit says what it owes and keeps it active, and «Crédito de empresas…»
still finds a company deactivated while it owed (older data), marked «(inactiva)», so
that Recepción records its abono."""

from __future__ import annotations

from decimal import Decimal

import pytest

from patolab_desktop.db.models import Customer
from patolab_desktop.services.access import permissions, session
from patolab_desktop.services.billing import cash, statements

from .billing_ui_helpers import bill_on_credit, billing_setup, make_company
from .list_helpers import owned

pytestmark = pytest.mark.usefixtures("no_crash_dialog")


def company_owing(facturas: int) -> int:
    """Maquila del Norte S.A. with ``facturas`` of L 330.00 (HEM and GLU) on credit, set up
    before the day starts."""
    lab = billing_setup(with_request=False)
    company = make_company("Maquila del Norte S.A.", "08019001234567", with_credit=True)
    with session.acting_as(session.system_actor("tests")):
        cash.open_session(Decimal("0"))
    bill_on_credit(lab, company, facturas)
    return company


def test_supervisor_cannot_deactivate_a_company_that_owes(qtbot, database, as_role, prompt_log):
    from patolab_desktop.ui.customers.customers_window import CustomersWindow

    company = company_owing(2)
    as_role(permissions.ROLE_SUPERVISOR)
    window = owned(qtbot, CustomersWindow(), (1200, 600))
    window.refresh()
    window.select_id(company)
    assert window.deactivate_selected() is False
    assert [text for _kind, _title, text in prompt_log.kinds("error")] == [
        "Maquila del Norte S.A. debe L 660.00 en 2 facturas a crédito: registre los abonos "
        "o anule las facturas antes de desactivarla."
    ]
    assert Customer.get_by_id(company).active
    assert window.model.row_of_id(company) is not None  # still listed


def test_reception_finds_an_inactive_company_that_owes_and_takes_its_abono(
    qtbot, database, as_role, dialog_trap, prompt_log
):
    from patolab_desktop.ui.billing import credit_dialogs

    company = company_owing(1)
    paid_up = make_company("Maquila Textil del Sur S.A.", "08019001234568")
    # older data: deactivated before a company that owes was refused
    Customer.update(active=False).where(Customer.id.in_([company, paid_up])).execute()
    as_role(permissions.ROLE_RECEPTION)
    cash.open_session(Decimal("0"))
    opened = []

    def take_abono(dialog):
        opened.append((dialog.customer_id, dialog.title.text()))
        dialog.abono_row.amount_edit.setText("330.00")
        assert dialog.record_abono(), dialog.abono_row.error.text()

    dialog_trap.handlers["CompanyCreditDialog"] = take_abono
    prompt_log.texts = ["Maquila del Norte"]
    credit_dialogs.company_credit(None)
    assert opened == [(company, "Maquila del Norte S.A. (inactiva)")]
    assert statements.balance_due(company) == Decimal("0.00")
    # an inactive company that owes nothing stays out of the search
    prompt_log.texts = ["Maquila Textil"]
    credit_dialogs.company_credit(None)
    assert len(opened) == 1
    assert [text for _kind, _title, text in prompt_log.kinds("error")] == [
        "No hay una empresa con ese nombre."
    ]
