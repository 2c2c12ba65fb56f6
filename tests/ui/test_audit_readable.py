"""The audit trail in words (issue 16): Spanish labels for actions and fields, request
numbers and patient names instead of ids, before → after values as a person reads them,
filters by user, date and action — read by the administrator (the role with audit.view).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication, QDialog, QMenu

from patolab_desktop import i18n
from patolab_desktop.db.models import AuditLog
from patolab_desktop.services import customers
from patolab_desktop.services import requests as requests_service
from patolab_desktop.services.access import permissions, session
from tests.security_helpers import login_as, no_session  # noqa: F401 (fixture)

from .requests_helpers import make_catalog, make_doctor, make_patient, make_request
from .role_helpers import DialogTrap, main_window_as

SHOTS = Path("/work/notes/shots-papers2")
# what a person must never have to decode in the viewer
RAW = re.compile(
    r"\b(?:[a-z]+_[a-z_]+|pending|sample_collected|cancelled|routine|urgent|walk_in|"
    r"lab_request|customer|cliente)\b|#\d|\d+\.\d{3}\b"
)

pytestmark = pytest.mark.usefixtures("no_session", "fast_hashing", "no_crash_dialog")


@pytest.fixture
def day(database):
    """A receptionist's day through the real services, then the administrator logs in."""
    with session.acting_as(session.system_actor("tests")):
        ids = make_catalog()
        doctor = make_doctor()
    login_as(permissions.ROLE_RECEPTION)
    patient = make_patient("Sofía", "Reyes Castro", age=35)
    data = customers.get(patient)
    customers.update(dataclasses.replace(data, phone="9988-7766"))
    request_id, number = make_request(patient, doctor, [ids["LIP"], ids["GLU"]])
    requests_service.add_investigation(request_id, ids["EGO"])
    requests_service.remove_investigation(request_id, ids["EGO"])
    other_id, other_number = make_request(patient, doctor, [ids["HEM"]], priority="urgent")
    requests_service.cancel(other_id, "Paciente no se presentó")
    login_as(permissions.ROLE_SUPERVISOR)
    requests_service.advance(request_id)
    login_as(permissions.ROLE_ADMIN)
    return {
        "patient": patient,
        "request": (request_id, number),
        "other": (other_id, other_number),
        "ids": ids,
        "doctor": doctor,
        "old_phone": customers.format_phone(data.phone),
    }


def _open_viewer(qtbot, monkeypatch, role=permissions.ROLE_ADMIN):
    """Administración → «Auditoría…» from the menu of the real main window."""
    window = main_window_as(qtbot, role)
    trap = DialogTrap().install(monkeypatch)
    opened = []
    trap.on_open = lambda dialog: opened.append(dialog) or dialog.show()
    found = [
        a
        for menu in window.menuBar().findChildren(QMenu)
        for a in menu.actions()
        if a.text().replace("&", "") in ("Auditoría…", "Audit log…", "Audit…")
    ]
    action = found[0] if found else None
    return window, action, opened


def _all_rows(viewer) -> list[dict]:
    model = viewer.model
    while model.canFetchMore():
        model.fetchMore()
    return [model.row_dict(r) for r in range(model.rowCount())]


def _cells(viewer) -> list[list[str]]:
    model = viewer.model
    _all_rows(viewer)
    return [
        [str(model.index(r, c).data() or "") for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def _viewer(qtbot, monkeypatch):
    from patolab_desktop.ui.admin.audit_viewer import AuditViewer

    window, action, opened = _open_viewer(qtbot, monkeypatch)
    assert action is not None and action.isVisible()
    monkeypatch.setattr(QDialog, "exec", lambda dialog: opened.append(dialog) or 0)
    action.trigger()
    [viewer] = [d for d in opened if isinstance(d, AuditViewer)]
    qtbot.addWidget(viewer)
    return viewer


def test_the_audit_reads_as_words_for_the_administrator(qtbot, day, monkeypatch):
    viewer = _viewer(qtbot, monkeypatch)
    headers = [
        viewer.model.headerData(c, Qt.Orientation.Horizontal)
        for c in range(viewer.model.columnCount())
    ]
    assert headers == [
        "Fecha y hora",
        "Usuario",
        "Acción",
        "Registro",
        "Cambios (antes → después)",
        "Detalle",
    ]
    cells = _cells(viewer)
    raw = [(row, RAW.findall(" ".join(row[2:5]))) for row in cells]
    assert not [pair for pair in raw if pair[1]], [pair for pair in raw if pair[1]][:5]
    number, other = day["request"][1], day["other"][1]
    text = "\n".join(" | ".join(row) for row in cells)
    # a request by its number and patient; the patient by name; the doctor, the branch
    assert f"Solicitud {number} · Sofía Reyes Castro" in text
    assert "Paciente/empresa Sofía Reyes Castro" in text
    assert "Remitente: Dra. Ana Martínez" in text and "Paciente: Sofía Reyes Castro" in text
    assert "Prioridad: Urgente" in text and "Origen: Ambulatorio" in text
    # before → after in words: the phone, the status, the amounts, the investigation
    assert f"Teléfono: {day['old_phone']} → +504 9988-7766" in text
    assert "Estado: Pendiente → Muestra tomada" in text
    assert (
        "Investigación: (vacío) → EGO — Examen general de orina; Neto: L 430.00 → L 530.00" in text
    )
    assert (
        f"Cancelar | Solicitud {other} · Sofía Reyes Castro | Estado: Pendiente → Cancelada" in text
    )
    assert "Motivo: Paciente no se presentó" in text
    # the selected row's details, one change a line
    viewer.select_combo_data(viewer.action_combo, "add_investigation")
    viewer.view.selectRow(0)
    details = viewer.details.toPlainText().splitlines()
    assert details[0].endswith(
        f"recepcion · Agregar investigación · Solicitud {number} · Sofía Reyes Castro"
    )
    assert details[-2:] == [
        "Investigación: (vacío) → EGO — Examen general de orina",
        "Neto: L 430.00 → L 530.00",
    ]


def test_the_administrator_filters_by_user_date_and_action(qtbot, day, monkeypatch):
    from patolab_desktop.db.models import User

    AuditLog.update(at=dt.datetime(2026, 3, 1, 9, 0)).where(
        AuditLog.action == "create", AuditLog.entity == "customer"
    ).execute()
    viewer = _viewer(qtbot, monkeypatch)
    reception = User.get(User.username_folded == "recepcion").id
    viewer.select_combo_data(viewer.user_combo, reception)
    rows = _all_rows(viewer)
    assert rows and {row["username"] for row in rows} == {"recepcion"}
    assert {row["action_label"] for row in rows} >= {
        "Crear",
        "Modificar",
        "Agregar investigación",
        "Quitar investigación",
        "Cancelar",
    }
    viewer.select_combo_data(viewer.action_combo, "cancel")
    [cancel] = _all_rows(viewer)
    assert cancel["record"] == f"Solicitud {day['other'][1]} · Sofía Reyes Castro"
    assert cancel["changes_lines"] == ["Estado: Pendiente → Cancelada"]
    viewer.action_combo.setCurrentIndex(0)
    viewer.from_edit.setDate(QDate(2026, 3, 1))
    viewer.to_edit.setDate(QDate(2026, 3, 1))
    viewer.from_check.setChecked(True)
    viewer.to_check.setChecked(True)
    [registered] = _all_rows(viewer)
    assert registered["record"] == "Paciente/empresa Sofía Reyes Castro"
    assert f"Teléfono: {day['old_phone']}" in registered["changes_lines"]
    viewer.to_check.setChecked(False)
    viewer.from_edit.setDate(QDate.currentDate())
    assert {row["action"] for row in _all_rows(viewer)} >= {"update", "cancel"}
    assert "create" not in {r["action"] for r in _all_rows(viewer) if r["entity"] == "customer"}
    viewer.resize(1024 - 20, 768 - 60)
    viewer.show()
    viewer.from_check.setChecked(False)
    viewer.user_combo.setCurrentIndex(0)
    viewer.view.selectRow(2)
    QApplication.processEvents()
    if SHOTS.is_dir():
        viewer.grab().save(str(SHOTS / "audit-viewer-1024.png"))


@pytest.mark.parametrize("role", [permissions.ROLE_RECEPTION, permissions.ROLE_SUPERVISOR])
def test_only_the_role_with_the_audit_permission_sees_it(qtbot, day, monkeypatch, role):
    seeded = {
        permissions.ROLE_RECEPTION: permissions.RECEPTION,
        permissions.ROLE_SUPERVISOR: permissions.SUPERVISOR,
    }
    assert "audit.view" not in seeded[role] and "audit.view" in permissions.ADMIN
    _window, action, _opened = _open_viewer(qtbot, monkeypatch, role)
    assert action is None or not action.isVisible()


def test_the_audit_reads_as_words_in_english(qtbot, day, monkeypatch, qapp):
    i18n.install_translators(qapp, "en")
    try:
        viewer = _viewer(qtbot, monkeypatch)
        text = "\n".join(" | ".join(row) for row in _cells(viewer))
    finally:
        i18n.remove_translators(qapp)
    assert f"Request {day['request'][1]} · Sofía Reyes Castro" in text
    assert "Status: Pending → Sample collected" in text
    assert f"Phone: {day['old_phone']} → +504 9988-7766" in text
    assert "Test: (empty) → EGO — Examen general de orina; Net: L 430.00 → L 530.00" in text
    assert "Request number: " in text and "Role: Reception" in text
    for spanish in ("Solicitud", "Estado", "Pendiente", "Teléfono", "(vacío)", "Cancelar"):
        assert spanish not in text, spanish
