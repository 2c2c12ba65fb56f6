"""Blocks that several documents draw alike."""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen

from .canvas import STAMP, STAMP_FILL, Canvas, font
from .flow import Flow


def notice_box(
    flow: Flow,
    heading: str,
    text: str,
    heading_font: QFont,
    text_font: QFont,
    pad_mm: float,
    gap_mm: float,
    fill: QColor = STAMP_FILL,
    border: QColor = STAMP,
    border_pt: float = 1.2,
    heading_color: QColor = STAMP,
    wrap_heading: bool = False,
) -> None:
    """A framed box across the flow: ``heading`` (one line unless ``wrap_heading``), and
    ``text`` wrapped under it; red by default (a voided document, a cancelled request)."""
    canvas = flow.canvas
    pad = canvas.mm(pad_mm)
    inner = flow.width - 2 * pad
    heading_height = (
        canvas.wrapped_height(heading, heading_font, inner)
        if wrap_heading
        else canvas.line_height(heading_font)
    )
    height = heading_height + canvas.mm(gap_mm) + canvas.wrapped_height(text, text_font, inner)
    height += 2 * pad
    flow.ensure(height)
    flow.box(QRectF(0, flow.y, flow.width, height), fill=fill, border=border, width_pt=border_pt)
    y = flow.y + pad
    y += flow.text(pad, y, inner, heading, heading_font, wrap=wrap_heading, color=heading_color)
    y += canvas.mm(gap_mm)
    flow.text(pad, y, inner, text, text_font, wrap=True)
    flow.y += height


def paint_diagonal_stamp(canvas: Canvas, text: str, fit_width: bool = True) -> None:
    """A large diagonal red ``text`` across the middle of the page. With ``fit_width`` it
    shrinks until it fits the page's width and repeats down a long (roll) page."""
    painter = canvas.painter
    angle = 32.0
    radians = math.radians(angle)
    stamp_font = font(66, bold=True)
    stamp_font.setLetterSpacing(QFont.SpacingType.PercentageSpacing, 108)
    text_width = canvas.text_width(text, stamp_font) + canvas.mm(14)
    text_height = canvas.line_height(stamp_font) + canvas.mm(6)
    # shrink until the rotated box fits the page width (the roll is narrow)
    span = text_width * math.cos(radians) + text_height * math.sin(radians)
    scale = min(1.0, canvas.width * 0.92 / span) if fit_width else 1.0
    if scale < 1.0:
        stamp_font.setPointSizeF(66 * scale)
        text_width = canvas.text_width(text, stamp_font) + canvas.mm(14) * scale
        text_height = canvas.line_height(stamp_font) + canvas.mm(6) * scale
    tall = text_width * math.sin(radians) + text_height * math.cos(radians)
    count = max(1, int(canvas.height // (tall * 1.6))) if scale < 1.0 else 1
    color = QColor(STAMP)
    color.setAlpha(70)
    for index in range(count):
        centre_y = canvas.height * (index + 0.5) / count
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.translate(QPointF(canvas.width / 2, centre_y))
        painter.rotate(-angle)
        pen = QPen(color)
        pen.setWidthF(canvas.mm(2.2) * scale)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        rect = QRectF(-text_width / 2, -text_height / 2, text_width, text_height)
        painter.drawRoundedRect(rect, canvas.mm(3) * scale, canvas.mm(3) * scale)
        painter.setFont(stamp_font)
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), text)
        painter.restore()
