"""The Factura and Nota de Crédito on a Letter or A4 page: the issuer beside the
document's box, the authorisation, the buyer, the lines, payments beside the totals, the
amount in words, a credit note's receiver and a void notice."""

from __future__ import annotations

import functools

from PySide6.QtCore import QRectF
from PySide6.QtGui import QFont

from ..services.billing.views import FiscalDocument
from ..util.money import format_lempiras
from . import fiscal_content as content
from .canvas import ACCENT, CENTER, INK, MUTED, RIGHT, RULE, SHADE, Canvas, font
from .fiscal_blocks import amount_row, pair_line, place_block, receiver_block, void_box
from .flow import Flow
from .page_frame import paged_flow
from .tables import ROW_SHADE, Column, Row, draw_table


def page_flow(canvas: Canvas, doc: FiscalDocument, copy: str) -> Flow:
    """Lay one copy out into Letter/A4 pages (nothing painted yet)."""
    continued = f"{doc.issuer.trade_name} — {content.document_title(doc)} — {copy} (continuación)"
    flow = paged_flow(canvas, continued)
    _header(flow, doc, copy)
    flow.gap(2)

    # the authorisation
    label_font, value_font = font(9, bold=True), font(9)
    auth_top = flow.y
    flow.gap(1)
    for label, value in content.authorisation_pairs(doc):
        pair_line(flow, label, value, label_font, value_font, x=canvas.mm(2))
    flow.gap(1)
    auth_rect = QRectF(0, auth_top, flow.width, flow.y - auth_top)
    flow.pages[-1].insert(0, functools.partial(canvas.box, auth_rect, ROW_SHADE, RULE))
    flow.gap(2.5)

    # the buyer (and a credit note's original)
    for label, value in content.buyer_pairs(doc):
        pair_line(flow, label, value, label_font, value_font)
    flow.gap(3)

    _lines_table(flow, doc)
    flow.gap(3)
    _totals(flow, doc)
    flow.gap(2)
    _words(flow, doc)
    flow.gap(4)
    if doc.doc_type == "06" or doc.receiver_name:
        receiver_block(flow, doc, font(9.5), font(9.5, bold=True))
        flow.gap(3)
    if doc.voided:
        void_box(flow, doc, 12, 10)
    return flow


def _header(flow: Flow, doc: FiscalDocument, copy: str) -> None:
    """The issuer on the left, the document's box (title, number, date, copy) on the right."""
    canvas = flow.canvas
    right_width = canvas.mm(72)
    gap = canvas.mm(5)
    left_width = flow.width - right_width - gap
    name_font, legal_font, small = font(14, bold=True), font(9.5, bold=True), font(8.5)
    top = flow.y
    y = top + flow.text(
        0, top, left_width, doc.issuer.trade_name, name_font, wrap=True, color=ACCENT
    )
    y += canvas.mm(0.6)
    for line in content.issuer_lines(doc):
        legal = line == doc.issuer.legal_name
        fnt = legal_font if legal else small
        color = INK if legal or line.startswith("RTN") else MUTED
        y += flow.text(0, y, left_width, line, fnt, wrap=True, color=color)

    title_font = font(17 if len(doc.title) < 12 else 14, bold=True)
    number_font, date_font, copy_font = font(11, bold=True), font(9), font(8.5, bold=True)
    pad = canvas.mm(2.5)
    x = flow.width - right_width
    inner = right_width - 2 * pad
    ry = top + pad
    box_ops_at = len(flow.pages[-1])
    title = canvas.fit_font(doc.title, title_font, inner)
    ry += flow.text(x + pad, ry, inner, doc.title, title, align=CENTER, color=ACCENT)
    ry += canvas.mm(0.8)
    number = f"No. {doc.number}"
    ry += flow.text(
        x + pad, ry, inner, number, canvas.fit_font(number, number_font, inner), align=CENTER
    )
    ry += flow.text(x + pad, ry, inner, content.issued_text(doc), date_font, align=CENTER)
    ry += canvas.mm(1.2)
    band_top = ry
    band_height = canvas.line_height(copy_font) + canvas.mm(1.6)
    ry += canvas.mm(0.8)
    flow.text(x + pad, ry, inner, copy, canvas.fit_font(copy, copy_font, inner), align=CENTER)
    ry = band_top + band_height
    box = QRectF(x, top, right_width, ry - top)
    band = QRectF(x, band_top, right_width, band_height)
    # the frame goes under the texts already queued
    flow.pages[-1][box_ops_at:box_ops_at] = [
        functools.partial(canvas.box, box, None, INK, 1.0),
        functools.partial(canvas.box, band, SHADE, INK, 0.6),
    ]
    flow.y = max(y, ry)


def _lines_table(flow: Flow, doc: FiscalDocument) -> None:
    exonerated = content.is_exonerated(doc)
    rows = [
        Row(
            [
                line.description,
                f"{line.quantity:,}",
                format_lempiras(line.unit_price),
                format_lempiras(line.discount),
                content.line_tax_label(line.tax_class, exonerated),
                format_lempiras(line.amount),
            ]
        )
        for line in doc.lines
    ]
    draw_table(
        flow,
        [
            Column("Descripción", 50, wrap=True),
            Column("Cant.", 8, RIGHT),
            Column("Precio unitario", 17, RIGHT),
            Column("Descuento", 16, RIGHT),
            Column("ISV", 11, RIGHT),
            Column("Importe", 18, RIGHT),
        ],
        rows,
        size_pt=9,
    )


def _totals(flow: Flow, doc: FiscalDocument) -> None:
    """Payments on the left, the totals on the right, side by side."""
    canvas = flow.canvas
    box_width = canvas.mm(88)
    gap = canvas.mm(6)
    left_width = flow.width - box_width - gap
    body, strong, head = font(9.5), font(11.5, bold=True), font(9.5, bold=True)
    rows = content.total_rows(doc)
    payments = content.payment_lines(doc)

    def row_at(y: float, x: float, width: float, label: str, value: str, fnt: QFont) -> float:
        flow.y = y
        return y + amount_row(flow, x, width, label, value, fnt) + canvas.mm(0.6)

    def draw(top: float) -> float:
        # left: how it was paid
        y = top
        if payments:
            flow.text(0, y, left_width, "Forma de pago", head, color=MUTED)
            y += canvas.line_height(head) + canvas.mm(1)
        for label, amount in payments:
            y = row_at(y, 0, left_width, label, amount, body)
        if doc.issued_by:
            y += canvas.mm(1)
            y += flow.text(
                0, y, left_width, f"Emitido por: {doc.issued_by}", font(8.5), color=MUTED
            )
        # right: the totals
        left = flow.width - box_width
        ry = top
        for label, value, is_strong in rows:
            if is_strong:
                flow.hline(left, flow.width, ry + canvas.mm(0.6), 0.9, INK)
                ry += canvas.mm(1.4)
            ry = row_at(ry, left, box_width, label, value, strong if is_strong else body)
        return max(y, ry)

    place_block(flow, draw)


def _words(flow: Flow, doc: FiscalDocument) -> None:
    """«Total en letras: …» on a shaded band."""
    canvas = flow.canvas
    words_font = font(9.5, bold=True)
    words = content.words_text(doc)
    inner = flow.width - canvas.mm(4)
    height = canvas.wrapped_height(words, words_font, inner) + canvas.mm(3)
    flow.ensure(height)
    flow.box(QRectF(0, flow.y, flow.width, height), fill=SHADE, border=None)
    flow.text(canvas.mm(2), flow.y + canvas.mm(1.5), inner, words, words_font, wrap=True)
    flow.y += height
