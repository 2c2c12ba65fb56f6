"""Auto-lock after inactivity; unlock with the same password keeping open forms."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLineEdit,
    QMainWindow,
    QPlainTextEdit,
    QVBoxLayout,
)

from patolab_desktop.services import settings
from patolab_desktop.services.access import permissions, session
from patolab_desktop.ui import prompts
from patolab_desktop.ui.admin import login_flow
from patolab_desktop.ui.admin.screen_lock import Curtain, ScreenLock
from tests.security_helpers import PASSWORD, clock, fast_hashing, login_as, no_session  # noqa: F401

pytestmark = pytest.mark.usefixtures("no_session", "fast_hashing")


class Form(QDialog):
    """Stands for any area's open form with unsaved text."""

    def __init__(self, parent):
        super().__init__(parent)
        self.setWindowTitle("Nuevo paciente")
        layout = QVBoxLayout(self)
        self.name_edit = QLineEdit(self)
        layout.addWidget(self.name_edit)


@pytest.fixture
def desk(qtbot, database, clock):
    """A logged-in receptionist, a main window and an open (window-modal) form."""
    login_as(permissions.ROLE_RECEPTION)
    window = QMainWindow()
    window.setWindowTitle("PatoLab Desktop")
    window.setCentralWidget(QPlainTextEdit("Lista de pacientes…"))
    window.resize(900, 600)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    form = Form(window)
    form.open()  # modal like a real form dialog, without blocking the test
    qtbot.waitExposed(form)
    form.name_edit.setText("Juan Pérez")
    qtbot.keyClicks(form.name_edit, " sin guardar")  # typed, not saved
    lock = ScreenLock(window, minutes=10)
    yield window, form, lock
    lock.release()
    lock.stop()


def _curtains():
    return [w for w in QApplication.allWidgets() if isinstance(w, Curtain) and w.isVisible()]


def test_timer_uses_the_lab_setting(qtbot, database):
    with session.acting_as(session.system_actor("tests")):  # an administrator's setting
        settings.put("lock_minutes", 3)
    window = QMainWindow()
    qtbot.addWidget(window)
    lock = ScreenLock(window)
    assert lock.timer.interval() == 3 * 60_000 and lock.timer.isActive()
    lock.set_minutes(0)  # 0 = never auto-lock
    assert not lock.timer.isActive()
    lock.stop()


def test_user_input_restarts_the_idle_timer(desk, qtbot):
    _window, form, lock = desk
    lock.timer.stop()
    qtbot.keyClick(form.name_edit, Qt.Key.Key_End)
    assert lock.timer.isActive()
    lock.timer.stop()
    qtbot.mouseClick(form.name_edit, Qt.MouseButton.LeftButton)
    assert lock.timer.isActive()


def test_idle_timeout_locks_and_the_right_password_unlocks_keeping_the_form(desk, qtbot):
    window, form, lock = desk
    lock.timer.setInterval(20)  # a short real interval instead of ten minutes
    lock.timer.start()
    qtbot.waitUntil(lock.is_locked, timeout=3000)
    dialog = lock.dialog
    assert dialog.isVisible() and dialog.isModal()
    assert dialog.windowModality() == Qt.WindowModality.ApplicationModal
    covered = {c.parentWidget() for c in _curtains()}
    assert window in covered and form in covered  # nothing readable behind the lock
    assert form.isVisible() and form.name_edit.text() == "Juan Pérez sin guardar"

    dialog.password_edit.setText("equivocada")
    dialog.unlock_button.click()
    assert lock.is_locked() and dialog.isVisible()
    assert "Contraseña incorrecta" in dialog.message_text()
    assert dialog.password_edit.text() == ""
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # Esc does not unlock
    assert lock.is_locked() and dialog.isVisible()

    with qtbot.waitSignal(lock.unlocked, timeout=3000):
        qtbot.keyClicks(dialog.password_edit, PASSWORD)
        qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    assert not lock.is_locked() and not _curtains()
    assert form.isVisible() and form.name_edit.text() == "Juan Pérez sin guardar"
    assert lock.timer.isActive() and lock.timer.interval() == 20


def test_locking_by_timer_signal_and_lockout_through_the_unlock(desk, qtbot, clock):
    _window, form, lock = desk
    lock.timer.timeout.emit()  # as if ten idle minutes had passed
    assert lock.is_locked()
    for _ in range(5):
        lock.dialog.password_edit.setText("mala")
        lock.dialog.try_unlock()
    assert "bloqueada" in lock.dialog.message_text()
    lock.dialog.password_edit.setText(PASSWORD)
    assert not lock.dialog.try_unlock()  # even the right password waits five minutes
    clock.advance(minutes=5)
    lock.dialog.password_edit.setText(PASSWORD)
    assert lock.dialog.try_unlock()
    assert form.name_edit.text() == "Juan Pérez sin guardar"


def test_a_window_closed_while_locked_does_not_break_the_unlock(desk, qtbot):
    _window, _form, lock = desk
    other = Form(None)
    other.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    qtbot.addWidget(other)
    other.show()
    qtbot.waitExposed(other)
    lock.lock()
    with qtbot.waitSignal(other.destroyed, timeout=3000):
        other.close()  # e.g. a window closed by code while the screen is locked
    lock.dialog.password_edit.setText(PASSWORD)
    assert lock.dialog.try_unlock()
    assert not lock.is_locked() and not _curtains()


def test_nobody_logged_in_means_nothing_to_lock(desk):
    _window, _form, lock = desk
    session.set_current(None)
    lock.lock()
    assert not lock.is_locked()


def _signed_in_window(qtbot, role: str):
    """The main window as ``role`` signed in, with its lock (10 minutes); (window, admin,
    actor)."""
    from patolab_desktop.ui.main_window import MainWindow

    actor = login_as(role)
    window = MainWindow(db_label="prueba.db")
    qtbot.addWidget(window)
    admin = login_flow.install_admin(window, actor, lock_minutes=10)
    window.apply_permissions(session.has)
    window.show()
    return window, admin, actor


def test_switch_user_from_the_lock_logs_out_after_confirmation(qtbot, database, clock, monkeypatch):
    window, admin, actor = _signed_in_window(qtbot, permissions.ROLE_RECEPTION)
    form = Form(window)
    form.open()
    admin.actions["Bloquear pantalla"].trigger()  # Ctrl+L
    assert admin.lock.is_locked()

    answers = [False, True]
    monkeypatch.setattr(prompts, "confirm", lambda *a: answers.pop(0))
    admin.lock.dialog.switch_button.click()  # "No": stays locked
    assert admin.lock.is_locked() and session.current() == actor

    def next_user(parent=None):
        return login_as(permissions.ROLE_ADMIN)

    monkeypatch.setattr(login_flow, "start_session", next_user)
    admin.lock.dialog.switch_button.click()
    assert not admin.lock.is_locked()
    assert session.current().username == "admin"
    assert not form.isVisible()  # the previous user's open forms were closed
    assert "Admin" in admin.user_label.text()
    assert admin.actions["Usuarios…"].isVisible()  # menus follow the new role
    admin.lock.stop()


def test_render_screen_lock(desk, qtbot):
    window, form, lock = desk
    lock.lock()
    QApplication.processEvents()
    picture = window.grab()
    painter = QPainter(picture)
    card = lock.dialog.grab()
    painter.drawPixmap(
        QPoint((picture.width() - card.width()) // 2, (picture.height() - card.height()) // 2), card
    )
    painter.end()
    assert picture.save("/tmp/screen_lock.png")


def test_switching_user_closes_a_form_that_would_ask_to_keep_its_changes(
    qtbot, database, clock, monkeypatch
):
    """Recepción leaves a patient half-typed; the switch, once agreed, closes it for real:
    answered «No» to its own «¿Cerrar sin guardar?», it stayed open into the next
    person's session, who could save it under their own name."""
    from patolab_desktop.ui.customers.customer_dialog import CustomerDialog

    window, admin, _actor = _signed_in_window(qtbot, permissions.ROLE_RECEPTION)
    form = CustomerDialog(parent=window)
    form.open()
    form.first_name_edit.setText("Juana")
    assert form.is_dirty()
    admin.lock.lock()
    asked = []

    def confirm(parent, title, text, *rest):
        asked.append(title)
        return title == "Cambiar de usuario"  # yes to the switch, no to anything else

    monkeypatch.setattr(prompts, "confirm", confirm)
    monkeypatch.setattr(login_flow, "start_session", lambda parent=None: login_as("Laboratorio"))
    admin.lock.dialog.switch_button.click()
    assert session.current().username == "laboratorio"
    assert not form.isVisible()
    assert asked == ["Cambiar de usuario"]  # agreed once, not asked again per form
    admin.lock.stop()


def test_a_user_deactivated_on_another_desk_is_locked_out_within_a_minute(qtbot, database, clock):
    """The permissions were read only at sign-in: a receptionist deactivated by an
    administrator on another desk kept working until she signed out."""
    from patolab_desktop.services.access import users

    window, admin, actor = _signed_in_window(qtbot, permissions.ROLE_RECEPTION)
    assert admin.recheck.isActive() and admin.recheck.interval() <= 60_000
    assert session.has("patients.edit")
    with session.acting_as(session.system_actor("otro escritorio")):
        users.deactivate(actor.id)
    admin.recheck.timeout.emit()  # the next tick
    assert not session.has("patients.edit")
    assert admin.lock.is_locked()
    admin.lock.stop()


def test_the_recheck_leaves_the_window_alone_when_nothing_changed(qtbot, database, clock):
    window, admin, _actor = _signed_in_window(qtbot, permissions.ROLE_RECEPTION)
    applied = []
    window.permission_listeners.append(applied.append)
    admin.recheck.timeout.emit()
    assert applied == [] and not admin.lock.is_locked()
    admin.lock.stop()
