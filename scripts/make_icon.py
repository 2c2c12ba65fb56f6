"""Draw the PatoLab Desktop application icon with QPainter.

Writes ``resources/icons/patolab.png`` (256 px) and ``resources/icons/patolab.ico`` with
the sizes Windows asks for (16 to 256 px). The ICO keeps every size as a PNG image
(supported by Windows Vista and later), written here in a few lines: no Pillow needed.

Run: ``QT_QPA_PLATFORM=offscreen python scripts/make_icon.py`` (``make icon``).
The generated files are committed; the installer spec only reads them.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ICON_DIR = ROOT / "resources" / "icons"
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)

BACKGROUND_TOP = "#1565c0"
BACKGROUND_BOTTOM = "#0d47a1"
GLASS = "#ffffff"
LIQUID = "#ef5350"


def render(size: int):
    """The icon at ``size`` x ``size`` pixels (QImage, transparent corners)."""
    from PySide6.QtCore import QPointF, QRectF, Qt
    from PySide6.QtGui import QBrush, QColor, QImage, QLinearGradient, QPainter, QPainterPath, QPen

    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.scale(size / 256.0, size / 256.0)  # draw on a 256 x 256 canvas

    # Rounded square background with a soft vertical gradient.
    gradient = QLinearGradient(QPointF(0, 0), QPointF(0, 256))
    gradient.setColorAt(0.0, QColor(BACKGROUND_TOP))
    gradient.setColorAt(1.0, QColor(BACKGROUND_BOTTOM))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QBrush(gradient))
    painter.drawRoundedRect(QRectF(8, 8, 240, 240), 52, 52)

    # A test tube, tilted, half filled: the lab's front desk in one glance.
    painter.translate(128, 128)
    painter.rotate(-30)
    tube = QPainterPath()
    tube.moveTo(-30, -96)
    tube.lineTo(-30, 58)
    tube.arcTo(QRectF(-30, 28, 60, 60), 180, 180)
    tube.lineTo(30, -96)
    liquid = QPainterPath()
    liquid.moveTo(-30, 4)
    liquid.lineTo(-30, 58)
    liquid.arcTo(QRectF(-30, 28, 60, 60), 180, 180)
    liquid.lineTo(30, 4)
    liquid.closeSubpath()
    painter.setBrush(QColor(255, 255, 255, 70))
    painter.drawPath(tube)
    painter.setBrush(QColor(LIQUID))
    painter.drawPath(liquid)
    outline = QPen(QColor(GLASS), 16 if size >= 32 else 22)
    outline.setCapStyle(Qt.PenCapStyle.RoundCap)
    outline.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(outline)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawPath(tube)
    painter.drawLine(QPointF(-46, -96), QPointF(46, -96))  # the rim
    if size >= 32:  # graduation marks only where they can be seen
        painter.setPen(QPen(QColor(GLASS), 8, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        for y in (-60, -32):
            painter.drawLine(QPointF(4, y), QPointF(30, y))
    painter.end()
    return image


def png_bytes(image) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise RuntimeError("Qt could not encode the icon as PNG")
    buffer.close()
    return bytes(data.data())


def ico_bytes(images: dict[int, bytes]) -> bytes:
    """An ICO file holding one PNG image per size (ICONDIR + ICONDIRENTRY + data)."""
    sizes = sorted(images)
    header = struct.pack("<HHH", 0, 1, len(sizes))  # reserved, type 1 = icon, count
    offset = len(header) + 16 * len(sizes)
    entries, blobs = b"", b""
    for size in sizes:
        blob = images[size]
        dim = 0 if size >= 256 else size  # 0 means 256 in the directory entry
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(blob), offset)
        blobs += blob
        offset += len(blob)
    return header + entries + blobs


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 (fonts, pixmaps)
    ICON_DIR.mkdir(parents=True, exist_ok=True)
    images = {size: png_bytes(render(size)) for size in ICO_SIZES}
    (ICON_DIR / "patolab.png").write_bytes(images[256])
    (ICON_DIR / "patolab.ico").write_bytes(ico_bytes(images))
    sizes = ", ".join(map(str, ICO_SIZES))
    print(f"{ICON_DIR / 'patolab.png'}\n{ICON_DIR / 'patolab.ico'} ({sizes} px)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
