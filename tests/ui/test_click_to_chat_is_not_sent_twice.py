"""«Abrir en WhatsApp» as the receptionist: a queued notice opened in the chat becomes
«Enviado a mano» and the sender leaves it, so the patient does not get it twice; on a notice
already out the button asks first (review of the notifications, finding 3)."""

from __future__ import annotations

import pytest

from patolab_desktop.db.models import Customer, Outbox
from patolab_desktop.services.access import permissions
from patolab_desktop.services.errors import RuleError
from patolab_desktop.services.notify import outbox
from patolab_desktop.services.notify.sender import Sender
from patolab_desktop.ui.notify import messages_panel
from patolab_desktop.ui.requests.request_detail import RequestDetailDialog
from tests.security_helpers import login_as
from tests.ui.role_helpers import PromptLog, shown_as
from tests.unit.notify_helpers import CONSENTING, PHONE_ID, Clock, ok, point_at, posted

from .requests_helpers import acting, desk, make_request  # noqa: F401  (fixtures)

URL = f"/v25.0/{PHONE_ID}/messages"


@pytest.fixture
def notice(desk, httpserver):  # noqa: F811
    """A request whose «Solicitud recibida» is queued for a patient who accepted WhatsApp."""
    point_at(httpserver)
    httpserver.expect_request(URL, method="POST").respond_with_json(ok("wamid.1"))
    Customer.update(**CONSENTING, phone="+50499887766").where(
        Customer.id == desk["senior"]
    ).execute()
    request_id, _number = make_request(desk["senior"], desk["doctor"], [desk["catalog"]["HEM"]])
    return request_id, Outbox.get(Outbox.event == "received").id


def _panel(qtbot, request_id):
    dialog = shown_as(qtbot, permissions.ROLE_RECEPTION, RequestDetailDialog, request_id)
    panel = dialog.messages
    panel.view.selectRow(0)
    return panel


def _send_all() -> None:
    Sender(now=Clock(), rand=lambda: 1.0, worker="desk").drain()


def test_a_queued_notice_opened_in_whatsapp_is_not_posted_by_the_app(
    qtbot, notice, httpserver, monkeypatch
):
    request_id, message_id = notice
    opened: list = []
    monkeypatch.setattr(messages_panel, "open_url", opened.append)
    prompts = PromptLog().install(monkeypatch)
    panel = _panel(qtbot, request_id)
    assert panel.current()["status_label"] == "En cola" and panel.open_button.isEnabled()
    panel.open_button.click()
    assert len(opened) == 1 and prompts.kinds("confirm") == []

    row = panel.current()  # the panel shows what happened, and who did it
    assert row["status_label"] == "Enviado a mano"
    assert "recepcion lo abrió en WhatsApp" in row["error_text"]
    _send_all()
    assert posted(httpserver) == []
    assert Outbox.get_by_id(message_id).status == "manual"
    assert not panel.retry_button.isEnabled() and not panel.cancel_button.isEnabled()

    prompts.answer = False  # a second copy is offered only after a question
    panel.open_button.click()
    assert len(opened) == 1 and len(prompts.kinds("confirm")) == 1


def test_an_accepted_notice_is_opened_again_only_after_confirming(
    qtbot, notice, httpserver, monkeypatch
):
    request_id, message_id = notice
    _send_all()
    opened: list = []
    monkeypatch.setattr(messages_panel, "open_url", opened.append)
    prompts = PromptLog().install(monkeypatch)
    panel = _panel(qtbot, request_id)
    assert panel.current()["status_label"] == "Aceptado por WhatsApp"
    assert "dos veces" in panel.open_button.toolTip()

    prompts.answer = False
    panel.open_button.click()
    ((_kind, _title, text),) = prompts.kinds("confirm")
    assert "«Aceptado por WhatsApp»" in text and "dos veces" in text
    assert opened == []

    prompts.answer = True  # the patient says it never arrived: the desk sends it by hand
    panel.open_button.click()
    assert len(opened) == 1
    message = Outbox.get_by_id(message_id)
    assert (message.status, message.wamid, message.opened_by) == ("sent", "wamid.1", "recepcion")
    assert len(posted(httpserver)) == 1


def test_the_service_refuses_a_second_copy_unless_asked_for(notice):
    _request_id, message_id = notice
    _send_all()
    login_as(permissions.ROLE_RECEPTION)
    with pytest.raises(RuleError, match="dos veces"):
        outbox.open_link(message_id)
    assert Outbox.get_by_id(message_id).opened_by == ""
    assert outbox.open_link(message_id, again=True).startswith("https://wa.me/50499887766")
