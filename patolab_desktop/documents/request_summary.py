"""The request summary for the patient and the supervisor (A4 or Letter).

``paint_summary(painter, device, data)`` draws the data of
``services.reports.request_summary_data`` on any paged device (QPdfWriter, QPrinter in a
print or a preview); ``write_summary_pdf`` saves it as a PDF file.
"""

from __future__ import annotations

import contextlib
import os
from decimal import Decimal

from PySide6.QtCore import QRectF
from PySide6.QtGui import QPagedPaintDevice, QPainter

from ..i18n import translate
from ..services.texts import service_label
from ..util.money import format_lempiras
from .barcode import BarcodeError, paint_code128
from .blocks import notice_box, paint_diagonal_stamp
from .canvas import ACCENT, CENTER, INK, MUTED, RIGHT, Canvas, font
from .flow import Flow
from .page_frame import paged_flow, paint_lab_header, paint_with_footer
from .pdf_output import keep_none_alive, write_document_pdf
from .tables import Column, Row, draw_table, key_values


def document_title() -> str:
    """The document's name in the active language."""
    return translate("printing.request_summary", "Resumen de solicitud")


def discount_text(data: dict) -> str:
    """The kind and percent of the request discount («por edad 30 %») in the active language."""
    kind, percent = data.get("discount_kind"), data.get("discount_percent")
    if not kind or Decimal(str(percent or 0)) <= 0:
        return ""
    shown = f"{Decimal(str(percent)).normalize():f}"
    if kind == "age":
        return translate("printing.request_summary", "por edad {percent} %").format(percent=shown)
    return translate("printing.request_summary", "manual {percent} %").format(percent=shown)


def _columns() -> list[Column]:
    return [
        Column(translate("printing.request_summary", "Código"), 13),
        Column(translate("printing.request_summary", "Investigación"), 52, wrap=True),
        Column(translate("printing.request_summary", "Muestra"), 22, wrap=True),
        Column(translate("printing.request_summary", "Precio"), 19, RIGHT),
        Column(translate("printing.request_summary", "Descuento"), 19, RIGHT),
        Column(translate("printing.request_summary", "Neto"), 19, RIGHT),
    ]


def _facts(data: dict) -> list[tuple[str, str]]:
    """The «label: value» pairs under the header."""
    patient = data["patient"]
    doctor = data["doctor"]
    doctor_text = doctor.get("name") or ""
    if doctor.get("institution"):
        doctor_text = (
            f"{doctor_text} ({doctor['institution']})" if doctor_text else doctor["institution"]
        )
    pairs = [
        (translate("printing.request_summary", "Paciente"), patient.get("name") or ""),
        (translate("printing.request_summary", "Identidad"), patient.get("id_number") or "—"),
        (
            translate("printing.request_summary", "Edad"),
            # worded by the service (customers.age_text): «68 años», a baby's «8 meses»
            patient.get("age_text") or "—",
        ),
        (translate("printing.request_summary", "Sexo"), patient.get("gender") or "—"),
        (translate("printing.request_summary", "Remitente"), doctor_text or "—"),
        (translate("printing.request_summary", "Sucursal"), data.get("branch_text") or "—"),
        (
            translate("printing.request_summary", "Prioridad"),
            service_label(data.get("priority_label")),
        ),
        (translate("printing.request_summary", "Origen"), service_label(data.get("source_label"))),
        (
            translate("printing.request_summary", "Fecha de solicitud"),
            data.get("requested_at_text") or "",
        ),
        (translate("printing.request_summary", "Estado"), service_label(data.get("status_label"))),
    ]
    if data.get("completed_at_text"):
        pairs.append(
            (translate("printing.request_summary", "Completada"), data["completed_at_text"])
        )
    if data.get("payer_name"):  # a company pays: «Neto a pagar» is not the patient's
        pairs.append((translate("printing.request_summary", "Paga"), data["payer_name"]))
    return pairs


def summary_flow(canvas: Canvas, data: dict) -> Flow:
    """Lay the summary out into pages (nothing is painted yet)."""
    number = data["request_number"]
    title = document_title()
    continued = translate(
        "printing.request_summary",
        "{v} — {TITLE} {number} (continuación)",
    ).format(v=data["lab"].get("name") or "", TITLE=title, number=number)
    flow = paged_flow(canvas, continued)

    barcode_height = canvas.mm(11)
    number_font = font(11, bold=True)
    title_font = font(9.5, bold=True)
    right_height = (
        canvas.line_height(title_font)
        + canvas.mm(1)
        + barcode_height
        + canvas.line_height(number_font)
    )

    def draw_right(x: float, y: float, width: float) -> None:
        y += flow.text(x, y, width, title.upper(), title_font, align=RIGHT, color=ACCENT)
        y += canvas.mm(1)
        rect = QRectF(x + canvas.mm(4), y, width - canvas.mm(4), barcode_height)

        def bars(rect: QRectF = rect) -> None:
            with contextlib.suppress(BarcodeError):  # the number is still printed as text
                paint_code128(canvas.painter, rect, number)

        flow.add(bars)
        y += barcode_height
        flow.text(x + canvas.mm(4), y, width - canvas.mm(4), number, number_font, align=CENTER)

    paint_lab_header(flow, data["lab"], 62, draw_right, right_height)
    flow.gap(2)
    flow.rule(width_pt=1.0, color=INK, gap_mm=3)

    key_values(flow, _facts(data), columns=2, label_mm=36)
    for label, key in (
        (translate("printing.request_summary", "Información clínica"), "clinical_info"),
        (translate("printing.request_summary", "Notas"), "notes"),
    ):
        value = (data.get(key) or "").strip()
        if value:
            flow.gap(0.5)
            flow.ensure(canvas.line_height(font(9.5, bold=True)) * 2)
            flow.text(0, flow.y, flow.width, label, font(9.5, bold=True), color=MUTED)
            flow.y += canvas.line_height(font(9.5, bold=True))
            flow.paragraph(value, font(9.5))
    flow.gap(3)

    rows = []
    for line in data["lines"]:
        member = bool(line.get("member"))
        name = line.get("name") or ""
        if line.get("notes"):
            name = f"{name} — {line['notes']}"
        rows.append(
            Row(
                [
                    line.get("code") or "",
                    name,
                    line.get("sample_type") or "",
                    format_lempiras(line["price"]),
                    format_lempiras(line["discount"]),
                    format_lempiras(line["net_price"]),
                ],
                indent=1 if member else 0,
                muted=member,
                bold=bool(line.get("is_panel")),
            )
        )
    draw_table(
        flow,
        _columns(),
        rows,
        size_pt=9,
        title=translate("printing.request_summary", "Investigaciones"),
    )
    flow.gap(3)
    _totals(flow, data)
    if data.get("cancelled"):
        _cancelled_box(flow, data)
    return flow


def _totals(flow: Flow, data: dict) -> None:
    canvas = flow.canvas
    totals = data["totals"]
    discount_label = translate("printing.request_summary", "Descuento")
    kind = discount_text(data)
    if kind:
        discount_label = translate(
            "printing.request_summary", "Descuento ({discount_text})"
        ).format(discount_text=kind)
    ordered = data["investigation_count"]  # services.requests.counting: one definition
    if ordered == 1:
        total_label = translate("printing.request_summary", "Total (1 investigación)")
    elif ordered:
        total_label = translate(
            "printing.request_summary", "Total ({count} investigaciones)"
        ).format(count=ordered)
    else:
        total_label = translate("printing.request_summary", "Total")
    total_rows = [
        (total_label, format_lempiras(totals["total"]), False),
        (discount_label, format_lempiras(totals["discount"]), False),
    ]
    for key, rate in (("isv15", 15), ("isv18", 18)):  # taxed investigations only
        if totals.get(key):
            label = translate("printing.request_summary", "ISV {rate} %").format(rate=rate)
            total_rows.append((label, format_lempiras(totals[key]), False))
    net_label = translate("printing.request_summary", "Neto a pagar")
    factura = data.get("factura") or {}
    credited = factura.get("credited")
    total_rows.append((net_label, format_lempiras(totals["net"]), not credited))
    if credited:  # what its factura's credit notes gave back or left as saldo
        total_rows += [
            (
                translate("printing.request_summary", "Notas de crédito"),
                format_lempiras(-credited),
                False,
            ),
            (
                translate("printing.request_summary", "Neto tras notas de crédito"),
                format_lempiras(factura["net_after_credits"]),
                True,
            ),
        ]
    box_width = canvas.mm(95)
    label_font, value_font = font(9.5), font(9.5)
    strong_font = font(11.5, bold=True)
    row_height = canvas.line_height(strong_font) + canvas.mm(1)
    flow.ensure(row_height * len(total_rows) + canvas.mm(2))
    left = flow.width - box_width
    for label, value, strong in total_rows:
        lf = strong_font if strong else label_font
        vf = strong_font if strong else value_font
        if strong:
            flow.hline(left, flow.width, flow.y, 0.8, INK)
            flow.y += canvas.mm(0.8)
        flow.text(left, flow.y, box_width * 0.6, label, lf, wrap=False)
        flow.text(left + box_width * 0.6, flow.y, box_width * 0.4, value, vf, align=RIGHT)
        flow.y += row_height
    notes = []
    if data.get("discount_reason"):
        notes.append(
            translate("printing.request_summary", "Motivo del descuento: {discount_reason}").format(
                discount_reason=data["discount_reason"]
            )
        )
    if factura.get("shared"):  # the factura is the legal truth: say what it charged
        notes.append(
            translate(
                "printing.request_summary",
                "Facturada con otras solicitudes en la factura {number} (total {total}): lo de "
                "esta solicitud es su parte y puede diferir en centavos de la factura.",
            ).format(number=factura["number"], total=format_lempiras(factura["total"]))
        )
    note_font = font(8.5, italic=True)
    for note in notes:
        flow.text(left, flow.y, box_width, note, note_font, wrap=True, color=MUTED)
        flow.y += canvas.wrapped_height(note, note_font, box_width)


def _cancelled_box(flow: Flow, data: dict) -> None:
    flow.gap(5)
    heading = translate("printing.request_summary", "SOLICITUD CANCELADA")
    if data.get("cancelled_at_text"):
        heading += translate("printing.request_summary", " el {cancelled_at_text}").format(
            cancelled_at_text=data["cancelled_at_text"]
        )
    why = data.get("cancellation_reason") or translate(
        "printing.request_summary", "(sin motivo registrado)"
    )
    reason = translate("printing.request_summary", "Motivo: {v}").format(v=why)
    notice_box(flow, heading, reason, font(11, bold=True), font(10), pad_mm=3, gap_mm=1)


def paint_stamp(canvas: Canvas, text: str | None = None) -> None:
    """A diagonal red stamp across the middle of the page («CANCELADA» by default)."""
    if text is None:
        text = translate("printing.request_summary", "CANCELADA")
    paint_diagonal_stamp(canvas, text, fit_width=False)


def printed_text(data: dict) -> str:
    who = data.get("printed_by") or "—"
    return (
        translate("printing.request_summary", "Impreso por {who} el {v}")
        .format(who=who, v=data.get("printed_at_text") or "")
        .strip()
    )


@keep_none_alive
def paint_summary(painter: QPainter, device: QPagedPaintDevice, data: dict) -> int:
    """Draw the whole summary on an active painter; returns the number of pages."""
    canvas = Canvas(painter)
    flow = summary_flow(canvas, data)
    stamp = (lambda: paint_stamp(canvas)) if data.get("cancelled") else None
    return paint_with_footer(flow, device, printed_text(data), data["request_number"], stamp)


def write_summary_pdf(path: str | os.PathLike[str], data: dict, paper: str = "A4") -> int:
    """Save the summary as a PDF; returns the page count."""
    title = f"{document_title()} {data['request_number']}"
    return write_document_pdf(path, paint_summary, data, paper, title)
