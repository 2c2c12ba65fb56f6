"""WhatsApp screens as the roles that use them (issue 18, part 4)."""

from __future__ import annotations

import os

from patolab_desktop.db.models import Customer, Outbox
from patolab_desktop.services import requests as requests_service
from patolab_desktop.services.access import permissions
from patolab_desktop.services.notify import config
from patolab_desktop.services.notify import outbox as outbox_service
from patolab_desktop.services.notify.sender import Sender
from patolab_desktop.ui.notify import messages_panel
from patolab_desktop.ui.notify.outbox_window import OutboxWindow
from patolab_desktop.ui.notify.settings_dialog import NotifySettingsDialog
from patolab_desktop.ui.requests.request_detail import RequestDetailDialog
from tests.security_helpers import login_as
from tests.ui.role_helpers import PromptLog, main_window_as, shown_as
from tests.unit.notify_helpers import CONSENTING, PHONE_ID, TOKEN, Clock, ok, point_at

from .requests_helpers import acting, desk, make_request  # noqa: F401  (fixtures)
from .test_customer_dialog import open_dialog

SHOTS = os.environ.get("PATOLAB_SHOTS_DIR", "")  # screenshots for the docs, when asked


def _shot(widget, name) -> None:
    if os.path.isdir(SHOTS):
        widget.grab().save(f"{SHOTS}/{name}.png")


def _request_with_messages(desk):  # noqa: F811
    Customer.update(**CONSENTING, phone="+50499887766").where(
        Customer.id == desk["senior"]
    ).execute()
    ids = [desk["catalog"][code] for code in ("HEM", "GLU")]
    request_id, number = make_request(desk["senior"], desk["doctor"], ids)
    lines = requests_service.get(request_id).lines
    requests_service.mark_lines(request_id, [lines[0]["id"]], "released")
    received = Outbox.get(Outbox.event == "received")
    Outbox.update(status="sent", wamid="wamid.X", sent_at=received.created_at).where(
        Outbox.id == received.id
    ).execute()
    partial = Outbox.get(Outbox.event == "partial")
    Outbox.update(status="failed", error_code="131026", attempts=1).where(
        Outbox.id == partial.id
    ).execute()
    return request_id, number, received.id, partial.id


def test_request_detail_shows_messages_with_retry_cancel_and_click_to_chat(
    qtbot,
    desk,
    monkeypatch,  # noqa: F811
):
    request_id, number, _received, partial = _request_with_messages(desk)
    opened = []
    monkeypatch.setattr(messages_panel, "open_url", opened.append)
    login_as(permissions.ROLE_RECEPTION)
    dialog = RequestDetailDialog(request_id)
    qtbot.addWidget(dialog)
    dialog.resize(1080, 860)
    dialog.show()
    panel = dialog.messages
    assert dialog.messages_box.isVisible()
    rows = panel.model.rows()
    assert [r["status_label"] for r in rows] == ["Aceptado por WhatsApp", "Falló"]
    assert "no tiene WhatsApp" in rows[1]["error_text"]
    _shot(dialog, "request_detail_messages")
    panel.view.selectRow(1)
    assert panel.retry_button.isEnabled() and panel.cancel_button.isEnabled()
    panel.retry_button.click()
    assert Outbox.get_by_id(partial).status == "queued"
    panel.view.selectRow(1)
    panel.cancel_button.click()
    assert Outbox.get_by_id(partial).status == "cancelled"
    panel.view.selectRow(1)
    panel.open_button.click()
    assert len(opened) == 1 and opened[0].startswith("https://wa.me/50499887766?text=")
    assert number in opened[0] and Outbox.get_by_id(partial).opened_by == "recepcion"


def test_outbox_window_for_administrators_with_counts_filters_and_stop_banner(
    qtbot,
    desk,  # noqa: F811
):
    _request_with_messages(desk)
    config._stop("190")
    login_as(permissions.ROLE_ADMIN)
    config.set_token(TOKEN)  # this computer has one: the banner is the stop alone
    window = OutboxWindow()
    qtbot.addWidget(window)
    window.show()
    assert window.banner.isVisible() and "DETENIDO" in window.banner.text()
    assert "venció" in window.banner.text()
    assert "Aceptado por WhatsApp: 1" in window.counts_label.text()
    assert "Falló: 1" in window.counts_label.text()
    assert window.model.rowCount() == 2
    window.status_combo.setCurrentIndex(window.status_combo.findData("failed"))
    assert window.model.rowCount() == 1
    window.status_combo.setCurrentIndex(0)
    _shot(window, "outbox_window_stopped")
    window.resume_button.click()
    assert config._stopped() is None and not window.banner.isVisible()


def test_main_window_shows_the_queue_and_only_admins_see_the_outbox(qtbot, desk):  # noqa: F811
    _request_with_messages(desk)
    Outbox.update(status="queued").execute()
    window = main_window_as(qtbot, permissions.ROLE_RECEPTION)
    window.notify_status.refresh()
    # no token here, but just queued: a desk that has it may be sending them
    assert window.notify_status.text() == "WhatsApp: 2 en cola"
    texts = {a.text(): a.isVisible() for a in window.menu("file").actions()}
    assert texts["Cola de &WhatsApp…"] is False
    admin = main_window_as(qtbot, permissions.ROLE_ADMIN)
    texts = {a.text(): a.isVisible() for a in admin.menu("file").actions()}
    assert texts["Cola de &WhatsApp…"] is True and texts["Configuración de W&hatsApp…"] is True


def test_settings_dialog_stores_the_token_in_the_keyring_only(qtbot, desk, monkeypatch):  # noqa: F811
    prompts = PromptLog().install(monkeypatch)
    dialog = shown_as(qtbot, permissions.ROLE_ADMIN, NotifySettingsDialog)
    assert dialog.edits["notify_graph_version"].text() == "v25.0"
    assert dialog.edits["notify_ready_template"].text() == "resultados_listos"
    dialog.edits["notify_phone_number_id"].setText("109876543210")
    dialog.edits["notify_waba_id"].setText("555")
    dialog.enabled["cancelled"].setChecked(False)
    token = "EAAG-token-de-configuracion-9876wxyz"
    dialog.token_edit.setText(token)
    assert dialog.save() is True
    assert dialog.token_hint.text().endswith("…wxyz") and dialog.token_edit.text() == ""
    assert config._token() == token
    from patolab_desktop.db.models import AuditLog, Setting

    assert not any(token in s.value for s in Setting.select())
    assert not any(token in (a.changes + a.detail) for a in AuditLog.select())
    assert config.values()["notify_cancelled_enabled"] == 0
    _shot(dialog, "notify_settings")
    dialog.test_phone.setText("2234-5678")  # a landline
    dialog.test_button.click()
    assert dialog.error.text() and Outbox.select().count() == 0
    dialog.test_phone.setText("9999-8888")
    dialog.test_button.click()
    test = Outbox.get(Outbox.event == "test")
    assert (test.template, test.language, test.phone) == ("hello_world", "en_US", "+50499998888")
    assert prompts.kinds("info")


def test_laboratorio_and_reception_cannot_open_the_settings(qtbot, desk):  # noqa: F811
    import pytest

    from patolab_desktop.services.errors import PermissionDenied

    login_as(permissions.ROLE_LAB)
    with pytest.raises(PermissionDenied):
        config.values()
    with pytest.raises(PermissionDenied):
        outbox_service.listing()


def _opted_out_request(desk):  # noqa: F811
    """A request whose message WhatsApp refused with 131050: the patient stopped them."""
    Customer.update(**CONSENTING, phone="+50499887766").where(
        Customer.id == desk["senior"]
    ).execute()
    request_id, _number = make_request(desk["senior"], desk["doctor"], [desk["catalog"]["HEM"]])
    Outbox.update(status="failed", error_code="131050", attempts=1).execute()
    Customer.update(whatsapp_consent="no", consent_by="whatsapp").where(
        Customer.id == desk["senior"]
    ).execute()
    return request_id, Outbox.get().id


def test_reception_is_not_offered_reintentar_for_a_patient_who_opted_out(qtbot, desk):  # noqa: F811
    request_id, message_id = _opted_out_request(desk)
    dialog = shown_as(qtbot, permissions.ROLE_RECEPTION, RequestDetailDialog, request_id)
    panel = dialog.messages
    panel.view.selectRow(0)
    assert panel.model.rows()[0]["error_text"] == "El paciente pidió no recibir estos mensajes."
    assert not panel.retry_button.isEnabled()
    assert "consentimiento" in panel.retry_button.toolTip()
    assert panel.cancel_button.isEnabled() and panel.open_button.isEnabled()
    # the patient consents again (in the patient's form): Reintentar is offered again
    Customer.update(**CONSENTING).where(Customer.id == desk["senior"]).execute()
    panel.reload()
    panel.view.selectRow(0)
    assert panel.retry_button.isEnabled() and panel.retry_button.toolTip() == ""
    panel.retry_button.click()
    assert Outbox.get_by_id(message_id).status == "queued"


def test_the_outbox_window_refuses_reintentar_with_the_reason(qtbot, desk, monkeypatch):  # noqa: F811
    _request_id, message_id = _opted_out_request(desk)
    prompts = PromptLog().install(monkeypatch)
    window = shown_as(qtbot, permissions.ROLE_ADMIN, OutboxWindow)
    window.view.selectRow(0)
    window.retry_button.click()
    ((_kind, title, text),) = prompts.kinds("error")
    assert title == "Cola de WhatsApp" and text.startswith("No se puede reintentar:")
    assert Outbox.get_by_id(message_id).status == "failed"


def test_a_supervisor_blocks_the_patient_and_the_queued_message_is_cancelled(  # noqa: F811
    qtbot, desk, httpserver
):
    point_at(httpserver)
    httpserver.expect_request(f"/v25.0/{PHONE_ID}/messages").respond_with_json(ok())
    Customer.update(**CONSENTING, phone="+50499887766").where(
        Customer.id == desk["senior"]
    ).execute()
    make_request(desk["senior"], desk["doctor"], [desk["catalog"]["HEM"]])
    login_as(permissions.ROLE_SUPERVISOR)
    dialog = open_dialog(qtbot, desk["senior"])
    dialog.blocked_check.setChecked(True)
    assert dialog.save() is True
    window = shown_as(qtbot, permissions.ROLE_ADMIN, OutboxWindow)
    assert "En cola: 0" in window.counts_label.text()
    assert "Cancelado: 1" in window.counts_label.text()
    ((status_label, reason),) = [(r["status_label"], r["error_text"]) for r in window.model.rows()]
    assert status_label == "Cancelado" and "bloqueado" in reason
    assert Sender(now=Clock(), worker="t").drain() == {} and httpserver.log == []
