"""The printed Factura (01) and Nota de Crédito (06) (issue 17; Arts. 10 and 11 of the
Reglamento del Régimen de Facturación).

``write_fiscal_document_pdf(path, doc, paper)`` saves a ``services.billing.views.FiscalDocument``
as a PDF on Letter, A4 or the 80 mm receipt roll (``ROLL``); ``paint_fiscal_document``
draws it on any paged device (QPdfWriter, or a QPrinter for printing and the print
preview, after ``printer.setPageLayout(fiscal_page_layout(doc, paper))``).

Every document is printed as identical copies, one per legend of ``doc.copies``
("Original: Cliente", "Copia: Obligado Tributario Emisor"): on Letter/A4 each copy starts
on its own page; on the roll each copy is its own page, as long as its content, one after
the other (the printer cuts between them). A voided document reprints with a large
diagonal "ANULADA" and its reason.

The document is a Honduran legal document: its legends stay in Spanish whatever the
interface language.
"""

from __future__ import annotations

import math
from decimal import Decimal

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPagedPaintDevice, QPageLayout, QPainter, QPen

from ..services.billing.views import CONSUMER_FINAL, FiscalDocument
from ..util.formatting import format_date, format_datetime
from ..util.money import format_lempiras
from . import layout
from .cash_close import cash_close_page_layout, paint_cash_close, write_cash_close_pdf
from .layout import (
    ACCENT,
    INK,
    MUTED,
    PAPERS,
    ROLL,
    ROLL_WIDTH_MM,
    RULE,
    SHADE,
    STAMP,
    Canvas,
    Column,
    Flow,
    Row,
    check_paper,
    continuation_header,
    document_layout,
    draw_table,
    font,
    is_roll,
    keep_none_alive,
    paint_footer,
    write_pdf,
)

__all__ = [
    "PAPERS",
    "ROLL",
    "cash_close_page_layout",
    "fiscal_page_layout",
    "paint_cash_close",
    "paint_fiscal_document",
    "roll_length_mm",
    "write_cash_close_pdf",
    "write_fiscal_document_pdf",
]

LEFT = Qt.AlignmentFlag.AlignLeft
RIGHT = Qt.AlignmentFlag.AlignRight
CENTER = Qt.AlignmentFlag.AlignHCenter

VOID_LEGEND = "ANULADA"

TAX_LABELS = {
    "exento": "Exento",
    "exonerado": "Exonerado",
    "gravado15": "15 %",
    "gravado18": "18 %",
}


def document_title(doc: FiscalDocument) -> str:
    """«FACTURA 000-001-01-00000001» (the PDF title)."""
    return f"{doc.title} {doc.number}"


# --- the content, shared by both formats ----------------------------------------------------
def issuer_lines(doc: FiscalDocument) -> list[str]:
    """The issuer's lines under the trade name: legal name, RTN, both addresses, contact."""
    issuer = doc.issuer
    # the legal name under the trade name (once when they are the same)
    legal = "" if issuer.legal_name.strip() == issuer.trade_name.strip() else issuer.legal_name
    lines = [legal, f"RTN: {issuer.rtn}"]
    lines.append(f"Casa matriz: {issuer.head_office_address}")
    branch = issuer.branch_name.strip()
    establishment = f"Establecimiento {branch}" if branch else "Establecimiento"
    lines.append(f"{establishment}: {issuer.branch_address}")
    contact = [
        part for part in (f"Tel. {issuer.phone}" if issuer.phone else "", issuer.email) if part
    ]
    if contact:
        lines.append("  ·  ".join(contact))
    return [line for line in lines if line.strip()]


def authorisation_pairs(doc: FiscalDocument) -> list[tuple[str, str]]:
    return [
        ("CAI", doc.cai),
        ("Rango autorizado", doc.range_text),
        ("Fecha límite de emisión", format_date(doc.deadline)),
    ]


def buyer_pairs(doc: FiscalDocument) -> list[tuple[str, str]]:
    """Buyer, requests, the exonerated buyer's registers and a credit note's original."""
    name = (doc.buyer_name or "").strip() or CONSUMER_FINAL
    pairs = [("Cliente", name)]
    if doc.buyer_document.strip():
        pairs.append(("RTN / Identidad", doc.buyer_document))
    if doc.request_numbers:
        label = "Solicitud" if len(doc.request_numbers) == 1 else "Solicitudes"
        pairs.append((label, ", ".join(doc.request_numbers)))
    for label, value in (
        ("Orden de Compra Exenta", doc.exempt_purchase_order),
        ("Constancia del Registro de Exonerados", doc.exonerated_register),
        ("Registro SAG", doc.sag_register),
    ):
        if value.strip():
            pairs.append((label, value))
    if doc.doc_type == "06" or doc.original_number:
        pairs += [
            ("Documento original", f"Factura {doc.original_number}".strip()),
            ("CAI del original", doc.original_cai),
            ("Fecha del original", format_date(doc.original_date)),
            ("Motivo", doc.reason or "—"),
        ]
    return pairs


def total_rows(doc: FiscalDocument) -> list[tuple[str, str, bool]]:
    """(label, amount, strong) of the totals: subtotal, discounts, the tax classes, ISV, total."""
    t = doc.totals
    money = format_lempiras
    return [
        ("Subtotal", money(t.subtotal), False),
        (
            "Descuentos y rebajas",
            money(-abs(Decimal(t.discounts))) if t.discounts else money(0),
            False,
        ),
        ("Importe Exento", money(t.exempt), False),
        ("Importe Exonerado", money(t.exonerated), False),
        ("Importe Gravado 15 %", money(t.taxed15), False),
        ("Importe Gravado 18 %", money(t.taxed18), False),
        ("ISV 15 %", money(t.isv15), False),
        ("ISV 18 %", money(t.isv18), False),
        ("TOTAL", money(t.total), True),
    ]


def words_text(doc: FiscalDocument) -> str:
    return f"Total en letras: {doc.totals.total_words}"


def payment_lines(doc: FiscalDocument) -> list[tuple[str, str]]:
    """(label, amount) of how it was paid, or the credit and its due date."""
    rows: list[tuple[str, str]] = []
    if doc.on_credit:
        due = f" — vence el {format_date(doc.due_date)}" if doc.due_date else ""
        rows.append((f"Crédito{due}", format_lempiras(doc.totals.total)))
    for payment in doc.payments:
        rows.append((payment.method_label, format_lempiras(payment.amount)))
        if payment.received is not None:
            rows.append(("   Recibido", format_lempiras(payment.received)))
        if payment.change is not None:
            rows.append(("   Cambio", format_lempiras(payment.change)))
    return rows


def is_exonerated(doc: FiscalDocument) -> bool:
    """An exonerated buyer: its taxed amounts go to Importe Exonerado."""
    return bool(
        (doc.exempt_purchase_order + doc.exonerated_register + doc.sag_register).strip()
        or doc.totals.exonerated
    )


def line_tax_label(tax_class: str, exonerated: bool = False) -> str:
    """«Exento», «15 %», «18 %»; a taxed line of an exonerated buyer reads «Exonerado»."""
    if exonerated and tax_class.startswith("gravado"):
        return TAX_LABELS["exonerado"]
    return TAX_LABELS.get(tax_class, tax_class)


def issued_text(doc: FiscalDocument) -> str:
    return f"Fecha: {format_datetime(doc.issued_at)}"


def void_text(doc: FiscalDocument) -> str:
    return f"Motivo de anulación: {doc.void_reason or '—'}"


# --- painting helpers -----------------------------------------------------------------------
def _pair(
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


def _amount_row(
    flow: Flow, x: float, width: float, label: str, value: str, fnt: QFont, value_width=None
) -> float:
    """A label on the left and an amount on the right of ``width``; returns the row height."""
    canvas = flow.canvas
    value_width = value_width if value_width is not None else width * 0.42
    value_font = canvas.fit_font(value, fnt, value_width)
    label_height = canvas.wrapped_height(label, fnt, width - value_width)
    flow.text(x, flow.y, width - value_width, label, fnt, wrap=True)
    flow.text(x + width - value_width, flow.y, value_width, value, value_font, align=RIGHT)
    return max(label_height, canvas.line_height(fnt))


def _void_box(flow: Flow, doc: FiscalDocument, title_pt: float, body_pt: float) -> None:
    canvas = flow.canvas
    pad = canvas.mm(2.5)
    inner = flow.width - 2 * pad
    head_font, reason_font = font(title_pt, bold=True), font(body_pt)
    reason = void_text(doc)
    height = (
        canvas.line_height(head_font)
        + canvas.mm(0.8)
        + canvas.wrapped_height(reason, reason_font, inner)
        + 2 * pad
    )
    flow.ensure(height)
    rect = QRectF(0, flow.y, flow.width, height)
    flow.add(lambda: canvas.box(rect, fill=QColor(253, 236, 234), border=STAMP, width_pt=1.2))
    y = flow.y + pad
    y += flow.text(pad, y, inner, f"{doc.title} {VOID_LEGEND}", head_font, color=STAMP)
    y += canvas.mm(0.8)
    flow.text(pad, y, inner, reason, reason_font, wrap=True)
    flow.y += height


def _signature(flow: Flow, label: str, fnt: QFont, x: float, width: float, y: float) -> None:
    """A signature line of ``width`` with ``label`` under it, at ``y`` (space above it)."""
    canvas = flow.canvas
    line_y = y + canvas.mm(9)
    flow.add(lambda: canvas.hline(x, x + width, line_y, 0.7, INK))
    flow.text(x, line_y + canvas.mm(0.8), width, label, fnt, align=CENTER, wrap=True)


def _receiver_block(
    flow: Flow, doc: FiscalDocument, body: QFont, bold: QFont, label_color: QColor = MUTED
) -> None:
    """A credit note's receiver: «Recibido por: name, document, Firma: ____»."""
    canvas = flow.canvas
    flow.ensure(canvas.line_height(body) * 3 + canvas.mm(12))
    _pair(flow, "Recibido por", doc.receiver_name or "", bold, body, label_color=label_color)
    _pair(flow, "Documento", doc.receiver_document or "", bold, body, label_color=label_color)
    flow.gap(6)
    signature = "Firma: " + "_" * 34
    flow.y += flow.text(0, flow.y, flow.width, signature, bold, color=INK)
    flow.gap(1)


def paint_void_stamp(canvas: Canvas, text: str = VOID_LEGEND) -> None:
    """A large diagonal red «ANULADA» across the page; repeated down a long roll page."""
    painter = canvas.painter
    angle = 32.0
    radians = math.radians(angle)
    stamp_font = font(66, bold=True)
    stamp_font.setLetterSpacing(QFont.SpacingType.PercentageSpacing, 108)
    text_width = canvas.text_width(text, stamp_font) + canvas.mm(14)
    text_height = canvas.line_height(stamp_font) + canvas.mm(6)
    # shrink until the rotated box fits the page width (the roll is narrow)
    span = text_width * math.cos(radians) + text_height * math.sin(radians)
    scale = min(1.0, canvas.width * 0.92 / span)
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


# --- Letter / A4 ----------------------------------------------------------------------------
def _page_flow(canvas: Canvas, doc: FiscalDocument, copy: str) -> Flow:
    footer_height = canvas.mm(9)
    flow = Flow(canvas, top=canvas.mm(10), bottom=canvas.height - footer_height, first_top=0)
    continued = f"{doc.issuer.trade_name} — {document_title(doc)} — {copy} (continuación)"
    flow.on_new_page.append(lambda: continuation_header(flow, continued))

    # header: the issuer on the left, the document's box on the right
    right_width = canvas.mm(72)
    gap = canvas.mm(5)
    left_width = flow.width - right_width - gap
    name_font, legal_font, small = font(14, bold=True), font(9.5, bold=True), font(8.5)
    top = flow.y
    y = top + flow.text(
        0, top, left_width, doc.issuer.trade_name, name_font, wrap=True, color=ACCENT
    )
    y += canvas.mm(0.6)
    for line in issuer_lines(doc):
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
    ry += flow.text(
        x + pad,
        ry,
        inner,
        doc.title,
        canvas.fit_font(doc.title, title_font, inner),
        align=CENTER,
        color=ACCENT,
    )
    ry += canvas.mm(0.8)
    ry += flow.text(
        x + pad,
        ry,
        inner,
        f"No. {doc.number}",
        canvas.fit_font(f"No. {doc.number}", number_font, inner),
        align=CENTER,
    )
    ry += flow.text(x + pad, ry, inner, issued_text(doc), date_font, align=CENTER)
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
        lambda: canvas.box(box, border=INK, width_pt=1.0),
        lambda: canvas.box(band, fill=SHADE, border=INK, width_pt=0.6),
    ]
    flow.y = max(y, ry)
    flow.gap(2)

    # the authorisation
    label_font, value_font = font(9, bold=True), font(9)
    auth_top = flow.y
    flow.gap(1)
    for label, value in authorisation_pairs(doc):
        _pair(flow, label, value, label_font, value_font, x=canvas.mm(2))
    flow.gap(1)
    auth_rect = QRectF(0, auth_top, flow.width, flow.y - auth_top)
    flow.pages[-1].insert(0, lambda: canvas.box(auth_rect, fill=QColor("#f6f6f6"), border=RULE))
    flow.gap(2.5)

    # the buyer (and a credit note's original)
    for label, value in buyer_pairs(doc):
        _pair(flow, label, value, label_font, value_font)
    flow.gap(3)

    rows = [
        Row(
            [
                line.description,
                f"{line.quantity:,}",
                format_lempiras(line.unit_price),
                format_lempiras(line.discount),
                line_tax_label(line.tax_class, is_exonerated(doc)),
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
    flow.gap(3)
    _page_totals(flow, doc)
    flow.gap(2)
    words_font = font(9.5, bold=True)
    words = words_text(doc)
    height = canvas.wrapped_height(words, words_font, flow.width - canvas.mm(4)) + canvas.mm(3)
    flow.ensure(height)
    rect = QRectF(0, flow.y, flow.width, height)
    flow.add(lambda: canvas.box(rect, fill=SHADE, border=None))
    flow.text(
        canvas.mm(2),
        flow.y + canvas.mm(1.5),
        flow.width - canvas.mm(4),
        words,
        words_font,
        wrap=True,
    )
    flow.y += height
    flow.gap(4)
    if doc.doc_type == "06" or doc.receiver_name:
        _receiver_block(flow, doc, font(9.5), font(9.5, bold=True))
        flow.gap(3)
    if doc.voided:
        _void_box(flow, doc, 12, 10)
    return flow


def _place_block(flow: Flow, draw) -> None:
    """``draw(top)`` queues a block and returns its bottom; a block that runs past the page
    is taken back and drawn again at the top of a new page."""
    page, mark, top = flow.pages[-1], len(flow.pages[-1]), flow.y
    bottom = draw(top)
    if bottom > flow.bottom and top > flow.top + 0.5:
        del page[mark:]
        flow.new_page()
        bottom = draw(flow.y)
    flow.y = bottom


def _page_totals(flow: Flow, doc: FiscalDocument) -> None:
    """Payments on the left, the totals on the right, side by side."""
    canvas = flow.canvas
    box_width = canvas.mm(88)
    gap = canvas.mm(6)
    left_width = flow.width - box_width - gap
    body, strong, head = font(9.5), font(11.5, bold=True), font(9.5, bold=True)
    rows = total_rows(doc)
    payments = payment_lines(doc)

    def row_at(y: float, x: float, width: float, label: str, value: str, fnt: QFont) -> float:
        flow.y = y
        return y + _amount_row(flow, x, width, label, value, fnt) + canvas.mm(0.6)

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
                rule_y = ry + canvas.mm(0.6)
                flow.add(lambda y=rule_y: canvas.hline(left, flow.width, y, 0.9, INK))
                ry += canvas.mm(1.4)
            ry = row_at(ry, left, box_width, label, value, strong if is_strong else body)
        return max(y, ry)

    _place_block(flow, draw)


# --- the 80 mm roll -------------------------------------------------------------------------
ROLL_BODY_PT = 8.0


def _roll_flow(canvas: Canvas, doc: FiscalDocument, copy: str) -> Flow:
    flow = Flow(canvas, top=0, bottom=1e12, first_top=0)  # one page, as long as it needs
    body = font(ROLL_BODY_PT)
    bold = font(ROLL_BODY_PT, bold=True)
    small = font(ROLL_BODY_PT - 0.5)
    width = flow.width

    def centred(text: str, fnt: QFont, color: QColor = INK) -> None:
        flow.y += flow.text(0, flow.y, width, text, fnt, align=CENTER, wrap=True, color=color)

    def dashed() -> None:
        flow.rule(width_pt=0.6, color=INK, gap_mm=2.2)

    centred(doc.issuer.trade_name, font(10.5, bold=True))
    for line in issuer_lines(doc):
        centred(line, bold if line == doc.issuer.legal_name else small)
    dashed()
    centred(doc.title, canvas.fit_font(doc.title, font(12, bold=True), width))
    centred(f"No. {doc.number}", canvas.fit_font(f"No. {doc.number}", font(9, bold=True), width))
    centred(issued_text(doc), body)
    flow.gap(0.8)
    band = canvas.line_height(bold) + canvas.mm(1.2)
    rect = QRectF(0, flow.y, width, band)
    flow.add(lambda: canvas.box(rect, fill=SHADE, border=INK, width_pt=0.6))
    flow.text(
        0, flow.y + canvas.mm(0.6), width, copy, canvas.fit_font(copy, bold, width), align=CENTER
    )
    flow.y += band
    flow.gap(1)
    for label, value in authorisation_pairs(doc):
        _pair(flow, label, value, bold, body, label_color=INK)
    dashed()
    for label, value in buyer_pairs(doc):
        _pair(flow, label, value, bold, body, label_color=INK)
    dashed()

    # the lines: description, then «qty x unit price (tax)» and the amount
    flow.text(0, flow.y, width * 0.6, "Descripción", bold)
    flow.y += flow.text(width * 0.6, flow.y, width * 0.4, "Importe", bold, align=RIGHT)
    flow.add(lambda y=flow.y: canvas.hline(0, width, y, 0.5, INK))
    flow.gap(0.8)
    for line in doc.lines:
        flow.y += flow.text(0, flow.y, width, line.description, body, wrap=True)
        detail = f"  {line.quantity:,} x {format_lempiras(line.unit_price)}"
        if line.discount:
            detail += f" − desc. {format_lempiras(line.discount)}"
        detail += f" · {line_tax_label(line.tax_class, is_exonerated(doc))}"
        flow.y += _amount_row(
            flow, 0, width, detail, format_lempiras(line.amount), small, value_width=width * 0.3
        )
        flow.gap(0.6)
    dashed()
    for label, value, strong in total_rows(doc):
        if strong:
            flow.add(lambda y=flow.y: canvas.hline(width * 0.4, width, y, 0.8, INK))
            flow.gap(0.8)
        fnt = font(10.5, bold=True) if strong else body
        flow.y += _amount_row(flow, 0, width, label, value, fnt, value_width=width * 0.45)
    flow.gap(1)
    flow.y += flow.text(0, flow.y, width, words_text(doc), bold, wrap=True)
    dashed()
    payments = payment_lines(doc)
    if payments:
        flow.y += flow.text(0, flow.y, width, "Forma de pago", bold)
        for label, amount in payments:
            flow.y += _amount_row(flow, 0, width, label, amount, body)
        dashed()
    if doc.doc_type == "06" or doc.receiver_name:
        _receiver_block(flow, doc, body, bold, INK)
        dashed()
    if doc.voided:
        _void_box(flow, doc, 10, ROLL_BODY_PT)
        flow.gap(1.5)
    if doc.issued_by:
        centred(f"Emitido por: {doc.issued_by}", small)
    centred(copy, bold)
    return flow


def _flow(canvas: Canvas, doc: FiscalDocument, copy: str, paper: str) -> Flow:
    return _roll_flow(canvas, doc, copy) if is_roll(paper) else _page_flow(canvas, doc, copy)


def roll_length_mm(doc: FiscalDocument) -> float:
    """The roll page's length in mm: the longest copy, the margins and some slack."""
    return layout.roll_length_mm(
        lambda canvas: max(_flow(canvas, doc, copy, ROLL).y for copy in doc.copies or ("",))
    )


def fiscal_page_layout(doc: FiscalDocument, paper: str = "Letter") -> QPageLayout:
    """The page layout for ``paper`` ("Letter", "A4" or ``ROLL``); the roll fits the content."""
    if is_roll(paper):
        return layout.roll_layout(ROLL_WIDTH_MM, roll_length_mm(doc))
    return document_layout(paper)


@keep_none_alive
def paint_fiscal_document(
    painter: QPainter, device: QPagedPaintDevice, doc: FiscalDocument, paper: str = "Letter"
) -> int:
    """Draw every copy of the document on an active painter; returns the page count."""
    canvas = Canvas(painter)
    pages = 0
    for copy in doc.copies or ("",):
        flow = _flow(canvas, doc, copy, paper)

        def decorate(index: int, count: int, copy: str = copy) -> None:
            if doc.voided:
                paint_void_stamp(canvas)
            if not is_roll(paper):
                left = copy if not doc.voided else f"{copy} · {VOID_LEGEND}"
                paint_footer(canvas, index, count, left, doc.number)

        if pages:
            device.newPage()
        pages += flow.paint(device, decorate)
    return pages


def write_fiscal_document_pdf(path, doc: FiscalDocument, paper: str = "Letter") -> int:
    """Save the document (every copy) as a PDF on ``paper``; returns the page count."""
    check_paper(paper)
    return write_pdf(
        path,
        fiscal_page_layout(doc, paper),
        lambda p, d: paint_fiscal_document(p, d, doc, paper),
        title=document_title(doc),
    )
