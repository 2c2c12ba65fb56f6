"""The request detail of a charged request, as Recepción and as Supervisor: «Agregar
investigación» is off and says why (the factura's number; a new request takes the
investigation), instead of taking one that could never be billed; «Descuento…» too (the
factura's amount does not change)."""

from __future__ import annotations

import pytest

from patolab_desktop.db.models_billing import FiscalDocument
from patolab_desktop.services.access import permissions, session
from patolab_desktop.services.billing import cash, invoices
from patolab_desktop.services.billing.payments import PaymentInput
from tests.security_helpers import login_as

from .billing_ui_helpers import billing_setup

pytestmark = pytest.mark.usefixtures("fast_hashing")


@pytest.mark.parametrize("role", [permissions.ROLE_RECEPTION, permissions.ROLE_SUPERVISOR])
def test_adding_is_off_on_a_charged_request(qtbot, database, role):
    from patolab_desktop.ui.requests.request_detail import RequestDetailDialog

    lab = billing_setup(with_request=True)
    login_as(role)
    dialog = RequestDetailDialog(lab["request"])
    qtbot.addWidget(dialog)
    assert dialog.add_button.isEnabled() and not dialog.add_button.toolTip()
    # «Descuento…» is a supervisor's: before the factura, on for her and off for Recepción
    assert dialog.discount_button.isEnabled() is (role == permissions.ROLE_SUPERVISOR)
    cash.open_session("500")
    total = invoices.preview(invoices.InvoiceInput((lab["request"],)))["amounts"].total
    document = invoices.issue(
        invoices.InvoiceInput((lab["request"],), payments=(PaymentInput("cash", total),))
    )
    dialog.reload()
    number = FiscalDocument.get_by_id(document).number
    assert not dialog.add_button.isEnabled()
    assert number in dialog.add_button.toolTip()
    assert "solicitud nueva" in dialog.add_button.toolTip()
    assert not dialog.discount_button.isEnabled()
    if role == permissions.ROLE_SUPERVISOR:  # the factura is why, not her role
        assert number in dialog.discount_button.toolTip()
    assert session.current().role == role
