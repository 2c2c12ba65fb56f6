"""Administrators' users window: list, create, edit, deactivate, reset password, unlock."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from ...i18n import translate
from ...services.access import users
from ...services.access.permissions import role_label
from ...services.errors import ServiceError, ValidationError
from .. import prompts
from ..icons import icon
from ..models.paged_table import Column, PagedTableModel
from ..widgets.table import SearchBox, make_table_view
from .common import (
    HINT_STYLE,
    FieldErrors,
    PasswordEdit,
    header,
    make_form,
    message_label,
    show_message,
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


class UserDialog(QDialog):
    """New user (username, name, role, temporary password) or edit (name, role, active)."""

    def __init__(self, user_id: int | None = None, parent=None):
        super().__init__(parent)
        self.setObjectName("user_dialog")
        self.user_id = user_id
        self.saved_id: int | None = None
        data = users.get(user_id) if user_id is not None else users.UserData()
        self.setWindowTitle(
            translate("admin.users_window", "Editar usuario")
            if user_id
            else translate("admin.users_window", "Nuevo usuario")
        )
        self.setWindowIcon(icon("users"))
        self.setModal(True)
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        form = make_form()
        self.errors = FieldErrors(form)
        self.username_edit = QLineEdit(data.username, self)
        self.username_edit.setObjectName("username")
        self.username_edit.setMaxLength(60)
        self.username_edit.setReadOnly(user_id is not None)
        self.errors.add_row(
            "username", translate("admin.users_window", "&Usuario:"), self.username_edit
        )
        self.full_name_edit = QLineEdit(data.full_name, self)
        self.full_name_edit.setObjectName("full_name")
        self.full_name_edit.setMaxLength(120)
        self.errors.add_row(
            "full_name", translate("admin.users_window", "&Nombre completo:"), self.full_name_edit
        )
        self.role_combo = QComboBox(self)
        self.role_combo.setObjectName("role")
        for role in users.roles():
            self.role_combo.addItem(role_label(role["name"]), role["id"])
        if data.role_id is not None:
            self.role_combo.setCurrentIndex(self.role_combo.findData(data.role_id))
        self.errors.add_row("role_id", translate("admin.users_window", "&Rol:"), self.role_combo)
        self.active_check = QCheckBox(
            translate("admin.users_window", "Activo (puede iniciar sesión)"), self
        )
        self.active_check.setChecked(data.active)
        self.password_edit = self.repeat_edit = None
        if user_id is None:
            self.password_edit = PasswordEdit(self)
            self.password_edit.setObjectName("password")
            self.errors.add_row(
                "password",
                translate("admin.users_window", "Contraseña &temporal:"),
                self.password_edit,
            )
            self.repeat_edit = PasswordEdit(self)
            self.repeat_edit.setObjectName("repeat")
            self.errors.add_row(
                "repeat", translate("admin.users_window", "Re&petir contraseña:"), self.repeat_edit
            )
            self.active_check.hide()  # a new user starts active
        else:
            form.addRow("", self.active_check)
        layout.addLayout(form)
        if user_id is None:
            hint = QLabel(
                translate(
                    "admin.users_window",
                    "La persona deberá cambiar esta contraseña temporal la primera vez "
                    "que inicie sesión.",
                ),
                self,
            )
            hint.setWordWrap(True)
            hint.setStyleSheet(HINT_STYLE)
            layout.addWidget(hint)
        self.message = message_label(self)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(self)
        save = buttons.addButton(
            translate("admin.users_window", "&Guardar"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        save.setIcon(icon("save"))
        save.setDefault(True)
        buttons.addButton(
            translate("admin.users_window", "Cancelar"), QDialogButtonBox.ButtonRole.RejectRole
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        (self.full_name_edit if user_id else self.username_edit).setFocus()

    def save(self) -> bool:
        show_message(self.message, "")
        data = users.UserData(
            id=self.user_id,
            username=self.username_edit.text(),
            full_name=self.full_name_edit.text(),
            role_id=self.role_combo.currentData(),
            active=self.active_check.isChecked(),
        )
        try:
            if self.user_id is None:
                if self.password_edit.text() != self.repeat_edit.text():
                    self.errors.show(
                        {
                            "repeat": translate(
                                "admin.users_window", "Las dos contraseñas no coinciden."
                            )
                        }
                    )
                    return False
                self.saved_id = users.create(data, self.password_edit.text())
            else:
                users.update(data)
                self.saved_id = self.user_id
        except ValidationError as exc:
            show_message(self.message, "\n".join(self.errors.show(exc.fields)))
            return False
        except ServiceError as exc:
            self.errors.clear()
            show_message(self.message, str(exc))
            return False
        self.accept()
        return True


class ResetPasswordDialog(QDialog):
    """A temporary password, typed twice; the user must change it at the next login."""

    def __init__(self, user_id: int, username: str, parent=None):
        super().__init__(parent)
        self.setObjectName("reset_password_dialog")
        self.user_id = user_id
        self.setWindowTitle(translate("admin.users_window", "Restablecer contraseña"))
        self.setWindowIcon(icon("password_reset"))
        self.setModal(True)
        self.setMinimumWidth(440)
        layout = QVBoxLayout(self)
        layout.addWidget(
            header(
                "password_reset",
                translate("admin.users_window", "Restablecer la contraseña de {username}").format(
                    username=username
                ),
                translate(
                    "admin.users_window",
                    "La cuenta se desbloquea y la persona deberá elegir una "
                    "contraseña propia al iniciar sesión.",
                ),
                self,
            )
        )
        form = make_form()
        self.errors = FieldErrors(form)
        self.password_edit = PasswordEdit(self)
        self.errors.add_row(
            "password", translate("admin.users_window", "Contraseña &temporal:"), self.password_edit
        )
        self.repeat_edit = PasswordEdit(self)
        self.errors.add_row(
            "repeat", translate("admin.users_window", "Re&petir:"), self.repeat_edit
        )
        layout.addLayout(form)
        self.message = message_label(self)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(self)
        ok = buttons.addButton(
            translate("admin.users_window", "&Restablecer"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        ok.setDefault(True)
        buttons.addButton(
            translate("admin.users_window", "Cancelar"), QDialogButtonBox.ButtonRole.RejectRole
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.password_edit.setFocus()

    def save(self) -> bool:
        if self.password_edit.text() != self.repeat_edit.text():
            self.errors.show(
                {"repeat": translate("admin.users_window", "Las dos contraseñas no coinciden.")}
            )
            return False
        try:
            users.reset_password(self.user_id, self.password_edit.text())
        except ValidationError as exc:
            show_message(self.message, "\n".join(self.errors.show(exc.fields)))
            return False
        except ServiceError as exc:
            show_message(self.message, str(exc))
            return False
        self.accept()
        return True


class UsersWindow(QDialog):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("users_window")
        self.setWindowTitle(translate("admin.users_window", "Usuarios"))
        self.setWindowIcon(icon("users"))
        self.resize(900, 560)
        layout = QVBoxLayout(self)

        top = QHBoxLayout()
        self.search = SearchBox(
            translate("admin.users_window", "Buscar por usuario o nombre…"), self
        )
        self.search.setObjectName("users_search")
        top.addWidget(self.search, 1)
        self.inactive_check = QCheckBox(translate("admin.users_window", "Mostrar &inactivos"), self)
        self.inactive_check.setChecked(True)
        top.addWidget(self.inactive_check)
        layout.addLayout(top)

        self.model = PagedTableModel(
            [
                dataclasses.replace(c, title=translate("admin.users_window", c.title))
                for c in COLUMNS
            ],
            users.page,
            parent=self,
        )
        self.view = make_table_view(self)
        self.view.setObjectName("users_table")
        self.view.setModel(self.model)
        layout.addWidget(self.view, 1)

        actions = QHBoxLayout()
        self.new_button = self._button(
            actions, "add", translate("admin.users_window", "&Nuevo…"), self.new_user
        )
        self.edit_button = self._button(
            actions, "edit", translate("admin.users_window", "&Editar…"), self.edit_user
        )
        self.active_button = self._button(
            actions,
            "deactivate",
            translate("admin.users_window", "&Desactivar"),
            self.toggle_active,
        )
        self.reset_button = self._button(
            actions,
            "password_reset",
            translate("admin.users_window", "&Restablecer contraseña…"),
            self.reset_password,
        )
        self.unlock_button = self._button(
            actions,
            "account_unlock",
            translate("admin.users_window", "Des&bloquear"),
            self.unlock_user,
        )
        actions.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.button(QDialogButtonBox.StandardButton.Close).setText(
            translate("admin.users_window", "&Cerrar")
        )
        close.rejected.connect(self.reject)
        actions.addWidget(close)
        layout.addLayout(actions)

        QShortcut(QKeySequence("Ctrl+N"), self, activated=self.new_user)
        self.view.doubleClicked.connect(lambda _index: self.edit_user())
        self.view.activated.connect(lambda _index: self.edit_user())
        self.search.search_changed.connect(lambda _text: self.reload())
        self.inactive_check.toggled.connect(lambda _on: self.reload())
        self.reload()
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())
        self.search.setFocus()

    def _button(self, row, icon_name, text, slot) -> QPushButton:
        button = QPushButton(icon(icon_name), text, self)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        row.addWidget(button)
        return button

    def reload(self, select_id: int | None = None) -> None:
        self.model.set_filters(
            users.UserFilter(
                search=self.search.text(), include_inactive=self.inactive_check.isChecked()
            )
        )
        for column, width in enumerate((140, 240, 130, 230)):
            self.view.setColumnWidth(column, width)
        row = self.model.row_of_id(select_id) if select_id is not None else 0
        if self.model.rowCount():
            self.view.selectRow(max(row, 0))
        self._update_buttons()

    def current_row(self) -> dict | None:
        index = self.view.currentIndex()
        return self.model.row_dict(index.row()) if index.isValid() else None

    def _update_buttons(self) -> None:
        row = self.current_row()
        for button in (self.edit_button, self.active_button, self.reset_button):
            button.setEnabled(row is not None)
        self.unlock_button.setEnabled(row is not None and bool(row.get("locked")))
        if row is not None and not row["active"]:
            self.active_button.setText(translate("admin.users_window", "Re&activar"))
            self.active_button.setIcon(icon("reactivate"))
        else:
            self.active_button.setText(translate("admin.users_window", "&Desactivar"))
            self.active_button.setIcon(icon("deactivate"))

    # --- actions ----------------------------------------------------------------------
    def new_user(self) -> None:
        dialog = UserDialog(parent=self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.reload(dialog.saved_id)

    def edit_user(self) -> None:
        row = self.current_row()
        if row is None:
            return
        dialog = UserDialog(row["id"], parent=self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.reload(row["id"])

    def toggle_active(self) -> None:
        row = self.current_row()
        if row is None:
            return
        if row["active"] and not prompts.confirm(
            self,
            translate("admin.users_window", "Desactivar usuario"),
            translate(
                "admin.users_window",
                "¿Desactivar a {full_name} ({username})? No podrá iniciar sesión; su historial en "
                "la auditoría se conserva.",
            ).format(full_name=row["full_name"], username=row["username"]),
        ):
            return
        try:
            users.set_active(row["id"], not row["active"])
        except ServiceError as exc:
            prompts.error(self, translate("admin.users_window", "Usuarios"), str(exc))
            return
        self.reload(row["id"])

    def reset_password(self) -> None:
        row = self.current_row()
        if row is None:
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
        row = self.current_row()
        if row is None:
            return
        try:
            users.unlock(row["id"])
        except ServiceError as exc:
            prompts.error(self, translate("admin.users_window", "Usuarios"), str(exc))
            return
        self.reload(row["id"])
