"""First start: the administrator creates their own account (no default password ships)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLineEdit, QVBoxLayout

from ... import APP_NAME
from ...i18n import translate
from ...services.access import auth
from ...services.access.session import Actor
from ...services.errors import ServiceError, ValidationError
from ..icons import icon
from .common import (
    FieldErrors,
    fit_height,
    header,
    hint_label,
    make_form,
    message_label,
    password_row,
    show_message,
)


class FirstAdminDialog(QDialog):
    """After ``exec()`` returns Accepted, ``actor`` is the new, logged-in administrator."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("first_admin_dialog")
        self.setWindowTitle(
            translate("admin.first_admin_dialog", "{APP_NAME} — Primer inicio").format(
                APP_NAME=APP_NAME
            )
        )
        self.setWindowIcon(icon("app"))
        self.setModal(True)
        self.setMinimumWidth(500)
        self.actor: Actor | None = None

        layout = QVBoxLayout(self)
        layout.addWidget(
            header(
                "users",
                translate("admin.first_admin_dialog", "Crear la cuenta del administrador"),
                translate(
                    "admin.first_admin_dialog",
                    "Es la primera vez que se abre esta base de datos. El administrador crea "
                    "después "
                    "las cuentas de recepción y supervisión. PatoLab no trae ninguna contraseña "
                    "predeterminada: elija la suya.",
                ),
                self,
            )
        )
        form = make_form()
        self.errors = FieldErrors(form)
        self.full_name_edit = QLineEdit(self)
        self.full_name_edit.setObjectName("full_name")
        self.full_name_edit.setMaxLength(120)
        self.full_name_edit.setPlaceholderText(
            translate("admin.first_admin_dialog", "Nombre y apellido")
        )
        self.errors.add_row(
            "full_name",
            translate("admin.first_admin_dialog", "&Nombre completo:"),
            self.full_name_edit,
        )
        self.username_edit = QLineEdit(self)
        self.username_edit.setObjectName("username")
        self.username_edit.setMaxLength(60)
        self.username_edit.setPlaceholderText(
            translate("admin.first_admin_dialog", "p. ej. mlopez")
        )
        self.errors.add_row(
            "username", translate("admin.first_admin_dialog", "&Usuario:"), self.username_edit
        )
        label = translate("admin.first_admin_dialog", "&Contraseña:")
        self.password_edit = password_row(self.errors, self, "password", label, "password")
        label = translate("admin.first_admin_dialog", "&Repetir contraseña:")
        self.repeat_edit = password_row(self.errors, self, "repeat", label, "repeat")
        layout.addLayout(form)
        hint = hint_label(
            translate(
                "admin.first_admin_dialog",
                "La contraseña debe tener al menos {MIN_PASSWORD_LENGTH} caracteres y ser "
                "distinta del usuario. Guárdela en un lugar seguro: sin ella solo se puede "
                "recuperar el acceso desde la línea de comandos.",
            ).format(MIN_PASSWORD_LENGTH=auth.MIN_PASSWORD_LENGTH),
            self,
        )
        layout.addWidget(hint)
        self.message = message_label(self)
        layout.addWidget(self.message)

        buttons = QDialogButtonBox(self)
        self.create_button = buttons.addButton(
            translate("admin.first_admin_dialog", "Crear a&dministrador"),
            QDialogButtonBox.ButtonRole.AcceptRole,
        )
        self.create_button.setIcon(icon("save"))
        self.create_button.setDefault(True)
        buttons.addButton(
            translate("admin.first_admin_dialog", "Cancelar"),
            QDialogButtonBox.ButtonRole.RejectRole,
        )
        buttons.accepted.connect(self.try_create)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.full_name_edit.setFocus()

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        fit_height(self)
        self.full_name_edit.setFocus()

    def try_create(self) -> bool:
        show_message(self.message, "")
        password = self.password_edit.text()
        if password != self.repeat_edit.text():
            errors = {
                "repeat": translate("admin.first_admin_dialog", "Las dos contraseñas no coinciden.")
            }
            policy = auth.validate_password(password, self.username_edit.text())
            self.errors.show({**policy, **errors})
            return False
        try:
            self.actor = auth.create_first_admin(
                self.username_edit.text(), self.full_name_edit.text(), password
            )
        except ValidationError as exc:
            loose = self.errors.show(exc.fields)
            show_message(self.message, "\n".join(loose))
            return False
        except ServiceError as exc:
            self.errors.clear()
            show_message(self.message, str(exc))
            return False
        self.accept()
        return True
