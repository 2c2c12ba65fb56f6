"""Unchecking «Activo» in an edit dialog is deactivating: Recepción (doctors edited, not
retired: no ``referrers.delete``) and a prices role (``catalog.edit`` without
``catalog.delete``) are refused by the service with the message ``deactivate`` gives,
and their dialogs show the box turned off with that reason as its tooltip."""

from __future__ import annotations

import pytest

from patolab_desktop.services import catalog
from patolab_desktop.services.access import permissions, session
from patolab_desktop.services.catalog import referrer_types, referrers
from patolab_desktop.services.errors import PermissionDenied
from patolab_desktop.ui.catalog.investigation_dialog import InvestigationDialog
from patolab_desktop.ui.referrers.referrer_dialog import ReferrerDialog
from tests.security_helpers import fast_hashing, login_as, no_session  # noqa: F401
from tests.ui.role_helpers import as_custom_role

pytestmark = pytest.mark.usefixtures("no_session", "fast_hashing")


def _created_by_admin(service, data, active: bool) -> int:
    """``data`` created with ``service`` by the Administrador (then deactivated unless
    ``active``), leaving nobody logged in."""
    login_as(permissions.ROLE_ADMIN)
    record = service.create(data)
    if not active:
        service.deactivate(record)
    session.set_current(None)
    return record


def _doctor(active: bool = True) -> int:
    with session.acting_as(session.system_actor("tests")):
        doctor_type = referrer_types.find_by_name("Doctor")
    data = referrers.ReferrerData(name="Dra. Ana López", type_id=doctor_type, phone="99887766")
    return _created_by_admin(referrers, data, active)


def _doctor_dialog_as(qtbot, role: str) -> tuple[int, ReferrerDialog]:
    """A new doctor, and its dialog shown to ``role``."""
    doctor = _doctor()
    login_as(role)
    dialog = ReferrerDialog(doctor)
    qtbot.addWidget(dialog)
    dialog.show()
    return doctor, dialog


def _glucose(active: bool = True) -> int:
    data = catalog.InvestigationData(code="GLU", name="Glucosa", price="80")
    return _created_by_admin(catalog, data, active)


def _assert_state_change_refused(service, record: int, was_active: bool, permission: str) -> None:
    """Saving ``record`` through ``service.update`` with «Activo» flipped is refused with
    the message of the missing ``permission``; the record keeps its state."""
    data = service.get(record)
    data.active = not was_active
    with pytest.raises(PermissionDenied) as refused:
        service.update(data)
    assert str(refused.value) == session.refusal(permission)
    assert service.get(record).active is was_active


@pytest.mark.parametrize("was_active", [True, False])
def test_reception_cannot_change_a_doctors_state_by_editing(database, was_active):
    doctor = _doctor(was_active)
    login_as(permissions.ROLE_RECEPTION)
    _assert_state_change_refused(referrers, doctor, was_active, "referrers.delete")
    data = referrers.get(doctor)
    data.institution = "Hospital Leonardo Martínez"
    referrers.update(data)  # the rest of the edit is still hers
    assert referrers.get(doctor).institution == "Hospital Leonardo Martínez"


def test_reception_sees_the_active_box_off_with_the_reason(qtbot, database, prompt_log):
    doctor, dialog = _doctor_dialog_as(qtbot, permissions.ROLE_RECEPTION)
    assert dialog.active_check.isVisible() and dialog.active_check.isChecked()
    assert not dialog.active_check.isEnabled()
    assert "desactivar remitentes" in dialog.active_check.toolTip()
    dialog.phone_edit.setText("3322-1100")
    assert dialog.save()
    saved = referrers.get(doctor)
    assert saved.active and saved.phone == "+50433221100"


def test_supervisor_still_deactivates_from_the_dialog(qtbot, database, prompt_log):
    doctor, dialog = _doctor_dialog_as(qtbot, permissions.ROLE_SUPERVISOR)
    assert dialog.active_check.isEnabled() and not dialog.active_check.toolTip()
    dialog.active_check.setChecked(False)
    assert dialog.save()
    assert not referrers.get(doctor).active


@pytest.mark.parametrize("was_active", [True, False])
def test_prices_role_cannot_change_an_investigations_state_by_editing(database, was_active):
    glu = _glucose(was_active)
    as_custom_role("Precios", {"catalog.view", "catalog.edit"}, "precios")
    _assert_state_change_refused(catalog, glu, was_active, "catalog.delete")
    data = catalog.get(glu)
    data.price = "95"
    catalog.update(data)
    assert str(catalog.get(glu).price) == "95.000"


def test_prices_role_sees_the_active_box_off(qtbot, database, prompt_log):
    glu = _glucose()
    as_custom_role("Precios", {"catalog.view", "catalog.edit"}, "precios")
    dialog = InvestigationDialog(glu)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.active_check.isEnabled()
    assert "desactivar investigaciones" in dialog.active_check.toolTip()
