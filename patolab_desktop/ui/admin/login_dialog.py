"""The login dialog: username, password, Enter logs in, lockout message inline."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit

from ... import APP_NAME
from ...i18n import translate
from ...services import settings
from ...services.access import auth
from ...services.access.session import Actor
from ...services.errors import ConnectionLost
from .account_dialog import AccountDialog
from .common import PasswordEdit, show_message


class LoginDialog(AccountDialog):
    """After ``exec()`` returns Accepted, ``actor`` is the logged-in (acting) user."""

    def __init__(
        self, parent=None, username: str = "", title: str | None = None, subtitle: str | None = None
    ):
        if title is None:
            title = translate("admin.login_dialog", "Iniciar sesión")
        super().__init__(parent, "login_dialog", title, "app", 420)
        self.actor: Actor | None = None
        try:
            lab = settings.get("lab_name")
        except Exception:  # noqa: BLE001 - a login must open even if a setting is unreadable
            lab = ""
        if subtitle is None:
            subtitle = (
                translate("admin.login_dialog", "{lab}\nEscriba su usuario y contraseña.").format(
                    lab=lab
                )
                if lab
                else translate("admin.login_dialog", "Escriba su usuario y contraseña.")
            )
        self.add_header("app", APP_NAME, subtitle)
        self.username_edit = QLineEdit(self)
        self.username_edit.setObjectName("username")
        self.username_edit.setMaxLength(60)
        self.username_edit.setPlaceholderText(translate("admin.login_dialog", "usuario"))
        self.username_edit.setText(username)
        self.add_field(None, translate("admin.login_dialog", "&Usuario:"), self.username_edit)
        self.password_edit = PasswordEdit(self, translate("admin.login_dialog", "contraseña"))
        self.password_edit.setObjectName("password")
        self.add_field(None, translate("admin.login_dialog", "&Contraseña:"), self.password_edit)
        self.message.setObjectName("login_message")
        self.login_button = self.finish_layout(
            translate("admin.login_dialog", "&Entrar"),
            "login",
            self.try_login,
            translate("admin.login_dialog", "&Salir"),
            focus=self.password_edit if username else self.username_edit,
        )
        self.cancel_button = self.reject_button

    def try_login(self) -> bool:
        """Check the credentials; on success accept, else show why and stay open."""
        username = self.username_edit.text().strip()
        if not username:
            show_message(
                self.message, translate("admin.login_dialog", "Escriba su nombre de usuario.")
            )
            self.username_edit.setFocus()
            return False
        if not self.password_edit.text():
            show_message(self.message, translate("admin.login_dialog", "Escriba su contraseña."))
            self.password_edit.setFocus()
            return False
        try:
            self.actor = auth.login(username, self.password_edit.text())
        except auth.LoginFailed as exc:
            self.say(str(exc), retry=self.password_edit)
            return False
        except ConnectionLost as exc:  # the server restarted: the next try connects again
            self.say(str(exc))
            return False
        show_message(self.message, "")
        self.accept()
        return True
