"""A computer without the WhatsApp access token sends nothing: the desk's status bar, the
administrator's «Cola de WhatsApp» and «Enviar prueba» say so and say where to set it
(the token lives in each computer's credential store, never in the database)."""

from __future__ import annotations

from patolab_desktop.db.models import Customer
from patolab_desktop.services.access import permissions
from patolab_desktop.services.notify import config
from patolab_desktop.ui.notify.outbox_window import OutboxWindow
from patolab_desktop.ui.notify.settings_dialog import NotifySettingsDialog
from tests.security_helpers import login_as
from tests.ui.role_helpers import PromptLog, main_window_as
from tests.unit.notify_helpers import TOKEN

from .requests_helpers import acting, desk, make_request  # noqa: F401  (fixtures)


def _queued(desk):  # noqa: F811
    Customer.update(whatsapp_consent="yes", phone="+50499887766").where(
        Customer.id == desk["senior"]
    ).execute()
    make_request(desk["senior"], desk["doctor"], [desk["catalog"]["HEM"]])


def test_the_desk_status_bar_says_this_computer_has_no_token(qtbot, desk):  # noqa: F811
    _queued(desk)
    window = main_window_as(qtbot, permissions.ROLE_RECEPTION)
    status = window.notify_status
    status.refresh()
    assert status.text() == "WhatsApp: 1 en cola · SIN CLAVE"
    assert "no tiene la clave de acceso" in status.toolTip()
    assert "Archivo › Configuración de WhatsApp" in status.toolTip()
    login_as(permissions.ROLE_ADMIN)
    config.set_token(TOKEN)
    login_as(permissions.ROLE_RECEPTION)
    status.refresh()
    assert status.text() == "WhatsApp: 1 en cola" and status.toolTip() == ""


def test_the_queue_window_shows_a_banner_with_what_to_do(qtbot, desk):  # noqa: F811
    _queued(desk)
    login_as(permissions.ROLE_ADMIN)
    window = OutboxWindow()
    qtbot.addWidget(window)
    window.show()
    assert window.banner.isVisible() and not window.resume_button.isVisible()
    assert "no tiene la clave de acceso" in window.banner.text()
    assert "Configuración de WhatsApp" in window.banner.text()
    config.set_token(TOKEN)
    window.reload()
    assert not window.banner.isVisible()


def test_enviar_prueba_says_it_waits_for_the_token(qtbot, desk, monkeypatch):  # noqa: F811
    prompts = PromptLog().install(monkeypatch)
    login_as(permissions.ROLE_ADMIN)
    dialog = NotifySettingsDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.test_phone.setText("9999-8888")
    dialog.test_button.click()
    ((_kind, _title, text),) = prompts.kinds("info")
    assert "no se enviará" in text and "clave de acceso" in text
    assert "unos segundos" not in text
    prompts.clear()
    dialog.token_edit.setText(TOKEN)
    assert dialog.save() is True
    dialog.test_button.click()
    ((_kind, _title, text),) = prompts.kinds("info")
    assert "unos segundos" in text
