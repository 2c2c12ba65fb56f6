"""A factura is voided only in the calendar month it was issued (probe2 §8): voiding last
month's factura rewrote last month's libro de ventas (150.00 → 0.00) after it was declared,
and this month's book never mentioned it. The void dialog tells the Supervisor, in Spanish,
to issue a credit note instead, before she types a reason."""

from __future__ import annotations

import datetime as dt

import pytest

from patolab_desktop.db.models_billing import FiscalDocument
from patolab_desktop.services.access import permissions, session
from patolab_desktop.services.billing import cash, invoices, records, reports
from patolab_desktop.services.billing.payments import PaymentInput
from patolab_desktop.services.errors import RuleError
from tests.security_helpers import login_as
from tests.ui.billing_ui_helpers import billing_setup, void_dialog_as_shown
from tests.ui.role_helpers import main_window_as

pytestmark = pytest.mark.usefixtures("fast_hashing", "no_crash_dialog")


def test_last_months_factura_is_not_voided_and_its_book_stays(qtbot, database, dialog_trap):
    setup = billing_setup(with_request=True)
    with session.acting_as(login_as(permissions.ROLE_RECEPTION)):
        cash.open_session("100")
        document = invoices.issue(
            invoices.InvoiceInput((setup["request"],), payments=(PaymentInput("cash", "330"),))
        )
    issued = dt.datetime.combine(dt.date.today().replace(day=1), dt.time(10)) - dt.timedelta(3)
    FiscalDocument.update(issued_at=issued).where(FiscalDocument.id == document).execute()
    month = issued.strftime("%Y-%m")
    window = main_window_as(qtbot, permissions.ROLE_SUPERVISOR)
    cash.open_session("500")
    book = reports.sales_book(month)
    _docs, seen = void_dialog_as_shown(qtbot, window, document, dialog_trap)
    said = f"La factura {FiscalDocument.get_by_id(document).number} es del {issued:%d/%m/%Y}"
    assert said in seen["error"] and "Emita una nota de crédito" in seen["error"]
    assert not seen["can_void"]
    with pytest.raises(RuleError, match="solo se anula en el mes en que se emitió"):
        records.void(document, "Anulada un mes después")
    assert FiscalDocument.get_by_id(document).status == "issued"
    assert reports.sales_book(month) == book
