"""Marking results from the request detail, as the roles that do it (issue 18)."""

from __future__ import annotations

import os

from PySide6.QtCore import QItemSelectionModel

from patolab_desktop.services import requests as requests_service
from patolab_desktop.services.access import permissions
from patolab_desktop.ui.requests.request_detail import RequestDetailDialog
from tests.security_helpers import login_as

from .requests_helpers import acting, desk, make_request  # noqa: F401  (fixtures)

SHOTS = "/work/notes/shots-notify"


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
