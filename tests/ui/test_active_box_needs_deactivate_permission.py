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


def _doctor(active: bool = True) -> int:
    login_as(permissions.ROLE_ADMIN)
    doctor = referrers.create(
        referrers.ReferrerData(
            name="Dra. Ana López", type_id=referrer_types.find_by_name("Doctor"), phone="99887766"
        )
    )
    if not active:
        referrers.deactivate(doctor)
    session.set_current(None)
    return doctor


def _glucose(active: bool = True) -> int:
    login_as(permissions.ROLE_ADMIN)
    glu = catalog.create(catalog.InvestigationData(code="GLU", name="Glucosa", price="80"))
    if not active:
        catalog.deactivate(glu)
    session.set_current(None)
    return glu


@pytest.mark.parametrize("was_active", [True, False])
def test_reception_cannot_change_a_doctors_state_by_editing(database, was_active):
    doctor = _doctor(was_active)
    login_as(permissions.ROLE_RECEPTION)
    data = referrers.get(doctor)
    data.active = not was_active
    with pytest.raises(PermissionDenied) as refused:
        referrers.update(data)
    assert str(refused.value) == session.refusal("referrers.delete")
    assert referrers.get(doctor).active is was_active
    data = referrers.get(doctor)
    data.institution = "Hospital Leonardo Martínez"
    referrers.update(data)  # the rest of the edit is still hers
    assert referrers.get(doctor).institution == "Hospital Leonardo Martínez"


def test_reception_sees_the_active_box_off_with_the_reason(qtbot, database, prompt_log):
    doctor = _doctor()
    login_as(permissions.ROLE_RECEPTION)
    dialog = ReferrerDialog(doctor)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.active_check.isVisible() and dialog.active_check.isChecked()
    assert not dialog.active_check.isEnabled()
    assert "desactivar remitentes" in dialog.active_check.toolTip()
    dialog.phone_edit.setText("3322-1100")
    assert dialog.save()
    saved = referrers.get(doctor)
    assert saved.active and saved.phone == "+50433221100"


def test_supervisor_still_deactivates_from_the_dialog(qtbot, database, prompt_log):
    doctor = _doctor()
    login_as(permissions.ROLE_SUPERVISOR)
    dialog = ReferrerDialog(doctor)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.active_check.isEnabled() and not dialog.active_check.toolTip()
    dialog.active_check.setChecked(False)
    assert dialog.save()
    assert not referrers.get(doctor).active


@pytest.mark.parametrize("was_active", [True, False])
def test_prices_role_cannot_change_an_investigations_state_by_editing(database, was_active):
    glu = _glucose(was_active)
    as_custom_role("Precios", {"catalog.view", "catalog.edit"}, "precios")
    data = catalog.get(glu)
    data.active = not was_active
    with pytest.raises(PermissionDenied) as refused:
        catalog.update(data)
    assert str(refused.value) == session.refusal("catalog.delete")
    assert catalog.get(glu).active is was_active
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
