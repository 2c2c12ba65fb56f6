"""Crash safety: an exception in a slot is logged, shown once, and the window reloads."""

from __future__ import annotations

import logging
import sys
import threading

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QPushButton

from patolab_desktop.ui import errors, prompts
from patolab_desktop.ui.main_window import MainWindow

from .test_customers_window import (
    _no_real_prompts,  # noqa: F401 (an autouse fixture)
    make_customer,
)

# pytest-qt normally captures exceptions raised in Qt slots; these tests need the real hook.
pytestmark = pytest.mark.qt_no_exception_capture


@pytest.fixture
def crash_handler(monkeypatch):
    """``errors.install()`` for one test; hooks and log handler restored afterwards."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    shown = []
    monkeypatch.setattr(prompts, "error", lambda parent, title, text: shown.append((title, text)))
    errors.install()
    yield shown
    errors.shutdown_logging()


def boom() -> None:
    raise RuntimeError("fallo de prueba en un slot")


def test_exception_in_a_slot_is_logged_and_shown_once(qtbot, database, crash_handler):
    assert sys.excepthook is errors.handle_exception
    button = QPushButton("Probar")
    qtbot.addWidget(button)
    button.clicked.connect(boom)
    button.click()  # PySide hands the exception to sys.excepthook; the app carries on
    assert len(crash_handler) == 1
    title, text = crash_handler[0]
    assert title == "Error inesperado"
    assert "RuntimeError: fallo de prueba en un slot" in text
    assert str(errors.log_file()) in text
    logged = errors.log_file().read_text(encoding="utf-8")
    assert "Traceback" in logged and "fallo de prueba en un slot" in logged
    assert "in boom" in logged  # the whole traceback, not just the message


def test_errors_while_the_dialog_is_open_do_not_stack_dialogs(
    qtbot, database, monkeypatch, crash_handler
):
    calls = []

    def error_box(parent, title, text):
        calls.append(text)
        # another failure while the box is open (e.g. a repaint that fails again)
        errors.handle_exception(ValueError, ValueError("segundo"), None)

    monkeypatch.setattr(prompts, "error", error_box)
    button = QPushButton()
    qtbot.addWidget(button)
    button.clicked.connect(boom)
    button.click()
    assert len(calls) == 1
    assert "segundo" in errors.log_file().read_text(encoding="utf-8")  # logged, not shown


def test_after_the_dialog_the_window_reloads_from_the_database(qtbot, database, crash_handler):
    main = MainWindow()
    qtbot.addWidget(main)
    main.show()
    tab = main.tab("customers")
    assert tab.model.rowCount() == 0
    make_customer("Ana", "Andino")  # in the database, not yet on screen
    button = QPushButton()
    qtbot.addWidget(button)
    button.clicked.connect(boom)
    button.click()
    assert len(crash_handler) == 1
    assert tab.model.rowCount() == 1 and tab.model.row_dict(0)["name"] == "Ana Andino"


def test_exception_in_a_thread_shows_the_dialog_on_the_gui_thread(
    qtbot, database, monkeypatch, crash_handler
):
    seen_threads = []
    original = errors._show_dialog

    def record(text):
        seen_threads.append(threading.current_thread() is threading.main_thread())
        original(text)

    monkeypatch.setattr(errors, "_show_dialog", record)
    worker = threading.Thread(target=boom)
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: len(crash_handler) == 1, timeout=3000)
    assert seen_threads == [True]
    assert "fallo de prueba" in errors.log_file().read_text(encoding="utf-8")


def test_exception_in_a_timer_callback_is_handled(qtbot, database, crash_handler):
    QTimer.singleShot(0, boom)
    qtbot.waitUntil(lambda: len(crash_handler) == 1, timeout=3000)


def test_logging_follows_the_log_folder(tmp_path, monkeypatch, crash_handler):
    first = errors.setup_logging()
    assert errors.setup_logging() is first  # idempotent
    monkeypatch.setenv("PATOLAB_HOME", str(tmp_path / "otro"))
    second = errors.setup_logging()
    assert second is not first
    assert second.baseFilename == str(errors.log_file())
    handlers = [h for h in logging.getLogger().handlers if getattr(h, "_patolab", False)]
    assert handlers == [second]
