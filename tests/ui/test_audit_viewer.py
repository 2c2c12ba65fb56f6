"""The audit viewer: paged model, filters by user, entity, action and dates, details."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QApplication

from patolab_desktop.db.models import AuditLog, User
from patolab_desktop.services.access import audit, auth, permissions, session
from patolab_desktop.services.errors import PermissionDenied
from patolab_desktop.ui.admin.audit_viewer import AuditViewer
from tests.security_helpers import login_as, make_user

pytestmark = pytest.mark.usefixtures("no_session", "fast_hashing")


def _fill():
    """Admin (logged in) and Rosa do a few things on different days."""
    admin = login_as(permissions.ROLE_ADMIN)
    make_user("rosa", permissions.ROLE_RECEPTION, full_name="Rosa Mejía")
    AuditLog.delete().execute()
    rosa = auth.actor_for(User.get(User.username_folded == "rosa"))

    def at(row_id, day, hour=10):
        AuditLog.update(at=dt.datetime(2026, 3, day, hour, 0)).where(
            AuditLog.id == row_id
        ).execute()

    with session.acting_as(rosa):
        at(
            audit._write(
                "create",
                "customer",
                11,
                {"name": (None, "Juan Pérez"), "phone": (None, "+50499887766")},
            ),
            1,
        )
        at(audit._write("update", "customer", 11, {"phone": ("+50499887766", "+50433221100")}), 2)
        at(
            audit._write(
                "cancel",
                "lab_request",
                7,
                {"status": ("pending", "cancelled")},
                detail="Motivo: paciente no se presentó",
            ),
            3,
        )
    at(audit._write("export", "customer", detail="clientes_patolab.csv: 1 fila"), 4)
    at(audit._write("permission_grant", "role", 1, {"exports.run": (False, True)}), 5)
    return admin, rosa


def _viewer(qtbot):
    viewer = AuditViewer(page_size=2)
    qtbot.addWidget(viewer)
    return viewer


def _rows(viewer):
    model = viewer.model
    while model.canFetchMore():
        model.fetchMore()
    return [
        (model.row_dict(r)["action"], model.row_dict(r)["entity_id"])
        for r in range(model.rowCount())
    ]


def test_model_pages_newest_first(qtbot, qtmodeltester, database, clock):
    _fill()
    viewer = _viewer(qtbot)
    assert viewer.model.rowCount() == 2 and viewer.model.canFetchMore()  # page of 2
    qtmodeltester.check(viewer.model)  # (fetches the remaining pages)
    assert _rows(viewer) == [
        ("permission_grant", 1),
        ("export", None),
        ("cancel", 7),
        ("update", 11),
        ("create", 11),
    ]
    qtmodeltester.check(viewer.model)
    first = viewer.model.index(0, 0)
    assert viewer.model.data(first) == "05/03/2026 10:00:00"


def test_filters_by_user_entity_action_and_dates(qtbot, database, clock):
    admin, rosa = _fill()
    viewer = _viewer(qtbot)
    viewer.select_combo_data(viewer.user_combo, rosa.id)
    assert _rows(viewer) == [("cancel", 7), ("update", 11), ("create", 11)]
    viewer.select_combo_data(viewer.entity_combo, "customer")
    assert _rows(viewer) == [("update", 11), ("create", 11)]
    viewer.select_combo_data(viewer.action_combo, "update")
    assert _rows(viewer) == [("update", 11)]
    viewer.user_combo.setCurrentIndex(0)
    viewer.action_combo.setCurrentIndex(0)
    assert _rows(viewer) == [("export", None), ("update", 11), ("create", 11)]
    viewer.entity_combo.setCurrentIndex(0)
    viewer.from_edit.setDate(QDate(2026, 3, 2))
    viewer.from_check.setChecked(True)
    viewer.to_edit.setDate(QDate(2026, 3, 4))
    viewer.to_check.setChecked(True)
    assert viewer.filters().date_from == dt.date(2026, 3, 2)
    assert _rows(viewer) == [("export", None), ("cancel", 7), ("update", 11)]
    viewer.select_combo_data(viewer.user_combo, admin.id)
    assert _rows(viewer) == [("export", None)]


def test_details_show_old_and_new_values(qtbot, database, clock):
    _fill()
    viewer = _viewer(qtbot)
    viewer.select_combo_data(viewer.action_combo, "update")
    viewer.view.selectRow(0)
    text = viewer.details.toPlainText()
    # customer 11 is not in this database: the record is still named, by its number
    assert "rosa" in text and "Modificar" in text and "Paciente/empresa n.º 11" in text
    assert "Teléfono: +504 9988-7766 → +504 3322-1100" in text
    row = viewer.model.index(0, 4)
    assert viewer.model.data(row) == "Teléfono: +504 9988-7766 → +504 3322-1100"


@pytest.mark.parametrize("role_name", [permissions.ROLE_RECEPTION, permissions.ROLE_SUPERVISOR])
def test_viewer_is_for_administrators(qtbot, database, clock, role_name):
    login_as(role_name)
    with pytest.raises(PermissionDenied):
        AuditViewer()


def test_render_audit_viewer(qtbot, database, clock):
    _fill()
    viewer = AuditViewer()
    qtbot.addWidget(viewer)
    viewer.show()
    qtbot.waitExposed(viewer)
    viewer.view.selectRow(2)
    QApplication.processEvents()
    assert "Motivo: paciente no se presentó" in viewer.details.toPlainText()
    assert viewer.grab().save("/tmp/audit_viewer.png")
