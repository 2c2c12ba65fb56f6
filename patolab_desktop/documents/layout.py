"""The layout kit of the printed documents, in one import: units, fonts, text, tables
and paging.

Its parts live in modules named for what they hold: ``paper`` (formats and page layouts),
``canvas`` (colours, fonts, measuring and immediate drawing), ``flow`` (pages of deferred
drawing operations), ``tables`` (tables and «Label: value» grids), ``page_frame`` (lab
header, continuation header, footer) and ``pdf_output`` (writing PDFs, measuring rolls).
The screens and the commands import them from here.

A document is laid out first into pages of deferred drawing operations, then painted;
that way the footer knows the page count ("Página 1 de 3").
"""

from __future__ import annotations

from .canvas import (
    ACCENT,
    FONT_FAMILIES,
    INK,
    MUTED,
    RULE,
    SHADE,
    STAMP,
    STAMP_FILL,
    Canvas,
    font,
    load_logo,
)
from .flow import Flow, Op, wrap_lines
from .page_frame import continuation_header, paged_flow, paint_footer, paint_lab_header, roll_flow
from .paper import (
    DOCUMENT_MARGINS_MM,
    PAPER_SIZES,
    PAPERS,
    ROLL,
    ROLL_CONTENT_MM,
    ROLL_END_MM,
    ROLL_SIDE_MM,
    ROLL_SLACK_MM,
    ROLL_WIDTH_MM,
    check_paper,
    document_layout,
    is_roll,
    label_layout,
    page_size,
    roll_layout,
)
from .pdf_output import (
    PDF_RESOLUTION,
    ensure_gui_application,
    fitted_roll_layout,
    keep_none_alive,
    measuring_canvas,
    roll_length_mm,
    write_pdf,
)
from .tables import Column, Row, draw_table, key_values

__all__ = [
    "ACCENT",
    "DOCUMENT_MARGINS_MM",
    "FONT_FAMILIES",
    "INK",
    "MUTED",
    "PAPERS",
    "PAPER_SIZES",
    "PDF_RESOLUTION",
    "ROLL",
    "ROLL_CONTENT_MM",
    "ROLL_END_MM",
    "ROLL_SIDE_MM",
    "ROLL_SLACK_MM",
    "ROLL_WIDTH_MM",
    "RULE",
    "SHADE",
    "STAMP",
    "STAMP_FILL",
    "Canvas",
    "Column",
    "Flow",
    "Op",
    "Row",
    "check_paper",
    "continuation_header",
    "document_layout",
    "draw_table",
    "ensure_gui_application",
    "fitted_roll_layout",
    "font",
    "is_roll",
    "keep_none_alive",
    "key_values",
    "label_layout",
    "load_logo",
    "measuring_canvas",
    "page_size",
    "paged_flow",
    "paint_footer",
    "paint_lab_header",
    "roll_flow",
    "roll_layout",
    "roll_length_mm",
    "wrap_lines",
    "write_pdf",
]
