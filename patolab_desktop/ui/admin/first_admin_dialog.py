"""First start: the administrator creates their own account (no default password ships)."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit

from ...i18n import translate
from ...services.access import auth
from ...services.access.session import Actor
from .account_dialog import AccountDialog


class FirstAdminDialog(AccountDialog):
    """After ``exec()`` returns Accepted, ``actor`` is the new, logged-in administrator."""

    def __init__(self, parent=None):
        super().__init__(
            parent,
            "first_admin_dialog",
            translate("admin.first_admin_dialog", "Primer inicio"),
            "app",
            500,
        )
        self.actor: Actor | None = None
        self.add_header(
            "users",
            translate("admin.first_admin_dialog", "Crear la cuenta del administrador"),
            translate(
                "admin.first_admin_dialog",
                "Es la primera vez que se abre esta base de datos. El administrador crea "
                "después "
                "las cuentas de recepción y supervisión. PatoLab no trae ninguna contraseña "
                "predeterminada: elija la suya.",
            ),
        )
        self.full_name_edit = self._line(
            "full_name",
            translate("admin.first_admin_dialog", "&Nombre completo:"),
            translate("admin.first_admin_dialog", "Nombre y apellido"),
            120,
        )
        self.username_edit = self._line(
            "username",
            translate("admin.first_admin_dialog", "&Usuario:"),
            translate("admin.first_admin_dialog", "p. ej. mlopez"),
            60,
        )
        self.password_edit = self.password(
            "password", translate("admin.first_admin_dialog", "&Contraseña:"), "password"
        )
        self.repeat_edit = self.password(
            "repeat", translate("admin.first_admin_dialog", "&Repetir contraseña:"), "repeat"
        )
        self.create_button = self.finish_layout(
            translate("admin.first_admin_dialog", "Crear a&dministrador"),
            "save",
            self.try_create,
            translate("admin.first_admin_dialog", "Cancelar"),
            translate(
                "admin.first_admin_dialog",
                "La contraseña debe tener al menos {MIN_PASSWORD_LENGTH} caracteres, ser "
                "distinta del usuario y no ser de las más usadas (una frase de varias "
                "palabras sirve). Guárdela en un lugar seguro: sin ella solo se puede "
                "recuperar el acceso desde la línea de comandos.",
            ).format(MIN_PASSWORD_LENGTH=auth.MIN_PASSWORD_LENGTH),
        )

    def _line(self, key: str, caption: str, placeholder: str, max_length: int) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setObjectName(key)
        edit.setMaxLength(max_length)
        edit.setPlaceholderText(placeholder)
        self.add_field(key, caption, edit)
        return edit

    def try_create(self) -> bool:
        problems = self.unequal(
            self.password_edit,
            translate("admin.first_admin_dialog", "Las dos contraseñas no coinciden."),
        )
        if problems:  # say what else is wrong with the password at the same time
            policy = auth.validate_password(self.password_edit.text(), self.username_edit.text())
            problems = {**policy, **problems}
        return self.submit(problems, self._create)

    def _create(self) -> None:
        self.actor = auth.create_first_admin(
            self.username_edit.text(), self.full_name_edit.text(), self.password_edit.text()
        )
