"""The login dialog: username, password, Enter logs in, lockout message inline."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLineEdit, QVBoxLayout

from ... import APP_NAME
from ...i18n import translate
from ...services import settings
from ...services.access import auth
from ...services.access.session import Actor
from ..icons import icon
from .common import PasswordEdit, fit_height, header, make_form, message_label, show_message


class LoginDialog(QDialog):
    """After ``exec()`` returns Accepted, ``actor`` is the logged-in (acting) user."""

    def __init__(
        self, parent=None, username: str = "", title: str | None = None, subtitle: str | None = None
    ):
        super().__init__(parent)
        self.setObjectName("login_dialog")
        if title is None:
            title = translate("admin.login_dialog", "Iniciar sesión")
        self.setWindowTitle(f"{APP_NAME} — {title}")
        self.setWindowIcon(icon("app"))
        self.setModal(True)
        self.setMinimumWidth(420)
        self.actor: Actor | None = None

        layout = QVBoxLayout(self)
        try:
            lab = settings.get("lab_name")
        except Exception:  # noqa: BLE001 - a login must open even if a setting is unreadable
            lab = ""
        layout.addWidget(
            header(
                "app",
                APP_NAME,
                subtitle
                if subtitle is not None
                else (
                    translate(
                        "admin.login_dialog", "{lab}\nEscriba su usuario y contraseña."
                    ).format(lab=lab)
                    if lab
                    else translate("admin.login_dialog", "Escriba su usuario y contraseña.")
                ),
                self,
            )
        )
        form = make_form()
        self.username_edit = QLineEdit(self)
        self.username_edit.setObjectName("username")
        self.username_edit.setMaxLength(60)
        self.username_edit.setPlaceholderText(translate("admin.login_dialog", "usuario"))
        self.username_edit.setText(username)
        form.addRow(translate("admin.login_dialog", "&Usuario:"), self.username_edit)
        self.password_edit = PasswordEdit(self, translate("admin.login_dialog", "contraseña"))
        self.password_edit.setObjectName("password")
        form.addRow(translate("admin.login_dialog", "&Contraseña:"), self.password_edit)
        layout.addLayout(form)

        self.message = message_label(self)
        self.message.setObjectName("login_message")
        layout.addWidget(self.message)

        self.buttons = QDialogButtonBox(self)
        self.login_button = self.buttons.addButton(
            translate("admin.login_dialog", "&Entrar"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.login_button.setIcon(icon("login"))
        self.login_button.setDefault(True)
        self.cancel_button = self.buttons.addButton(
            translate("admin.login_dialog", "&Salir"), QDialogButtonBox.ButtonRole.RejectRole
        )
        self.buttons.accepted.connect(self.try_login)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        self._initial_focus = self.password_edit if username else self.username_edit
        self._initial_focus.setFocus()

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        fit_height(self)
        self._initial_focus.setFocus()

    def message_text(self) -> str:
        return self.message.text() if not self.message.isHidden() else ""

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
            show_message(self.message, str(exc))
            fit_height(self)
            self.password_edit.clear()
            self.password_edit.setFocus()
            return False
        show_message(self.message, "")
        self.accept()
        return True
