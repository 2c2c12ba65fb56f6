"""SAR grants the renewal of the Factura authorisation (5001–10000 after 1–5000, BILLING.md:
"a new authorisation for the same point and type continues the numbering"). The
administrator is warned two months before the deadline, registers the renewal from the
authorisations window while the current one is still in use, and it waits; the desk keeps
invoicing with the current one and moves on to the renewal, without a gap, the moment the
current range runs out. A range that does not continue it is still refused."""

from __future__ import annotations

import pytest

from patolab_desktop.db.models_billing import FiscalAuthorisation, FiscalDocument
from patolab_desktop.services import settings
from patolab_desktop.services.access import permissions, session
from patolab_desktop.services.billing import authorisations, cash, invoices
from patolab_desktop.services.billing.payments import PaymentInput
from patolab_desktop.services.errors import RuleError
from tests.security_helpers import login_as
from tests.ui.role_helpers import main_window_as
from tests.unit.billing_helpers import CAI_01, add_authorisation, set_lab_data
from tests.unit.requests_fixtures import make_lab

pytestmark = pytest.mark.usefixtures("fast_hashing", "no_crash_dialog")
RENEWAL_CAI = "AAAAAA-BBBBBB-CCCCCC-DDDDDD-EEEEEE-01"


def _issue(lab) -> str:
    request_id, _ = lab.create()
    total = invoices.preview(invoices.InvoiceInput((request_id,)))["amounts"].total
    document = invoices.issue(
        invoices.InvoiceInput((request_id,), payments=(PaymentInput("cash", total),))
    )
    row = FiscalDocument.get_by_id(document)
    return f"{row.number} {row.cai}"


def test_the_renewal_is_registered_ahead_and_continues_the_numbering(qtbot, database):
    from patolab_desktop.ui.billing.authorisations_window import (
        AuthorisationDialog,
        AuthorisationsWindow,
    )

    with session.acting_as(session.system_actor("tests")):
        lab = make_lab()
        set_lab_data()
        settings.put("default_branch_id", lab.branch)
        current = add_authorisation(lab.branch, "01", first=1, last=3, days=45)
    main_window_as(qtbot, permissions.ROLE_ADMIN)
    assert any("en 45 días" in w for w in authorisations.warnings())

    def renewal_typed(first: str) -> AuthorisationDialog:
        dialog = AuthorisationDialog()
        qtbot.addWidget(dialog)
        dialog.branch_combo.setCurrentIndex(dialog.branch_combo.findData(lab.branch))
        dialog.cai_edit.setText(RENEWAL_CAI)
        dialog.from_edit.setText(first)
        dialog.to_edit.setText("5000")
        return dialog

    gap = renewal_typed("10")
    assert gap.save() is None
    assert "empieza en 4" in gap.error.text()

    dialog = renewal_typed("4")
    renewal = dialog.save()
    assert renewal is not None, dialog.error.text()
    assert authorisations.warnings() == []  # renewed: nothing left to ask SAR
    window = AuthorisationsWindow()
    qtbot.addWidget(window)
    labels = {r["id"]: r["status_label"] for r in authorisations.list_all()}
    assert labels == {current: "Activa", renewal: "En espera"}
    with pytest.raises(RuleError, match="Ya hay una autorización activa"):
        add_authorisation(lab.branch, "01", cai="ABCDEF-01", first=5001, last=6000)

    with session.acting_as(login_as(permissions.ROLE_RECEPTION)):
        cash.open_session("0")
        issued = [_issue(lab) for _ in range(5)]
    assert issued == [
        f"000-001-01-00000001 {CAI_01}",
        f"000-001-01-00000002 {CAI_01}",
        f"000-001-01-00000003 {CAI_01}",
        f"000-001-01-00000004 {RENEWAL_CAI}",
        f"000-001-01-00000005 {RENEWAL_CAI}",
    ]
    assert FiscalAuthorisation.get_by_id(current).status == "ended"
    assert FiscalAuthorisation.get_by_id(renewal).last_used == 5
    assert authorisations.warnings() == []
