"""Administrators' users window: list, create, edit, deactivate, reset password, unlock."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QVBoxLayout,
)

from ...i18n import translate
from ...services.access import users
from ...services.access.permissions import role_label
from .. import prompts
from ..models.paged_table import Column, PagedTableModel
from ..widgets.list_dialog import ListDialog
from ..widgets.record_dialog import RecordDialog
from ..widgets.table import SearchBox
from .account_dialog import AccountDialog
from .common import (
    PasswordEdit,
    hint_label,
    make_form,
)


def _when(value) -> str:
    if not value:
        return translate("admin.users_window", "nunca")
    return value.strftime("%d/%m/%Y %H:%M")


def _status_colour(row: dict):
    if not row["active"]:
        return QColor("#9e9e9e")
    if row.get("locked"):
        return QColor("#c62828")
    return None


COLUMNS = [
    Column("username", QT_TRANSLATE_NOOP("admin.users_window", "Usuario"), sort="username"),
    Column(
        "full_name", QT_TRANSLATE_NOOP("admin.users_window", "Nombre completo"), sort="full_name"
    ),
    Column("role", QT_TRANSLATE_NOOP("admin.users_window", "Rol"), sort="role", format=role_label),
    Column("status", QT_TRANSLATE_NOOP("admin.users_window", "Estado"), foreground=_status_colour),
    Column("last_login_at", QT_TRANSLATE_NOOP("admin.users_window", "Último acceso"), format=_when),
]


class UserDialog(RecordDialog):
    """New user (username, name, role, temporary password) or edit (name, role, active)."""

    new_icon = edit_icon = "users"
    service = users
    data_class = users.UserData
    new_title = QT_TRANSLATE_NOOP("admin.users_window", "Nuevo usuario")
    edit_title = QT_TRANSLATE_NOOP("admin.users_window", "Editar usuario")
    min_width = 480

    def first_field(self):
        return self.username_edit if self.record_id is None else self.full_name_edit

    def build(self) -> None:
        new = self.record_id is None
        layout = QVBoxLayout(self)
        form = make_form()
        self.username_edit = self.line_edit(
            form, "username", translate("admin.users_window", "&Usuario:"), max_length=60
        )
        self.username_edit.setObjectName("username")
        self.username_edit.setReadOnly(not new)
        self.full_name_edit = self.line_edit(
            form,
            "full_name",
            translate("admin.users_window", "&Nombre completo:"),
            max_length=120,
        )
        self.full_name_edit.setObjectName("full_name")
        self.role_combo = QComboBox(self)
        self.role_combo.setObjectName("role")
        for role in users.roles():
            self.role_combo.addItem(role_label(role["name"]), role["id"])
        self.errors.add(form, "role_id", translate("admin.users_window", "&Rol:"), self.role_combo)
        self.active_check = QCheckBox(
            translate("admin.users_window", "Activo (puede iniciar sesión)"), self
        )
        self.bind("active", self.active_check)
        self.password_edit = self.repeat_edit = None
        if new:
            self.password_edit = self._password(
                "password", translate("admin.users_window", "Contraseña &temporal:"), form
            )
            self.repeat_edit = self._password(
                "repeat", translate("admin.users_window", "Re&petir contraseña:"), form
            )
            self.active_check.hide()  # a new user starts active
        else:
            form.addRow("", self.active_check)
        layout.addLayout(form)
        if new:
            layout.addWidget(
                hint_label(
                    translate(
                        "admin.users_window",
                        "La persona deberá cambiar esta contraseña temporal la primera vez "
                        "que inicie sesión.",
                    ),
                    self,
                )
            )
        self.finish_layout(layout)

    def _password(self, key: str, caption: str, form) -> PasswordEdit:
        edit = PasswordEdit(self)
        edit.setObjectName(key)
        self.errors.add(form, key, caption, edit)
        return edit

    def validate(self, data: users.UserData) -> dict[str, str]:
        if data.id is None and self.password_edit.text() != self.repeat_edit.text():
            return {"repeat": translate("admin.users_window", "Las dos contraseñas no coinciden.")}
        return {}

    def create(self, data: users.UserData) -> int:
        return users.create(data, self.password_edit.text())


class ResetPasswordDialog(AccountDialog):
    """A temporary password, typed twice; the user must change it at the next login."""

    def __init__(self, user_id: int, username: str, parent=None):
        super().__init__(
            parent,
            "reset_password_dialog",
            translate("admin.users_window", "Restablecer contraseña"),
            "password_reset",
            440,
            app=False,
        )
        self.user_id = user_id
        self.add_header(
            "password_reset",
            translate("admin.users_window", "Restablecer la contraseña de {username}").format(
                username=username
            ),
            translate(
                "admin.users_window",
                "La cuenta se desbloquea y la persona deberá elegir una "
                "contraseña propia al iniciar sesión.",
            ),
        )
        self.password_edit = self.password(
            "password", translate("admin.users_window", "Contraseña &temporal:"), "password"
        )
        self.repeat_edit = self.password(
            "repeat", translate("admin.users_window", "Re&petir:"), "repeat"
        )
        self.finish_layout(
            translate("admin.users_window", "&Restablecer"),
            "password_reset",
            self.save,
            translate("admin.users_window", "Cancelar"),
        )

    def save(self) -> bool:
        problems = self.unequal(
            self.password_edit, translate("admin.users_window", "Las dos contraseñas no coinciden.")
        )
        return self.submit(
            problems, lambda: users.reset_password(self.user_id, self.password_edit.text())
        )


class UsersWindow(ListDialog):
    noun_one = QT_TRANSLATE_NOOP("nouns", "usuario")
    noun_many = QT_TRANSLATE_NOOP("nouns", "usuarios")
    service = users
    record_dialog = UserDialog
    deactivate_text = QT_TRANSLATE_NOOP(
        "admin.users_window",
        "¿Desactivar a {full_name} ({username})? No podrá iniciar sesión; su historial en "
        "la auditoría se conserva.",
    )
    create_permission = edit_permission = deactivate_permission = "users.manage"

    def __init__(self, parent=None):
        model = PagedTableModel(
            [
                dataclasses.replace(c, title=translate("admin.users_window", c.title))
                for c in COLUMNS
            ],
            users.page,
        )
        title = translate("admin.users_window", "Usuarios")
        super().__init__(model, parent, title, "users", (900, 560), sortable=True)
        self.setModal(False)
        self.view.setObjectName("users_table")

        top = QHBoxLayout()
        self.search = SearchBox(
            translate("admin.users_window", "Buscar por usuario o nombre…"), self
        )
        self.search.setObjectName("users_search")
        top.addWidget(self.search, 1)
        self.inactive_check = QCheckBox(translate("admin.users_window", "Mostrar &inactivos"), self)
        self.inactive_check.setChecked(True)
        top.addWidget(self.inactive_check)

        buttons = self.record_buttons()
        self.active_button = self.toggle_button
        self.reset_button = self.push_button(
            "password_reset",
            translate("admin.users_window", "&Restablecer contraseña…"),
            self.reset_password,
        )
        self.unlock_button = self.push_button(
            "account_unlock", translate("admin.users_window", "Des&bloquear"), self.unlock_user
        )
        self.build_layout(
            [*buttons, self.reset_button, self.unlock_button],
            top=(top,),
            side=False,
        )
        self.search.search_changed.connect(lambda _text: self.reload())
        self.inactive_check.toggled.connect(lambda _on: self.reload())
        self.reload()
        self.search.setFocus()

    # --- the rows ---------------------------------------------------------------------
    def refresh(self) -> bool:
        self.model.set_filters(
            users.UserFilter(
                search=self.search.text(), include_inactive=self.inactive_check.isChecked()
            )
        )
        for column, width in enumerate((140, 240, 130, 230)):
            self.view.setColumnWidth(column, width)
        return True

    def reload(self, keep_id: int | None = None) -> None:
        """Query again keeping the selected user (or ``keep_id``); else the first one."""
        super().reload(keep_id)
        if self.selected_row() is None and self.model.rowCount():
            self.select_row(0)

    def current_row(self) -> dict | None:
        return self.selected_row()

    def update_actions(self) -> None:
        super().update_actions()
        row = self.selected_row()
        self.reset_button.setEnabled(self.can_edit(row))
        self.unlock_button.setEnabled(self.can_edit(row) and bool(row.get("locked")))

    # --- actions ----------------------------------------------------------------------
    def new_user(self) -> None:
        self.new_item()

    def edit_user(self) -> None:
        self.edit_selected()

    def toggle_active(self) -> None:
        self.toggle_selected()

    def reset_password(self) -> None:
        row = self.selected_row()
        if not self.can_edit(row):
            return
        dialog = ResetPasswordDialog(row["id"], row["username"], parent=self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            prompts.info(
                self,
                translate("admin.users_window", "Contraseña restablecida"),
                translate(
                    "admin.users_window",
                    "{username} deberá cambiar la contraseña al iniciar sesión.",
                ).format(username=row["username"]),
            )
            self.reload(row["id"])

    def unlock_user(self) -> None:
        row = self.selected_row()
        if self.can_edit(row):
            failed = translate("admin.users_window", "Usuarios")
            self.change_row(row, lambda: users.unlock(row["id"]), failed)
