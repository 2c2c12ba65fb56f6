"""The Factura and Nota de Crédito on the 80 mm receipt roll: one narrow page per copy,
as long as its content, everything stacked and centred."""

from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QFont

from ..services.billing.views import FiscalDocument
from ..util.money import format_lempiras
from . import fiscal_content as content
from .canvas import CENTER, INK, RIGHT, SHADE, Canvas, font
from .fiscal_blocks import amount_row, pair_line, receiver_block, void_box
from .flow import Flow
from .page_frame import roll_flow

ROLL_BODY_PT = 8.0


def fiscal_roll_flow(canvas: Canvas, doc: FiscalDocument, copy: str) -> Flow:
    """Lay one copy out on a single roll page (nothing painted yet)."""
    flow = roll_flow(canvas)
    body = font(ROLL_BODY_PT)
    bold = font(ROLL_BODY_PT, bold=True)
    small = font(ROLL_BODY_PT - 0.5)
    width = flow.width

    def centred(text: str, fnt: QFont, color: QColor = INK) -> None:
        flow.y += flow.text(0, flow.y, width, text, fnt, align=CENTER, wrap=True, color=color)

    def dashed() -> None:
        flow.rule(width_pt=0.6, color=INK, gap_mm=2.2)

    centred(doc.issuer.trade_name, font(10.5, bold=True))
    for text in content.issuer_lines(doc):
        centred(text, bold if text == doc.issuer.legal_name else small)
    dashed()
    centred(doc.title, canvas.fit_font(doc.title, font(12, bold=True), width))
    centred(f"No. {doc.number}", canvas.fit_font(f"No. {doc.number}", font(9, bold=True), width))
    centred(content.issued_text(doc), body)
    flow.gap(0.8)
    band = canvas.line_height(bold) + canvas.mm(1.2)
    flow.box(QRectF(0, flow.y, width, band), fill=SHADE, border=INK, width_pt=0.6)
    flow.text(
        0, flow.y + canvas.mm(0.6), width, copy, canvas.fit_font(copy, bold, width), align=CENTER
    )
    flow.y += band
    flow.gap(1)
    for label, value in content.authorisation_pairs(doc):
        pair_line(flow, label, value, bold, body, label_color=INK)
    dashed()
    for label, value in content.buyer_pairs(doc):
        pair_line(flow, label, value, bold, body, label_color=INK)
    dashed()

    _lines(flow, doc, body, bold, small)
    dashed()
    for label, value, strong in content.total_rows(doc):
        if strong:
            flow.hline(width * 0.4, width, flow.y, 0.8, INK)
            flow.gap(0.8)
        fnt = font(10.5, bold=True) if strong else body
        flow.y += amount_row(flow, 0, width, label, value, fnt, value_width=width * 0.45)
    flow.gap(1)
    flow.y += flow.text(0, flow.y, width, content.words_text(doc), bold, wrap=True)
    dashed()
    payments = content.payment_lines(doc)
    if payments:
        flow.y += flow.text(0, flow.y, width, "Forma de pago", bold)
        for label, amount in payments:
            flow.y += amount_row(flow, 0, width, label, amount, body)
        dashed()
    if doc.doc_type == "06" or doc.receiver_name:
        receiver_block(flow, doc, body, bold, INK)
        dashed()
    if doc.voided:
        void_box(flow, doc, 10, ROLL_BODY_PT)
        flow.gap(1.5)
    if doc.issued_by:
        centred(f"Emitido por: {doc.issued_by}", small)
    centred(copy, bold)
    return flow


def _lines(flow: Flow, doc: FiscalDocument, body: QFont, bold: QFont, small: QFont) -> None:
    """The lines: description, then «qty x unit price (tax)» and the amount."""
    width = flow.width
    flow.text(0, flow.y, width * 0.6, "Descripción", bold)
    flow.y += flow.text(width * 0.6, flow.y, width * 0.4, "Importe", bold, align=RIGHT)
    flow.hline(0, width, flow.y, 0.5, INK)
    flow.gap(0.8)
    exonerated = content.is_exonerated(doc)
    for line in doc.lines:
        flow.y += flow.text(0, flow.y, width, line.description, body, wrap=True)
        detail = f"  {line.quantity:,} x {format_lempiras(line.unit_price)}"
        if line.discount:
            detail += f" − desc. {format_lempiras(line.discount)}"
        detail += f" · {content.line_tax_label(line.tax_class, exonerated)}"
        flow.y += amount_row(
            flow, 0, width, detail, format_lempiras(line.amount), small, value_width=width * 0.3
        )
        flow.gap(0.6)
