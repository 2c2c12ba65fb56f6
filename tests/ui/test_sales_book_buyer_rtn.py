"""A Supervisor (billing.reports, without patients.view_sensitive) exports the libro de
ventas from the Facturación menu, as CSV and as the text file for SAR: the buyer's RTN
is written whole, as the printed factura shows it and as the administrator's copy has
it; the audit records who exported it. The screens keep masking it for her."""

from __future__ import annotations

import datetime as dt

import pytest

from patolab_desktop.db.models import AuditLog
from patolab_desktop.services import identity
from patolab_desktop.services.access import permissions
from patolab_desktop.services.billing import cash, invoices
from patolab_desktop.services.billing.buyers import BuyerInput
from patolab_desktop.services.billing.payments import PaymentInput
from patolab_desktop.ui.billing import reports_actions
from tests.ui.billing_ui_helpers import billing_setup
from tests.ui.role_helpers import main_window_as

pytestmark = pytest.mark.usefixtures("fast_hashing", "no_crash_dialog")
RTN = "08019001234567"


def test_the_supervisors_sales_book_carries_the_buyers_rtn(qtbot, database, prompt_log, tmp_path):
    setup = billing_setup(with_request=True)
    window = main_window_as(qtbot, permissions.ROLE_SUPERVISOR)
    cash.open_session("0")
    invoices.issue(
        invoices.InvoiceInput(
            (setup["request"],),
            payments=(PaymentInput("cash", "330"),),
            buyer=BuyerInput(name="Constructora El Sol S.A.", document=RTN),
        )
    )
    assert identity.shown(RTN) != identity.format_number(RTN)  # she sees it masked
    month = dt.date.today().strftime("%Y-%m")

    prompt_log.texts.append(month)
    prompt_log.save_path = str(tmp_path / "libro.csv")
    assert reports_actions.sales_book_csv(window) is not None
    rows = (tmp_path / "libro.csv").read_text(encoding="utf-8-sig").splitlines()
    assert rows[1].split(",")[4] == RTN, rows[1]

    prompt_log.texts.append(month)
    prompt_log.save_path = str(tmp_path / "libro.txt")
    assert reports_actions.sales_book_text(window) is not None
    line = (tmp_path / "libro.txt").read_bytes().decode("utf-8").split("\r\n")[1]
    assert line.split("|")[4] == RTN, line

    exported = [
        (row.username, row.detail)
        for row in AuditLog.select().where(AuditLog.action == "export").order_by(AuditLog.id)
    ]
    assert exported == [
        ("supervisor", f"Exportación del libro de ventas {month} a libro.csv: 1 filas."),
        ("supervisor", f"Exportación del libro de ventas {month} a libro.txt: 1 filas."),
    ]
