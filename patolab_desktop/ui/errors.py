"""Crash handling: log with traceback to a rotating file, show one dialog, carry on."""
from __future__ import annotations

import logging
import sys
import threading
import traceback
from logging.handlers import RotatingFileHandler

from ..paths import log_dir

log = logging.getLogger("patolab")
_showing = False


def setup_logging() -> None:
    root = logging.getLogger()
    if any(isinstance(h, RotatingFileHandler) for h in root.handlers):
        return
    handler = RotatingFileHandler(
        log_dir() / "patolab.log", maxBytes=2_000_000, backupCount=5, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def _show_dialog(text: str) -> None:
    global _showing
    if _showing:
        return
    from PySide6.QtWidgets import QApplication

    from . import prompts

    if QApplication.instance() is None:
        return
    _showing = True
    try:
        prompts.error(
            QApplication.activeWindow(),
            "Error inesperado",
            "Ocurrió un error inesperado. No se guardó ningún cambio a medias.\n\n"
            f"{text}\n\nEl detalle quedó en el registro: {log_dir() / 'patolab.log'}",
        )
    finally:
        _showing = False


def handle_exception(exc_type, exc_value, exc_tb) -> None:
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc_value, exc_tb)
        return
    log.error("Unhandled exception:\n%s", "".join(traceback.format_exception(exc_type, exc_value, exc_tb)))
    from PySide6.QtCore import QThread, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    message = f"{exc_type.__name__}: {exc_value}"
    if app is not None and QThread.currentThread() is app.thread():
        _show_dialog(message)
    elif app is not None:
        QTimer.singleShot(0, app, lambda: _show_dialog(message))


def install() -> None:
    setup_logging()
    sys.excepthook = handle_exception
    threading.excepthook = lambda args: handle_exception(
        args.exc_type, args.exc_value, args.exc_traceback
    )
