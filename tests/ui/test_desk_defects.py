"""Issue 16 B: the front-desk defects, each tried as the role that met it."""

from __future__ import annotations

import pytest

from patolab_desktop.db.models import Customer
from patolab_desktop.services import customers, identity
from patolab_desktop.services.access import permissions, session
from tests.security_helpers import no_session  # noqa: F401 (fixture)

from .test_customers_window import make_customer

pytestmark = pytest.mark.usefixtures("no_session", "fast_hashing", "no_crash_dialog")

RECEPTION = permissions.ROLE_RECEPTION


def _patient() -> int:
    with session.acting_as(session.system_actor("tests")):
        return make_customer("Rosa", "Banegas", id_number="0801199003210")


# --- (1) a receptionist saves an edit to an existing patient ---------------------------


def test_receptionist_edits_a_patient_with_a_masked_identity(qtbot, as_role, prompt_log):
    from patolab_desktop.ui.customers.customer_dialog import CustomerDialog

    customer_id = _patient()
    as_role(RECEPTION)
    dialog = CustomerDialog(customer_id=customer_id)
    qtbot.addWidget(dialog)
    assert "*" in dialog.id_number_edit.text()  # she may not see the full number
    dialog.phone_edit.setText("3344-5566")
    assert dialog.save() is True, prompt_log.calls
    row = Customer.get_by_id(customer_id)
    assert row.phone == "+50433445566"
    assert (
        identity.reveal(row.id_number) == "0801199003210"
    )  # the masked number kept the stored one


def test_a_receptionist_may_type_a_new_identity_number(qtbot, as_role, prompt_log):
    from patolab_desktop.ui.customers.customer_dialog import CustomerDialog

    customer_id = _patient()
    as_role(RECEPTION)
    dialog = CustomerDialog(customer_id=customer_id)
    qtbot.addWidget(dialog)
    dialog.id_number_edit.setText("0801-1990-09999")
    assert dialog.save() is True
    assert identity.reveal(Customer.get_by_id(customer_id).id_number) == "0801199009999"


def test_a_failed_save_always_shows_a_message(qtbot, as_role, prompt_log, monkeypatch):
    """A refusal on a field with no place on the form still reaches the person."""
    from patolab_desktop.ui.customers.customer_dialog import CustomerDialog

    customer_id = _patient()
    as_role(RECEPTION)
    dialog = CustomerDialog(customer_id=customer_id)
    qtbot.addWidget(dialog)
    monkeypatch.setattr(customers, "validate", lambda data: {"uid": "Identificador dañado."})
    dialog.show()
    assert dialog.save() is False
    shown = dialog.error_text("__all__") + " ".join(t for _k, _t, t in prompt_log.calls)
    assert "Identificador dañado." in shown


def test_a_refused_save_says_why(qtbot, as_role, prompt_log, monkeypatch):
    from patolab_desktop.services.errors import PermissionDenied
    from patolab_desktop.ui.customers.customer_dialog import CustomerDialog

    customer_id = _patient()
    as_role(RECEPTION)
    dialog = CustomerDialog(customer_id=customer_id)
    qtbot.addWidget(dialog)
    dialog.phone_edit.setText("3344-5566")

    def refuse(data):
        raise PermissionDenied("No tiene permiso para modificar pacientes y empresas.")

    monkeypatch.setattr(customers, "update", refuse)
    assert dialog.save() is False
    assert prompt_log.kinds("error")[0][2].startswith("No tiene permiso")


# --- (2) Catálogo → Sucursales for roles without branches.manage ------------------------


@pytest.mark.parametrize("role", [RECEPTION, permissions.ROLE_SUPERVISOR])
def test_branches_and_catalog_actions_follow_the_role(qtbot, as_role, prompt_log, role):
    from patolab_desktop.ui.catalog import area
    from patolab_desktop.ui.catalog.catalog_window import CatalogWindow

    as_role(role)
    window = CatalogWindow()
    qtbot.addWidget(window)
    assert not window.branches_action.isEnabled()
    assert not window.new_action.isEnabled()
    assert not window.import_action.isEnabled()
    assert window.new_item() is None  # Ctrl+N does nothing either
    assert area.edit_branches(window) is False  # reached anyway: a message, no crash
    assert prompt_log.kinds("error") and "sucursales" in prompt_log.kinds("error")[0][2]


def test_administrator_keeps_the_branch_and_catalog_actions(qtbot, as_role, dialog_trap):
    from patolab_desktop.ui.catalog.catalog_window import CatalogWindow

    as_role(permissions.ROLE_ADMIN)
    window = CatalogWindow()
    qtbot.addWidget(window)
    assert window.branches_action.isEnabled()
    assert window.new_action.isEnabled() and window.import_action.isEnabled()
    window.branches_action.trigger()
    assert dialog_trap.opened == ["BranchesDialog"]
