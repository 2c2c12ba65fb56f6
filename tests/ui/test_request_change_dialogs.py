"""Both dialogs that change a saved request through one service call («Editar datos…» as
Recepción, «Descuento…» as Supervisor; ``RequestChangeDialog``): a change another desk
saved while the dialog was open is a conflict: it is said, the dialog closes, and the
other desk's change stands."""

from __future__ import annotations

import pytest

from patolab_desktop.services import requests as requests_service
from patolab_desktop.services.access import permissions, session
from patolab_desktop.ui.requests.request_detail import RequestDetailDialog
from tests.security_helpers import login_as

from .requests_helpers import acting, desk, make_request  # noqa: F401

pytestmark = pytest.mark.usefixtures("fast_hashing")


def _edit(dialog) -> None:
    dialog.notes_edit.setPlainText("Del escritorio A")


def _discount(dialog) -> None:
    dialog.percent_spin.setValue(15)
    dialog.reason_edit.setText("Convenio de la empresa")


CASES = {
    "edit": (permissions.ROLE_RECEPTION, "RequestEditDialog", "edit_button", _edit),
    "discount": (permissions.ROLE_SUPERVISOR, "DiscountDialog", "discount_button", _discount),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_change_made_on_another_desk_is_a_conflict(
    qtbot,
    desk,  # noqa: F811
    dialog_trap,
    prompt_log,
    case,
):
    role, dialog_name, button, type_in = CASES[case]
    request_id, _number = make_request(desk["young"], desk["doctor"], [desk["catalog"]["HEM"]])
    before = requests_service.get(request_id)
    seen = {}

    def fill(dialog):
        with session.acting_as(session.system_actor("escritorio B")):
            requests_service.update(
                request_id, requests_service.RequestChanges(notes="De otro escritorio")
            )
        type_in(dialog)
        dialog.save_button.click()
        seen["closed"] = not dialog.isVisible()

    login_as(role)
    detail = RequestDetailDialog(request_id)
    qtbot.addWidget(detail)
    dialog_trap.handlers[dialog_name] = fill
    getattr(detail, button).click()
    assert prompt_log.kinds("error") and seen["closed"]
    after = requests_service.get(request_id)
    assert after.notes == "De otro escritorio"
    assert (after.discount_kind, after.net_amount) == (before.discount_kind, before.net_amount)
    assert detail.detail.notes == "De otro escritorio"  # the detail shows it as it now is
