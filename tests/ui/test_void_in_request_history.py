"""A Supervisor voids a factura from «Documentos fiscales»; the receptionist who later
opens the request reads in its «Historial» that the factura was voided, by whom and why
(issuing it and a credit note are there too)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from patolab_desktop.services.access import permissions, session
from patolab_desktop.services.billing import cash, invoices
from patolab_desktop.services.billing.payments import PaymentInput
from tests.security_helpers import login_as
from tests.ui.billing_ui_helpers import billing_setup
from tests.ui.role_helpers import main_window_as

pytestmark = pytest.mark.usefixtures("fast_hashing", "no_crash_dialog")


def test_the_request_history_shows_the_voided_factura_and_its_reason(qtbot, database, dialog_trap):
    from patolab_desktop.ui.billing.documents_window import FiscalDocumentsWindow
    from patolab_desktop.ui.requests.request_detail import RequestDetailDialog

    setup = billing_setup(with_request=True)
    window = main_window_as(qtbot, permissions.ROLE_SUPERVISOR)
    cash.open_session("500")
    document = invoices.issue(
        invoices.InvoiceInput((setup["request"],), payments=(PaymentInput("cash", "330"),))
    )
    docs = FiscalDocumentsWindow(window)
    qtbot.addWidget(docs)
    assert docs.select_document(document)

    def void_it(dialog):
        dialog.reason_edit.setPlainText("Nombre del comprador equivocado")
        dialog.ok_button.click()

    dialog_trap.handlers["VoidDialog"] = void_it
    assert docs.void_current()

    with session.acting_as(login_as(permissions.ROLE_RECEPTION)):
        detail = RequestDetailDialog(setup["request"])
        qtbot.addWidget(detail)
        model = detail.events_model
        rows = [
            [model.data(model.index(r, c), Qt.ItemDataRole.DisplayRole) for c in range(4)]
            for r in range(model.rowCount())
        ]
    voided = [r for r in rows if r[1] == "Factura anulada"]
    assert voided, rows
    assert voided[0][2] == "Factura 000-001-01-00000001 anulada: Nombre del comprador equivocado"
    assert voided[0][3] == "supervisor"
