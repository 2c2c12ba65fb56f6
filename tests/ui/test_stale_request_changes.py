"""Two desks with the same request open: desk B changes it first; desk A's step, cancel,
addition or removal then meets a conflict message and the request as desk B left it,
instead of a change desk A never saw (its «Avanzar» moved the request a second step,
starting every line). Driven as Supervisor and as Recepción."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from patolab_desktop.services import requests as requests_service
from patolab_desktop.services.access import permissions, session
from patolab_desktop.ui.requests.add_investigation_dialog import AddInvestigationDialog
from patolab_desktop.ui.requests.cancel_dialog import CancelRequestDialog
from patolab_desktop.ui.requests.remove_investigation_dialog import RemoveInvestigationDialog
from patolab_desktop.ui.requests.request_detail import RequestDetailDialog
from tests.security_helpers import login_as

from .requests_helpers import acting, desk, make_request  # noqa: F401  (fixtures)

pytestmark = pytest.mark.usefixtures("fast_hashing")
CONFLICT = "modific"  # «… fue modificada por otra persona …»


def _desk_b_advances(request_id: int) -> None:
    with session.acting_as(session.system_actor("escritorio B")):
        requests_service.advance(request_id, by="recepcion2")


def test_a_stale_step_is_a_conflict(qtbot, desk, prompt_log):  # noqa: F811
    request_id, _ = make_request(desk["senior"], desk["doctor"], [desk["catalog"]["HEM"]])
    login_as(permissions.ROLE_SUPERVISOR)  # the role that moves requests by hand
    dialog = RequestDetailDialog(request_id)  # desk A shows it «Pendiente»
    qtbot.addWidget(dialog)
    _desk_b_advances(request_id)  # desk B: «Muestra tomada»
    dialog.advance_button.click()  # desk A confirms «Pendiente» → «Muestra tomada»
    assert CONFLICT in " ".join(t for kind, _title, t in prompt_log.calls if kind == "error")
    assert requests_service.get(request_id).status == "sample_collected"
    assert dialog.status_badge.text() == "Muestra tomada"  # reloaded: what is true now


def test_a_stale_cancel_is_a_conflict(qtbot, desk, prompt_log):  # noqa: F811
    request_id, number = make_request(desk["senior"], desk["doctor"], [desk["catalog"]["HEM"]])
    login_as(permissions.ROLE_RECEPTION)
    shown = requests_service.get(request_id)
    dialog = CancelRequestDialog(request_id, number, shown.status, version=shown.version)
    qtbot.addWidget(dialog)
    _desk_b_advances(request_id)
    dialog.set_reason("Paciente no se presentó")
    dialog.accept()
    assert CONFLICT in dialog.error.text()
    assert requests_service.get(request_id).status == "sample_collected"


def test_stale_additions_and_removals_are_conflicts(qtbot, desk, prompt_log):  # noqa: F811
    ids = desk["catalog"]
    request_id, _ = make_request(desk["senior"], desk["doctor"], [ids["HEM"], ids["GLU"]])
    login_as(permissions.ROLE_RECEPTION)
    add = AddInvestigationDialog(request_id)
    remove = RemoveInvestigationDialog(request_id)
    qtbot.addWidget(add)
    qtbot.addWidget(remove)
    _desk_b_advances(request_id)
    add.search_edit.setFocus()
    qtbot.keyClicks(add.search_edit, "EGO")
    qtbot.keyClick(add.search_edit, Qt.Key.Key_Return)
    assert not add.add()
    assert CONFLICT in add.error.text()
    assert remove.select_investigation(ids["GLU"])
    assert not remove.remove_selected()
    assert CONFLICT in remove.error.text()
    codes = sorted(line["code"] for line in requests_service.get(request_id).lines)
    assert codes == ["GLU", "HEM"]
    assert add.add()  # reloaded after the refusal: desk A now adds to what is there
