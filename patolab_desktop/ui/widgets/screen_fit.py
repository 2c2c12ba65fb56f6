"""A window's first size, within the screen it opens on.

The front desk often has a 1024 × 768 screen: a window asked for at 1080 or 1200 pixels
opened with its right edge (the «Cerrar» button, the last column) off the screen, and
Windows does not move it back."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

# room left around the window: its frame at the sides, the title bar and the taskbar
SIDE_MARGIN, TOP_MARGIN = 24, 40


def fit_to_screen(widget: QWidget, width: int, height: int) -> None:
    """``widget.resize(width, height)``, or to the free area of its screen when that is
    smaller."""
    screen = widget.screen()
    if screen is not None:
        free = screen.availableGeometry()
        width = min(width, free.width() - SIDE_MARGIN)
        height = min(height, free.height() - TOP_MARGIN)
    widget.resize(width, height)
