"""«Editar datos…» of a saved request (seed 004: a request is updated): the doctor chosen
from the list, the priority, the origin, the clinical information and the notes, as
Recepción; a change made on another desk meanwhile is a conflict; a completed request
is not edited. Before, a wrong doctor could only be mended by cancelling the request and
entering it again under a new number."""

from __future__ import annotations

import pytest

from patolab_desktop.db.models import RequestEvent
from patolab_desktop.services import requests as requests_service
from patolab_desktop.services.access import permissions, session
from patolab_desktop.ui.requests.request_detail import RequestDetailDialog
from tests.security_helpers import login_as

from .requests_helpers import acting, desk, make_doctor, make_request, move_to  # noqa: F401

pytestmark = pytest.mark.usefixtures("fast_hashing")


def _edit_dialog(qtbot, dialog_trap, request_id, fill):
    """The detail as Recepción, «Editar datos…» clicked and ``fill(dialog)`` run in it."""
    login_as(permissions.ROLE_RECEPTION)
    detail = RequestDetailDialog(request_id)
    qtbot.addWidget(detail)
    dialog_trap.handlers["RequestEditDialog"] = fill
    detail.edit_button.click()
    return detail


def _choose_doctor(dialog, text: str) -> None:
    dialog.doctor_edit.setText(text)
    dialog.doctor_edit.textEdited.emit(text)
    dialog.doctor_edit.refresh_now()
    dialog.doctor_edit.choose()


def test_a_receptionist_mends_the_doctor_priority_and_notes(qtbot, desk, dialog_trap):  # noqa: F811
    request_id, _number = make_request(desk["senior"], desk["doctor"], [desk["catalog"]["HEM"]])
    with session.acting_as(session.system_actor("tests")):
        other = make_doctor("Dr. Carlos Reyes", "Clínica Viera")

    def fill(dialog):
        _choose_doctor(dialog, "Carlos Reyes")
        dialog.priority_combo.setCurrentIndex(dialog.priority_combo.findData("urgent"))
        dialog.notes_edit.setPlainText("Ayuno de 12 horas")
        dialog.save_button.click()

    detail = _edit_dialog(qtbot, dialog_trap, request_id, fill)
    saved = requests_service.get(request_id)
    assert (saved.doctor_id, saved.priority, saved.notes) == (other, "urgent", "Ayuno de 12 horas")
    assert RequestEvent.select().where(RequestEvent.action == "updated").count() == 1
    assert detail.detail.doctor_name == "Dr. Carlos Reyes"  # the detail shows it at once


def test_a_typed_doctor_not_chosen_is_refused(qtbot, desk, dialog_trap):  # noqa: F811
    request_id, _number = make_request(desk["senior"], desk["doctor"], [desk["catalog"]["HEM"]])
    seen = {}

    def fill(dialog):
        dialog.doctor_edit.setText("Alguien que no está")
        dialog.doctor_edit.textEdited.emit("Alguien que no está")
        dialog.save_button.click()
        seen["error"] = dialog.error.text()
        seen["open"] = dialog.isVisible()
        dialog.reject()

    _edit_dialog(qtbot, dialog_trap, request_id, fill)
    assert "Elija de la lista" in seen["error"] and seen["open"]
    assert requests_service.get(request_id).doctor_id == desk["doctor"]


@pytest.mark.parametrize("role", [permissions.ROLE_RECEPTION, permissions.ROLE_SUPERVISOR])
def test_a_completed_request_is_not_edited(qtbot, desk, role):  # noqa: F811
    """Neither its data nor (Supervisor) its discount: «Descuento…» is off too."""
    request_id, _number = make_request(desk["senior"], desk["doctor"], [desk["catalog"]["HEM"]])
    move_to(request_id, "completed")
    login_as(role)
    detail = RequestDetailDialog(request_id)
    qtbot.addWidget(detail)
    assert not detail.edit_button.isEnabled()
    assert not detail.discount_button.isEnabled()
    if role == permissions.ROLE_SUPERVISOR:  # she may give discounts: the request is why
        assert "en curso" in detail.discount_button.toolTip()
