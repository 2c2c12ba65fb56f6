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

What it says is in ``fiscal_content``, how the page and the roll draw it in
``fiscal_page`` and ``fiscal_roll``. The document is a Honduran legal document: its
legends stay in Spanish whatever the interface language.
"""

from __future__ import annotations

import os

from PySide6.QtGui import QPagedPaintDevice, QPageLayout, QPainter

from ..services.billing.views import FiscalDocument
from . import pdf_output
from .canvas import Canvas
from .cash_close import cash_close_page_layout, paint_cash_close, write_cash_close_pdf
from .fiscal_blocks import paint_void_stamp
from .fiscal_content import VOID_LEGEND, document_title
from .fiscal_page import page_flow
from .fiscal_roll import fiscal_roll_flow
from .flow import Flow
from .page_frame import paint_footer
from .paper import PAPERS, ROLL, ROLL_WIDTH_MM, check_paper, document_layout, is_roll, roll_layout
from .pdf_output import keep_none_alive, write_pdf

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


def _flow(canvas: Canvas, doc: FiscalDocument, copy: str, paper: str) -> Flow:
    if is_roll(paper):
        return fiscal_roll_flow(canvas, doc, copy)
    return page_flow(canvas, doc, copy)


def roll_length_mm(doc: FiscalDocument) -> float:
    """The roll page's length in mm: the longest copy, the margins and some slack."""
    return pdf_output.roll_length_mm(
        lambda canvas: max(_flow(canvas, doc, copy, ROLL).y for copy in doc.copies or ("",))
    )


def fiscal_page_layout(doc: FiscalDocument, paper: str = "Letter") -> QPageLayout:
    """The page layout for ``paper`` ("Letter", "A4" or ``ROLL``); the roll fits the content."""
    if is_roll(paper):
        return roll_layout(ROLL_WIDTH_MM, roll_length_mm(doc))
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
                paint_footer(canvas, index, count, left, doc.number, spanish=True)

        if pages:
            device.newPage()
        pages += flow.paint(device, decorate)
    return pages


def write_fiscal_document_pdf(
    path: str | os.PathLike[str], doc: FiscalDocument, paper: str = "Letter"
) -> int:
    """Save the document (every copy) as a PDF on ``paper``; returns the page count."""
    check_paper(paper)
    return write_pdf(
        path,
        fiscal_page_layout(doc, paper),
        lambda p, d: paint_fiscal_document(p, d, doc, paper),
        title=document_title(doc),
    )
