"""Change one's own password; ``forced=True`` at the first login of a new user."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout

from ... import APP_NAME
from ...i18n import translate
from ...services.access import auth, session
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


class ChangePasswordDialog(QDialog):
    """After ``exec()`` returns Accepted, ``actor`` is the refreshed acting user."""

    def __init__(self, parent=None, forced: bool = False):
        super().__init__(parent)
        self.setObjectName("change_password_dialog")
        self.setWindowTitle(
            translate("admin.change_password_dialog", "{APP_NAME} — Cambiar contraseña").format(
                APP_NAME=APP_NAME
            )
        )
        self.setWindowIcon(icon("password"))
        self.setModal(True)
        self.setMinimumWidth(460)
        self.forced = forced
        self.actor: Actor | None = None
        who = session.current()
        name = who.display_name if who is not None else ""

        layout = QVBoxLayout(self)
        layout.addWidget(
            header(
                "password",
                translate("admin.change_password_dialog", "Cambiar contraseña"),
                (
                    translate(
                        "admin.change_password_dialog",
                        "{name}: su contraseña es temporal. Elija una contraseña propia para "
                        "continuar.",
                    ).format(name=name)
                    if forced
                    else translate("admin.change_password_dialog", "Usuario: {name}").format(
                        name=name
                    )
                ),
                self,
            )
        )
        form = make_form()
        self.errors = FieldErrors(form)
        label = translate("admin.change_password_dialog", "Contraseña &actual:")
        self.old_edit = password_row(self.errors, self, "old", label, "old_password")
        label = translate("admin.change_password_dialog", "&Nueva contraseña:")
        self.new_edit = password_row(self.errors, self, "new", label, "new_password")
        label = translate("admin.change_password_dialog", "&Repetir la nueva:")
        self.repeat_edit = password_row(self.errors, self, "repeat", label, "repeat_password")
        layout.addLayout(form)
        hint = hint_label(
            translate(
                "admin.change_password_dialog",
                "Al menos {MIN_PASSWORD_LENGTH} caracteres, distinta del nombre de usuario y de "
                "la contraseña actual.",
            ).format(MIN_PASSWORD_LENGTH=auth.MIN_PASSWORD_LENGTH),
            self,
        )
        layout.addWidget(hint)
        self.message = message_label(self)
        layout.addWidget(self.message)

        buttons = QDialogButtonBox(self)
        save = buttons.addButton(
            translate("admin.change_password_dialog", "&Guardar"),
            QDialogButtonBox.ButtonRole.AcceptRole,
        )
        save.setIcon(icon("save"))
        save.setDefault(True)
        buttons.addButton(
            translate("admin.change_password_dialog", "Cerrar sesión")
            if forced
            else translate("admin.change_password_dialog", "Cancelar"),
            QDialogButtonBox.ButtonRole.RejectRole,
        )
        buttons.accepted.connect(self.try_change)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.old_edit.setFocus()

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        fit_height(self)
        self.old_edit.setFocus()

    def try_change(self) -> bool:
        show_message(self.message, "")
        if self.new_edit.text() != self.repeat_edit.text():
            self.errors.show(
                {
                    "repeat": translate(
                        "admin.change_password_dialog", "Las dos contraseñas nuevas no coinciden."
                    )
                }
            )
            return False
        try:
            self.actor = auth.change_password(self.old_edit.text(), self.new_edit.text())
        except ValidationError as exc:
            show_message(self.message, "\n".join(self.errors.show(exc.fields)))
            return False
        except ServiceError as exc:  # locked after too many wrong "current" passwords
            self.errors.clear()
            show_message(self.message, str(exc))
            return False
        self.accept()
        return True
