"""The printed cash close (cuadre de caja, issue 17 point 6).

``write_cash_close_pdf(path, report, paper)`` saves a ``services.billing.views.CashCloseReport``
on Letter, A4 or the 80 mm roll (``paper.ROLL``, as long as its content);
``paint_cash_close`` draws it on any paged device (a QPrinter for printing and preview,
after ``printer.setPageLayout(cash_close_page_layout(report, paper))``). The same three
functions are importable from ``documents.fiscal_document``.

It shows the session, expected against counted per payment method (and, apart, what was
paid with saldo a favor: information only, nothing of it is in the drawer), the cash
counted per denomination, the difference, the note, and signature lines for the
receptionist and the supervisor who confirms. Like the fiscal documents it stays in Spanish.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from decimal import Decimal

from PySide6.QtGui import QColor, QFont, QPagedPaintDevice, QPageLayout, QPainter

from ..services.billing.views import CashCloseReport
from ..util.formatting import format_datetime
from ..util.money import format_lempiras
from . import pdf_output
from .blocks import notice_box
from .canvas import ACCENT, CENTER, INK, LEFT, MUTED, RIGHT, SHADE, STAMP, STAMP_FILL, Canvas, font
from .flow import Flow
from .page_frame import paged_flow, paint_with_footer, roll_flow
from .paper import ROLL, check_paper, document_layout, is_roll
from .pdf_output import fitted_roll_layout, keep_none_alive, write_pdf
from .tables import Column, Row, draw_table

TITLE = "CIERRE DE CAJA"


def document_title(report: CashCloseReport) -> str:
    return f"{TITLE} No. {report.session_id}"


def difference_text(amount: Decimal | int | str) -> str:
    """«-L 20.00 (faltante)», «L 5.00 (sobrante)», «L 0.00 (cuadra)»."""
    value = Decimal(amount)
    word = "cuadra" if value == 0 else ("sobrante" if value > 0 else "faltante")
    return f"{format_lempiras(value)} ({word})"


def face_value_text(face: Decimal | int | str) -> str:
    """«L 500» for notes, «L 0.50» for coins."""
    value = Decimal(face)
    if value == value.to_integral_value():
        return f"L {int(value):,}"
    return format_lempiras(value)


def session_pairs(report: CashCloseReport) -> list[tuple[str, str]]:
    return [
        ("Sucursal", report.branch_name or "—"),
        ("Recepcionista", report.user),
        ("Apertura", format_datetime(report.opened_at)),
        ("Cierre", format_datetime(report.closed_at) if report.closed_at else "(abierta)"),
        ("Fondo inicial", format_lempiras(report.opening_float)),
        ("Facturas emitidas", f"{report.invoices:,}"),
        ("Facturas anuladas", f"{report.voided:,}"),
        ("Notas de crédito", f"{report.credit_notes:,}"),
    ]


def method_rows(report: CashCloseReport) -> list[tuple[str, Decimal, Decimal, Decimal]]:
    """(method, expected, counted, difference) per method, expected's order first."""
    methods = list(report.expected) + [m for m in report.counted if m not in report.expected]
    rows = []
    for method in methods:
        expected = Decimal(report.expected.get(method, 0))
        counted = Decimal(report.counted.get(method, 0))
        rows.append((method, expected, counted, counted - expected))
    return rows


def _method_table(flow: Flow, report: CashCloseReport, size_pt: float) -> None:
    rows = method_rows(report)
    body = [
        Row([method, *(format_lempiras(amount) for amount in amounts)]) for method, *amounts in rows
    ]
    body.append(
        Row(
            [
                "Total",
                format_lempiras(sum((r[1] for r in rows), Decimal(0))),
                format_lempiras(sum((r[2] for r in rows), Decimal(0))),
                format_lempiras(report.difference),
            ],
            bold=True,
            rule_above=True,
        )
    )
    draw_table(
        flow,
        [
            Column("Forma de pago", 28, wrap=True),
            Column("Esperado", 24, RIGHT),
            Column("Contado", 24, RIGHT),
            Column("Diferencia", 24, RIGHT),
        ],
        body,
        size_pt=size_pt,
        title="Esperado contra contado",
    )


def not_counted_pairs(report: CashCloseReport) -> list[tuple[str, str]]:
    """«Saldo a favor: L 50.00 (aplicado; no entra en caja ni se cuenta)», per method."""
    return [
        (method, f"{format_lempiras(amount)} (aplicado; no entra en caja ni se cuenta)")
        for method, amount in report.not_counted.items()
    ]


def _denomination_table(flow: Flow, report: CashCloseReport, size_pt: float) -> None:
    total = Decimal(0)
    body = []
    for face, count in report.denominations:
        subtotal = Decimal(face) * count
        total += subtotal
        body.append(Row([face_value_text(face), f"{count:,}", format_lempiras(subtotal)]))
    body.append(Row(["Efectivo contado", "", format_lempiras(total)], bold=True, rule_above=True))
    draw_table(
        flow,
        [
            Column("Denominación", 34, wrap=True),
            Column("Cantidad", 26, RIGHT),
            Column("Subtotal", 40, RIGHT),
        ],
        body,
        size_pt=size_pt,
        title="Efectivo por denominación",
    )


def _pairs(
    flow: Flow,
    pairs: Iterable[tuple[str, str]],
    label_font: QFont,
    value_font: QFont,
    label_width: float,
    color: QColor = MUTED,
) -> None:
    canvas = flow.canvas
    for label, value in pairs:
        height = max(
            canvas.line_height(label_font),
            canvas.wrapped_height(value, value_font, flow.width - label_width),
        )
        flow.ensure(height)
        flow.text(0, flow.y, label_width, f"{label}:", label_font, color=color)
        flow.text(label_width, flow.y, flow.width - label_width, value, value_font, wrap=True)
        flow.y += height


def _difference_box(flow: Flow, report: CashCloseReport, size_pt: float) -> None:
    strong, body = font(size_pt + 1.5, bold=True), font(size_pt)
    head = f"Diferencia: {difference_text(report.difference)}"
    note = f"Nota: {report.note.strip() or '—'}"
    differs = Decimal(report.difference) != 0
    notice_box(
        flow,
        head,
        note,
        strong,
        body,
        pad_mm=2,
        gap_mm=0.8,
        fill=STAMP_FILL if differs else SHADE,
        border=STAMP if differs else INK,
        border_pt=1.0,
        heading_color=STAMP if differs else INK,
        wrap_heading=True,
    )


def _signatures(flow: Flow, report: CashCloseReport, size_pt: float, stacked: bool) -> None:
    canvas = flow.canvas
    body = font(size_pt)
    receptionist = f"Recepcionista: {report.user}"
    if report.confirmed_by:
        supervisor = f"Supervisor: {report.confirmed_by}"
        if report.confirmed_at:
            supervisor += f" — confirmado el {format_datetime(report.confirmed_at)}"
    else:
        supervisor = "Supervisor: (pendiente de confirmación)"
    labels = [receptionist, supervisor]
    space = canvas.mm(12)
    if stacked:
        for label in labels:
            height = space + canvas.wrapped_height(label, body, flow.width) + canvas.mm(1)
            flow.ensure(height)
            line_y = flow.y + space
            flow.hline(0, flow.width, line_y, 0.7, INK)
            flow.text(0, line_y + canvas.mm(0.8), flow.width, label, body, align=CENTER, wrap=True)
            flow.y += height
        return
    gap = canvas.mm(12)
    width = (flow.width - gap) / 2
    height = space + max(canvas.wrapped_height(t, body, width) for t in labels) + canvas.mm(1)
    flow.ensure(height)
    line_y = flow.y + space
    for index, label in enumerate(labels):
        x = index * (width + gap)
        flow.hline(x, x + width, line_y, 0.7, INK)
        flow.text(x, line_y + canvas.mm(0.8), width, label, body, align=CENTER, wrap=True)
    flow.y += height


def close_flow(canvas: Canvas, report: CashCloseReport, paper: str, lab_name: str = "") -> Flow:
    """Lay the close report out into pages (nothing painted yet)."""
    roll = is_roll(paper)
    if roll:
        flow = roll_flow(canvas)
    else:
        flow = paged_flow(canvas, f"{document_title(report)} (continuación)")
    size = 7.5 if roll else 9.5
    align = CENTER if roll else LEFT
    if lab_name:
        name_font = font(10.5 if roll else 14, bold=True)
        flow.y += flow.text(0, flow.y, flow.width, lab_name, name_font, align, True, ACCENT)
    title_font = font(12 if roll else 16, bold=True)
    flow.y += flow.text(0, flow.y, flow.width, TITLE, title_font, align, True, INK)
    flow.y += flow.text(
        0, flow.y, flow.width, f"Sesión de caja No. {report.session_id}", font(size, bold=True),
        align, True,
    )  # fmt: skip
    flow.rule(width_pt=0.9, color=INK, gap_mm=3)
    label_width = canvas.mm(26 if roll else 40)
    label_color = INK if roll else MUTED  # thermal printers dither grey
    pairs = session_pairs(report)
    _pairs(flow, pairs, font(size, bold=True), font(size), label_width, label_color)
    flow.gap(3)
    _method_table(flow, report, size - 0.5 if roll else 9)
    flow.gap(3)
    if report.not_counted:
        _pairs(
            flow, not_counted_pairs(report), font(size, bold=True), font(size), label_width,
            label_color,
        )  # fmt: skip
        flow.gap(3)
    if report.denominations:
        _denomination_table(flow, report, size - 0.5 if roll else 9)
        flow.gap(3)
    _difference_box(flow, report, size)
    flow.gap(2)
    _signatures(flow, report, size, stacked=roll)
    return flow


def roll_length_mm(report: CashCloseReport, lab_name: str = "") -> float:
    return pdf_output.roll_length_mm(lambda canvas: close_flow(canvas, report, ROLL, lab_name).y)


def cash_close_page_layout(
    report: CashCloseReport, paper: str = "Letter", lab_name: str = ""
) -> QPageLayout:
    if is_roll(paper):
        return fitted_roll_layout(lambda canvas: close_flow(canvas, report, ROLL, lab_name).y)
    return document_layout(paper)


@keep_none_alive
def paint_cash_close(
    painter: QPainter,
    device: QPagedPaintDevice,
    report: CashCloseReport,
    paper: str = "Letter",
    lab_name: str = "",
) -> int:
    """Draw the close report on an active painter; returns the page count."""
    flow = close_flow(Canvas(painter), report, paper, lab_name)
    if is_roll(paper):  # a receipt: no footer
        return flow.paint(device)
    left = f"{document_title(report)} · {report.user}"
    return paint_with_footer(flow, device, left, report.branch_name, spanish=True)


def write_cash_close_pdf(
    path: str | os.PathLike[str], report: CashCloseReport, paper: str = "Letter", lab_name: str = ""
) -> int:
    """Save the close report as a PDF on ``paper``; returns the page count."""
    check_paper(paper)
    return write_pdf(
        path,
        cash_close_page_layout(report, paper, lab_name),
        lambda p, d: paint_cash_close(p, d, report, paper, lab_name),
        title=document_title(report),
    )


render_cash_close = write_cash_close_pdf  # the name the billing brief uses
