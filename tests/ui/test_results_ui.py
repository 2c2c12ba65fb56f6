"""Marking results from the request detail, as the roles that do it (issue 18)."""

from __future__ import annotations

import os

from PySide6.QtCore import QItemSelectionModel, Qt

from patolab_desktop.services import requests as requests_service
from patolab_desktop.services.access import permissions
from patolab_desktop.ui.requests.request_detail import RequestDetailDialog
from tests.security_helpers import login_as

from .requests_helpers import acting, desk, make_request  # noqa: F401  (fixtures)

SHOTS = os.environ.get("PATOLAB_SHOTS_DIR", "")  # screenshots for the docs, when asked


def _select(dialog, codes) -> None:
    model = dialog.lines_model
    selection = dialog.lines_view.selectionModel()
    selection.clearSelection()
    for row in range(model.rowCount()):
        if model.row_dict(row)["code"] in codes:
            selection.select(
                model.index(row, 0),
                QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
            )


def test_laboratorio_marks_results_from_the_detail(qtbot, desk):  # noqa: F811
    ids = [desk["catalog"][code] for code in ("HEM", "GLU", "EGO")]
    request_id, _number = make_request(desk["senior"], desk["doctor"], ids)
    login_as(permissions.ROLE_LAB)
    dialog = RequestDetailDialog(request_id)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.release_button.isEnabled() and dialog.start_button.isEnabled()
    assert not dialog.add_button.isEnabled() and not dialog.cancel_button.isEnabled()
    assert dialog.progress_label.text() == "Resultados: 0/3 listas"
    _select(dialog, {"HEM", "GLU"})  # two at once
    dialog.start_button.click()
    assert requests_service.get(request_id).status == "in_progress"
    _select(dialog, {"HEM"})
    dialog.release_button.click()
    assert requests_service.get(request_id).status == "partial_result"
    assert dialog.progress_label.text() == "Resultados: 1/3 listas"
    assert dialog.status_badge.text() == "Resultado parcial"
    if os.path.isdir(SHOTS):
        dialog.grab().save(f"{SHOTS}/request_detail_partial.png")
    _select(dialog, {"GLU", "EGO"})
    dialog.release_button.click()
    detail = requests_service.get(request_id)
    assert detail.status == "completed" and detail.completed_at is not None
    assert not dialog.release_button.isEnabled()  # read-only now


def test_reception_cannot_mark_results(qtbot, desk):  # noqa: F811
    request_id, _ = make_request(desk["senior"], desk["doctor"], [desk["catalog"]["HEM"]])
    login_as(permissions.ROLE_RECEPTION)
    dialog = RequestDetailDialog(request_id)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.release_button.isEnabled() and not dialog.start_button.isEnabled()


def test_requests_list_shows_progress_and_filters_by_it(qtbot, desk):  # noqa: F811
    from patolab_desktop.ui.requests.requests_window import RequestsWindow

    ids = [desk["catalog"][code] for code in ("HEM", "GLU")]
    waiting, _ = make_request(desk["senior"], desk["doctor"], ids)
    partly, _ = make_request(desk["senior"], desk["doctor"], ids)
    first = requests_service.get(partly).lines[0]["id"]
    requests_service.mark_lines(partly, [first], "released")
    login_as(permissions.ROLE_LAB)
    window = RequestsWindow()
    qtbot.addWidget(window)
    window.resize(1300, 600)
    window.show()
    model = window.model

    def progress() -> dict:
        return {
            model.row_dict(row)["id"]: model.row_dict(row)["progress"]
            for row in range(model.rowCount())
        }

    qtbot.waitUntil(lambda: progress() == {waiting: "0/2 listas", partly: "1/2 listas"})
    column = [c.key for c in model.columns].index("progress")
    assert model.headerData(column, Qt.Orientation.Horizontal) == "Resultados"
    window.progress_combo.setCurrentIndex(window.progress_combo.findData("some"))
    window.apply_filters_now()
    qtbot.waitUntil(lambda: progress() == {partly: "1/2 listas"})
    if os.path.isdir(SHOTS):
        window.grab().save(f"{SHOTS}/requests_list_progress.png")


def test_patient_messages_open_from_the_customer_dialog(qtbot, desk, monkeypatch):  # noqa: F811
    from patolab_desktop.db.models import Customer, Outbox
    from patolab_desktop.ui.customers.customer_dialog import CustomerDialog
    from tests.ui.role_helpers import DialogTrap
    from tests.unit.notify_helpers import CONSENTING

    Customer.update(**CONSENTING, phone="+50499887766").where(
        Customer.id == desk["senior"]
    ).execute()
    make_request(desk["senior"], desk["doctor"], [desk["catalog"]["HEM"]])
    assert Outbox.select().count() == 1
    trap = DialogTrap().install(monkeypatch)
    seen = []
    trap.handlers["MessagesDialog"] = lambda dialog: seen.append(dialog.panel.model.rowCount())
    login_as(permissions.ROLE_RECEPTION)
    dialog = CustomerDialog(customer_id=desk["senior"])
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.messages_button.isVisible()
    assert dialog.consent_combo.currentData() == "yes"
    dialog.messages_button.click()
    assert seen == [1]
