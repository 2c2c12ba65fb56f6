"""Blocks of the printed Factura and Nota de Crédito that both the Letter/A4 page and the
receipt roll draw: «Label: value» lines, amount rows, the receiver, the void notice and
the diagonal «ANULADA» stamp."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QColor, QFont

from ..services.billing.views import FiscalDocument
from .blocks import notice_box, paint_diagonal_stamp
from .canvas import INK, MUTED, RIGHT, Canvas, font
from .fiscal_content import VOID_LEGEND, void_text
from .flow import Flow


def pair_line(
    flow: Flow,
    label: str,
    value: str,
    label_font: QFont,
    value_font: QFont,
    x: float = 0.0,
    label_color: QColor = MUTED,
) -> None:
    """«Label: value»: the label in bold, the value wrapped beside it (or below when long)."""
    canvas = flow.canvas
    width = flow.width - x
    head = f"{label}: "
    head_width = canvas.text_width(head, label_font)
    value = value or "—"
    beside = width - head_width
    value_width = canvas.text_width(value, value_font)
    # a value that fits one line is never broken (a CAI would break at its hyphens)
    if value_width <= beside or (beside >= width * 0.45 and value_width > width):
        height = max(
            canvas.line_height(label_font), canvas.wrapped_height(value, value_font, beside)
        )
        flow.ensure(height)
        flow.text(x, flow.y, head_width + 1, head, label_font, color=label_color)
        flow.text(x + head_width, flow.y, beside, value, value_font, wrap=True)
        flow.y += height
        return
    height = canvas.line_height(label_font) + canvas.wrapped_height(value, value_font, width)
    flow.ensure(height)
    flow.y += flow.text(x, flow.y, width, head.strip(), label_font, color=label_color)
    flow.y += flow.text(x, flow.y, width, value, value_font, wrap=True)


def amount_row(
    flow: Flow,
    x: float,
    width: float,
    label: str,
    value: str,
    fnt: QFont,
    value_width: float | None = None,
) -> float:
    """A label on the left and an amount on the right of ``width``; returns the row height."""
    canvas = flow.canvas
    value_width = value_width if value_width is not None else width * 0.42
    value_font = canvas.fit_font(value, fnt, value_width)
    label_height = canvas.wrapped_height(label, fnt, width - value_width)
    flow.text(x, flow.y, width - value_width, label, fnt, wrap=True)
    flow.text(x + width - value_width, flow.y, value_width, value, value_font, align=RIGHT)
    return max(label_height, canvas.line_height(fnt))


def void_box(flow: Flow, doc: FiscalDocument, title_pt: float, body_pt: float) -> None:
    """«FACTURA ANULADA» and the reason, framed in red."""
    heading = f"{doc.title} {VOID_LEGEND}"
    heading_font, reason_font = font(title_pt, bold=True), font(body_pt)
    notice_box(flow, heading, void_text(doc), heading_font, reason_font, pad_mm=2.5, gap_mm=0.8)


def receiver_block(
    flow: Flow, doc: FiscalDocument, body: QFont, bold: QFont, label_color: QColor = MUTED
) -> None:
    """A credit note's receiver: «Recibido por: name, document, Firma: ____»."""
    canvas = flow.canvas
    flow.ensure(canvas.line_height(body) * 3 + canvas.mm(12))
    pair_line(flow, "Recibido por", doc.receiver_name or "", bold, body, label_color=label_color)
    pair_line(flow, "Documento", doc.receiver_document or "", bold, body, label_color=label_color)
    flow.gap(6)
    signature = "Firma: " + "_" * 34
    flow.y += flow.text(0, flow.y, flow.width, signature, bold, color=INK)
    flow.gap(1)


def place_block(flow: Flow, draw: Callable[[float], float]) -> None:
    """``draw(top)`` queues a block and returns its bottom; a block that runs past the page
    is taken back and drawn again at the top of a new page."""
    page, mark, top = flow.pages[-1], len(flow.pages[-1]), flow.y
    bottom = draw(top)
    if bottom > flow.bottom and top > flow.top + 0.5:
        del page[mark:]
        flow.new_page()
        bottom = draw(flow.y)
    flow.y = bottom


def paint_void_stamp(canvas: Canvas, text: str = VOID_LEGEND) -> None:
    """A large diagonal red «ANULADA» across the page; repeated down a long roll page."""
    paint_diagonal_stamp(canvas, text)
