"""Change one's own password; ``forced=True`` at the first login of a new user."""

from __future__ import annotations

from ...i18n import translate
from ...services.access import auth, session
from ...services.access.session import Actor
from .account_dialog import AccountDialog


class ChangePasswordDialog(AccountDialog):
    """After ``exec()`` returns Accepted, ``actor`` is the refreshed acting user."""

    def __init__(self, parent=None, forced: bool = False):
        super().__init__(
            parent,
            "change_password_dialog",
            translate("admin.change_password_dialog", "Cambiar contraseña"),
            "password",
            460,
        )
        self.forced = forced
        self.actor: Actor | None = None
        who = session.current()
        name = who.display_name if who is not None else ""
        self.add_header(
            "password",
            translate("admin.change_password_dialog", "Cambiar contraseña"),
            (
                translate(
                    "admin.change_password_dialog",
                    "{name}: su contraseña es temporal. Elija una contraseña propia para "
                    "continuar.",
                ).format(name=name)
                if forced
                else translate("admin.change_password_dialog", "Usuario: {name}").format(name=name)
            ),
        )
        self.old_edit = self.password(
            "old", translate("admin.change_password_dialog", "Contraseña &actual:"), "old_password"
        )
        self.new_edit = self.password(
            "new", translate("admin.change_password_dialog", "&Nueva contraseña:"), "new_password"
        )
        self.repeat_edit = self.password(
            "repeat",
            translate("admin.change_password_dialog", "&Repetir la nueva:"),
            "repeat_password",
        )
        self.finish_layout(
            translate("admin.change_password_dialog", "&Guardar"),
            "save",
            self.try_change,
            translate("admin.change_password_dialog", "Cerrar sesión")
            if forced
            else translate("admin.change_password_dialog", "Cancelar"),
            translate(
                "admin.change_password_dialog",
                "Al menos {MIN_PASSWORD_LENGTH} caracteres, distinta del nombre de usuario y de "
                "la contraseña actual, y no de las más usadas.",
            ).format(MIN_PASSWORD_LENGTH=auth.MIN_PASSWORD_LENGTH),
        )

    def try_change(self) -> bool:
        problems = self.unequal(
            self.new_edit,
            translate("admin.change_password_dialog", "Las dos contraseñas nuevas no coinciden."),
        )
        return self.submit(problems, self._change)

    def _change(self) -> None:
        self.actor = auth.change_password(self.old_edit.text(), self.new_edit.text())
