"""The supervisors' period report: requests by status, priority, source, branch and day,
with the cancelled ones and their reasons (data from ``services.reports.period_report_data``)."""

from __future__ import annotations

import os
from decimal import Decimal

from PySide6.QtGui import QPagedPaintDevice, QPainter

from ..i18n import translate
from ..services.texts import service_label
from ..util.money import ZERO, format_lempiras
from .canvas import ACCENT, INK, MUTED, RIGHT, Canvas, font
from .flow import Flow
from .page_frame import paged_flow, paint_lab_header, paint_with_footer
from .pdf_output import keep_none_alive, write_document_pdf
from .tables import Column, Row, draw_table


def document_title() -> str:
    """The document's name in the active language."""
    return translate("printing.period_report", "Resumen por período")


def period_text(data: dict) -> str:
    """«01/03/2026 al 31/03/2026» in the active language (dates stay dd/mm/yyyy)."""
    start, end = data.get("date_from"), data.get("date_to")
    if start is None or end is None:
        return data.get("period_text") or ""
    return translate("printing.period_report", "{start} al {end}").format(
        start=f"{start:%d/%m/%Y}", end=f"{end:%d/%m/%Y}"
    )


def branch_text(data: dict) -> str:
    """The branch printed («Todas las sucursales» when the report covers them all)."""
    if data.get("branch") is None:
        return translate("printing.period_report", "Todas las sucursales")
    return data.get("branch_text") or ""


def _amount_columns() -> list[Column]:
    return [
        Column(translate("printing.period_report", "Solicitudes"), 14, RIGHT),
        Column(translate("printing.period_report", "Total"), 20, RIGHT),
        Column(translate("printing.period_report", "Descuento"), 20, RIGHT),
        Column(translate("printing.period_report", "Neto"), 20, RIGHT),
    ]


def _amount_cells(row: dict) -> list[str]:
    return [
        f"{row['count']:,}",
        format_lempiras(row["total"]),
        format_lempiras(row["discount"]),
        format_lempiras(row["net"]),
    ]


def _group_table(
    flow: Flow,
    title: str,
    first: str,
    rows: list[dict],
    totals: dict,
    cancelled: dict | None = None,
    labels_are_data: bool = False,
) -> None:
    """A breakdown whose Total is the requests that stand; with ``cancelled`` that row is
    left out of the body and shown apart under the Total (it never adds up).
    ``labels_are_data``: the labels are names the lab typed (branches), never translated."""
    columns = [Column(first, 30, wrap=True)] + _amount_columns()
    body = [
        Row(
            [row["label"] if labels_are_data else service_label(row["label"])] + _amount_cells(row),
            muted=row["count"] == 0,
        )
        for row in rows
        if cancelled is None or row["key"] != "cancelled"
    ]
    body.append(
        Row(
            [translate("printing.period_report", "Total")] + _amount_cells(totals),
            bold=True,
            rule_above=True,
        )
    )
    if cancelled is not None:
        body.append(
            Row(
                [translate("printing.period_report", "Canceladas (aparte, no suman)")]
                + _amount_cells(cancelled),
                muted=True,
            )
        )
    draw_table(flow, columns, body, size_pt=9, title=title)
    flow.gap(5)


def _to_pay_rows(data: dict) -> list[Row]:
    """With taxed investigations or credit notes in the period: the ISV, «Neto a pagar» as
    the facturas charge it (the tables' «Neto» is before ISV), the credit notes of those
    facturas and the net after them, the figure the sales book gives."""
    isv = data.get("isv") or ZERO
    credited = data.get("credited") or ZERO
    if not isv and not credited:
        return []
    blank = ["", "", ""]

    def row(label: str, amount: Decimal, bold: bool = False) -> Row:
        return Row([label] + blank + [format_lempiras(amount)], bold=bold)

    rows = []
    if isv:
        rows.append(row(translate("printing.period_report", "ISV de lo gravado"), isv))
    rows.append(
        row(
            translate("printing.period_report", "Neto a pagar (con ISV)"),
            data["net_to_pay"],
            bold=not credited,
        )
    )
    if credited:
        rows.append(row(translate("printing.period_report", "Notas de crédito"), -credited))
        rows.append(
            row(
                translate("printing.period_report", "Neto tras notas de crédito"),
                data["net_after_credits"],
                bold=True,
            )
        )
    if data.get("not_invoiced"):
        rows.append(
            row(
                translate("printing.period_report", "De ello, sin facturar todavía"),
                data["not_invoiced"],
            )
        )
    return rows


def _centavos_note(flow: Flow, data: dict) -> None:
    """Under the summary, when its figures by request and by factura differ: which one
    the money is (the facturas, the legal truth) and why centavos can differ."""
    if not data.get("centavos_apart"):
        return
    text = translate(
        "printing.period_report",
        "«Neto a pagar» es lo que cobran las facturas emitidas (y, sin factura, lo que "
        "cobraría cada solicitud). Las tablas suman por solicitud antes de ISV; cada factura "
        "redondea su ISV una vez, por lo que pueden diferir en centavos.",
    )
    if data.get("by_request_shares"):
        text += " " + translate(
            "printing.period_report",
            "Una factura con solicitudes fuera del período cuenta aquí la parte de cada "
            "solicitud, que puede diferir en centavos de la factura.",
        )
    note_font = font(8.5, italic=True)
    height = flow.canvas.wrapped_height(text, note_font, flow.width)
    flow.ensure(height + flow.canvas.mm(1))
    flow.y += flow.canvas.mm(1)
    flow.text(0, flow.y, flow.width, text, note_font, wrap=True, color=MUTED)
    flow.y += height + flow.canvas.mm(2)


def report_flow(canvas: Canvas, data: dict) -> Flow:
    title, period = document_title(), period_text(data)
    continued = translate(
        "printing.period_report",
        "{v} — {TITLE} {period_text} (continuación)",
    ).format(v=data["lab"].get("name") or "", TITLE=title, period_text=period)
    flow = paged_flow(canvas, continued)

    title_font = font(12, bold=True)
    line_font = font(9.5)
    right_height = canvas.line_height(title_font) + 2 * canvas.line_height(line_font) + canvas.mm(1)

    def draw_right(x: float, y: float, width: float) -> None:
        y += flow.text(x, y, width, title.upper(), title_font, align=RIGHT, color=ACCENT)
        y += canvas.mm(1)
        y += flow.text(
            x,
            y,
            width,
            translate("printing.period_report", "Del {period_text}").format(period_text=period),
            line_font,
            align=RIGHT,
        )
        flow.text(x, y, width, branch_text(data), line_font, align=RIGHT, color=MUTED)

    paint_lab_header(flow, data["lab"], 64, draw_right, right_height)
    flow.gap(2)
    flow.rule(width_pt=1.0, color=INK, gap_mm=4)

    # totals are the requests that stand; cancelled ones are shown apart (issue 16 B)
    cancelled, active = data["cancelled_totals"], data["active_totals"]
    columns = [Column(translate("printing.period_report", "Resumen"), 30, wrap=True)]
    draw_table(
        flow,
        columns + _amount_columns(),
        [
            Row(
                [translate("printing.period_report", "Vigentes (sin canceladas)")]
                + _amount_cells(active),
                bold=True,
            ),
            *_to_pay_rows(data),
            Row(
                [translate("printing.period_report", "Canceladas (aparte, no suman)")]
                + _amount_cells(cancelled),
                muted=True,
                rule_above=True,
            ),
        ],
        size_pt=9.5,
        title=translate("printing.period_report", "Resumen del período"),
    )
    _centavos_note(flow, data)
    flow.gap(5)

    _group_table(
        flow,
        translate("printing.period_report", "Por estado"),
        translate("printing.period_report", "Estado"),
        data["by_status"],
        active,
        cancelled,
    )
    _group_table(
        flow,
        translate("printing.period_report", "Por prioridad"),
        translate("printing.period_report", "Prioridad"),
        data["by_priority"],
        active,
    )
    _group_table(
        flow,
        translate("printing.period_report", "Por origen"),
        translate("printing.period_report", "Origen"),
        data["by_source"],
        active,
    )
    if data.get("branch") is None:  # a report of one branch is all that branch
        _group_table(
            flow,
            translate("printing.period_report", "Por sucursal"),
            translate("printing.period_report", "Sucursal"),
            data.get("by_branch") or [],
            active,
            labels_are_data=True,
        )
    _per_day(flow, data)
    flow.gap(5)
    _cancelled(flow, data)
    return flow


def _per_day(flow: Flow, data: dict) -> None:
    totals, cancelled = data["active_totals"], data["cancelled_totals"]
    day_columns = [
        Column(translate("printing.period_report", "Fecha"), 16),
        Column(translate("printing.period_report", "Solicitudes"), 13, RIGHT),
        Column(translate("printing.period_report", "Canceladas"), 13, RIGHT),
        Column(translate("printing.period_report", "Total"), 19, RIGHT),
        Column(translate("printing.period_report", "Descuento"), 19, RIGHT),
        Column(translate("printing.period_report", "Neto"), 19, RIGHT),
    ]
    day_rows = [
        Row(
            [
                d["day_text"],
                f"{d['count']:,}",
                f"{d['cancelled']:,}",
                format_lempiras(d["total"]),
                format_lempiras(d["discount"]),
                format_lempiras(d["net"]),
            ]
        )
        for d in data["per_day"]
    ]
    title = translate("printing.period_report", "Por día")
    if not day_rows:
        _note(flow, title, translate("printing.period_report", "No hay solicitudes en el período."))
        return
    day_rows.append(
        Row(
            [
                translate("printing.period_report", "Total"),
                f"{totals['count']:,}",
                f"{cancelled['count']:,}",
                format_lempiras(totals["total"]),
                format_lempiras(totals["discount"]),
                format_lempiras(totals["net"]),
            ],
            bold=True,
            rule_above=True,
        )
    )
    draw_table(flow, day_columns, day_rows, size_pt=9, title=title)


def _cancelled(flow: Flow, data: dict) -> None:
    if not data["cancelled"]:
        _note(
            flow,
            translate("printing.period_report", "Solicitudes canceladas"),
            translate("printing.period_report", "Ninguna solicitud cancelada en el período."),
        )
        return
    cancel_columns = [
        Column(translate("printing.period_report", "Número"), 25),
        Column(translate("printing.period_report", "Solicitada"), 25),
        Column(translate("printing.period_report", "Paciente"), 32, wrap=True),
        Column(translate("printing.period_report", "Motivo"), 50, wrap=True),
        Column(translate("printing.period_report", "Neto"), 19, RIGHT),
    ]
    no_reason = translate("printing.period_report", "(sin motivo)")
    cancel_rows = [
        Row(
            [
                c["request_number"],
                c["requested_at_text"],
                c["patient_name"],
                c["reason"] or no_reason,
                format_lempiras(c["net"]),
            ]
        )
        for c in data["cancelled"]
    ]
    draw_table(
        flow,
        cancel_columns,
        cancel_rows,
        size_pt=8.5,
        title=translate("printing.period_report", "Solicitudes canceladas ({len:,})").format(
            len=len(cancel_rows)
        ),
    )


def _note(flow: Flow, title: str, text: str) -> None:
    canvas = flow.canvas
    title_font, body = font(11, bold=True), font(9.5, italic=True)
    flow.ensure(canvas.line_height(title_font) + canvas.line_height(body) + canvas.mm(2))
    flow.text(0, flow.y, flow.width, title, title_font, color=ACCENT)
    flow.y += canvas.line_height(title_font) + canvas.mm(1.5)
    flow.text(0, flow.y, flow.width, text, body, color=MUTED)
    flow.y += canvas.line_height(body)


@keep_none_alive
def paint_period_report(painter: QPainter, device: QPagedPaintDevice, data: dict) -> int:
    """Draw the whole report on an active painter; returns the number of pages."""
    flow = report_flow(Canvas(painter), data)
    who = data.get("printed_by") or "—"
    footer = translate("printing.period_report", "Impreso por {who} el {v}").format(
        who=who, v=data.get("printed_at_text") or ""
    )
    return paint_with_footer(flow, device, footer, document_title())


def write_period_report_pdf(path: str | os.PathLike[str], data: dict, paper: str = "A4") -> int:
    title = f"{document_title()} {period_text(data)}"
    return write_document_pdf(path, paint_period_report, data, paper, title)
