"""Rendering a laid-out document: into a PDF file (rendered in memory, then written
atomically), or onto a scratch canvas to measure it first (a receipt roll's length follows
its content)."""

from __future__ import annotations

import contextlib
import functools
import math
import os
import sys
from collections.abc import Callable, Iterator
from typing import ParamSpec, TypeVar

from PySide6.QtCore import QBuffer, QCoreApplication, QIODevice
from PySide6.QtGui import (
    QGuiApplication,
    QImage,
    QPagedPaintDevice,
    QPageLayout,
    QPainter,
    QPdfWriter,
)

from ..i18n import translate
from ..util import files
from .canvas import Canvas
from .paper import (
    ROLL_CONTENT_MM,
    ROLL_END_MM,
    ROLL_SLACK_MM,
    ROLL_WIDTH_MM,
    document_layout,
    roll_layout,
)

P = ParamSpec("P")
R = TypeVar("R")


def keep_none_alive(func: Callable[P, R]) -> Callable[P, R]:
    """Work around PySide6 6.12.0 on Python < 3.12 dropping a reference to ``None`` on every
    Qt call that returns nothing (upstream PYSIDE-3474): a printed page makes thousands of
    such calls, and once ``None``'s count reaches zero the interpreter aborts with
    "none_dealloc". The deficit a render leaves behind is given back at the end; an extra
    reference to ``None`` is harmless. Nothing happens on Python 3.12+ (``None`` is immortal).
    """
    if sys.version_info >= (3, 12):
        return func

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        before = sys.getrefcount(None)
        try:
            return func(*args, **kwargs)
        finally:
            deficit = before - sys.getrefcount(None)
            if deficit > 0:
                import ctypes

                ctypes.c_ssize_t.from_address(id(None)).value += deficit

    return wrapper


def ensure_gui_application() -> QCoreApplication:
    """A QGuiApplication for fonts and painting (offscreen when there is no display)."""
    app = QGuiApplication.instance()
    if app is not None:
        return app
    if (
        sys.platform.startswith("linux")
        and not os.environ.get("QT_QPA_PLATFORM")
        and not os.environ.get("DISPLAY")
        and not os.environ.get("WAYLAND_DISPLAY")
    ):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    return QGuiApplication(sys.argv[:1] or ["patolab"])


@contextlib.contextmanager
def measuring_canvas(width_mm: float, dpi: int = 1200) -> Iterator[Canvas]:
    """A Canvas ``width_mm`` wide on a scratch image at ``dpi``, to measure a layout before
    its page exists (a receipt roll's length follows its content). Nothing is kept."""
    ensure_gui_application()
    image = QImage(8, 8, QImage.Format.Format_ARGB32)
    dots_per_metre = round(dpi / 0.0254)
    image.setDotsPerMeterX(dots_per_metre)
    image.setDotsPerMeterY(dots_per_metre)
    painter = QPainter(image)
    try:
        yield Canvas(painter, width=width_mm * dpi / 25.4, height=1e9)
    finally:
        painter.end()


@keep_none_alive
def roll_length_mm(content_height: Callable[[Canvas], float]) -> float:
    """Whole millimetres of roll for a content ``content_height(canvas)`` device units tall
    (laid out on a measuring canvas as wide as the roll's printable width), plus margins."""
    with measuring_canvas(ROLL_CONTENT_MM) as canvas:
        content_mm = content_height(canvas) * 25.4 / canvas.dpi
    return float(math.ceil(content_mm + 2 * ROLL_END_MM + ROLL_SLACK_MM))


def fitted_roll_layout(content_height: Callable[[Canvas], float]) -> QPageLayout:
    """The 80 mm roll page as long as the content (see ``roll_length_mm``)."""
    return roll_layout(ROLL_WIDTH_MM, roll_length_mm(content_height))


PDF_RESOLUTION = 1200


@keep_none_alive
def write_pdf(
    path: str | os.PathLike[str],
    page_layout: QPageLayout,
    paint: Callable[[QPainter, QPagedPaintDevice], int],
    title: str = "",
) -> int:
    """Render with ``paint(painter, writer)`` into ``path``; returns the page count.

    Rendered in memory, then written like every other file (a temporary file beside the
    target, flushed, fsynced, renamed): QPdfWriter says nothing when its own writes fail
    (``QPainter.end()`` is True on a full disk), so it never writes the file itself. A
    full disk is ``DiskFull`` and the previous file, if any, stays as it was.
    """
    from ..services.safety import outputs

    ensure_gui_application()
    # Refuses a database, a backup or a folder as target; writes beside it, then renames.
    with outputs.atomic_path(path) as tmp:
        pages, data = _render(page_layout, paint, title, path)
        # readable by its owner only, like every file this program writes (a summary or
        # a factura carries a patient's data; the PDFs were readable by every account)
        files.write_private_bytes(tmp, data)
    return pages


def _render(
    page_layout: QPageLayout,
    paint: Callable[[QPainter, QPagedPaintDevice], int],
    title: str,
    path: str | os.PathLike[str],
) -> tuple[int, bytes]:
    """The page count and the bytes of the whole PDF (ending with ``%%EOF``)."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(PDF_RESOLUTION)
    writer.setCreator("PatoLab Desktop")
    if title:
        writer.setTitle(title)
    writer.setPageLayout(page_layout)
    painter = QPainter()
    if not painter.begin(writer):
        del writer
        raise OSError(_cannot_write(path))
    try:
        pages = paint(painter, writer)
    finally:
        finished = painter.end()
        del writer
    data = bytes(buffer.data().data())
    buffer.close()
    if not finished or not data.rstrip().endswith(b"%%EOF"):
        raise OSError(_cannot_write(path))
    return pages, data


def write_document_pdf(
    path: str | os.PathLike[str],
    paint: Callable[[QPainter, QPagedPaintDevice, dict], int],
    data: dict,
    paper: str,
    title: str,
) -> int:
    """Save ``paint(painter, device, data)`` as a PDF on the sheet ``paper`` (Letter, A4…);
    returns the page count."""
    return write_pdf(path, document_layout(paper), lambda p, d: paint(p, d, data), title=title)


def _cannot_write(path: str | os.PathLike[str]) -> str:
    return translate("printing.layout", "No se pudo escribir el PDF: {target}").format(target=path)
