"""A visible confirmation after each save (issue 16): a message in the main window's
status bar, found from any widget or dialog of that window."""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow, QWidget

SHOWN_MS = 8000


def main_window_of(widget: QWidget | None) -> QMainWindow | None:
    while widget is not None:
        if isinstance(widget, QMainWindow):
            return widget
        widget = widget.parentWidget()
    return None


def confirm_saved(widget: QWidget | None, text: str) -> bool:
    """Show ``text`` in the status bar of ``widget``'s main window; False when there is
    none (a dialog opened on its own: its own label says it)."""
    window = main_window_of(widget)
    if window is None:
        return False
    window.statusBar().showMessage("✔ " + text, SHOWN_MS)
    return True
