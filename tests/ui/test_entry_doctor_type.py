"""Seed 000: the referrer types "group and filter referrers on the specimen creation
form". The entry form has a «Tipo» beside the doctor: as Recepción, choosing «Hospital»
lists only hospitals (the picker searched every type, and a type's name found nothing)."""

from __future__ import annotations

import pytest

from patolab_desktop.services.access import permissions, session
from patolab_desktop.services.catalog import referrer_types, referrers
from patolab_desktop.ui.requests.request_entry import RequestEntry
from tests.security_helpers import login_as

from .requests_helpers import acting, desk  # noqa: F401  (fixtures)

pytestmark = pytest.mark.usefixtures("fast_hashing")


def _referrer(name: str, kind: str) -> int:
    type_id = next(t["id"] for t in referrer_types.list_active() if t["name"] == kind)
    return referrers.create(referrers.ReferrerData(name=name, type_id=type_id, phone="2232-1000"))


def test_the_type_filters_the_doctors_of_the_entry_form(qtbot, desk):  # noqa: F811
    with session.acting_as(session.system_actor("tests")):
        hospital = _referrer("Hospital San Felipe", "Hospital")
        doctor = _referrer("Dr. Felipe Zelaya", "Doctor")
    login_as(permissions.ROLE_RECEPTION)
    entry = RequestEntry(by="recepcion")
    qtbot.addWidget(entry)
    entry.doctor_edit.setText("felipe")
    entry.doctor_edit.refresh_now()
    assert {hospital, doctor} <= {row["id"] for row in entry.doctor_edit.matches()}
    entry.doctor_type_combo.setCurrentIndex(entry.doctor_type_combo.findText("Hospital"))
    assert [row["id"] for row in entry.doctor_edit.matches()] == [hospital]  # at once
    assert [r["id"] for r in referrers.search("felipe", type_id=None)] != [hospital]
