"""Issue 16: a receptionist's day, through the widgets, as a real Recepción user; then the
supervisor's period report and the administrator's CSV exports and audit trail."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrintPreviewDialog

from patolab_desktop.db.models import Customer, LabRequest
from patolab_desktop.services import identity
from patolab_desktop.services import requests as requests_service
from patolab_desktop.services.access import audit, auth, permissions, session
from patolab_desktop.services.paging import PageRequest
from patolab_desktop.ui.admin import login_flow
from patolab_desktop.ui.main_window import MainWindow
from patolab_desktop.ui.printing import actions
from tests.security_helpers import PASSWORD, make_user, no_session  # noqa: F401 (fixture)

from .desk_helpers import enter_request, print_to_pdf
from .requests_helpers import make_catalog, make_doctor, make_patient, make_request
from .role_helpers import main_window_as
from .test_customer_dialog import fill_patient
from .test_customers_window import type_text

pytestmark = pytest.mark.usefixtures("no_session", "fast_hashing", "no_crash_dialog")


def _lab(database) -> dict:
    """What the administrator set up before the day: catalog, a doctor, an earlier request."""
    with session.acting_as(session.system_actor("tests")):
        ids = make_catalog()
        doctor = make_doctor()
        earlier = make_patient("Carlos", "Ruiz Mejía", age=52, gender="Hombre")
        other_id, other_number = make_request(earlier, doctor, [ids["GLU"]])
    make_user("recepcion", permissions.ROLE_RECEPTION, full_name="Rosa Recepción")
    return {"catalog": ids, "other": other_id, "other_number": other_number}


def _pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)


def test_a_day_at_the_desk(qtbot, database, tmp_path, monkeypatch, prompt_log, dialog_trap):
    lab = _lab(database)
    year = dt.date.today().year
    trap = dialog_trap.handlers

    # --- log in through the login dialog -------------------------------------------------
    def login(dialog):
        dialog.username_edit.setText("recepcion")
        dialog.password_edit.setText(PASSWORD)
        dialog.login_button.click()

    trap["LoginDialog"] = login
    actor = login_flow.start_session(None)
    assert actor is not None and actor.role == permissions.ROLE_RECEPTION
    window = MainWindow(db_label="prueba.db")
    qtbot.addWidget(window)
    admin = login_flow.install_admin(window, actor, lock_minutes=0)
    window.apply_permissions(session.has)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)

    # --- register a walk-in patient (Ctrl+N on the Clientes tab) --------------------------
    def register(dialog):
        fill_patient(qtbot, dialog, first_name="Sofía", last_name="Ramírez Cruz", id_number="")
        dialog.id_number_edit.setText("0801199512345")
        assert dialog.save(), [dialog.error_text(k) for k in ("id_number", "phone", "__all__")]

    trap["CustomerDialog"] = register
    customers_tab = window.show_tab("customers")
    qtbot.keyClick(customers_tab.search_box, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    patient = Customer.get(Customer.first_name == "Sofía")
    assert identity.reveal(patient.id_number) == "0801199512345"
    assert "guard" in window.statusBar().currentMessage().lower()  # a visible confirmation

    # --- find her and change her phone ---------------------------------------------------
    customers_tab.search_box.clear()
    type_text(qtbot, customers_tab.search_box, "ramirez")
    customers_tab.search_box.flush()
    assert customers_tab.model.rowCount() == 1
    assert "*" in customers_tab.model.row_dict(0)["id_number"]  # masked for her role

    def change_phone(dialog):
        assert "*" in dialog.id_number_edit.text()
        dialog.phone_edit.setText("3344-5566")
        assert dialog.save(), dialog.error_text("id_number")

    trap["CustomerDialog"] = change_phone
    qtbot.keyClick(customers_tab.search_box, Qt.Key.Key_Down)  # to the rows
    qtbot.keyClick(customers_tab.view, Qt.Key.Key_Return)  # Enter edits
    patient = Customer.get_by_id(patient.id)
    assert patient.phone == "+50433445566" and identity.reveal(patient.id_number) == "0801199512345"

    # --- enter a request with a panel (Ctrl+N on the Solicitudes tab) ---------------------
    area = window.show_tab("requests")
    area.show_list()
    qtbot.keyClick(area.list.search, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    entry = area.entry
    assert area.stack.currentWidget() is entry and entry.patient_edit.hasFocus()
    enter_request(qtbot, entry, "sofia ramirez", "martinez", "LIP")
    assert entry.patient()["id"] == patient.id
    assert len(entry.lines_model.rows()) == 4  # the panel and its three members
    with qtbot.waitSignal(entry.saved) as saved:
        qtbot.keyClick(entry.investigation_edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    request_id, number = saved.args
    assert number.endswith(f"-{year}-000002")
    assert number in window.statusBar().currentMessage()

    # --- add and then remove an investigation; print summary and labels to PDF -----------
    printed: list[Path] = []
    monkeypatch.setattr(actions, "exec_dialog", print_to_pdf(tmp_path, printed))

    def add_ego(dialog):
        dialog.search_edit.setFocus()
        qtbot.keyClicks(dialog.search_edit, "EGO")
        qtbot.keyClick(dialog.search_edit, Qt.Key.Key_Return)
        dialog.add_button.click()
        assert dialog.changed_count == 1

    def remove_ego(dialog):
        assert dialog.select_investigation(lab["catalog"]["EGO"])
        dialog.remove_button.click()
        assert dialog.changed_count == 1

    def work_on_request(dialog):
        dialog.add_button.click()
        assert any(line["investigation_id"] == lab["catalog"]["EGO"] for line in _lines(request_id))
        dialog.remove_button.click()
        assert not any(
            line["investigation_id"] == lab["catalog"]["EGO"] for line in _lines(request_id)
        )
        dialog.print_button.click()
        dialog.labels_button.click()

    trap["AddInvestigationDialog"] = add_ego
    trap["RemoveInvestigationDialog"] = remove_ego
    trap["RequestDetailDialog"] = work_on_request
    entry.open_saved_button.click()
    assert len(printed) == 2
    summary, labels = (_pdf_text(p) for p in printed)
    assert number in summary and "Sofía" in summary
    assert number.replace("-", "") in labels.replace("-", "") or number in labels
    # and «Guardar como PDF…» straight from the labels' preview: pages of the label's size
    saved = tmp_path / "etiquetas.pdf"
    prompt_log.save_path = str(saved)

    def save_from_preview(dialog):
        if isinstance(dialog, QPrintPreviewDialog):
            dialog.save_pdf_action.trigger()
        return 0

    monkeypatch.setattr(actions, "exec_dialog", save_from_preview)
    trap["RequestDetailDialog"] = lambda dialog: dialog.labels_button.click()
    entry.open_saved_button.click()
    pages = PdfReader(str(saved)).pages
    assert pages and all(
        (round(float(p.mediabox.width) * 25.4 / 72), round(float(p.mediabox.height) * 25.4 / 72))
        == (50, 25)
        for p in pages
    )
    assert number in _pdf_text(saved) and "Sofía" in _pdf_text(saved)

    # --- cancel another request with a reason --------------------------------------------
    def cancel(dialog):
        dialog.set_reason("Paciente no se presentó a la toma de muestra")
        dialog.ok_button.click()

    def cancel_from_detail(dialog):
        assert dialog.cancel_button.isEnabled()
        dialog.cancel_button.click()

    trap["RequestDetailDialog"] = cancel_from_detail
    trap["CancelRequestDialog"] = cancel
    area.show_list()
    area.list.search.setText(lab["other_number"])
    area.list.apply_filters_now()
    assert area.list.select_id(lab["other"])
    area.list.open_current()
    other = LabRequest.get_by_id(lab["other"])
    assert other.status == "cancelled"
    assert other.cancellation_reason == "Paciente no se presentó a la toma de muestra"

    # --- try an export: refused with a message, no file -----------------------------------
    from patolab_desktop.ui.customers import area as customers_area

    assert not window.menu("export").menuAction().isVisible()
    prompt_log.clear()
    prompt_log.save_path = str(tmp_path / "clientes.csv")
    assert customers_area.export_customers(window) is None
    errors = prompt_log.kinds("error")
    assert errors and "No tiene permiso para exportar" in errors[-1][2]
    assert not (tmp_path / "clientes.csv").exists()

    # --- lock the screen and unlock it ----------------------------------------------------
    lock = admin.lock
    lock.lock()
    assert lock.is_locked() and lock.dialog.isVisible()
    with qtbot.waitSignal(lock.unlocked):
        lock.dialog.password_edit.setText(PASSWORD)
        lock.dialog.unlock_button.click()
    assert not lock.is_locked()
    assert session.current().username == "recepcion"
    # the day is in the audit trail under her name
    with session.acting_as(session.system_actor("tests")):
        rows = audit.page(audit.AuditFilter(username="recepcion"), PageRequest(limit=500)).rows
    actions_done = {row["action"] for row in rows}
    assert {"login", "create", "update"} <= actions_done
    lock.stop()
    auth.logout()


def _lines(request_id: int):
    return requests_service.get(request_id).lines


def test_the_supervisor_prints_the_period_report(
    qtbot, database, tmp_path, prompt_log, dialog_trap
):
    lab = _lab(database)
    with session.acting_as(session.system_actor("tests")):
        requests_service.cancel(lab["other"], "Duplicada", by="tests")
    window = main_window_as(qtbot, permissions.ROLE_SUPERVISOR)
    action = next(
        a for a in window.menu("requests").actions() if "período" in a.text() and a.isVisible()
    )
    prompt_log.save_path = str(tmp_path / "resumen.pdf")
    made = []

    def report(dialog):
        today = dt.date.today()
        dialog.set_range(today.replace(day=1), today)
        made.append(dialog.save_pdf())

    dialog_trap.handlers["PeriodReportDialog"] = report
    action.trigger()
    assert made and made[0] is not None and Path(made[0]).exists()
    text = _pdf_text(Path(made[0]))
    assert lab["other_number"] in text or "Cancelad" in text or "cancelad" in text


@pytest.mark.parametrize("role", [permissions.ROLE_RECEPTION])
def test_the_period_report_is_not_offered_to_reception(qtbot, database, role):
    _lab(database)
    window = main_window_as(qtbot, role)
    assert not [
        a for a in window.menu("requests").actions() if "período" in a.text() and a.isVisible()
    ]


def test_the_administrator_exports_csv_from_the_menu_and_reads_the_audit(
    qtbot, database, tmp_path, prompt_log, dialog_trap
):
    _lab(database)
    window = main_window_as(qtbot, permissions.ROLE_ADMIN)
    exports = [a for a in window.menu("export").actions() if a.isVisible() and not a.isSeparator()]
    assert len(exports) >= 3
    written = []
    for number, action in enumerate(exports):
        path = tmp_path / f"export-{number}.csv"
        prompt_log.save_path = str(path)
        action.trigger()
        if path.exists():
            written.append(path)
    assert len(written) == len(exports), prompt_log.calls
    for path in written:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            header = next(csv.reader(handle, delimiter=_delimiter(path)))
        assert header and all(cell.strip() for cell in header)
    assert not prompt_log.kinds("error"), prompt_log.kinds("error")

    # the audit trail reads as words: who, what, on which record; the exports are in it
    from patolab_desktop.ui.admin.audit_viewer import AuditViewer

    viewer = AuditViewer(window)
    qtbot.addWidget(viewer)
    model = viewer.model
    rows = [model.row_dict(r) for r in range(model.rowCount())]
    assert any(row["action"] == "export" for row in rows)
    assert all(row["action_label"] and row["entity_label"] for row in rows)
    assert all(row["action_label"] != row["action"] for row in rows if row["action"] == "export")


def _delimiter(path: Path) -> str:
    first = path.read_text(encoding="utf-8-sig").splitlines()[0]
    return ";" if first.count(";") > first.count(",") else ","
