"""A computer without the WhatsApp access token: the token lives in each computer's
credential store (never in the database), and in a lab with several desks only one may
hold it and send for all. So a desk without it warns — the status bar's «SIN CLAVE», the
administrator's «Cola de WhatsApp» — only when the queue is not moving (a message overdue
by more than ``outbox.STALLED_AFTER``: no desk is sending), and says where to set it;
«Enviar prueba» says a computer with the token will send it. The status bar's 5-second
refresh does not read the credential store each time (``config.TOKEN_KNOWN_S``)."""

from __future__ import annotations

import datetime as dt

import keyring

from patolab_desktop.db.models import Customer, Outbox
from patolab_desktop.services.access import permissions
from patolab_desktop.services.notify import config
from patolab_desktop.services.notify import outbox as outbox_service
from patolab_desktop.ui.notify.outbox_window import OutboxWindow
from patolab_desktop.ui.notify.settings_dialog import NotifySettingsDialog
from patolab_desktop.ui.notify.worker import ATTENTION_STYLE
from tests.keyring_backend import FileKeyring
from tests.security_helpers import login_as
from tests.ui.role_helpers import PromptLog, main_window_as, shown_as
from tests.unit.notify_helpers import CONSENTING, TOKEN

from .requests_helpers import acting, desk, make_request  # noqa: F401  (fixtures)


def _queued(desk):  # noqa: F811
    Customer.update(**CONSENTING, phone="+50499887766").where(
        Customer.id == desk["senior"]
    ).execute()
    make_request(desk["senior"], desk["doctor"], [desk["catalog"]["HEM"]])


def _due(ago: dt.timedelta) -> None:
    """The queued messages were due ``ago`` ago (and no desk claimed them)."""
    Outbox.update(next_attempt_at=dt.datetime.now() - ago).execute()


LATE = outbox_service.STALLED_AFTER + dt.timedelta(minutes=1)
NOT_YET = outbox_service.STALLED_AFTER - dt.timedelta(minutes=1)


def test_a_desk_without_the_token_warns_only_when_no_desk_sends(qtbot, desk):  # noqa: F811
    _queued(desk)
    window = main_window_as(qtbot, permissions.ROLE_RECEPTION)
    status = window.notify_status
    # another desk holds the token and sends: a message just queued, or due a few
    # minutes ago, is no alarm here
    for ago in (dt.timedelta(0), NOT_YET):
        _due(ago)
        status.refresh()
        assert status.text() == "WhatsApp: 1 en cola"
        assert status.toolTip() == "" and status.styleSheet() == ""
    # overdue: no desk is sending it
    _due(LATE)
    status.refresh()
    assert status.text() == "WhatsApp: 1 en cola · SIN CLAVE"
    assert status.styleSheet() == ATTENTION_STYLE
    tip = status.toolTip()
    assert "Ninguna computadora está enviando" in tip and "más de 10 minutos" in tip
    assert "no tiene la clave de acceso" in tip
    assert "Archivo › Configuración de WhatsApp" in tip
    login_as(permissions.ROLE_ADMIN)
    config.set_token(TOKEN)
    login_as(permissions.ROLE_RECEPTION)
    status.refresh()
    assert status.text() == "WhatsApp: 1 en cola" and status.toolTip() == ""


def test_the_queue_window_shows_a_banner_when_no_desk_sends(qtbot, desk):  # noqa: F811
    _queued(desk)
    window = shown_as(qtbot, permissions.ROLE_ADMIN, OutboxWindow)
    assert not window.banner.isVisible()  # just queued: a desk with the token may send it
    _due(LATE)
    window.reload()
    assert window.banner.isVisible() and not window.resume_button.isVisible()
    assert "Ninguna computadora está enviando" in window.banner.text()
    assert "no tiene la clave de acceso" in window.banner.text()
    assert "Configuración de WhatsApp" in window.banner.text()
    config.set_token(TOKEN)
    window.reload()
    assert not window.banner.isVisible()


def test_enviar_prueba_says_a_computer_with_the_token_sends_it(qtbot, desk, monkeypatch):  # noqa: F811
    prompts = PromptLog().install(monkeypatch)
    dialog = shown_as(qtbot, permissions.ROLE_ADMIN, NotifySettingsDialog)
    dialog.test_phone.setText("9999-8888")
    dialog.test_button.click()
    ((_kind, _title, text),) = prompts.kinds("info")
    assert "lo enviará una computadora que la tenga" in text
    assert "si ninguna la tiene, no se enviará" in text
    assert "unos segundos" not in text
    prompts.clear()
    config._stop("190")  # no desk sends: that is what it says
    dialog.test_button.click()
    ((_kind, _title, text),) = prompts.kinds("info")
    assert "detenido" in text and "computadora que la tenga" not in text
    prompts.clear()
    config.resume()
    dialog.token_edit.setText(TOKEN)
    assert dialog.save() is True
    dialog.test_button.click()
    ((_kind, _title, text),) = prompts.kinds("info")
    assert "unos segundos" in text


def test_the_status_bar_does_not_read_the_credential_store_every_refresh(
    qtbot,
    desk,  # noqa: F811
    monkeypatch,
):
    reads = []
    real_read = FileKeyring.get_password

    def counted(self, service, username):
        if service == config.KEYRING_SERVICE:
            reads.append(username)
        return real_read(self, service, username)

    monkeypatch.setattr(FileKeyring, "get_password", counted)
    clock = [1000.0]
    monkeypatch.setattr(config, "_monotonic", lambda: clock[0])
    _queued(desk)
    _due(LATE)
    window = main_window_as(qtbot, permissions.ROLE_RECEPTION)
    status = window.notify_status
    for _tick in range(5):
        status.timer.timeout.emit()  # the 5-second refresh
        clock[0] += 5
    assert status.text() == "WhatsApp: 1 en cola · SIN CLAVE"
    assert len(reads) == 1
    # stored by another process of this computer (``notify`` in a terminal): seen when
    # what was read has expired
    keyring.get_keyring().set_password(config.KEYRING_SERVICE, config.KEYRING_USER, TOKEN)
    clock[0] += config.TOKEN_KNOWN_S
    status.timer.timeout.emit()
    assert status.text() == "WhatsApp: 1 en cola"
    assert len(reads) == 2
    # set_token here tells it at once, without a read
    login_as(permissions.ROLE_ADMIN)
    config.set_token("")
    login_as(permissions.ROLE_RECEPTION)
    status.timer.timeout.emit()
    assert status.text() == "WhatsApp: 1 en cola · SIN CLAVE"
    assert len(reads) == 2
