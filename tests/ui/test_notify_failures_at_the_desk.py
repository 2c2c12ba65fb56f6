"""A notice that failed (131026: the number has no WhatsApp — "offer print or e-mail")
reaches the desk: the status bar of Recepción and Supervisor counts the failures nobody
has dealt with and names their requests; the request's detail tells why and «Cancelar
envío» (after giving the results another way) or «Reintentar» ends the count. The queue
window stays the administrator's."""

from __future__ import annotations

import datetime as dt

import pytest

from patolab_desktop.db.models import Customer, Outbox
from patolab_desktop.services.access import permissions
from patolab_desktop.services.notify import config
from patolab_desktop.services.notify import outbox as outbox_service
from patolab_desktop.ui.notify import messages_panel
from patolab_desktop.ui.requests.request_detail import RequestDetailDialog
from tests.security_helpers import login_as
from tests.ui.role_helpers import PromptLog, main_window_as
from tests.unit.notify_helpers import CONSENTING, TOKEN

from .requests_helpers import acting, desk, make_request  # noqa: F401  (fixtures)


def _failed_notice(desk, patient="senior", phone="+50499887766"):  # noqa: F811
    """A request of ``patient`` whose «Solicitud recibida» failed just now with 131026."""
    Customer.update(**CONSENTING, phone=phone).where(Customer.id == desk[patient]).execute()
    request_id, number = make_request(desk[patient], desk["doctor"], [desk["catalog"]["HEM"]])
    Outbox.update(
        status="failed", error_code="131026", attempts=1, updated_at=dt.datetime.now()
    ).where(Outbox.lab_request_id == request_id).execute()
    config.set_token(TOKEN)  # a desk that sends: only the failure is news
    return request_id, number


@pytest.mark.parametrize("role", [permissions.ROLE_RECEPTION, permissions.ROLE_SUPERVISOR])
def test_the_desk_learns_of_a_failed_notice_and_clears_it(qtbot, desk, role):  # noqa: F811
    request_id, number = _failed_notice(desk)
    window = main_window_as(qtbot, role)
    status = window.notify_status
    status.refresh()
    assert status.text() == "WhatsApp: 0 en cola · 1 aviso falló"
    assert number in status.toolTip() and "impresos o por correo" in status.toolTip()
    texts = {a.text(): a.isVisible() for a in window.menu("file").actions()}
    assert texts["Cola de &WhatsApp…"] is False  # still the administrator's
    dialog = RequestDetailDialog(request_id)
    qtbot.addWidget(dialog)
    dialog.show()
    panel = dialog.messages
    panel.view.selectRow(0)
    assert "no tiene WhatsApp" in panel.current()["error_text"]
    panel.cancel_button.click()  # the results went out printed
    status.refresh()
    assert status.text() == "WhatsApp: 0 en cola" and status.toolTip() == ""


def test_what_no_longer_asks_for_attention(desk):  # noqa: F811
    request_id, number = _failed_notice(desk)
    login_as(permissions.ROLE_RECEPTION)
    assert outbox_service.failures() == (1, [number])
    message = Outbox.get(Outbox.lab_request_id == request_id)
    # sent by hand with «Abrir en WhatsApp» after it failed
    Outbox.update(opened_at=message.updated_at + dt.timedelta(seconds=1)).execute()
    assert outbox_service.failures() == (0, [])
    # failed again after that opening
    Outbox.update(updated_at=message.updated_at + dt.timedelta(minutes=5)).execute()
    assert outbox_service.failures() == (1, [number])
    # no longer news
    old = dt.datetime.now() - outbox_service.ATTENTION - dt.timedelta(hours=1)
    Outbox.update(updated_at=old).execute()
    assert outbox_service.failures() == (0, [])
    # the administrator's test message has no patient at the desk
    Outbox.update(updated_at=dt.datetime.now(), lab_request_id=None).execute()
    assert outbox_service.failures() == (0, [])


def test_many_failures_name_the_newest_requests(desk):  # noqa: F811
    numbers = [
        _failed_notice(desk, patient, f"+5049988770{n}")[1]
        for n, patient in enumerate(("young", "senior", "elder"))
    ]
    login_as(permissions.ROLE_SUPERVISOR)
    count, shown = outbox_service.failures(limit=2)
    assert count == 3 and len(shown) == 2 and set(shown) <= set(numbers)


def test_a_failed_notice_sent_by_hand_leaves_the_failures(qtbot, desk, monkeypatch):  # noqa: F811
    """The receptionist gives up on WhatsApp's API and sends the failed notice by hand
    («Abrir en WhatsApp»): it reads «Enviado a mano», the status bar stops counting it and
    «Reintentar» is off (it would reach the patient twice)."""
    request_id, _number = _failed_notice(desk)
    window = main_window_as(qtbot, permissions.ROLE_RECEPTION)
    status = window.notify_status
    status.refresh()
    assert status.text() == "WhatsApp: 0 en cola · 1 aviso falló"
    opened: list = []
    monkeypatch.setattr(messages_panel, "open_url", opened.append)
    prompts = PromptLog().install(monkeypatch)
    dialog = RequestDetailDialog(request_id)
    qtbot.addWidget(dialog)
    dialog.show()
    panel = dialog.messages
    panel.view.selectRow(0)
    assert panel.current()["status_label"] == "Falló" and panel.retry_button.isEnabled()
    changed: list = []
    panel.changed.connect(lambda: changed.append(True))
    panel.open_button.click()
    assert len(opened) == 1 and prompts.calls == []  # no question, no refusal
    row = panel.current()
    assert row["status_label"] == "Enviado a mano"
    assert "recepcion lo abrió en WhatsApp" in row["error_text"]
    assert not panel.retry_button.isEnabled() and not panel.cancel_button.isEnabled()
    assert changed == [True]  # the screens that count messages hear of it
    status.refresh()
    assert status.text() == "WhatsApp: 0 en cola" and status.toolTip() == ""
