"""Crash handling: log with traceback to a rotating file, show one dialog, carry on.

``install()`` sets ``sys.excepthook`` and ``threading.excepthook``. An exception that
escapes a Qt slot (PySide routes those through ``sys.excepthook``) or any thread is
written with its traceback to ``<log dir>/patolab.log`` (rotating), one dialog is shown on
the GUI thread (never a cascade of dialogs), and every top-level window that defines
``reload_from_database()`` re-reads what it shows, so the screen matches what was saved.
Services save inside transactions, so an error half-way leaves nothing half-saved.

A lost connection to the database server (``ConnectionLost``: the server restarted, the
network dropped) is no crash: it gets its own message, what to do, and no reload (the
action saved nothing, and the next one connects again). Neither is a database that
refused the change (locked by another program, its disk full, read-only): the message
says which and what to do, in Spanish; the driver's words go to the log only.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path

from ..i18n import translate
from ..paths import log_dir
from ..services.errors import ConnectionLost, database_refusal

log = logging.getLogger("patolab")
LOG_FILE_NAME = "patolab.log"
_showing = False


def log_file() -> Path:
    return log_dir() / LOG_FILE_NAME


class PrivateRotatingFileHandler(RotatingFileHandler):
    """Every log file (the current one and each rotated one) is created 0600 on POSIX."""

    def _open(self):
        from ..util import files

        files.create_private_file(self.baseFilename)
        return super()._open()


def setup_logging() -> RotatingFileHandler:
    """Log to the rotating file of the current log folder (idempotent)."""
    root = logging.getLogger()
    target = str(log_file())
    for handler in list(root.handlers):
        if getattr(handler, "_patolab", False):
            if handler.baseFilename == target:
                return handler
            root.removeHandler(handler)  # the log folder changed (another profile/test)
            handler.close()
    handler = PrivateRotatingFileHandler(
        target, maxBytes=2_000_000, backupCount=5, encoding="utf-8"
    )
    handler._patolab = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    # peewee logs SQL with its parameters at DEBUG (id numbers, clinical text): keep it quiet
    logging.getLogger("peewee").setLevel(logging.INFO)
    return handler


def shutdown_logging() -> None:
    """Remove and close the file handler added by ``setup_logging`` (tests, exit)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_patolab", False):
            root.removeHandler(handler)
            handler.close()


def _reload_windows() -> None:
    """Let every open window re-read its data from the database after an error."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        return
    for widget in app.topLevelWidgets():
        reload = getattr(widget, "reload_from_database", None)
        if reload is None:
            continue
        try:
            reload()
        except Exception:  # noqa: BLE001 - a failing reload must not start another crash loop
            log.exception("Reloading %s after an error failed", type(widget).__name__)


def _show_dialog(text: str) -> None:
    _show_once(
        translate("errors", "Error inesperado"),
        translate(
            "errors",
            "Ocurrió un error inesperado. No se guardó ningún cambio a medias; la pantalla se "
            "volverá a cargar desde la base de datos.\n\n{text}\n\nEl detalle quedó en el "
            "registro: {log_file}",
        ).format(text=text, log_file=log_file()),
        reload=True,
    )


def _show_connection_lost(text: str) -> None:
    """``text`` is ConnectionLost's message (what happened and what to do)."""
    _show_once(translate("errors", "Sin conexión con la base de datos"), text, reload=False)


def _show_refusal(text: str) -> None:
    """``text`` is ``database_refusal``'s message (what happened and what to do)."""
    _show_once(
        translate("errors", "La base de datos no aceptó la operación"),
        translate(
            "errors", "No se guardó nada: {text}\n\nEl detalle quedó en el registro: {log_file}"
        ).format(text=text, log_file=log_file()),
        reload=False,
    )


def _show_once(title: str, text: str, reload: bool) -> None:
    global _showing
    if _showing:
        return  # one dialog at a time: errors raised while it is open are only logged
    from PySide6.QtWidgets import QApplication

    from . import prompts

    if QApplication.instance() is None:
        return
    _showing = True
    try:
        prompts.error(QApplication.activeWindow(), title, text)
        if reload:
            _reload_windows()
    finally:
        _showing = False


def handle_exception(exc_type, exc_value, exc_tb) -> None:
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc_value, exc_tb)
        return
    trace = "".join(traceback.format_exception(exc_type, exc_value, exc_tb))
    refused = None if issubclass(exc_type, ConnectionLost) else database_refusal(exc_value)
    if issubclass(exc_type, ConnectionLost):
        log.warning("Lost the connection to the database server:\n%s", trace)
        show, message = _show_connection_lost, str(exc_value)
    elif refused is not None:
        log.warning("The database refused:\n%s", trace)
        show, message = _show_refusal, refused
    else:
        log.error("Unhandled exception:\n%s", trace)
        show, message = _show_dialog, f"{exc_type.__name__}: {exc_value}"
    from PySide6.QtCore import QThread, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is not None and QThread.currentThread() is app.thread():
        show(message)
    elif app is not None:
        QTimer.singleShot(0, app, lambda: show(message))


def _thread_hook(args) -> None:
    if args.exc_type is SystemExit:
        return
    handle_exception(args.exc_type, args.exc_value, args.exc_traceback)


def install() -> None:
    setup_logging()
    sys.excepthook = handle_exception
    threading.excepthook = _thread_hook
