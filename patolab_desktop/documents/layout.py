"""Page layout shared by the printed documents: units, fonts, text, tables and paging.

Everything is measured in device units of the paint device (1200 dpi for QPdfWriter, the
printer's resolution for QPrinter, the image's dots-per-metre for QImage), converted from
millimetres and points, so the same code draws PDF, preview and paper identically.

A document is laid out first into pages of deferred drawing operations, then painted;
that way the footer knows the page count ("Página 1 de 3").
"""

from __future__ import annotations

import contextlib
import functools
import math
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QMarginsF, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QImageReader,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPen,
)

from ..i18n import translate


def keep_none_alive(func):
    """Work around PySide6 6.12.0 on Python < 3.12 dropping a reference to ``None`` on every
    Qt call that returns nothing (upstream PYSIDE-3474): a printed page makes thousands of
    such calls, and once ``None``'s count reaches zero the interpreter aborts with
    "none_dealloc". The deficit a render leaves behind is given back at the end; an extra
    reference to ``None`` is harmless. Nothing happens on Python 3.12+ (``None`` is immortal).
    """
    if sys.version_info >= (3, 12):
        return func

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        before = sys.getrefcount(None)
        try:
            return func(*args, **kwargs)
        finally:
            deficit = before - sys.getrefcount(None)
            if deficit > 0:
                import ctypes

                ctypes.c_ssize_t.from_address(id(None)).value += deficit

    return wrapper


FONT_FAMILIES = ["Arial", "Helvetica", "Liberation Sans", "Nimbus Sans", "DejaVu Sans"]
INK = QColor("#1a1a1a")
MUTED = QColor("#555555")
RULE = QColor("#9e9e9e")
SHADE = QColor("#eeeeee")
ACCENT = QColor("#1f4e79")
STAMP = QColor(198, 40, 40)

PAPER_SIZES = {"A4": QPageSize.PageSizeId.A4, "Letter": QPageSize.PageSizeId.Letter}
DOCUMENT_MARGINS_MM = (15.0, 12.0, 15.0, 12.0)  # left, top, right, bottom


def page_size(paper: str) -> QPageSize:
    return QPageSize(PAPER_SIZES.get(paper, QPageSize.PageSizeId.A4))


def document_layout(paper: str) -> QPageLayout:
    left, top, right, bottom = DOCUMENT_MARGINS_MM
    return QPageLayout(
        page_size(paper),
        QPageLayout.Orientation.Portrait,
        QMarginsF(left, top, right, bottom),
        QPageLayout.Unit.Millimeter,
    )


def label_layout(width_mm: float, height_mm: float) -> QPageLayout:
    size = QPageSize(
        QSizeF(width_mm, height_mm),
        QPageSize.Unit.Millimeter,
        translate("printing.layout", "Etiqueta"),
        QPageSize.SizeMatchPolicy.ExactMatch,
    )
    # a custom size keeps width and height as given when the orientation is "portrait"
    layout = QPageLayout(
        size, QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter
    )
    layout.setMinimumMargins(QMarginsF(0, 0, 0, 0))
    return layout


# the 80 mm receipt roll: 72 mm printable, as on common thermal printers; a page is as long
# as its content (measured first, see ``fitted_roll_layout``)
ROLL = "Roll80"
PAPERS = ("Letter", "A4", ROLL)
ROLL_WIDTH_MM = 80.0
ROLL_SIDE_MM = 4.0
ROLL_END_MM = 4.0
ROLL_SLACK_MM = 4.0  # room for font-metric differences between devices
ROLL_CONTENT_MM = ROLL_WIDTH_MM - 2 * ROLL_SIDE_MM


def is_roll(paper: str) -> bool:
    return paper == ROLL


def check_paper(paper: str) -> None:
    if paper not in PAPERS:
        raise ValueError(f"Formato de papel desconocido: {paper!r} (use {', '.join(PAPERS)})")


def roll_layout(
    width_mm: float, height_mm: float, side_mm: float = ROLL_SIDE_MM, end_mm: float = ROLL_END_MM
) -> QPageLayout:
    """A receipt-roll page (80 mm wide, as long as its content), with small margins."""
    size = QPageSize(
        QSizeF(width_mm, max(height_mm, width_mm + 1.0)),  # taller than wide: stays portrait
        QPageSize.Unit.Millimeter,
        f"Rollo {width_mm:g} mm",
        QPageSize.SizeMatchPolicy.ExactMatch,
    )
    layout = QPageLayout(
        size,
        QPageLayout.Orientation.Portrait,
        QMarginsF(side_mm, end_mm, side_mm, end_mm),
        QPageLayout.Unit.Millimeter,
    )
    layout.setMinimumMargins(QMarginsF(0, 0, 0, 0))
    return layout


def font(size_pt: float, bold: bool = False, italic: bool = False) -> QFont:
    result = QFont()
    result.setFamilies(FONT_FAMILIES)
    result.setPointSizeF(size_pt)
    result.setBold(bold)
    result.setItalic(italic)
    result.setStyleHint(QFont.StyleHint.SansSerif)
    result.setKerning(True)
    # no "fi"/"fl" ligatures: the PDF text must copy and search as typed ("Perfil")
    for tag in ("liga", "clig", "dlig"):
        result.setFeature(QFont.Tag(tag), 0)
    return result


class Canvas:
    """Unit conversion and text measurement for one painter on one device."""

    def __init__(
        self, painter: QPainter, width: float | None = None, height: float | None = None
    ) -> None:
        self.painter = painter
        device = painter.device()
        self.device = device
        self.dpi = float(device.logicalDpiX())
        self.width = float(width if width is not None else device.width())
        self.height = float(height if height is not None else device.height())

    def mm(self, value: float) -> float:
        return value * self.dpi / 25.4

    def pt(self, value: float) -> float:
        return value * self.dpi / 72.0

    def metrics(self, fnt: QFont) -> QFontMetricsF:
        return QFontMetricsF(fnt, self.device)

    def line_height(self, fnt: QFont) -> float:
        return self.metrics(fnt).height()

    def text_width(self, text: str, fnt: QFont) -> float:
        return self.metrics(fnt).horizontalAdvance(text)

    def wrapped_height(self, text: str, fnt: QFont, width: float) -> float:
        if not text:
            return self.line_height(fnt)
        rect = self.metrics(fnt).boundingRect(
            QRectF(0, 0, max(width, 1.0), 1e9),
            int(Qt.TextFlag.TextWordWrap) | int(Qt.AlignmentFlag.AlignLeft),
            text,
        )
        return max(rect.height(), self.line_height(fnt))

    def elide(self, text: str, fnt: QFont, width: float) -> str:
        return self.metrics(fnt).elidedText(text, Qt.TextElideMode.ElideRight, max(width, 1.0))

    def fit_font(self, text: str, fnt: QFont, width: float, min_pt: float = 5.0) -> QFont:
        """The largest size not above ``fnt``'s that fits ``text`` on one line of ``width``."""
        result = QFont(fnt)
        size = result.pointSizeF()
        while size > min_pt and self.text_width(text, result) > width:
            size -= 0.25
            result.setPointSizeF(size)
        return result

    # --- immediate drawing ---------------------------------------------------------------
    def draw_text(
        self,
        rect: QRectF,
        text: str,
        fnt: QFont,
        align=Qt.AlignmentFlag.AlignLeft,
        wrap: bool = False,
        color: QColor = INK,
    ) -> None:
        flags = int(align)
        if not flags & int(Qt.AlignmentFlag.AlignVertical_Mask):
            flags |= int(Qt.AlignmentFlag.AlignTop)
        if wrap:
            flags |= int(Qt.TextFlag.TextWordWrap)
        self.painter.save()
        self.painter.setFont(fnt)
        self.painter.setPen(color)
        self.painter.drawText(rect, flags, text)
        self.painter.restore()

    def hline(
        self, x1: float, x2: float, y: float, width_pt: float = 0.5, color: QColor = RULE
    ) -> None:
        self.painter.save()
        pen = QPen(color)
        pen.setWidthF(self.pt(width_pt))
        self.painter.setPen(pen)
        self.painter.drawLine(QPointF(x1, y), QPointF(x2, y))
        self.painter.restore()

    def box(
        self,
        rect: QRectF,
        fill: QColor | None = None,
        border: QColor | None = RULE,
        width_pt: float = 0.5,
    ) -> None:
        self.painter.save()
        if border is None:
            self.painter.setPen(Qt.PenStyle.NoPen)
        else:
            pen = QPen(border)
            pen.setWidthF(self.pt(width_pt))
            self.painter.setPen(pen)
        self.painter.setBrush(fill if fill is not None else Qt.BrushStyle.NoBrush)
        self.painter.drawRect(rect)
        self.painter.restore()


def load_logo(path: str):
    """The logo as a QImage, or None when there is none or it cannot be read."""
    if not path:
        return None
    reader = QImageReader(path)
    reader.setAutoTransform(True)
    image = reader.read()
    return None if image.isNull() else image


# --- paged layout -------------------------------------------------------------------------
Op = Callable[[], None]


@dataclass
class Flow:
    """Lays content out top to bottom into pages of deferred drawing operations."""

    canvas: Canvas
    top: float
    bottom: float
    first_top: float | None = None
    pages: list[list[Op]] = field(default_factory=lambda: [[]])
    on_new_page: list[Callable[[], None]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.y = self.first_top if self.first_top is not None else self.top

    @property
    def width(self) -> float:
        return self.canvas.width

    def new_page(self) -> None:
        self.pages.append([])
        self.y = self.top
        for hook in list(self.on_new_page):
            hook()

    def ensure(self, height: float) -> None:
        """Break the page unless ``height`` fits below (a block taller than a page just starts)."""
        if self.y + height > self.bottom and self.y > self.top + 0.5:
            self.new_page()

    def add(self, op: Op) -> None:
        self.pages[-1].append(op)

    def gap(self, mm: float) -> None:
        self.y += self.canvas.mm(mm)

    # --- deferred primitives --------------------------------------------------------------
    def text(
        self,
        x: float,
        y: float,
        width: float,
        text: str,
        fnt: QFont,
        align=Qt.AlignmentFlag.AlignLeft,
        wrap: bool = False,
        color: QColor = INK,
    ) -> float:
        """Queue a text block; returns its height."""
        canvas = self.canvas
        if wrap:
            height = canvas.wrapped_height(text, fnt, width)
        else:
            height = canvas.line_height(fnt)
            text = canvas.elide(text, fnt, width)
        rect = QRectF(x, y, width, height)
        self.add(lambda: canvas.draw_text(rect, text, fnt, align, wrap, color))
        return height

    def paragraph(
        self,
        text: str,
        fnt: QFont,
        x: float = 0.0,
        width: float | None = None,
        color: QColor = INK,
        gap_after_mm: float = 1.0,
    ) -> None:
        """A wrapped paragraph, split across pages line by line when it is long."""
        width = self.width - x if width is None else width
        for line in wrap_lines(self.canvas, text, fnt, width):
            height = self.canvas.line_height(fnt)
            self.ensure(height)
            self.text(x, self.y, width, line, fnt, color=color)
            self.y += height
        self.gap(gap_after_mm)

    def rule(self, width_pt: float = 0.5, color: QColor = RULE, gap_mm: float = 1.5) -> None:
        y = self.y + self.canvas.mm(gap_mm) / 2
        canvas, width = self.canvas, self.width
        self.add(lambda: canvas.hline(0, width, y, width_pt, color))
        self.gap(gap_mm)

    def paint(self, device: QPagedPaintDevice, decorate: Callable[[int, int], None] | None = None):
        """Paint every page; ``decorate(index, count)`` draws header/footer/stamp per page."""
        count = len(self.pages)
        for index, ops in enumerate(self.pages):
            if index:
                device.newPage()
            for op in ops:
                op()
            if decorate is not None:
                decorate(index, count)
        return count


def wrap_lines(canvas: Canvas, text: str, fnt: QFont, width: float) -> list[str]:
    """Word-wrap ``text`` into lines that fit ``width`` (long words are cut)."""
    lines: list[str] = []
    for raw in (text or "").splitlines() or [""]:
        words = raw.split()
        current = ""
        for word in words:
            candidate = f"{current} {word}".strip()
            if canvas.text_width(candidate, fnt) <= width:
                current = candidate
                continue
            if current:
                lines.append(current)
            while canvas.text_width(word, fnt) > width and len(word) > 1:
                cut = len(word)
                while cut > 1 and canvas.text_width(word[:cut], fnt) > width:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
            current = word
        lines.append(current)
    return lines


# --- tables -------------------------------------------------------------------------------
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
    width = flow.width - x if width is None else width
    total_weight = sum(c.width for c in columns)
    widths = [width * c.width / total_weight for c in columns]
    pad = canvas.mm(1.2)
    body_font = font(size_pt)
    bold_font = font(size_pt, bold=True)
    head_font = font(size_pt - 0.5, bold=True)
    title_font = font(size_pt + 2, bold=True)
    indent_step = canvas.mm(5)

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
        rect = QRectF(x, top, width, height)
        flow.add(lambda: canvas.box(rect, fill=SHADE, border=None))
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
        flow.add(lambda: canvas.hline(x, x + width, bottom, 0.8, INK))
        flow.y = bottom

    def row_height(row: Row) -> float:
        fnt = bold_font if row.bold else body_font
        height = canvas.line_height(fnt)
        for index, (column, col_width, cell) in enumerate(
            zip(columns, widths, row.cells, strict=False)
        ):
            if column.wrap:
                indent = indent_step * row.indent if index == _indent_column(columns) else 0
                height = max(height, canvas.wrapped_height(cell, fnt, col_width - 2 * pad - indent))
        return height + 2 * pad * 0.6

    title_height = canvas.line_height(title_font) + canvas.mm(1.5) if title else 0.0
    first_row = row_height(rows[0]) if rows else 0.0
    flow.ensure(title_height + header_height() + first_row)
    if title:
        flow.text(x, flow.y, width, title, title_font, color=ACCENT)
        flow.y += title_height

    def repeat_header() -> None:
        draw_header()

    draw_header()
    flow.on_new_page.append(repeat_header)
    try:
        indent_col = _indent_column(columns)
        for row in rows:
            height = row_height(row)
            flow.ensure(height)
            top = flow.y
            fnt = bold_font if row.bold else body_font
            color = MUTED if row.muted else INK
            if row.shade:
                shade_rect = QRectF(x, top, width, height)
                flow.add(lambda r=shade_rect: canvas.box(r, fill=QColor("#f6f6f6"), border=None))
            if row.rule_above:
                flow.add(lambda y=top: canvas.hline(x, x + width, y, 0.8, INK))
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
            flow.add(lambda y=bottom: canvas.hline(x, x + width, y, 0.3, RULE))
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


# --- document pieces ---------------------------------------------------------------------
def paint_lab_header(
    flow: Flow, lab: dict, right_width_mm: float, draw_right, right_height: float
) -> None:
    """Logo, lab name and contact lines on the left; ``draw_right(x, y, w)`` fills the right."""
    canvas = flow.canvas
    top = flow.y
    right_width = canvas.mm(right_width_mm)
    left = 0.0
    logo = load_logo(lab.get("logo_path", ""))
    logo_height = 0.0
    if logo is not None:
        max_w, max_h = canvas.mm(32), canvas.mm(20)
        scale = min(max_w / logo.width(), max_h / logo.height())
        width, height = logo.width() * scale, logo.height() * scale
        rect = QRectF(0, top, width, height)
        flow.add(lambda: canvas.painter.drawImage(rect, logo))
        left = width + canvas.mm(4)
        logo_height = height
    text_width = canvas.width - right_width - left - canvas.mm(4)
    y = top
    name_font = font(14, bold=True)
    small = font(8.5)
    y += flow.text(left, y, text_width, lab.get("name") or "", name_font, wrap=True, color=ACCENT)
    y += canvas.mm(0.8)
    lines = []
    if lab.get("address"):
        lines.append(lab["address"])
    parts = [
        part
        for part in (
            f"RTN {lab['rtn']}" if lab.get("rtn") else "",
            translate("printing.layout", "Tel. {phone}").format(phone=lab["phone"])
            if lab.get("phone")
            else "",
            lab.get("email") or "",
        )
        if part
    ]
    contact = "  ·  ".join(parts)
    if contact and canvas.text_width(contact, small) <= text_width:
        lines.append(contact)
    elif len(parts) == 3 and canvas.text_width("  ·  ".join(parts[:2]), small) <= text_width:
        lines += ["  ·  ".join(parts[:2]), parts[2]]  # never a dangling "·" at a line end
    else:
        lines += parts
    for line in lines:
        y += flow.text(left, y, text_width, line, small, wrap=True, color=MUTED)
    draw_right(canvas.width - right_width, top, right_width)
    flow.y = max(y, top + logo_height, top + right_height)


def paint_footer(
    canvas: Canvas, index: int, count: int, left_text: str, center_text: str = ""
) -> None:
    small = font(8)
    height = canvas.line_height(small)
    y = canvas.height - height
    canvas.hline(0, canvas.width, y - canvas.mm(2), 0.5, MUTED)
    third = canvas.width / 3
    canvas.draw_text(
        QRectF(0, y, third * 1.6, height),
        canvas.elide(left_text, small, third * 1.6),
        small,
        color=MUTED,
    )
    if center_text:
        canvas.draw_text(
            QRectF(third * 1.6, y, third * 0.8, height),
            center_text,
            small,
            align=Qt.AlignmentFlag.AlignHCenter,
            color=MUTED,
        )
    page = translate("printing.layout", "Página {v} de {count}").format(v=index + 1, count=count)
    canvas.draw_text(
        QRectF(third * 2.4, y, third * 0.6, height),
        page,
        small,
        align=Qt.AlignmentFlag.AlignRight,
        color=MUTED,
    )


def continuation_header(flow: Flow, text: str) -> None:
    """A one-line header on the pages after the first (``flow.top`` leaves room for it)."""
    canvas = flow.canvas
    head = font(9, bold=True)
    flow.text(0, 0, flow.width, text, head, color=MUTED)
    line_y = canvas.line_height(head) + canvas.mm(1.5)
    flow.add(lambda: canvas.hline(0, flow.width, line_y, 0.6, INK))


# --- output -------------------------------------------------------------------------------
@contextlib.contextmanager
def measuring_canvas(width_mm: float, dpi: int = 1200):
    """A Canvas ``width_mm`` wide on a scratch image at ``dpi``, to measure a layout before
    its page exists (a receipt roll's length follows its content). Nothing is kept."""
    from PySide6.QtGui import QImage

    ensure_gui_application()
    image = QImage(8, 8, QImage.Format.Format_ARGB32)
    dots_per_metre = round(dpi / 0.0254)
    image.setDotsPerMeterX(dots_per_metre)
    image.setDotsPerMeterY(dots_per_metre)
    painter = QPainter(image)
    try:
        yield Canvas(painter, width=width_mm * dpi / 25.4, height=1e9)
    finally:
        painter.end()


@keep_none_alive
def roll_length_mm(content_height: Callable[[Canvas], float]) -> float:
    """Whole millimetres of roll for a content ``content_height(canvas)`` device units tall
    (laid out on a measuring canvas as wide as the roll's printable width), plus margins."""
    with measuring_canvas(ROLL_CONTENT_MM) as canvas:
        content_mm = content_height(canvas) * 25.4 / canvas.dpi
    return float(math.ceil(content_mm + 2 * ROLL_END_MM + ROLL_SLACK_MM))


def fitted_roll_layout(content_height: Callable[[Canvas], float]) -> QPageLayout:
    """The 80 mm roll page as long as the content (see ``roll_length_mm``)."""
    return roll_layout(ROLL_WIDTH_MM, roll_length_mm(content_height))


def ensure_gui_application():
    """A QGuiApplication for fonts and painting (offscreen when there is no display)."""
    import os
    import sys

    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance()
    if app is not None:
        return app
    if (
        sys.platform.startswith("linux")
        and not os.environ.get("QT_QPA_PLATFORM")
        and not os.environ.get("DISPLAY")
        and not os.environ.get("WAYLAND_DISPLAY")
    ):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    return QGuiApplication(sys.argv[:1] or ["patolab"])


PDF_RESOLUTION = 1200


@keep_none_alive
def write_pdf(
    path,
    page_layout: QPageLayout,
    paint: Callable[[QPainter, QPagedPaintDevice], int],
    title: str = "",
) -> int:
    """Render with ``paint(painter, writer)`` into ``path``; returns the page count.

    Written to a temporary file beside the target and renamed at the end, so a failure
    never leaves a half-written PDF behind.
    """
    from PySide6.QtGui import QPdfWriter

    from ..services.safety import outputs

    ensure_gui_application()
    # Refuses a database, a backup or a folder as target; writes beside it, then renames.
    with outputs.atomic_path(path) as tmp:
        writer = QPdfWriter(str(tmp))
        writer.setResolution(PDF_RESOLUTION)
        writer.setCreator("PatoLab Desktop")
        if title:
            writer.setTitle(title)
        writer.setPageLayout(page_layout)
        painter = QPainter()
        if not painter.begin(writer):
            del writer
            raise OSError(
                translate("printing.layout", "No se pudo escribir el PDF: {target}").format(
                    target=path
                )
            )
        try:
            pages = paint(painter, writer)
        finally:
            finished = painter.end()
            del writer
        if not finished:  # e.g. the disk filled up while Qt wrote the file
            raise OSError(
                translate("printing.layout", "No se pudo escribir el PDF: {target}").format(
                    target=path
                )
            )
    return pages
