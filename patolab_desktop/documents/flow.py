"""The paged layout: content laid out top to bottom into pages of deferred drawing
operations, then painted; that way the footer knows the page count ("Página 1 de 3")."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPagedPaintDevice

from .canvas import INK, RULE, Canvas

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
        align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft,
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
        self.add(functools.partial(canvas.draw_text, rect, text, fnt, align, wrap, color))
        return height

    def hline(
        self, x1: float, x2: float, y: float, width_pt: float = 0.5, color: QColor = RULE
    ) -> None:
        """Queue a horizontal rule from ``x1`` to ``x2`` at ``y``."""
        self.add(functools.partial(self.canvas.hline, x1, x2, y, width_pt, color))

    def box(
        self,
        rect: QRectF,
        fill: QColor | None = None,
        border: QColor | None = RULE,
        width_pt: float = 0.5,
    ) -> None:
        """Queue a rectangle, filled and/or framed."""
        self.add(functools.partial(self.canvas.box, rect, fill, border, width_pt))

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
        self.hline(0, self.width, y, width_pt, color)
        self.gap(gap_mm)

    def paint(
        self, device: QPagedPaintDevice, decorate: Callable[[int, int], None] | None = None
    ) -> int:
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
