"""Starting the GUI: QApplication, crash handler, database, main window."""

from __future__ import annotations

import sys

from .. import APP_NAME
from ..i18n import translate
from ..paths import demo_db_path


def ensure_demo_database() -> str:
    """The demo database, created and filled on first use."""
    path = demo_db_path()
    if not path.exists():
        from ..demo.database import create_demo_database

        create_demo_database(path)
    return str(path)


def _install_exit_when_shown(app) -> None:
    """Benchmark hook: with PATOLAB_EXIT_WHEN_SHOWN=1, exit with 0 right after the first
    top-level window (login dialog or main window) has been shown and painted."""
    import os

    if os.environ.get("PATOLAB_EXIT_WHEN_SHOWN") != "1":
        return
    from PySide6.QtCore import QEvent, QObject, QTimer

    class _FirstPaint(QObject):
        def eventFilter(self, obj, event):  # noqa: N802
            if (
                event.type() == QEvent.Type.Paint
                and getattr(obj, "isWindow", None)
                and obj.isWindow()
                and obj.isVisible()
            ):
                app.removeEventFilter(self)
                QTimer.singleShot(0, _exit)
            return False

    def _exit() -> None:
        print("PATOLAB_SHOWN", flush=True)
        from ..services.bootstrap import close_db

        close_db()
        os._exit(0)  # leave every event loop (a modal login included) with code 0

    app._exit_when_shown = _FirstPaint(app)
    app.installEventFilter(app._exit_when_shown)


def create_application():
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName("PatoLab")
    from . import gui_thread_gc

    gui_thread_gc.install(app)  # reference cycles are freed on this thread, never a worker's
    from .icons import app_icon

    app.setWindowIcon(app_icon())  # every window, the taskbar and the Alt+Tab switcher
    from .. import i18n

    i18n.install_translators(app)  # the language chosen on this computer (Spanish default)
    return app


STARTUP_CHECKS_DELAY_MS = 1000  # the start-of-day checks begin once the login is up
KEY_STORE_DELAY_MS = 300  # after the login window is painted, not before


def _open_or_follow(target: str) -> str:
    """Open ``target``; a file whose data ``migrate-to`` moved is not opened: the person
    is told where the data went and may switch this computer there (then that one is
    opened). Returns what was opened, "" when the person declined."""
    from ..services.bootstrap import DatabaseMovedError, open_db
    from ..services.safety import moved
    from . import prompts

    try:
        open_db(target)
        return target
    except DatabaseMovedError as exc:
        question = translate("app", "¿Usar desde ahora {target} en esta computadora?").format(
            target=exc.target
        )
        if not prompts.confirm(
            None, translate("app", "La base de datos se trasladó"), f"{exc}\n\n{question}"
        ):
            return ""
        moved.switch_this_desk(target, exc.target)
        open_db(exc.target)
        return exc.target


def run_gui(db_target: str | None = None, demo: bool = False) -> int:
    from PySide6.QtCore import QTimer

    from ..services.bootstrap import DatabaseOpenError, close_db, describe
    from . import errors, prompts
    from .main_window import MainWindow

    errors.install()
    app = create_application()
    _install_exit_when_shown(app)
    from .. import local_settings

    target = ensure_demo_database() if demo else local_settings.database_target(db_target)
    try:
        target = _open_or_follow(target)
    except DatabaseOpenError as exc:
        prompts.error(None, translate("app", "No se pudo abrir la base de datos"), str(exc))
        return 1
    if not target:
        return 1
    from .admin import backup_actions

    backup_actions.sweep_leftovers()  # temporary files a killed run left behind
    # quick_check (+ how to restore) and the daily backup, off the GUI thread
    checks = backup_actions.startup_checks_in_background(None, delay_ms=STARTUP_CHECKS_DELAY_MS)
    from ..services import identity
    from ..services.access import session
    from .admin.login_flow import install_admin, start_session

    # keyring's backend is found while the password is typed, not at the first list
    QTimer.singleShot(KEY_STORE_DELAY_MS, identity.find_store_in_background)
    actor = start_session(None)  # first-start administrator set-up or login (first window)
    if actor is None:  # the person closed the login: quit cleanly
        checks.wait()
        close_db()
        return 0
    window = MainWindow(db_label=describe(target))
    install_admin(window, actor)  # Archivo entries, user in the status bar, screen lock
    window.apply_permissions(session.has)
    window.show()
    from .notify import area as notify_area

    notify_area.start_sender(window)  # WhatsApp notices (issue 18)
    try:
        return app.exec()
    finally:
        window.notify_sender.stop()  # the one running now (a restore starts a new one)
        checks.wait()
        backup_actions.exit_backup()
        close_db()
