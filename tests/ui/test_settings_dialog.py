"""Issue 16 E: the administrators' settings screen — age discounts, default branch, lab
header and idle lock; validated, audited per change, behind ``settings.edit``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from patolab_desktop.db.models import AuditLog, Branch
from patolab_desktop.services import requests, settings
from patolab_desktop.services.access import permissions, session
from patolab_desktop.services.errors import PermissionDenied, ValidationError
from tests.security_helpers import login_as
from tests.unit.requests_fixtures import lab, make_customer  # noqa: F401


@pytest.fixture
def admin(database):
    with session.acting_as(login_as(permissions.ROLE_ADMIN)) as actor:
        yield actor


def test_receptionist_may_not_read_or_change_settings(database):
    with session.acting_as(login_as(permissions.ROLE_RECEPTION)):
        with pytest.raises(PermissionDenied):
            settings.admin_values()
        with pytest.raises(PermissionDenied):
            settings.save_admin({"senior_discount": "50"})
    assert settings.get("senior_discount") == Decimal("30")


def test_supervisor_may_not_change_settings(database):
    with session.acting_as(login_as(permissions.ROLE_SUPERVISOR)), pytest.raises(PermissionDenied):
        settings.save_admin({"lock_minutes": "5"})


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("senior_discount", "101"),
        ("senior_discount", "-1"),
        ("elder_discount", "abc"),
        ("elder_discount", "NaN"),
        ("senior_age", "131"),
        ("lock_minutes", "-5"),
        ("lock_minutes", "999"),
        ("default_branch_id", "99999"),
        ("lab_name", "  "),
        ("lab_rtn", "123"),
    ],
)
def test_invalid_values_are_refused_with_a_message(admin, key, value):
    with pytest.raises(ValidationError) as info:
        settings.save_admin({key: value})
    assert info.value.fields[key]


def test_the_cuarta_edad_must_be_above_the_tercera(admin):
    with pytest.raises(ValidationError) as info:
        settings.save_admin({"senior_age": "70", "elder_age": "65"})
    assert "elder_age" in info.value.fields


def test_each_change_is_stored_and_audited(admin):
    before = AuditLog.select().count()
    changed = settings.save_admin(
        {"senior_age": "65", "senior_discount": "25", "elder_age": "80", "lock_minutes": "5"}
    )
    assert set(changed) == {"senior_age", "senior_discount", "lock_minutes"}  # 80 unchanged
    assert settings.get("senior_age") == 65 and settings.get("lock_minutes") == 5
    rows = list(AuditLog.select().where(AuditLog.id > before).order_by(AuditLog.id))
    assert [r.action for r in rows] == ["settings_change"] * 3
    assert all(r.username == "admin" for r in rows)
    assert '"senior_discount"' in rows[1].changes


def test_age_discount_settings_drive_the_request_price(admin, lab):
    senior = make_customer("Doña Elena", date_of_birth=dt.date.today().replace(year=1960))
    settings.save_admin({"senior_age": "60", "senior_discount": "100"})
    pricing = requests.preview(lab.draft(lab.hem, patient_id=senior))
    assert pricing.discount_percent == Decimal("100")
    assert pricing.net == Decimal("0.000")  # never negative


def test_a_stray_percent_over_100_never_makes_a_net_negative(lab):
    settings.put("senior_discount", "150")  # bypassing the screen
    senior = make_customer("Don Luis", date_of_birth=dt.date(1950, 1, 1))
    pricing = requests.preview(lab.draft(lab.hem, patient_id=senior))
    assert pricing.net >= 0 and all(line.net_price >= 0 for line in pricing.lines)


def test_default_branch_is_chosen_among_active_branches(admin):
    other = Branch.create(code="TGU", name="Tegucigalpa Centro").id
    settings.save_admin({"default_branch_id": other})
    assert settings.get("default_branch_id") == other


# --- the screen ---------------------------------------------------------------------------


def test_dialog_as_administrator_saves_and_shows_errors(qtbot, admin):
    from patolab_desktop.ui.admin.settings_dialog import SettingsDialog

    dialog = SettingsDialog()
    qtbot.addWidget(dialog)
    assert dialog.fields["senior_age"].text() == "60"
    dialog.fields["senior_discount"].setText("120")
    assert dialog.save() is False
    assert dialog.errors["senior_discount"].text()
    dialog.fields["senior_discount"].setText("35")
    dialog.fields["lab_name"].setText("Laboratorio San Jorge")
    assert dialog.save() is True
    assert settings.get("senior_discount") == Decimal("35")
    assert settings.get("lab_name") == "Laboratorio San Jorge"


def test_menu_entry_is_for_administrators_only(qtbot, database):
    from patolab_desktop.ui.main_window import MainWindow

    with session.acting_as(login_as(permissions.ROLE_ADMIN)):
        window = MainWindow()
        qtbot.addWidget(window)
    entry = next(
        a
        for a in window.menu("file").actions()
        if "Configuración del laboratorio" in a.text().replace("&", "")
    )
    reception = login_as(permissions.ROLE_RECEPTION)
    window.apply_permissions(reception.has)
    assert not entry.isVisible()
    window.apply_permissions(lambda key: True)
    assert entry.isVisible()


def test_every_issuer_field_a_factura_demands_is_on_this_screen(qtbot, admin):
    """The refusal to issue a factura sends the administrator to Archivo → Configuración
    del laboratorio: on a new lab (not the demo) each issuer field it names, the razón
    social included, must be there to fill, or no factura can ever be issued."""
    from patolab_desktop.services.billing import records
    from patolab_desktop.services.errors import RuleError
    from patolab_desktop.ui.admin.settings_dialog import SettingsDialog

    with pytest.raises(RuleError, match="razón social"):
        records.check_issuer()
    dialog = SettingsDialog()
    qtbot.addWidget(dialog)
    values = {
        "lab_name": "Laboratorio Clínico San Rafael",
        "lab_legal_name": "Laboratorio Clínico San Rafael S. de R.L.",
        "lab_address": "Col. Palmira, Tegucigalpa",
        "lab_rtn": "08019019123456",
        "lab_phone": "+504 2232-0000",
        "lab_email": "info@sanrafael.hn",
    }
    assert set(records._ISSUER_FIELDS) <= set(values)
    for key, text in values.items():
        dialog.fields[key].setText(text)
    assert dialog.save() is True
    assert settings.get("lab_legal_name") == "Laboratorio Clínico San Rafael S. de R.L."
    records.check_issuer()  # nothing missing: the factura may be issued


def test_dialog_as_administrator_sets_this_computer_s_branch_and_point(qtbot, admin):
    """«Esta estación»: the branch and punto de emisión of this computer (kept on it, not
    in the database); the lab's default branch and point stay as they were, and the
    request entry of this computer proposes its branch."""
    from patolab_desktop.services import workstation
    from patolab_desktop.services.catalog import branches
    from patolab_desktop.ui.admin.settings_dialog import SettingsDialog
    from patolab_desktop.ui.requests.request_entry import RequestEntry

    lab_default = settings.get("default_branch_id")
    sps = Branch.create(code="SPS", name="San Pedro Sula").id
    dialog = SettingsDialog()
    qtbot.addWidget(dialog)
    station = dialog.station
    assert station.branch_combo.currentData() is None  # never set: the lab's
    assert station.point_edit.placeholderText() == "001"
    station.branch_combo.set_current_data(sps)
    station.point_edit.setText("2")
    assert dialog.save() is False
    assert "3 dígitos" in station.errors.message("point")
    assert not workstation.here().branch_here  # nothing kept
    station.point_edit.setText("002")
    assert dialog.save() is True
    here = workstation.here()
    assert (here.branch_id, here.point, here.branch_here) == (sps, "002", True)
    assert settings.get("default_branch_id") == lab_default
    assert settings.get("billing_point") == "001"
    assert AuditLog.select().where(AuditLog.changes.contains("San Pedro Sula")).exists()
    again = SettingsDialog()
    qtbot.addWidget(again)
    assert again.station.branch_combo.currentData() == sps
    assert again.station.point_edit.text() == "002"
    entry = RequestEntry()
    qtbot.addWidget(entry)
    assert entry.branch_combo.currentData() == sps
    # its branch deactivated since: the dialog says so, and saving the lab's settings
    # does not quietly move this computer to the lab's branch
    branches.deactivate(sps)
    later = SettingsDialog()
    qtbot.addWidget(later)
    assert "«San Pedro Sula», está desactivada" in later.station.errors.message("branch_id")
    later.fields["lock_minutes"].setText("7")
    assert later.save() is True
    assert workstation.here().branch_id == sps


def test_the_station_fields_are_read_only_without_the_cai_permission(qtbot, database):
    from patolab_desktop.ui.admin.settings_dialog import SettingsDialog

    admin = login_as(permissions.ROLE_ADMIN)
    granted = session.with_permissions(admin, permissions.ALL - {"billing.authorisations"})
    with session.acting_as(granted):
        dialog = SettingsDialog()
        qtbot.addWidget(dialog)
        assert not dialog.station.point_edit.isEnabled()
        dialog.fields["lock_minutes"].setText("5")
        assert dialog.save() is True  # the lab's settings still save
    assert settings.get("lock_minutes") == 5
