"""Tables that break across pages repeating their header, and grids of «Label: value»."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor

from .canvas import ACCENT, INK, MUTED, RULE, SHADE, font
from .flow import Flow

ROW_SHADE = QColor("#f6f6f6")


@dataclass
class Column:
    title: str
    width: float  # relative weight
    align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft
    wrap: bool = False


@dataclass
class Row:
    cells: list[str]
    bold: bool = False
    indent: int = 0  # indentation levels of the first wrapping/left column
    shade: bool = False
    muted: bool = False
    rule_above: bool = False


def draw_table(
    flow: Flow,
    columns: list[Column],
    rows: list[Row],
    size_pt: float = 9.0,
    x: float = 0.0,
    width: float | None = None,
    title: str = "",
) -> None:
    """A table that breaks across pages, repeating its header; numbers right-aligned."""
    canvas = flow.canvas
    table_width = flow.width - x if width is None else width
    total_weight = sum(c.width for c in columns)
    widths = [table_width * c.width / total_weight for c in columns]
    pad = canvas.mm(1.2)
    body_font = font(size_pt)
    bold_font = font(size_pt, bold=True)
    head_font = font(size_pt - 0.5, bold=True)
    title_font = font(size_pt + 2, bold=True)
    indent_step = canvas.mm(5)
    indent_col = _indent_column(columns)

    def header_height() -> float:
        return (
            max(
                canvas.wrapped_height(c.title, head_font, w - 2 * pad)
                for c, w in zip(columns, widths, strict=False)
            )
            + 2 * pad
        )

    def draw_header() -> None:
        height = header_height()
        top = flow.y
        flow.box(QRectF(x, top, table_width, height), fill=SHADE, border=None)
        left = x
        for column, col_width in zip(columns, widths, strict=False):
            flow.text(
                left + pad,
                top + pad,
                col_width - 2 * pad,
                column.title,
                head_font,
                align=column.align,
                wrap=True,
                color=INK,
            )
            left += col_width
        bottom = top + height
        flow.hline(x, x + table_width, bottom, 0.8, INK)
        flow.y = bottom

    def row_height(row: Row) -> float:
        fnt = bold_font if row.bold else body_font
        height = canvas.line_height(fnt)
        for index, (column, col_width, cell) in enumerate(
            zip(columns, widths, row.cells, strict=False)
        ):
            if column.wrap:
                indent = indent_step * row.indent if index == indent_col else 0
                height = max(height, canvas.wrapped_height(cell, fnt, col_width - 2 * pad - indent))
        return height + 2 * pad * 0.6

    title_height = canvas.line_height(title_font) + canvas.mm(1.5) if title else 0.0
    first_row = row_height(rows[0]) if rows else 0.0
    flow.ensure(title_height + header_height() + first_row)
    if title:
        flow.text(x, flow.y, table_width, title, title_font, color=ACCENT)
        flow.y += title_height

    def repeat_header() -> None:
        draw_header()

    draw_header()
    flow.on_new_page.append(repeat_header)
    try:
        for row in rows:
            height = row_height(row)
            flow.ensure(height)
            top = flow.y
            fnt = bold_font if row.bold else body_font
            color = MUTED if row.muted else INK
            if row.shade:
                flow.box(QRectF(x, top, table_width, height), fill=ROW_SHADE, border=None)
            if row.rule_above:
                flow.hline(x, x + table_width, top, 0.8, INK)
            left = x
            for index, (column, col_width, cell) in enumerate(
                zip(columns, widths, row.cells, strict=False)
            ):
                indent = indent_step * row.indent if index == indent_col else 0.0
                cell_width = col_width - 2 * pad - indent
                cell_font = fnt
                if not column.wrap and column.align & Qt.AlignmentFlag.AlignRight:
                    # amounts shrink, never "…"
                    cell_font = canvas.fit_font(cell, fnt, cell_width)
                flow.text(
                    left + pad + indent,
                    top + pad * 0.6,
                    cell_width,
                    cell,
                    cell_font,
                    align=column.align,
                    wrap=column.wrap,
                    color=color,
                )
                left += col_width
            bottom = top + height
            flow.hline(x, x + table_width, bottom, 0.3, RULE)
            flow.y = bottom
    finally:
        flow.on_new_page.remove(repeat_header)


def _indent_column(columns: list[Column]) -> int:
    for index, column in enumerate(columns):
        if column.wrap:
            return index
    return 0


def key_values(
    flow: Flow,
    pairs: list[tuple[str, str]],
    columns: int = 2,
    size_pt: float = 9.5,
    label_mm: float = 30.0,
    gap_mm: float = 6.0,
) -> None:
    """A grid of «Label: value» pairs, ``columns`` across, values wrapped."""
    canvas = flow.canvas
    label_font = font(size_pt, bold=True)
    value_font = font(size_pt)
    gap = canvas.mm(gap_mm)
    col_width = (flow.width - gap * (columns - 1)) / columns
    label_width = min(canvas.mm(label_mm), col_width * 0.45)
    value_width = col_width - label_width
    for start in range(0, len(pairs), columns):
        chunk = pairs[start : start + columns]
        height = max(
            max(
                canvas.wrapped_height(label, label_font, label_width - canvas.mm(1)),
                canvas.wrapped_height(value, value_font, value_width),
            )
            for label, value in chunk
        )
        flow.ensure(height)
        for index, (label, value) in enumerate(chunk):
            left = index * (col_width + gap)
            flow.text(
                left, flow.y, label_width - canvas.mm(1), label, label_font, wrap=True, color=MUTED
            )
            flow.text(left + label_width, flow.y, value_width, value, value_font, wrap=True)
        flow.y += height + canvas.mm(1.2)
