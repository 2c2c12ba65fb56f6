"""Issue 15, point 9: every editable record carries a ``version`` checked on update. Two
desks read the same record, both save: the first save wins, the second gets a
ConflictError with a clear message and changes nothing (no lost update)."""

from __future__ import annotations

import pytest

from patolab_desktop.services import settings
from patolab_desktop.services.access import permissions, users
from patolab_desktop.services.catalog import branches, referrer_types, referrers
from patolab_desktop.services.catalog import investigations as catalog_writing
from patolab_desktop.services.catalog import reading as catalog_reading
from patolab_desktop.services.catalog.values import InvestigationData
from patolab_desktop.services.errors import ConflictError
from patolab_desktop.services.requests import reports
from tests.security_helpers import make_user, role_id
from tests.two_desks import stale_save


def _said(error: ConflictError) -> str:
    message = str(error)
    assert "Otra persona" in message and "no se guardaron" in message
    return message


def _refused(save) -> str:
    with pytest.raises(ConflictError) as caught:
        save()
    return _said(caught.value)


def test_branch(database):
    branch_id = branches.create(branches.BranchData(name="Centro", code="CEN"))
    first, second = {"name": "Centro Histórico"}, {"address": "Calle 5"}
    desk_a, refused = stale_save(branches.get, branches.update, branch_id, first, second)
    assert "sucursal «Centro Histórico»" in _said(refused)
    stored = branches.get(branch_id)
    assert (stored.name, stored.address, stored.version) == ("Centro Histórico", "", 2)
    branches.update(desk_a)  # desk A saves again with the version it got back
    assert branches.get(branch_id).version == 3


def test_referrer_type(database):
    type_id = referrer_types.create("Laboratorio externo")
    seen = referrer_types.get(type_id)["version"]
    referrer_types.rename(type_id, "Laboratorio de referencia", seen)
    _refused(lambda: referrer_types.rename(type_id, "Laboratorio aliado", seen))
    assert referrer_types.get(type_id)["name"] == "Laboratorio de referencia"


def test_referrer(database):
    kind = referrer_types.find_by_name("Doctor")
    ref_id = referrers.create(referrers.ReferrerData(name="Dr. Juan Cruz", type_id=kind))
    stale_save(
        referrers.get, referrers.update, ref_id, {"phone": "9988-7766"}, {"notes": "Pediatra"}
    )
    assert referrers.get(ref_id).notes == ""


def test_catalog_item(database):
    item_id = catalog_writing.create(InvestigationData(code="HEM", name="Hemograma", price="150"))
    first, second = {"name": "Hemograma completo"}, {"sample_type": "Suero"}
    stale_save(catalog_reading.get, catalog_writing.update, item_id, first, second)
    assert catalog_reading.get(item_id).sample_type != "Suero"


def test_user(database):
    user_id = make_user("rosa", permissions.ROLE_RECEPTION, full_name="Rosa Mejía")
    first, second = (
        {"full_name": "Rosa María Mejía"},
        {"role_id": role_id(permissions.ROLE_SUPERVISOR)},
    )
    _desk_a, refused = stale_save(users.get, users.update, user_id, first, second)
    assert "usuario «rosa»" in _said(refused)
    stored = users.get(user_id)
    assert (stored.full_name, stored.role) == ("Rosa María Mejía", permissions.ROLE_RECEPTION)


def test_role(database):
    new_id = users.create_role("Toma de muestras", copy_from=permissions.ROLE_RECEPTION)
    seen = next(r["version"] for r in users.roles() if r["id"] == new_id)
    users.update_role(new_id, "Flebotomía", "Toma de muestras", version=seen)
    assert "rol «Flebotomía»" in _refused(
        lambda: users.update_role(new_id, "Muestras", "", version=seen)
    )
    assert next(r["name"] for r in users.roles() if r["id"] == new_id) == "Flebotomía"


def test_setting(database):
    keys = ("senior_discount",)
    seen = settings.versions(keys)
    assert seen == {"senior_discount": 0}  # never saved: the default
    settings.put("senior_discount", "25", seen["senior_discount"])
    _refused(lambda: settings.put("senior_discount", "35", seen["senior_discount"]))
    now_seen = settings.versions(keys)["senior_discount"]
    settings.put("senior_discount", "20", now_seen)
    _refused(lambda: settings.put("senior_discount", "35", now_seen))
    assert str(settings.get("senior_discount")) == "20"


def test_lab_header_dialog_save_is_locked(database):
    keys = (*reports.LAB_HEADER_KEYS, *reports.PRINT_KEYS)
    seen = settings.versions(keys)
    reports.save_print_setup({"lab_name": "Laboratorio Central"}, seen)
    with pytest.raises(ConflictError):
        reports.save_print_setup({"lab_name": "Otro nombre"}, seen)
    assert settings.get("lab_name") == "Laboratorio Central"


def test_settings_screen_save_is_locked(database):
    seen = settings.versions(settings.ADMIN_KEYS)
    settings.save_admin({"senior_discount": "25"}, seen)
    with pytest.raises(ConflictError):
        settings.save_admin({"senior_discount": "35", "lock_minutes": "5"}, seen)
    assert str(settings.get("senior_discount")) == "25" and settings.get("lock_minutes") != 5
