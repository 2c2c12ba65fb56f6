"""A retired doctor and a closed branch keep their requests (some still pending): the
requests list's Médico and Sucursal filters still offer them, marked inactive, so that
work can be listed (seed 004: "Filter by doctor"). A new request's doctor picker still
offers active doctors only. Deactivating a branch with unfinished requests says how many
and asks first (they can still be finished and charged), in the list and in the dialog."""

from __future__ import annotations

import pytest

from patolab_desktop.services.access import permissions
from patolab_desktop.services.catalog import branches, referrers
from patolab_desktop.ui.catalog.branches_dialog import BranchDialog, BranchesDialog
from patolab_desktop.ui.requests.entry_texts import doctor_lookup
from patolab_desktop.ui.requests.requests_window import RequestsWindow
from tests.unit.requests_fixtures import make_branch, make_lab, set_status


def _closed_branch_and_retired_doctor(as_role):
    """A pending request from «Dr. Carlos Mejía» at SPS and another at the main branch;
    then the doctor and SPS are deactivated."""
    lab = make_lab()
    sps = make_branch("SPS", "San Pedro Sula")
    _request_id, number = lab.create(lab.hem, branch_id=sps)
    lab.create(lab.glu)
    as_role(permissions.ROLE_ADMIN)
    referrers.deactivate(lab.doctor)
    branches.deactivate(sps)
    return lab, sps, number


def _numbers(window) -> list[str]:
    window.apply_filters_now()
    model = window.model
    return [model.row_dict(row)["request_number"] for row in range(model.rowCount())]


@pytest.mark.parametrize("role", [permissions.ROLE_RECEPTION, permissions.ROLE_SUPERVISOR])
def test_list_filters_by_a_retired_doctor_and_a_closed_branch(qtbot, database, as_role, role):
    lab, sps, number = _closed_branch_and_retired_doctor(as_role)
    as_role(role)
    window = RequestsWindow()
    qtbot.addWidget(window)
    window.resize(1300, 600)
    window.show()

    index = window.branch_combo.findData(sps)
    assert window.branch_combo.itemText(index) == "San Pedro Sula (SPS) (inactiva)"
    window.branch_combo.setCurrentIndex(index)
    assert _numbers(window) == [number]

    window.branch_combo.setCurrentIndex(0)
    window.doctor_filter.setText("Mejía")
    window.doctor_filter.refresh_now()
    assert [row["id"] for row in window.doctor_filter.matches()] == [lab.doctor]
    assert "(inactivo)" in window.doctor_filter.popup().item(0).text()
    assert window.doctor_filter.choose()
    assert len(_numbers(window)) == 2


def test_a_new_requests_doctor_picker_still_hides_retired_ones(qtbot, database, as_role):
    lab, _sps, _number = _closed_branch_and_retired_doctor(as_role)
    as_role(permissions.ROLE_RECEPTION)
    picker = doctor_lookup("Médico")
    qtbot.addWidget(picker)
    picker.setText("Mejía")
    picker.refresh_now()
    assert lab.doctor not in [row["id"] for row in picker.matches()]


def test_deactivating_a_branch_with_unfinished_requests_asks_with_the_count(
    qtbot, database, as_role, prompt_log
):
    lab = make_lab()
    sps = make_branch("SPS", "San Pedro Sula")
    for _ in range(2):
        lab.create(lab.hem, branch_id=sps)
    finished, _ = lab.create(lab.glu, branch_id=sps)
    set_status(finished, "cancelled")  # finished work is not counted
    as_role(permissions.ROLE_ADMIN)
    assert branches.open_request_count(sps) == 2

    window = BranchesDialog()
    qtbot.addWidget(window)
    window.select_id(sps)
    prompt_log.answer = False
    assert not window.deactivate_selected()
    ((_kind, _title, question),) = prompt_log.kinds("confirm")
    assert "«San Pedro Sula»" in question and "Tiene 2 solicitudes sin terminar" in question
    assert branches.get(sps).active

    prompt_log.clear()
    dialog = BranchDialog(sps)
    qtbot.addWidget(dialog)
    dialog.active_check.setChecked(False)
    assert not dialog.save()  # the same question, answered no
    assert "Tiene 2 solicitudes sin terminar" in prompt_log.kinds("confirm")[0][2]
    assert branches.get(sps).active
    prompt_log.answer = True
    assert dialog.save()
    assert not branches.get(sps).active


def test_a_branch_without_unfinished_requests_is_deactivated_as_before(
    qtbot, database, as_role, prompt_log
):
    make_lab()
    sps = make_branch("SPS", "San Pedro Sula")
    as_role(permissions.ROLE_ADMIN)
    dialog = BranchDialog(sps)
    qtbot.addWidget(dialog)
    dialog.active_check.setChecked(False)
    assert dialog.save()
    assert not prompt_log.kinds("confirm") and not branches.get(sps).active
