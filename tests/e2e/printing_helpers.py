"""Reading printed output back: PDF text (pypdf), page sizes, and barcodes (zbar)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from pypdf import PdfReader

from tests.tools import pdftoppm, zbar_decode

MM_PER_POINT = 25.4 / 72


def pdf_text(path) -> str:
    """All the text of a PDF, whitespace collapsed to single spaces."""
    reader = PdfReader(str(path))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def page_texts(path) -> list[str]:
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(str(path)).pages]


def page_sizes_mm(path) -> list[tuple[int, int]]:
    """Page sizes in whole millimetres (A4 is 210 × 297, Letter 216 × 279)."""
    return [
        (
            round(float(page.mediabox.width) * MM_PER_POINT),
            round(float(page.mediabox.height) * MM_PER_POINT),
        )
        for page in PdfReader(str(path)).pages
    ]


def render_pages(pdf, out_dir, dpi: int = 300) -> list[Path]:
    """PNG pages of ``pdf`` made by poppler's pdftoppm."""
    out_dir = Path(out_dir)
    prefix = out_dir / Path(pdf).stem
    subprocess.run([pdftoppm(), "-png", "-r", str(dpi), str(pdf), str(prefix)], check=True)
    return sorted(out_dir.glob(f"{Path(pdf).stem}*.png"))


def decode_image(image) -> list[tuple[str, str]]:
    """(symbology, text) of every barcode zbar finds in a QImage (or an image file)."""
    from PySide6.QtGui import QImage

    decode = zbar_decode()

    if not isinstance(image, QImage):
        image = QImage(str(image))
    assert not image.isNull(), "the image could not be read"
    gray = image.convertToFormat(QImage.Format.Format_Grayscale8)
    stride, width, height = gray.bytesPerLine(), gray.width(), gray.height()
    raw = bytes(gray.constBits())
    pixels = b"".join(raw[row * stride : row * stride + width] for row in range(height))
    return [(found.type, found.data.decode("ascii")) for found in decode((pixels, width, height))]
