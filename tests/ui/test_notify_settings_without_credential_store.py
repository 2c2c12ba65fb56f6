"""«Guardar» in «Configuración de WhatsApp» on a computer without an OS credential store
(a Linux desk with no Secret Service): no crash dialog, a Spanish message in the dialog
saying the token was not stored and why, and the other settings saved (it says so)."""

from __future__ import annotations

import keyring
import keyring.backends.fail
import pytest

from patolab_desktop.db.models import AuditLog, Setting
from patolab_desktop.services.access import permissions
from patolab_desktop.services.notify import config
from patolab_desktop.ui.notify.settings_dialog import NotifySettingsDialog
from tests.security_helpers import login_as
from tests.ui.role_helpers import PromptLog

from .requests_helpers import acting, desk  # noqa: F401  (fixtures)

TOKEN = "EAAG" + "x" * 36 + "wxyz"


@pytest.fixture
def no_credential_store():
    config._keyring()  # the tests' store, chosen once, then replaced by keyring's "none"
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    yield
    keyring.set_keyring(previous)


def _dialog(qtbot):
    login_as(permissions.ROLE_ADMIN)
    dialog = NotifySettingsDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.edits["notify_phone_number_id"].setText("109876543210")
    return dialog


def test_the_token_is_refused_in_spanish_and_the_rest_is_saved(
    qtbot,
    desk,  # noqa: F811
    no_credential_store,
    monkeypatch,
):
    PromptLog().install(monkeypatch)  # the crash dialog fails the test
    dialog = _dialog(qtbot)
    dialog.token_edit.setText(TOKEN)
    assert dialog.save() is False
    text = dialog.error.text()
    assert text.startswith("Los demás datos se guardaron; la clave de acceso no:")
    assert "no tiene un almacén de claves" in text
    assert "NoKeyringError" not in text and "backend" not in text
    assert config.values()["notify_phone_number_id"] == "109876543210"
    assert dialog.token_edit.text() == TOKEN  # still there, nothing lost
    assert not any(TOKEN in s.value for s in Setting.select())
    assert not any(TOKEN in (a.changes + a.detail) for a in AuditLog.select())


def test_a_mistyped_token_says_the_rest_was_saved(qtbot, desk):  # noqa: F811
    dialog = _dialog(qtbot)
    dialog.token_edit.setText("corta")
    assert dialog.save() is False
    assert dialog.error.text() == (
        "Los demás datos se guardaron; la clave de acceso no: La clave de acceso no parece válida."
    )
    assert config.values()["notify_phone_number_id"] == "109876543210"


def test_a_wrong_setting_saves_nothing_not_even_the_token(qtbot, desk):  # noqa: F811
    dialog = _dialog(qtbot)
    dialog.edits["notify_graph_version"].setText("25")
    dialog.token_edit.setText(TOKEN)
    assert dialog.save() is False
    assert "v25.0" in dialog.error.text() and "guardaron" not in dialog.error.text()
    assert config.values()["notify_phone_number_id"] == ""
    assert config.token_hint() == ""
