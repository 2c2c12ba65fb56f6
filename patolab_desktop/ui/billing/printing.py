"""Printing and saving fiscal documents and cash-close reports from the billing screens.

The factura's painter is ``documents.fiscal_document`` (issue 17, written apart); every
call goes through ``_renderer`` so this module is the one place that knows it. When the
painter is not installed, a plain rendering of the same data (``_plain_html``) is used,
so the desk can always print.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtGui import QPagedPaintDevice, QPainter, QTextDocument
from PySide6.QtWidgets import QWidget

from ...i18n import translate
from ...services.billing import cash, records
from ...services.errors import ServiceError
from ...services.requests import reports
from .. import prompts
from ..printing import actions
from .common import day_text, money

CTX = "billing.printing"
ROLL = "Roll80"


def papers() -> list[tuple[str, str]]:
    """(key, label) of the paper formats offered."""
    return [
        ("Letter", translate("billing.printing", "Carta")),
        ("A4", "A4"),
        (ROLL, translate("billing.printing", "Rollo 80 mm")),
    ]


def default_paper() -> str:
    value = reports.paper_size()
    return value if value in ("Letter", "A4") else "Letter"


def _renderer():
    """The fiscal document painter (``documents.fiscal_document``) or None."""
    try:
        from ...documents import fiscal_document
    except ImportError:  # not installed yet: the plain rendering below
        return None
    return fiscal_document


# --- plain rendering (fallback, and the cash close report) --------------------------------
def _plain_html(doc) -> str:
    e = html.escape
    rows = "".join(
        f"<tr><td>{e(line.description)}</td><td align=right>{line.quantity}</td>"
        f"<td align=right>{money(line.unit_price)}</td><td align=right>{money(line.discount)}"
        f"</td><td align=right>{money(line.amount)}</td></tr>"
        for line in doc.lines
    )
    t = doc.totals
    totals = "".join(
        f"<tr><td>{e(name)}</td><td align=right>{money(value)}</td></tr>"
        for name, value in (
            ("Importe Exento", t.exempt),
            ("Importe Exonerado", t.exonerated),
            ("Importe Gravado 15 %", t.taxed15),
            ("Importe Gravado 18 %", t.taxed18),
            ("ISV 15 %", t.isv15),
            ("ISV 18 %", t.isv18),
            ("Total", t.total),
        )
    )
    paid = "".join(f"<div>{e(p.method_label)}: {money(p.amount)}</div>" for p in doc.payments)
    copies = []
    for copy in doc.copies or ("",):
        copies.append(
            f"<h2>{e(doc.issuer.trade_name)}</h2><div>{e(doc.issuer.legal_name)} · RTN "
            f"{e(doc.issuer.rtn)}</div><div>{e(doc.issuer.branch_address)}</div>"
            f"<h1>{e(doc.title)}{' — ANULADA' if doc.voided else ''}</h1>"
            f"<div>N.º {e(doc.number)}</div><div>CAI {e(doc.cai)}</div>"
            f"<div>Rango autorizado: {e(doc.range_text)}</div>"
            f"<div>Fecha límite de emisión: {day_text(doc.deadline)}</div>"
            f"<div>Fecha: {day_text(doc.issued_at)}</div>"
            f"<div>Cliente: {e(doc.buyer_name)} {e(doc.buyer_document)}</div>"
            + (
                f"<div>Factura original: {e(doc.original_number)} CAI {e(doc.original_cai)} "
                f"{day_text(doc.original_date)}</div><div>Motivo: {e(doc.reason)}</div>"
                if doc.original_number
                else ""
            )
            + f"<table width=100% border=1 cellspacing=0 cellpadding=2>{rows}</table>"
            f"<table width=60% align=right>{totals}</table><br clear=all>"
            f"<div>{e(doc.totals.total_words)}</div>{paid}<p><i>{e(copy)}</i></p>"
        )
    return '<hr style="page-break-after: always">'.join(copies)


def _cash_html(report) -> str:
    tr_ = {
        "Abierta": translate("billing.printing", "Abierta"),
        "Anuladas": translate("billing.printing", "Anuladas"),
        "Cerrada": translate("billing.printing", "Cerrada"),
        "Cierre de caja": translate("billing.printing", "Cierre de caja"),
        "Confirmada por": translate("billing.printing", "Confirmada por"),
        "Contado": translate("billing.printing", "Contado"),
        "Diferencia": translate("billing.printing", "Diferencia"),
        "Efectivo por denominación": translate("billing.printing", "Efectivo por denominación"),
        "Esperado": translate("billing.printing", "Esperado"),
        "Esperado y contado": translate("billing.printing", "Esperado y contado"),
        "Facturas": translate("billing.printing", "Facturas"),
        "Fondo inicial": translate("billing.printing", "Fondo inicial"),
        "Forma de pago": translate("billing.printing", "Forma de pago"),
        "Nota": translate("billing.printing", "Nota"),
        "Usuario": translate("billing.printing", "Usuario"),
    }
    e = html.escape
    methods = sorted(set(report.expected) | set(report.counted))
    rows = "".join(
        f"<tr><td>{e(m)}</td><td align=right>{money(report.expected.get(m, 0))}</td>"
        f"<td align=right>{money(report.counted.get(m, 0)) if report.counted else ''}</td></tr>"
        for m in methods
    )
    faces = "".join(
        f"<tr><td>{money(face)}</td><td align=right>{count}</td>"
        f"<td align=right>{money(face * count)}</td></tr>"
        for face, count in report.denominations
    )
    return (
        f"<h1>{e(tr_['Cierre de caja'])} #{report.session_id}</h1>"
        f"<div>{e(tr_['Usuario'])}: {e(report.user)} · {e(report.branch_name)}</div>"
        f"<div>{e(tr_['Abierta'])}: {day_text(report.opened_at)} · {e(tr_['Cerrada'])}: "
        f"{day_text(report.closed_at)}</div>"
        f"<div>{e(tr_['Fondo inicial'])}: {money(report.opening_float)}</div>"
        f"<h3>{e(tr_['Esperado y contado'])}</h3><table width=100% border=1 cellspacing=0 "
        f"cellpadding=2><tr><th>{e(tr_['Forma de pago'])}</th><th>{e(tr_['Esperado'])}</th>"
        f"<th>{e(tr_['Contado'])}</th></tr>{rows}</table>"
        f"<h3>{e(tr_['Efectivo por denominación'])}</h3><table width=60% border=1 "
        f"cellspacing=0 cellpadding=2>{faces}</table>"
        f"<p><b>{e(tr_['Diferencia'])}: {money(report.difference)}</b></p>"
        f"<div>{e(tr_['Nota'])}: {e(report.note)}</div>"
        f"<div>{e(tr_['Facturas'])}: {report.invoices} · "
        f"{e(tr_['Anuladas'])}: {report.voided}</div>"
        f"<div>{e(tr_['Confirmada por'])}: {e(report.confirmed_by or '—')} "
        f"{day_text(report.confirmed_at)}</div>"
    )


def _html_painter(text: str):
    def paint(painter: QPainter, device: QPagedPaintDevice) -> int:
        document = QTextDocument()
        document.setHtml(text)
        rect = device.pageLayout().paintRectPixels(device.resolution())
        document.setPageSize(rect.size().toSizeF())
        document.drawContents(painter)
        return 1

    return paint


# --- what the screens call -----------------------------------------------------------------
def _layout_and_painter(doc, paper: str):
    from ...documents.layout import document_layout

    renderer = _renderer()
    if renderer is not None:
        return (
            renderer.fiscal_page_layout(doc, paper),
            lambda p, d: renderer.paint_fiscal_document(p, d, doc, paper),
        )
    return document_layout("A4" if paper == "A4" else "Letter"), _html_painter(_plain_html(doc))


def _view(parent, document_id: int):
    try:
        return records.view(document_id)
    except ServiceError as exc:
        prompts.error(
            parent, translate("billing.printing", "No se puede imprimir el documento"), str(exc)
        )
        return None


def preview_document(parent: QWidget | None, document_id: int, paper: str | None = None):
    """Print preview of a factura or credit note (print from there)."""
    doc = _view(parent, document_id)
    if doc is None:
        return None
    page_layout, paint = _layout_and_painter(doc, paper or default_paper())
    title = translate("billing.printing", "{title} {number}").format(
        title=doc.title.capitalize(), number=doc.number
    )
    return actions.preview(parent, title, page_layout, paint)


def write_document_pdf(path, document_id: int, paper: str | None = None) -> Path:
    from ...documents.layout import write_pdf

    doc = records.view(document_id)
    paper = paper or default_paper()
    renderer = _renderer()
    if renderer is not None:
        renderer.write_fiscal_document_pdf(path, doc, paper)
    else:
        page_layout, paint = _layout_and_painter(doc, paper)
        write_pdf(path, page_layout, paint, title=doc.number)
    return Path(path)


def save_document_pdf(parent: QWidget | None, document_id: int, paper: str | None = None):
    """Ask where, then save the document as PDF; returns the path or None."""
    doc = _view(parent, document_id)
    if doc is None:
        return None
    path = prompts.save_file(
        parent,
        translate("billing.printing", "Guardar documento en PDF"),
        str(prompts.last_folder() / f"{doc.number}.pdf"),
        translate("billing.printing", "Documento PDF (*.pdf)"),
    )
    if not path:
        return None
    path = Path(path)
    if path.suffix.lower() != ".pdf":
        path = path.with_name(path.name + ".pdf")
    try:
        write_document_pdf(path, document_id, paper)
    except (OSError, ValueError, ServiceError) as exc:
        prompts.error(parent, translate("billing.printing", "No se pudo guardar el PDF"), str(exc))
        return None
    prompts.remember_folder(path)
    return path


def preview_cash_report(parent: QWidget | None, session_id: int):
    from ...documents.layout import document_layout

    try:
        report = cash.report(session_id)
    except ServiceError as exc:
        prompts.error(
            parent, translate("billing.printing", "No se puede imprimir el cierre"), str(exc)
        )
        return None
    return actions.preview(
        parent,
        translate("billing.printing", "Cierre de caja #{id}").format(id=session_id),
        document_layout(default_paper()),
        _html_painter(_cash_html(report)),
    )


def write_cash_report_pdf(path, session_id: int) -> Path:
    from ...documents.layout import document_layout, write_pdf

    report = cash.report(session_id)
    write_pdf(path, document_layout(default_paper()), _html_painter(_cash_html(report)))
    return Path(path)
