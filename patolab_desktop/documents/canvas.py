"""Colours, fonts and the Canvas: unit conversion, text measurement and immediate drawing
for one painter on one device.

Everything is measured in device units of the paint device (1200 dpi for QPdfWriter, the
printer's resolution for QPrinter, the image's dots-per-metre for QImage), converted from
millimetres and points, so the same code draws PDF, preview and paper identically.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QImageReader, QPainter, QPen

FONT_FAMILIES = ["Arial", "Helvetica", "Liberation Sans", "Nimbus Sans", "DejaVu Sans"]
INK = QColor("#1a1a1a")
MUTED = QColor("#555555")
RULE = QColor("#9e9e9e")
SHADE = QColor("#eeeeee")
ACCENT = QColor("#1f4e79")
STAMP = QColor(198, 40, 40)
STAMP_FILL = QColor(253, 236, 234)  # the pale red behind a voided or short notice

LEFT = Qt.AlignmentFlag.AlignLeft
RIGHT = Qt.AlignmentFlag.AlignRight
CENTER = Qt.AlignmentFlag.AlignHCenter


def font(size_pt: float, bold: bool = False, italic: bool = False) -> QFont:
    result = QFont()
    result.setFamilies(FONT_FAMILIES)
    result.setPointSizeF(size_pt)
    result.setBold(bold)
    result.setItalic(italic)
    result.setStyleHint(QFont.StyleHint.SansSerif)
    result.setKerning(True)
    # no "fi"/"fl" ligatures: the PDF text must copy and search as typed ("Perfil")
    for tag in ("liga", "clig", "dlig"):
        result.setFeature(QFont.Tag(tag), 0)
    return result


class Canvas:
    """Unit conversion and text measurement for one painter on one device."""

    def __init__(
        self, painter: QPainter, width: float | None = None, height: float | None = None
    ) -> None:
        self.painter = painter
        device = painter.device()
        self.device = device
        self.dpi = float(device.logicalDpiX())
        self.width = float(width if width is not None else device.width())
        self.height = float(height if height is not None else device.height())

    def mm(self, value: float) -> float:
        return value * self.dpi / 25.4

    def pt(self, value: float) -> float:
        return value * self.dpi / 72.0

    def metrics(self, fnt: QFont) -> QFontMetricsF:
        return QFontMetricsF(fnt, self.device)

    def line_height(self, fnt: QFont) -> float:
        return self.metrics(fnt).height()

    def text_width(self, text: str, fnt: QFont) -> float:
        return self.metrics(fnt).horizontalAdvance(text)

    def wrapped_height(self, text: str, fnt: QFont, width: float) -> float:
        if not text:
            return self.line_height(fnt)
        rect = self.metrics(fnt).boundingRect(
            QRectF(0, 0, max(width, 1.0), 1e9),
            int(Qt.TextFlag.TextWordWrap) | int(Qt.AlignmentFlag.AlignLeft),
            text,
        )
        return max(rect.height(), self.line_height(fnt))

    def elide(
        self,
        text: str,
        fnt: QFont,
        width: float,
        mode: Qt.TextElideMode = Qt.TextElideMode.ElideRight,
    ) -> str:
        return self.metrics(fnt).elidedText(text, mode, max(width, 1.0))

    def fit_font(self, text: str, fnt: QFont, width: float, min_pt: float = 5.0) -> QFont:
        """The largest size not above ``fnt``'s that fits ``text`` on one line of ``width``."""
        result = QFont(fnt)
        size = result.pointSizeF()
        while size > min_pt and self.text_width(text, result) > width:
            size -= 0.25
            result.setPointSizeF(size)
        return result

    # --- immediate drawing ---------------------------------------------------------------
    def draw_text(
        self,
        rect: QRectF,
        text: str,
        fnt: QFont,
        align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft,
        wrap: bool = False,
        color: QColor = INK,
    ) -> None:
        flags = int(align)
        if not flags & int(Qt.AlignmentFlag.AlignVertical_Mask):
            flags |= int(Qt.AlignmentFlag.AlignTop)
        if wrap:
            flags |= int(Qt.TextFlag.TextWordWrap)
        self.painter.save()
        self.painter.setFont(fnt)
        self.painter.setPen(color)
        self.painter.drawText(rect, flags, text)
        self.painter.restore()

    def hline(
        self, x1: float, x2: float, y: float, width_pt: float = 0.5, color: QColor = RULE
    ) -> None:
        self.painter.save()
        pen = QPen(color)
        pen.setWidthF(self.pt(width_pt))
        self.painter.setPen(pen)
        self.painter.drawLine(QPointF(x1, y), QPointF(x2, y))
        self.painter.restore()

    def box(
        self,
        rect: QRectF,
        fill: QColor | None = None,
        border: QColor | None = RULE,
        width_pt: float = 0.5,
    ) -> None:
        self.painter.save()
        if border is None:
            self.painter.setPen(Qt.PenStyle.NoPen)
        else:
            pen = QPen(border)
            pen.setWidthF(self.pt(width_pt))
            self.painter.setPen(pen)
        self.painter.setBrush(fill if fill is not None else Qt.BrushStyle.NoBrush)
        self.painter.drawRect(rect)
        self.painter.restore()


def load_logo(path: str) -> QImage | None:
    """The logo as a QImage, or None when there is none or it cannot be read."""
    if not path:
        return None
    reader = QImageReader(path)
    reader.setAutoTransform(True)
    image = reader.read()
    return None if image.isNull() else image
