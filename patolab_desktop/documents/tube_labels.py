"""Tube labels: Code 128 of the request number plus minimal patient data.

One label per page of the label's own size (default 50 × 25 mm), as label printers
expect; ``copies`` of each label one after the other. ``paint_label`` draws a single
label into any rect, so a test can render it to a QImage and read the barcode back.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPagedPaintDevice, QPainter

from ..i18n import translate
from ..services.texts import service_label
from .barcode import BarcodeError, paint_code128
from .layout import INK, Canvas, font, keep_none_alive, label_layout, write_pdf

LEFT = Qt.AlignmentFlag.AlignLeft
RIGHT = Qt.AlignmentFlag.AlignRight
CENTER = Qt.AlignmentFlag.AlignHCenter
_AGE = re.compile(r"^(\d+) a(?= · |$)")  # "68 a · Mujer" from services.reports.label_data


def age_sex_text(label: dict) -> str:
    """«68 a · Mujer» with the age abbreviation of the active language (the sex is data)."""
    text = label.get("age_sex") or ""
    match = _AGE.match(text)
    if not match:
        return text
    age = translate("printing.tube_labels", "{age} a").format(age=match.group(1))
    return age + text[match.end() :]


def sample_text(label: dict) -> str:
    """The sample type, with the priority when it is not routine («Suero · URGENTE»)."""
    sample = label.get("sample_type") or translate("printing.tube_labels", "Muestra")
    if not label.get("priority") or label["priority"] == "routine":
        return sample
    priority = service_label(label.get("priority_label") or "").split(" ")[0].upper()
    return f"{sample} · {priority}" if priority else sample


@keep_none_alive
def paint_label(painter: QPainter, rect: QRectF, label: dict, canvas: Canvas | None = None) -> None:
    """Draw one label (see ``services.reports.label_data``) filling ``rect``."""
    canvas = canvas or Canvas(painter, rect.width(), rect.height())
    mm = canvas.mm
    side = min(mm(1.5), rect.width() * 0.04)
    top_pad = min(mm(1.0), rect.height() * 0.04)
    inner = QRectF(
        rect.left() + side,
        rect.top() + top_pad,
        rect.width() - 2 * side,
        rect.height() - 2 * top_pad,
    )
    scale = max(min(rect.height() / mm(25), 1.6), 0.8)  # bigger labels get bigger text

    name_font = canvas.fit_font(
        label.get("patient_name") or "",
        font(7.5 * scale, bold=True),
        inner.width(),
        min_pt=6 * scale,
    )
    info_font = font(6.5 * scale)
    number_font = font(7.5 * scale, bold=True)
    sample_font = font(7 * scale, bold=True)
    codes_font = font(6 * scale)

    name_h = canvas.line_height(name_font)
    info_h = canvas.line_height(info_font)
    number_h = canvas.line_height(number_font)
    sample_h = canvas.line_height(sample_font)
    barcode_h = max(inner.height() - name_h - info_h - number_h - sample_h - mm(0.6), mm(5))

    y = inner.top()
    name = canvas.elide(label.get("patient_name") or "", name_font, inner.width())
    canvas.draw_text(QRectF(inner.left(), y, inner.width(), name_h), name, name_font)
    y += name_h
    half = inner.width() / 2
    canvas.draw_text(
        QRectF(inner.left(), y, half + mm(4), info_h),
        canvas.elide(age_sex_text(label), info_font, half + mm(4)),
        info_font,
    )
    canvas.draw_text(
        QRectF(inner.left() + half, y, half, info_h),
        label.get("date") or "",
        info_font,
        align=RIGHT,
    )
    y += info_h + mm(0.3)

    number = label.get("request_number") or ""
    # bars may use the whole label width: the label's blank edges complete the quiet zone
    bars_rect = QRectF(rect.left() + mm(0.5), y, rect.width() - mm(1.0), barcode_h)
    try:
        paint_code128(painter, bars_rect, number)
    except BarcodeError:
        canvas.draw_text(
            bars_rect,
            translate("printing.tube_labels", "(código de barras no disponible)"),
            info_font,
            align=CENTER | Qt.AlignmentFlag.AlignVCenter,
        )
    y += barcode_h
    canvas.draw_text(
        QRectF(inner.left(), y, inner.width(), number_h), number, number_font, align=CENTER
    )
    y += number_h + mm(0.3)

    codes = " ".join(label.get("codes") or [])
    sample = sample_text(label)
    sample_width = canvas.text_width(sample, sample_font)
    sample_width = min(sample_width, inner.width() * (0.62 if codes else 1.0))
    canvas.draw_text(
        QRectF(inner.left(), y, sample_width + 1, sample_h),
        canvas.elide(sample, sample_font, sample_width + 1),
        sample_font,
    )
    if codes:
        codes_width = inner.width() - sample_width - mm(1.5)
        if codes_width > mm(4):
            codes_h = canvas.line_height(codes_font)
            canvas.draw_text(
                QRectF(inner.right() - codes_width, y + (sample_h - codes_h), codes_width, codes_h),
                canvas.elide(codes, codes_font, codes_width),
                codes_font,
                align=RIGHT,
                color=INK,
            )


@keep_none_alive
def paint_labels(
    painter: QPainter, device: QPagedPaintDevice, labels: list[dict], copies: int = 1
) -> int:
    """Each label ``copies`` times, one per page of the label's size; returns the page count."""
    canvas = Canvas(painter)
    rect = QRectF(0, 0, canvas.width, canvas.height)
    pages = 0
    for label in labels:
        for _copy in range(max(int(copies), 1)):
            if pages:
                device.newPage()
            paint_label(painter, rect, label, canvas)
            pages += 1
    return pages


def write_labels_pdf(
    path, labels: list[dict], width_mm: float = 50, height_mm: float = 25, copies: int = 1
) -> int:
    """Save the labels as a PDF whose every page is one label; returns the page count."""
    if not labels:
        raise ValueError(translate("printing.tube_labels", "No hay etiquetas que imprimir."))
    title = translate("printing.tube_labels", "Etiquetas {request_number}").format(
        request_number=labels[0].get("request_number", "")
    )
    return write_pdf(
        path,
        label_layout(width_mm, height_mm),
        lambda p, d: paint_labels(p, d, labels, copies),
        title=title,
    )
