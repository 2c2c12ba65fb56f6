"""What frames a document's pages: the lab's header on the first page, the one-line
header of the pages after it, and the footer with «Página 1 de 3»."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPagedPaintDevice

from ..i18n import translate
from .canvas import ACCENT, CENTER, INK, LEFT, MUTED, RIGHT, Canvas, font, load_logo
from .flow import Flow


def paint_lab_header(
    flow: Flow,
    lab: dict[str, Any],
    right_width_mm: float,
    draw_right: Callable[[float, float, float], None],
    right_height: float,
) -> None:
    """Logo, lab name and contact lines on the left; ``draw_right(x, y, w)`` fills the right."""
    canvas = flow.canvas
    top = flow.y
    right_width = canvas.mm(right_width_mm)
    left = 0.0
    logo = load_logo(lab.get("logo_path", ""))
    logo_height = 0.0
    if logo is not None:
        max_w, max_h = canvas.mm(32), canvas.mm(20)
        scale = min(max_w / logo.width(), max_h / logo.height())
        width, height = logo.width() * scale, logo.height() * scale
        rect = QRectF(0, top, width, height)
        flow.add(lambda: canvas.painter.drawImage(rect, logo))
        left = width + canvas.mm(4)
        logo_height = height
    text_width = canvas.width - right_width - left - canvas.mm(4)
    y = top
    name_font = font(14, bold=True)
    small = font(8.5)
    y += flow.text(left, y, text_width, lab.get("name") or "", name_font, wrap=True, color=ACCENT)
    y += canvas.mm(0.8)
    lines = []
    if lab.get("address"):
        lines.append(lab["address"])
    parts = [
        part
        for part in (
            f"RTN {lab['rtn']}" if lab.get("rtn") else "",
            translate("printing.layout", "Tel. {phone}").format(phone=lab["phone"])
            if lab.get("phone")
            else "",
            lab.get("email") or "",
        )
        if part
    ]
    contact = "  ·  ".join(parts)
    if contact and canvas.text_width(contact, small) <= text_width:
        lines.append(contact)
    elif len(parts) == 3 and canvas.text_width("  ·  ".join(parts[:2]), small) <= text_width:
        lines += ["  ·  ".join(parts[:2]), parts[2]]  # never a dangling "·" at a line end
    else:
        lines += parts
    for line in lines:
        y += flow.text(left, y, text_width, line, small, wrap=True, color=MUTED)
    draw_right(canvas.width - right_width, top, right_width)
    flow.y = max(y, top + logo_height, top + right_height)


def paint_footer(
    canvas: Canvas,
    index: int,
    count: int,
    left_text: str,
    center_text: str = "",
    spanish: bool = False,
) -> None:
    """``spanish``: a document whose legends stay Spanish whatever the interface's
    language (a factura, a credit note, a cash close)."""
    small = font(8)
    height = canvas.line_height(small)
    y = canvas.height - height
    canvas.hline(0, canvas.width, y - canvas.mm(2), 0.5, MUTED)
    third = canvas.width / 3
    template = (
        "Página {v} de {count}"
        if spanish
        else translate("printing.layout", "Página {v} de {count}")
    )
    page = template.format(v=index + 1, count=count)
    # left, centre and right: (x and width in thirds of the page, text, alignment)
    for start, span, text, align in (
        (0.0, 1.6, canvas.elide(left_text, small, third * 1.6), LEFT),
        (1.6, 0.8, center_text, CENTER),
        (2.4, 0.6, page, RIGHT),
    ):
        if text:
            rect = QRectF(third * start, y, third * span, height)
            canvas.draw_text(rect, text, small, align=align, color=MUTED)


def paint_with_footer(
    flow: Flow,
    device: QPagedPaintDevice,
    left_text: str,
    center_text: str = "",
    stamp: Callable[[], None] | None = None,
    spanish: bool = False,
) -> int:
    """Paint ``flow``'s pages on ``device``, each with ``stamp()`` (a mark across the page)
    when given, then the footer of ``paint_footer``; returns the page count."""
    canvas = flow.canvas

    def decorate(index: int, count: int) -> None:
        if stamp is not None:
            stamp()
        paint_footer(canvas, index, count, left_text, center_text, spanish)

    return flow.paint(device, decorate)


def continuation_header(flow: Flow, text: str) -> None:
    """A one-line header on the pages after the first (``flow.top`` leaves room for it).
    Too long for the line, it loses its start (the lab's name), never its end: the
    document and its number (a lab name of 83 characters cut «Resumen de solicitud
    LAB-2026…» and a factura's copy legend)."""
    canvas = flow.canvas
    head = font(9, bold=True)
    text = canvas.elide(text, head, flow.width, Qt.TextElideMode.ElideLeft)
    flow.text(0, 0, flow.width, text, head, color=MUTED)
    line_y = canvas.line_height(head) + canvas.mm(1.5)
    flow.hline(0, flow.width, line_y, 0.6, INK)


def paged_flow(canvas: Canvas, continued: str) -> Flow:
    """A Letter/A4 flow: room for the footer at the bottom, and on the pages after the
    first a one-line ``continued`` header at the top."""
    flow = Flow(canvas, top=canvas.mm(10), bottom=canvas.height - canvas.mm(9), first_top=0)
    flow.on_new_page.append(lambda: continuation_header(flow, continued))
    return flow


def roll_flow(canvas: Canvas) -> Flow:
    """A receipt-roll flow: one page, as long as its content needs."""
    return Flow(canvas, top=0, bottom=1e12, first_top=0)
