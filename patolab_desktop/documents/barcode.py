"""Code 128 drawn as vector rectangles with QPainter (crisp in PDF, preview and print).

python-barcode only *encodes* the text (start code, code-set switches, checksum, stop);
the bars are painted here, one rectangle per run of dark modules, with the module width
snapped to whole device dots when the device is coarse (label printers at 203/300 dpi),
so every bar of the same width prints with the same number of dots.
"""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter

from ..i18n import translate

QUIET_MODULES = 10  # quiet zone each side required by Code 128


class BarcodeError(ValueError):
    """The text cannot be encoded in Code 128."""


@lru_cache(maxsize=256)
def code128_modules(text: str) -> str:
    """The module pattern of ``text`` ('1' dark, '0' light) without quiet zones."""
    if not text:
        raise BarcodeError(translate("printing.barcode", "No hay texto para el código de barras."))
    try:
        from barcode import Code128
        from barcode.errors import BarcodeError as _LibError
    except ImportError as exc:  # pragma: no cover - dependency declared in pyproject
        raise BarcodeError(
            translate("printing.barcode", "Falta la biblioteca python-barcode.")
        ) from exc
    try:
        pattern = Code128(text).build()[0]
    except (_LibError, KeyError, ValueError) as exc:
        raise BarcodeError(
            translate("printing.barcode", "No se puede codificar «{text}» en Code 128.").format(
                text=text
            )
        ) from exc
    if not pattern or set(pattern) - {"0", "1"}:
        raise BarcodeError(
            translate("printing.barcode", "No se puede codificar «{text}» en Code 128.").format(
                text=text
            )
        )
    return pattern


def runs(pattern: str) -> list[tuple[int, int]]:
    """(first module, length) of every dark bar."""
    bars: list[tuple[int, int]] = []
    start = None
    for index, module in enumerate(pattern + "0"):
        if module == "1" and start is None:
            start = index
        elif module != "1" and start is not None:
            bars.append((start, index - start))
            start = None
    return bars


def total_modules(text: str, quiet: bool = True) -> int:
    return len(code128_modules(text)) + (2 * QUIET_MODULES if quiet else 0)


def paint_code128(
    painter: QPainter, rect: QRectF, text: str, quiet: bool = True, color: QColor | None = None
) -> QRectF:
    """Draw the barcode of ``text`` centred in ``rect`` (device units); returns the bars' rect.

    The module width is ``rect.width() / modules`` (quiet zones included). When a module
    spans fewer than 8 device dots it is rounded to whole dots, so every bar of the same
    width prints with the same number of dots (a 50 mm label at 203 dpi gets 2-dot
    modules instead of uneven 1.9-dot ones); the quiet zones then take what is left.
    Raises ``BarcodeError`` when the text cannot be encoded or the rect is too narrow
    for one dot per module.
    """
    pattern = code128_modules(text)
    modules = len(pattern) + (2 * QUIET_MODULES if quiet else 0)
    module = rect.width() / modules
    if module < 8.0:
        module = float(round(module))
        if module * len(pattern) > rect.width():
            module -= 1.0
    if module < 1.0:
        raise BarcodeError(
            translate(
                "printing.barcode", "El espacio es demasiado estrecho para el código de barras."
            )
        )
    bars_width = module * len(pattern)
    left = rect.left() + (rect.width() - bars_width) / 2.0
    if module == int(module):
        left = float(round(left))
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color or QColor(0, 0, 0))
    for first, length in runs(pattern):
        painter.drawRect(QRectF(left + first * module, rect.top(), length * module, rect.height()))
    painter.restore()
    return QRectF(left, rect.top(), bars_width, rect.height())
