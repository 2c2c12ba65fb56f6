"""«Descuento…» of a saved request (seed 004: a manual discount with its reason): a
supervisor applies one and withdraws it; without a reason nothing is saved; a change made
on another desk meanwhile is a conflict; Recepción sees the button off and why. Before,
a manual discount could only be given while entering the request."""

from __future__ import annotations

from decimal import Decimal

import pytest

from patolab_desktop.db.models import RequestEvent
from patolab_desktop.services import requests as requests_service
from patolab_desktop.services.access import permissions
from patolab_desktop.ui.requests.request_detail import RequestDetailDialog
from tests.security_helpers import login_as

from .requests_helpers import acting, desk, make_request  # noqa: F401

pytestmark = pytest.mark.usefixtures("fast_hashing")


def _discount_dialog(qtbot, dialog_trap, request_id, fill, role=permissions.ROLE_SUPERVISOR):
    """The detail as ``role``, «Descuento…» clicked and ``fill(dialog)`` run in it."""
    login_as(role)
    detail = RequestDetailDialog(request_id)
    qtbot.addWidget(detail)
    dialog_trap.handlers["DiscountDialog"] = fill
    detail.discount_button.click()
    return detail


def test_a_supervisor_gives_a_manual_discount_and_withdraws_it(qtbot, desk, dialog_trap):  # noqa: F811
    request_id, _number = make_request(desk["young"], desk["doctor"], [desk["catalog"]["HEM"]])
    before = requests_service.get(request_id)
    assert before.discount_kind in ("", "none", None) and before.net_amount == before.total_amount

    def give(dialog):
        dialog.percent_spin.setValue(20)
        dialog.reason_edit.setText("Paciente de escasos recursos")
        dialog.save_button.click()

    detail = _discount_dialog(qtbot, dialog_trap, request_id, give)
    saved = requests_service.get(request_id)
    assert (saved.discount_kind, saved.discount_percent) == ("manual", Decimal("20"))
    assert saved.discount_reason == "Paciente de escasos recursos"
    assert saved.net_amount == (saved.total_amount * Decimal("0.80")).quantize(Decimal("0.01"))
    assert "escasos recursos" in detail.values["discount"].text()  # shown at once
    events = RequestEvent.select().where(
        (RequestEvent.lab_request == request_id) & (RequestEvent.action == "discount")
    )
    assert [e.by for e in events] == ["supervisor"]  # who, in the request's history

    def withdraw(dialog):
        assert dialog.percent_spin.value() == 20  # the discount in force is shown
        dialog.percent_spin.setValue(0)  # «Ninguno»
        dialog.save_button.click()

    dialog_trap.handlers["DiscountDialog"] = withdraw
    detail.discount_button.click()
    saved = requests_service.get(request_id)
    assert saved.discount_kind != "manual" and saved.net_amount == saved.total_amount


def test_a_smaller_manual_discount_leaves_the_age_discount_and_says_so(
    qtbot, desk, dialog_trap, prompt_log
):  # noqa: F811
    request_id, _number = make_request(desk["senior"], desk["doctor"], [desk["catalog"]["HEM"]])
    age_discount = requests_service.get(request_id).discount_percent
    assert age_discount > 10

    def fill(dialog):
        dialog.percent_spin.setValue(10)
        dialog.reason_edit.setText("Paciente frecuente")
        dialog.save_button.click()

    _discount_dialog(qtbot, dialog_trap, request_id, fill)
    saved = requests_service.get(request_id)
    assert (saved.discount_kind, saved.discount_percent) == ("age", age_discount)
    assert prompt_log.kinds("info")


def test_a_manual_discount_needs_a_reason(qtbot, desk, dialog_trap):  # noqa: F811
    request_id, _number = make_request(desk["young"], desk["doctor"], [desk["catalog"]["HEM"]])
    seen = {}

    def fill(dialog):
        dialog.percent_spin.setValue(10)
        dialog.save_button.click()
        seen["error"], seen["open"] = dialog.error.text(), dialog.isVisible()
        dialog.reject()

    _discount_dialog(qtbot, dialog_trap, request_id, fill)
    assert "motivo" in seen["error"].lower() and seen["open"]
    assert requests_service.get(request_id).discount_kind != "manual"


def test_reception_sees_the_button_off_and_why(qtbot, desk):  # noqa: F811
    request_id, _number = make_request(desk["young"], desk["doctor"], [desk["catalog"]["HEM"]])
    login_as(permissions.ROLE_RECEPTION)
    detail = RequestDetailDialog(request_id)
    qtbot.addWidget(detail)
    assert not detail.discount_button.isEnabled()
    assert "Su rol no puede aplicar descuentos manuales" in detail.discount_button.toolTip()
    detail.discount()  # a shortcut or a stray call opens nothing and changes nothing
    assert requests_service.get(request_id).discount_kind != "manual"
