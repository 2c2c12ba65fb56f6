"""The printed statement of account of a company with credit (issue 17, point 4).

``write_statement_pdf(path, data, paper, lab_name)`` saves ``services.billing.statements
.statement(customer_id)`` on Letter or A4; ``paint_statement`` draws it on any paged
device (a QPrinter for printing and preview, after
``printer.setPageLayout(statement_page_layout(paper))``).

It shows the company, its credit limit and days, the date printed, every credit invoice
(number, date, due date, total, credit notes, paid, balance, days overdue; overdue rows
in bold, shaded and marked «VENCIDA»), then the balance, the overdue part and the credit
still available. A long statement breaks across pages, repeating the table's header.
"""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal

from PySide6.QtCore import QRectF
from PySide6.QtGui import QPagedPaintDevice, QPageLayout, QPainter

from ..i18n import translate
from ..util.formatting import format_date
from ..util.money import format_lempiras
from .canvas import ACCENT, INK, MUTED, RIGHT, STAMP, Canvas, font
from .flow import Flow
from .page_frame import paged_flow, paint_with_footer
from .paper import check_paper, document_layout, is_roll
from .pdf_output import keep_none_alive, write_pdf
from .tables import ROW_SHADE, Column, Row, draw_table, key_values

ZERO = Decimal("0.00")


def document_title() -> str:
    return translate("printing.account_statement", "ESTADO DE CUENTA")


def overdue_mark() -> str:
    return translate("printing.account_statement", "VENCIDA")


def printed_on(data: dict) -> dt.date:
    """The day the statement was computed for (``data["today"]``), else today."""
    return data.get("today") or dt.date.today()


def header_pairs(data: dict) -> list[tuple[str, str]]:
    return [
        (
            translate("printing.account_statement", "Límite de crédito:"),
            format_lempiras(data.get("credit_limit") or ZERO),
        ),
        (
            translate("printing.account_statement", "Días de crédito:"),
            translate("printing.account_statement", "{days} días").format(
                days=data.get("days") or 0
            ),
        ),
        (
            translate("printing.account_statement", "Fecha de impresión:"),
            format_date(printed_on(data)),
        ),
    ]


def days_text(row: dict) -> str:
    """«45 · VENCIDA» for an overdue invoice with a balance, else «—»."""
    days = int(row.get("days_overdue") or 0)
    if days <= 0:
        return "—"
    return f"{days} · {overdue_mark()}"


def table_rows(data: dict) -> list[Row]:
    """One row per credit invoice (overdue ones bold and shaded, paid ones muted), then
    the column totals."""
    body = []
    sums = [ZERO, ZERO, ZERO, ZERO]
    for r in data.get("rows") or []:
        amounts = [r["total"], r["credited"], r["paid"], r["balance"]]
        sums = [a + b for a, b in zip(sums, amounts, strict=True)]
        issued = r.get("issued_at")
        overdue = int(r.get("days_overdue") or 0) > 0
        body.append(
            Row(
                [
                    r["number"],
                    format_date(issued.date() if isinstance(issued, dt.datetime) else issued),
                    format_date(r.get("due_date")) or "—",
                    *(format_lempiras(a) for a in amounts),
                    days_text(r),
                ],
                bold=overdue,
                shade=overdue,
                muted=not overdue and Decimal(r["balance"]) <= 0,
            )
        )
    if not body:
        return [
            Row(
                [
                    translate("printing.account_statement", "Sin facturas a crédito."),
                    *[""] * (len(columns()) - 1),
                ]
            )
        ]
    body.append(
        Row(
            [
                translate("printing.account_statement", "Total"),
                "",
                "",
                *(format_lempiras(a) for a in sums),
                "",
            ],
            bold=True,
            rule_above=True,
        )
    )
    return body


def columns() -> list[Column]:
    return [
        Column(translate("printing.account_statement", "Número"), 23, wrap=True),
        Column(translate("printing.account_statement", "Fecha"), 11),
        Column(translate("printing.account_statement", "Vence"), 11),
        Column(translate("printing.account_statement", "Total"), 13, RIGHT),
        Column(translate("printing.account_statement", "Notas de crédito"), 13, RIGHT),
        Column(translate("printing.account_statement", "Pagado"), 13, RIGHT),
        Column(translate("printing.account_statement", "Saldo"), 13, RIGHT),
        Column(translate("printing.account_statement", "Días vencida"), 14, RIGHT),
    ]


def total_lines(data: dict) -> list[tuple[str, str, bool]]:
    """(label, amount, alarm) for the summary box: alarm when something is overdue or
    the credit is exceeded."""
    overdue = Decimal(data.get("overdue") or 0)
    available = Decimal(data.get("available") or 0)
    return [
        (
            translate("printing.account_statement", "Saldo"),
            format_lempiras(data.get("balance") or ZERO),
            False,
        ),
        (translate("printing.account_statement", "Vencido"), format_lempiras(overdue), overdue > 0),
        (
            translate("printing.account_statement", "Disponible"),
            format_lempiras(available),
            available < 0,
        ),
    ]


def _totals_box(flow: Flow, data: dict) -> None:
    canvas = flow.canvas
    label_font, value_font = font(10, bold=True), font(10.5, bold=True)
    lines = total_lines(data)
    pad = canvas.mm(2)
    line = canvas.line_height(value_font) + canvas.mm(0.8)
    width = min(flow.width, canvas.mm(80))
    height = len(lines) * line + 2 * pad
    flow.ensure(height)
    left = flow.width - width
    flow.box(QRectF(left, flow.y, width, height), fill=ROW_SHADE, border=INK, width_pt=0.8)
    y = flow.y + pad
    half = (width - 2 * pad) / 2
    for label, amount, alarm in lines:
        color = STAMP if alarm else INK
        flow.text(left + pad, y, half, label, label_font, color=color)
        flow.text(left + pad + half, y, half, amount, value_font, align=RIGHT, color=color)
        y += line
    flow.y += height


def statement_flow(canvas: Canvas, data: dict, lab_name: str = "") -> Flow:
    """Lay the statement out into pages (nothing painted yet)."""
    continued = translate(
        "printing.account_statement", "{title} — {customer} (continuación)"
    ).format(title=document_title(), customer=data.get("customer_name") or "")
    flow = paged_flow(canvas, continued)
    if lab_name:
        flow.y += flow.text(0, flow.y, flow.width, lab_name, font(14, bold=True), wrap=True,
                            color=ACCENT)  # fmt: skip
    flow.y += flow.text(0, flow.y, flow.width, document_title(), font(16, bold=True), color=INK)
    flow.y += flow.text(
        0, flow.y, flow.width, data.get("customer_name") or "", font(12, bold=True), wrap=True
    )
    flow.rule(width_pt=0.9, color=INK, gap_mm=3)
    key_values(flow, header_pairs(data), columns=2, size_pt=9.5, label_mm=36)
    flow.gap(3)
    draw_table(
        flow,
        columns(),
        table_rows(data),
        size_pt=8.5,
        title=translate("printing.account_statement", "Facturas al crédito"),
    )
    flow.gap(4)
    _totals_box(flow, data)
    flow.gap(3)
    note = translate(
        "printing.account_statement",
        "Las facturas vencidas van en negrita, sombreadas y marcadas «{mark}». Montos en lempiras.",
    ).format(mark=overdue_mark())
    flow.paragraph(note, font(8, italic=True), color=MUTED)
    return flow


def statement_page_layout(paper: str = "Letter") -> QPageLayout:
    check_paper(paper)
    if is_roll(paper):
        raise ValueError(
            translate("printing.account_statement", "El estado de cuenta se imprime en Carta o A4.")
        )
    return document_layout(paper)


@keep_none_alive
def paint_statement(
    painter: QPainter,
    device: QPagedPaintDevice,
    data: dict,
    paper: str = "Letter",
    lab_name: str = "",
) -> int:
    """Draw the statement on an active painter; returns the page count."""
    flow = statement_flow(Canvas(painter), data, lab_name)
    left = f"{document_title()} · {data.get('customer_name') or ''}"
    return paint_with_footer(flow, device, left, format_date(printed_on(data)))


def write_statement_pdf(
    path: str | os.PathLike[str], data: dict, paper: str = "Letter", lab_name: str = ""
) -> int:
    """Save the statement as a PDF on Letter or A4; returns the page count."""
    page_layout = statement_page_layout(paper)
    title = f"{document_title()} — {data.get('customer_name') or ''}"
    return write_pdf(
        path,
        page_layout,
        lambda p, d: paint_statement(p, d, data, paper, lab_name),
        title=title,
    )
