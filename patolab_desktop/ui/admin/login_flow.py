"""Starting a session and the administration menu of the main window.

``start_session`` runs before the main window opens: first-start administrator set-up
or the login dialog, then the forced password change. ``install_admin`` adds the
Archivo entries (users, permissions, audit, change password, switch user, lock screen),
the user's name in the status bar and the inactivity lock.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QWidget

from ...i18n import translate
from ...services.access import auth, session
from ...services.access.permissions import role_label
from ...services.access.session import Actor
from .. import prompts


class SessionSignals(QObject):
    """``changed(actor)`` after a user switch: areas may reload what they show.
    ``changed_elsewhere`` when a write was refused because an administrator changed the
    acting user (``auth.on_changed_elsewhere``; emitted from the writing thread)."""

    changed = Signal(object)
    changed_elsewhere = Signal()


signals = SessionSignals()
auth.on_changed_elsewhere(signals.changed_elsewhere.emit)


def start_session(parent: QWidget | None = None) -> Actor | None:
    """Log someone in (creating the first administrator on a new database).

    Returns the acting user, or None when the person gave up (the app should exit).
    """
    from .change_password_dialog import ChangePasswordDialog
    from .first_admin_dialog import FirstAdminDialog
    from .login_dialog import LoginDialog

    dialog = FirstAdminDialog(parent) if auth.needs_first_admin() else LoginDialog(parent)
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.actor is None:
        return None
    actor = dialog.actor
    if actor.must_change_password:
        change = ChangePasswordDialog(parent, forced=True)
        if change.exec() != QDialog.DialogCode.Accepted or change.actor is None:
            auth.logout()
            return None
        actor = change.actor
    from .identity_key_dialogs import after_sign_in

    after_sign_in(parent, actor)  # the recovery key: asked for, or shown to an admin
    return actor


def _user_text(actor: Actor | None) -> str:
    return (
        translate("admin.login_flow", "Usuario: {display_name} · {role}").format(
            display_name=actor.display_name, role=role_label(actor.role)
        )
        if actor
        else translate("admin.login_flow", "Sin sesión")
    )


RECHECK_MS = 60_000  # how often the signed-in user's state and permissions are read again


def _state(actor: Actor) -> tuple:
    """What the menus of ``actor`` depend on (``Actor.has``)."""
    return (actor.role, actor.permissions, actor.must_change_password)


class AdminMenu(QObject):
    """What ``install_admin`` adds to a main window (kept as ``window.admin``)."""

    def __init__(self, window, actor: Actor | None, lock_minutes: int | None = None):
        super().__init__(window)
        from .screen_lock import ScreenLock

        self.window = window
        self.user_label = QLabel(_user_text(actor))
        self.user_label.setObjectName("session_user")
        window.statusBar().addPermanentWidget(self.user_label)
        self.lock = ScreenLock(window, minutes=lock_minutes)
        self.lock.on_switch_user = self.switch_user
        # an administrator on another desk may deactivate this user or change the role's
        # permissions: they were read only at sign-in, so a deactivated receptionist kept
        # working until she signed out
        self.recheck = QTimer(self)
        self.recheck.setInterval(RECHECK_MS)
        self.recheck.timeout.connect(self.recheck_user)
        self.recheck.start()
        # a write refused for such a change reads the user again at once (queued: after
        # the refused action has shown its message)
        signals.changed_elsewhere.connect(self.recheck_user, Qt.ConnectionType.QueuedConnection)
        # the actor whose permissions the menus show (``_follow_role``): the recheck
        # compares the user read again with it
        self.menus_for = actor
        self.lock.unlocked.connect(self._after_unlock)
        file_menu = window.menu("file")
        anchor = self._anchor(file_menu)
        entries = [
            (
                translate("admin.login_flow", "&Usuarios…"),
                self.open_users,
                "users",
                None,
                "users.manage",
            ),
            (
                translate("admin.login_flow", "&Permisos por rol…"),
                self.open_permissions,
                "permissions",
                None,
                "users.manage",
            ),
            (
                translate("admin.login_flow", "&Auditoría…"),
                self.open_audit,
                "audit",
                None,
                "audit.view",
            ),
            (
                translate("admin.login_flow", "Cla&ve de recuperación de identidades…"),
                self.open_recovery_key,
                "password",
                None,
                "identity.recovery_key",
            ),
            None,
            (
                translate("admin.login_flow", "Cambiar con&traseña…"),
                self.change_password,
                "password",
                None,
                None,
            ),
            (
                translate("admin.login_flow", "Cambiar &de usuario…"),
                self.switch_user,
                "switch_user",
                None,
                None,
            ),
            (
                translate("admin.login_flow", "&Bloquear pantalla"),
                self.lock.lock,
                "lock",
                "Ctrl+L",
                None,
            ),
        ]
        self.actions = {}
        for entry in entries:
            if entry is None:
                separator = (
                    file_menu.insertSeparator(anchor) if anchor else file_menu.addSeparator()
                )
                separator.setProperty("permission", "")
                continue
            text, slot, icon_name, shortcut, permission = entry
            action = window.add_action(
                "file", text, slot, icon_name, shortcut, permission=permission
            )
            if anchor is not None:  # keep "Salir" last
                file_menu.removeAction(action)
                file_menu.insertAction(anchor, action)
            self.actions[text.replace("&", "")] = action
        if anchor is not None:
            file_menu.insertSeparator(anchor)

    @staticmethod
    def _anchor(menu):
        """The separator before "Salir" (or "Salir" itself), to insert above it."""
        actions = menu.actions()
        if not actions:
            return None
        for position in range(len(actions) - 1, -1, -1):
            if actions[position].isSeparator():
                return actions[position]
        return actions[-1]

    # --- actions ----------------------------------------------------------------------
    def open_users(self) -> None:
        from .users_window import UsersWindow

        self._run(UsersWindow)

    def open_permissions(self) -> None:
        from .permission_matrix import PermissionMatrixDialog

        self._run(PermissionMatrixDialog)

    def open_audit(self) -> None:
        from .audit_viewer import AuditViewer

        self._run(AuditViewer)

    def open_recovery_key(self) -> None:
        from ...services import identity_keys
        from .identity_key_dialogs import RecoveryKeyDialog, UnlockDialog

        if identity_keys.status() == "missing":  # this workstation has no key yet
            UnlockDialog(self.window).exec()
            return
        self._run(RecoveryKeyDialog)

    def _run(self, cls) -> None:
        from ...services.errors import ServiceError

        try:
            dialog = cls(self.window)
        except ServiceError as exc:  # e.g. PermissionDenied after a role change
            prompts.error(self.window, translate("admin.login_flow", "Sin permiso"), str(exc))
            return
        dialog.exec()
        # an administrator may have changed their own role or its permissions
        self._follow_role(auth.refresh_current())

    def change_password(self) -> None:
        from .change_password_dialog import ChangePasswordDialog

        dialog = ChangePasswordDialog(self.window)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            prompts.info(
                self.window,
                translate("admin.login_flow", "Cambiar contraseña"),
                translate("admin.login_flow", "La contraseña se cambió."),
            )

    def recheck_user(self) -> None:
        """Read the signed-in user again (``RECHECK_MS``, and at once after a write was
        refused for such a change): the menus follow a change of the role's permissions.
        A user deactivated (or deleted) meanwhile loses every permission at once and finds
        the screen locked (the unlock refuses an inactive account; «Cambiar de usuario»
        lets someone else in). A user whose password an administrator reset is locked
        out the same way, told why: her own password no longer opens the desk, the
        temporary one does and then asks for a new one (``ScreenLock.unlock``)."""
        actor = session.current()
        if actor is None or actor.is_system or actor.id is None:
            return
        try:
            fresh = auth.refresh_current()
        except Exception:  # noqa: BLE001 - the database went away: the next tick tries again
            return
        shown = self.menus_for or actor
        if fresh is None or _state(fresh) == _state(shown):
            return  # nothing changed: the window is left as it is
        tabs = self._shown_tabs()
        self._follow_role(fresh)
        for widget in self._shown_tabs() - tabs:  # a tab hidden until now reads its data
            reload = getattr(widget, "reload_from_database", None)
            if reload is not None:
                reload()
        if fresh.permissions and not fresh.must_change_password:
            return
        if not self.lock.is_locked():
            self.lock.lock()
        if fresh.must_change_password and self.lock.dialog is not None:
            self.lock.dialog.say(
                translate(
                    "admin.login_flow",
                    "Un administrador restableció su contraseña. Escriba la contraseña "
                    "temporal que le dieron para volver a entrar; después elegirá una "
                    "contraseña propia.",
                )
            )

    def _after_unlock(self) -> None:
        """The unlock after a reset changed the password: the menus come back."""
        actor = session.current()
        shown = self.menus_for
        if actor is not None and (shown is None or _state(actor) != _state(shown)):
            self._follow_role(actor)

    def _follow_role(self, actor: Actor | None) -> None:
        """What a sign-in, a change of the role (``recheck_user``) and an administration
        dialog (``_run``: she may have changed her own role) all do: the areas left out
        because an earlier role could not open them are installed, then the menus and tabs
        follow the permissions (those withdrawn are hidden)."""
        self.menus_for = actor
        self.user_label.setText(_user_text(actor))
        install_pending = getattr(self.window, "install_pending_areas", None)
        if install_pending is not None:
            install_pending()
        self.window.apply_permissions(session.has)

    def _shown_tabs(self) -> set:
        tabs = getattr(self.window, "tabs", None)
        if tabs is None:
            return set()
        return {tabs.widget(i) for i in range(tabs.count()) if tabs.isTabVisible(i)}

    def switch_user(self) -> bool:
        """Confirm, close open dialogs, log out and log someone in; False when cancelled."""
        actor = session.current()
        parent = self.lock.dialog or self.window
        name = actor.display_name if actor else ""
        if not prompts.confirm(
            parent,
            translate("admin.login_flow", "Cambiar de usuario"),
            translate(
                "admin.login_flow",
                "Se cerrará la sesión de {name}. Lo que no se haya guardado en los formularios "
                "abiertos se perderá. ¿Continuar?",
            ).format(name=name),
        ):
            return False
        self.lock.release()
        # closed for real, without each form asking again: the person already agreed to
        # lose what is not saved. ``reject`` let a form answered «No» stay open into the
        # next person's session, who could then save it under their own name.
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QDialog) and widget.isVisible() and widget is not self.window:
                widget.done(QDialog.DialogCode.Rejected)
        auth.logout()
        self.window.hide()
        new_actor = start_session(None)
        if new_actor is None:
            self.window.close()
            return True
        self.session_started(new_actor)
        self.window.show()
        return True

    def session_started(self, actor: Actor) -> None:
        self._follow_role(actor)
        signals.changed.emit(actor)
        reload = getattr(self.window, "reload_from_database", None)
        if reload is not None:
            reload()


def install_admin(window, actor: Actor | None, lock_minutes: int | None = None) -> AdminMenu:
    """Add the administration entries to ``window``'s Archivo menu and start the lock."""
    admin = AdminMenu(window, actor, lock_minutes=lock_minutes)
    window.admin = admin
    return admin
