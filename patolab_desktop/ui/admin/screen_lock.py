"""Lock the screen after inactivity; unlock with the same user's password.

An application-wide event filter restarts a single-shot ``QTimer`` on every key, click,
wheel or mouse move. When it fires, every visible window of the application gets an
opaque curtain (a child widget covering it, so nothing is hidden or closed and every
open form keeps its unsaved text) and an application-modal ``LockDialog`` asks for
the password of the user who is logged in. Wrong passwords count towards the account
lockout (``auth.verify_password``). "Cambiar de usuario…" hands over to
``on_switch_user`` (set by ``login_flow``), which asks for confirmation and logs out.
"""

from __future__ import annotations

from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from ... import APP_NAME
from ...i18n import translate
from ...services import settings
from ...services.access import auth, session
from ...services.access.permissions import role_label
from ..icons import icon
from .account_dialog import AccountDialog
from .common import PasswordEdit

INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TabletPress,
    }
)
_SKIPPED_WINDOW_TYPES = (Qt.WindowType.Popup, Qt.WindowType.ToolTip, Qt.WindowType.SplashScreen)


class Curtain(QWidget):
    """An opaque cover over one window's contents, following its size."""

    def __init__(self, target: QWidget):
        super().__init__(target)
        self.setObjectName("lock_curtain")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet("#lock_curtain { background: #263238; } QLabel { color: #cfd8dc; }")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 48, 24, 24)  # above the centred unlock dialog
        picture = QLabel(self)
        picture.setPixmap(icon("lock").pixmap(64, 64))
        picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(picture)
        text = QLabel(
            translate("admin.screen_lock", "{APP_NAME}\nPantalla bloqueada").format(
                APP_NAME=APP_NAME
            ),
            self,
        )
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = text.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        text.setFont(font)
        layout.addWidget(text)
        layout.addStretch(1)
        self._target = target
        target.installEventFilter(self)
        self.setGeometry(target.rect())
        self.raise_()
        self.show()

    def eventFilter(self, watched, event) -> bool:
        if watched is self._target and event.type() in (QEvent.Type.Resize, QEvent.Type.ChildAdded):
            self.setGeometry(self._target.rect())
            self.raise_()
        return False

    def remove(self) -> None:
        if not shiboken6.isValid(self) or not shiboken6.isValid(self._target):
            return  # the window it covered was closed meanwhile (and took the curtain along)
        self._target.removeEventFilter(self)
        self.hide()
        self.setParent(None)
        self.deleteLater()


class LockDialog(AccountDialog):
    """Asks for the password of the locked session; Esc and the close box do nothing."""

    def __init__(self, lock: ScreenLock, parent=None):
        super().__init__(
            parent,
            "lock_dialog",
            translate("admin.screen_lock", "Pantalla bloqueada"),
            "lock",
            440,
        )
        self._lock = lock
        self._closing = False
        self.setWindowFlags(
            Qt.WindowType.Dialog | Qt.WindowType.CustomizeWindowHint | Qt.WindowType.WindowTitleHint
        )
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        actor = session.current()
        name = f"{actor.display_name} ({actor.username}, {role_label(actor.role)})" if actor else ""
        self.add_header(
            "lock",
            translate("admin.screen_lock", "Pantalla bloqueada"),
            translate(
                "admin.screen_lock",
                "Sesión de {name}.\nEscriba su contraseña para continuar: los formularios "
                "abiertos siguen tal como los dejó.",
            ).format(name=name),
        )
        self.password_edit = PasswordEdit(self, translate("admin.screen_lock", "contraseña"))
        self.password_edit.setObjectName("unlock_password")
        self.add_field(None, translate("admin.screen_lock", "&Contraseña:"), self.password_edit)
        self.message.setObjectName("unlock_message")
        self.unlock_button = self.finish_layout(
            translate("admin.screen_lock", "&Desbloquear"), "unlock", self.try_unlock
        )
        self.switch_button = self.buttons.addButton(
            translate("admin.screen_lock", "Cambiar de &usuario…"),
            QDialogButtonBox.ButtonRole.ActionRole,
        )
        self.switch_button.setIcon(icon("switch_user"))
        self.switch_button.setAutoDefault(False)
        self.switch_button.clicked.connect(self._lock.request_switch_user)

    def try_unlock(self) -> bool:
        return self._lock.unlock(self.password_edit.text())

    def show_error(self, text: str) -> None:
        self.say(text, retry=self.password_edit)

    def reject(self) -> None:  # Esc must not unlock
        return

    def finish(self) -> None:
        self._closing = True
        self.done(QDialog.DialogCode.Accepted)
        self.deleteLater()

    def closeEvent(self, event) -> None:
        if self._closing:
            super().closeEvent(event)
        else:
            event.ignore()


class ScreenLock(QObject):
    """Watches input for ``window``'s application and locks after ``minutes`` idle.

    ``minutes`` defaults to the lab setting ``lock_minutes``; 0 disables the auto-lock
    (``lock()`` still works, e.g. from Ctrl+L).
    """

    locked = Signal()
    unlocked = Signal()

    def __init__(self, window: QWidget, minutes: int | None = None):
        super().__init__(window)
        self.window = window
        self.dialog: LockDialog | None = None
        self.on_switch_user: Callable[[], bool] | None = None
        self._curtains: list[Curtain] = []
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.lock)
        self.minutes = 0
        self.set_minutes(settings.get("lock_minutes") if minutes is None else minutes)
        self._app = QApplication.instance()
        self._app.installEventFilter(self)
        window.destroyed.connect(self.stop)

    # --- idle timer -------------------------------------------------------------------
    def set_minutes(self, minutes: int) -> None:
        self.minutes = max(0, int(minutes or 0))
        if self.minutes:
            self.timer.setInterval(self.minutes * 60_000)
            if not self.is_locked():
                self.timer.start()
        else:
            self.timer.stop()

    def eventFilter(self, watched, event) -> bool:
        if self.minutes and self.dialog is None and event.type() in INPUT_EVENTS:
            self.timer.start()  # restart: activity
        return False

    def stop(self, *_args) -> None:
        self.timer.stop()
        if self._app is not None:
            self._app.removeEventFilter(self)
            self._app = None

    # --- locking ----------------------------------------------------------------------
    def is_locked(self) -> bool:
        return self.dialog is not None

    def lock(self) -> None:
        if self.is_locked() or session.current() is None:
            return
        self.timer.stop()
        popup = QApplication.activePopupWidget()
        while popup is not None:  # an open menu or combo list would stay above the curtain
            popup.close()
            popup = QApplication.activePopupWidget()
        for widget in QApplication.topLevelWidgets():
            if (
                widget.isVisible()
                and widget.windowType() not in _SKIPPED_WINDOW_TYPES
                and not isinstance(widget, (Curtain, LockDialog))
            ):
                self._curtains.append(Curtain(widget))
        self.dialog = LockDialog(self, self.window)
        self.dialog.adjustSize()
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()
        self.locked.emit()

    def unlock(self, password: str) -> bool:
        """Check the password of the acting user; on success remove the lock."""
        if self.dialog is None:
            return True
        actor = session.current()
        try:
            ok = auth.verify_password(actor, password)
        except auth.LoginFailed as exc:  # locked after too many attempts, or deactivated
            self.dialog.show_error(str(exc))
            return False
        if not ok:
            self.dialog.show_error(
                translate(
                    "admin.screen_lock", "Contraseña incorrecta. La pantalla sigue bloqueada."
                )
            )
            return False
        fresh = auth.refresh_current()
        if fresh is not None and fresh.must_change_password and not self._new_password():
            return False
        self.release()
        self.unlocked.emit()
        return True

    def _new_password(self) -> bool:
        """An administrator reset the password while the user was signed in
        (``login_flow.recheck_user`` locked the screen for it): the temporary password
        opened the lock, now she chooses her own, as at sign-in. «Cerrar sesión» there
        hands over to «Cambiar de usuario»; the screen stays locked otherwise."""
        from .change_password_dialog import ChangePasswordDialog

        change = ChangePasswordDialog(self.dialog, forced=True)
        if change.exec() == QDialog.DialogCode.Accepted:
            return True
        self.request_switch_user()
        return False

    def release(self) -> None:
        """Remove the curtains and the dialog (after the password, or to switch user)."""
        for curtain in self._curtains:
            curtain.remove()
        self._curtains.clear()
        if self.dialog is not None:
            self.dialog.finish()
            self.dialog = None
        if self.minutes:
            self.timer.start()

    def request_switch_user(self) -> None:
        if self.on_switch_user is not None:
            self.on_switch_user()
