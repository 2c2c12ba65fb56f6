"""Tube labels: Code 128 of the request number plus minimal patient data.

One label per page of the label's own size (default 50 × 25 mm), as label printers
expect; ``copies`` of each label one after the other. ``paint_label`` draws a single
label into any rect, so a test can render it to a QImage and read the barcode back.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPagedPaintDevice, QPainter

from ..i18n import translate
from ..services.texts import service_label
from .barcode import BarcodeError, paint_code128
from .canvas import CENTER, INK, LEFT, RIGHT, Canvas, font
from .flow import wrap_lines
from .paper import label_layout
from .pdf_output import keep_none_alive, write_pdf

# "68 a · Mujer", a baby's "8 m · Mujer" or "3 d · Mujer" (services.reports.label_data)
_AGE = re.compile(r"^(\d+) ([amd])(?= · |$)")


def age_sex_text(label: dict) -> str:
    """«68 a · Mujer» (a baby's «8 m», «3 d») with the age abbreviation of the active
    language (the sex is data)."""
    text = label.get("age_sex") or ""
    match = _AGE.match(text)
    if not match:
        return text
    words = {
        "a": translate("printing.tube_labels", "{age} a"),
        "m": translate("printing.tube_labels", "{age} m"),
        "d": translate("printing.tube_labels", "{age} d"),
    }
    age = words[match.group(2)].format(age=match.group(1))
    return age + text[match.end() :]


def sample_text(label: dict) -> str:
    """The sample type («Sangre total (EDTA)»; «Muestra» when the line has none)."""
    return label.get("sample_type") or translate("printing.tube_labels", "Muestra")


def priority_text(label: dict) -> str:
    """«URGENTE» or «STAT» for a request that is not routine, else ""."""
    if not label.get("priority") or label["priority"] == "routine":
        return ""
    return service_label(label.get("priority_label") or "").split(" ")[0].upper()


MIN_TEXT_PT = 5.0  # the smallest size a 203 dpi thermal printer still prints legibly
NAME_MAX_LINES = 2  # a long patient name wraps onto a second row before it is cut
MIN_BARS_MM = 4.0  # the bars never get shorter than this (a hand scanner's line must cross them)
ELLIPSIS = "\u2026"


@dataclass(frozen=True)
class LabelText:
    """One text of a label: what it says, where, in which font (device units)."""

    role: str  # name, age_sex, date, number, codes, sample, priority
    text: str
    rect: QRectF
    font: QFont
    align: Qt.AlignmentFlag = LEFT
    inverted: bool = False  # white on black (the priority badge)


@dataclass
class LabelPlan:
    """Where every piece of one label goes; ``paint_label`` draws exactly this."""

    rect: QRectF
    bars: QRectF
    texts: list[LabelText] = field(default_factory=list)

    def text(self, role: str) -> str:
        return " ".join(item.text for item in self.texts if item.role == role)


def _codes_that_fit(canvas: Canvas, codes: list[str], fnt: QFont, width: float) -> str:
    """As many codes as fit, the rest counted («HEM GLU +3»); "" when not even «+N» fits."""
    for shown in range(len(codes), -1, -1):
        rest = len(codes) - shown
        text = " ".join(codes[:shown] + ([f"+{rest}"] if rest else []))
        if canvas.text_width(text, fnt) <= width:
            return text
    return ""


def _sizes_down(start_pt: float, min_pt: float) -> list[float]:
    """``start_pt`` then 0.25 pt smaller each step, ending exactly at ``min_pt``."""
    sizes = []
    size = start_pt
    while size > min_pt + 1e-6:
        sizes.append(size)
        size -= 0.25
    return [*sizes, min_pt] if start_pt > min_pt else [start_pt]


def _sized(fnt: QFont, size_pt: float) -> QFont:
    result = QFont(fnt)
    result.setPointSizeF(size_pt)
    return result


def _word_lines(canvas: Canvas, words: list[str], fnt: QFont, width: float) -> list[str] | None:
    """Greedy word wrap; None when a single word is wider than ``width`` (never cut a word)."""
    lines: list[str] = []
    current = ""
    for word in words:
        if canvas.text_width(word, fnt) > width:
            return None
        candidate = f"{current} {word}" if current else word
        if canvas.text_width(candidate, fnt) <= width:
            current = candidate
        else:
            lines.append(current)
            current = word
    return [*lines, current]


def _elided(canvas: Canvas, text: str, fnt: QFont, width: float) -> str:
    """``text`` if it fits, else as much of it as fits followed by «…» (never a silent cut)."""
    if canvas.text_width(text, fnt) <= width:
        return text
    cut = len(text)
    while cut > 0 and canvas.text_width(text[:cut].rstrip() + ELLIPSIS, fnt) > width:
        cut -= 1
    return text[:cut].rstrip() + ELLIPSIS


def _name_lines(
    canvas: Canvas, name: str, fnt: QFont, width: float, room: float, wrap_below_pt: float
) -> tuple[list[str], QFont]:
    """The patient's name as lines of ``width`` and their font, in ``room`` of height.

    One line, set smaller down to ``wrap_below_pt``; else word-wrapped onto up to
    ``NAME_MAX_LINES`` lines at the largest size (not under ``MIN_TEXT_PT``) that holds it
    whole, when ``room`` takes them; else one line down to ``MIN_TEXT_PT``; else as many
    lines as ``room`` takes at ``MIN_TEXT_PT``, the last one ending in «…». Words are never
    cut but by that «…».
    """
    sizes = _sizes_down(fnt.pointSizeF(), MIN_TEXT_PT)
    wrap_below_pt = max(wrap_below_pt, MIN_TEXT_PT)

    def one_line(sizes: list[float]) -> QFont | None:
        for size in sizes:
            sized = _sized(fnt, size)
            if canvas.text_width(name, sized) <= width:
                return sized
        return None

    large = one_line([size for size in sizes if size >= wrap_below_pt - 1e-6])
    if large is not None:
        return [name], large
    words = name.split()
    for size in sizes:
        sized = _sized(fnt, size)
        lines = _word_lines(canvas, words, sized, width)
        if lines is None or len(lines) > NAME_MAX_LINES:
            continue
        if len(lines) * canvas.line_height(sized) <= room:  # the bars keep their minimum
            return lines, sized
    small = one_line([size for size in sizes if size < wrap_below_pt - 1e-6])
    if small is not None:  # no room for a second row
        return [name], small
    smallest = _sized(fnt, MIN_TEXT_PT)
    max_lines = max(1, min(NAME_MAX_LINES, int(room // canvas.line_height(smallest))))
    lines = []
    rest = words
    while rest and len(lines) < max_lines - 1:
        taken = 0  # the most words that fit on this line
        while taken < len(rest) and (
            canvas.text_width(" ".join(rest[: taken + 1]), smallest) <= width
        ):
            taken += 1
        if not taken:
            break  # a word wider than the line: it is elided below
        lines.append(" ".join(rest[:taken]))
        rest = rest[taken:]
    lines.append(_elided(canvas, " ".join(rest), smallest, width))
    return lines, smallest


def plan_label(canvas: Canvas, rect: QRectF, label: dict) -> LabelPlan:
    """Lay one label out in ``rect``: every text whole at a size that fits its room.

    Rows: patient name · age and sex, date · Code 128 bars · request number, codes ·
    sample type, priority badge. A text too wide for its room is set smaller (down to
    ``MIN_TEXT_PT``); the patient's name and the sample type wrap onto a second row before
    they are cut, and the codes that do not fit are counted («+2»), so nothing is ever
    clipped. A name too long even for two rows at ``MIN_TEXT_PT`` ends in «…».
    """
    mm = canvas.mm
    side = min(mm(1.5), rect.width() * 0.04)
    top_pad = min(mm(1.0), rect.height() * 0.04)
    inner = QRectF(
        rect.left() + side,
        rect.top() + top_pad,
        rect.width() - 2 * side,
        rect.height() - 2 * top_pad,
    )
    width = inner.width()
    # bigger labels get bigger text (in both directions: a tall narrow label keeps its width)
    scale = max(min(rect.height() / mm(25), rect.width() / mm(50), 1.6), 0.8)
    min_pt = min(MIN_TEXT_PT, 6 * scale)

    def fit(text: str, fnt: QFont, room: float) -> QFont:
        return canvas.fit_font(text, fnt, room, min_pt=min_pt)

    texts: list[LabelText] = []

    def place(
        role: str,
        text: str,
        x: float,
        y: float,
        room: float,
        fnt: QFont,
        align: Qt.AlignmentFlag = LEFT,
        inverted: bool = False,
    ) -> float:
        height = canvas.line_height(fnt)
        texts.append(LabelText(role, text, QRectF(x, y, room, height), fnt, align, inverted))
        return height

    # row 1: the patient's name (laid out last: a second row of it comes from the bars)
    name = " ".join((label.get("patient_name") or "").split())
    # row 2: age and sex left, date right
    age_sex = age_sex_text(label)
    date = label.get("date") or ""
    info_font = font(6.5 * scale)
    gap = mm(1.5)
    info_font = fit(f"{age_sex}{date}", info_font, width - gap)
    # row 4: the request number left, the codes of the tube right
    number = label.get("request_number") or ""
    number_font = fit(number, font(7.5 * scale, bold=True), width)
    codes_font = font(6 * scale)
    # row 5: the sample type left, the priority badge right
    sample = sample_text(label)
    priority = priority_text(label)
    sample_font = font(7 * scale, bold=True)
    badge_font = font(7 * scale, bold=True)
    badge_pad = mm(0.6)
    badge_width = 0.0
    if priority:
        badge_font = fit(priority, badge_font, width / 2 - 2 * badge_pad)
        badge_width = canvas.text_width(priority, badge_font) + 2 * badge_pad
    sample_room = width - (badge_width + gap if priority else 0.0)
    sample_font = fit(sample, sample_font, sample_room)
    sample_lines = [sample]
    if canvas.text_width(sample, sample_font) > sample_room:
        sample_lines = wrap_lines(canvas, sample, sample_font, sample_room)

    number_w = canvas.text_width(number, number_font)
    all_codes = list(label.get("codes") or [])
    codes = _codes_that_fit(canvas, all_codes, codes_font, width - number_w - gap)
    codes_own_row = bool(all_codes) and not codes  # no room beside the number
    if codes_own_row:
        codes_font = fit(" ".join(all_codes), codes_font, width)
        codes = _codes_that_fit(canvas, all_codes, codes_font, width)

    info_h = canvas.line_height(info_font)
    number_h = canvas.line_height(number_font)
    codes_h = canvas.line_height(codes_font)
    sample_h = canvas.line_height(sample_font)
    badge_h = canvas.line_height(badge_font)
    bottom_h = max(sample_h * len(sample_lines), badge_h)
    spacing = mm(0.3)
    rows_h = info_h + number_h + (codes_h if codes_own_row else 0.0) + bottom_h
    name_room = inner.height() - rows_h - 2 * spacing - mm(MIN_BARS_MM)
    name_font = font(7.5 * scale, bold=True)
    name_lines, name_font = _name_lines(canvas, name, name_font, width, name_room, 6 * scale)
    name_h = canvas.line_height(name_font)
    rows_h += name_h * len(name_lines)
    bars_h = max(inner.height() - rows_h - 2 * spacing, mm(MIN_BARS_MM))

    y = inner.top()
    for line in name_lines:
        y += place("name", line, inner.left(), y, width, name_font)
    date_w = canvas.text_width(date, info_font)
    place("age_sex", age_sex, inner.left(), y, width - date_w - gap, info_font)
    y += place("date", date, inner.right() - date_w, y, date_w, info_font, RIGHT)
    y += spacing
    # bars may use the whole label width: the label's blank edges complete the quiet zone
    bars = QRectF(rect.left() + mm(0.5), y, rect.width() - mm(1.0), bars_h)
    y += bars_h
    y += place("number", number, inner.left(), y, number_w, number_font)
    if codes:
        codes_w = canvas.text_width(codes, codes_font)
        codes_y = y if codes_own_row else y - codes_h  # beside the number: same baseline row
        place("codes", codes, inner.right() - codes_w, codes_y, codes_w, codes_font, RIGHT)
        if codes_own_row:
            y += codes_h
    y += spacing
    for index, line in enumerate(sample_lines):
        place("sample", line, inner.left(), y + index * sample_h, sample_room, sample_font)
    if priority:
        place(
            "priority",
            priority,
            inner.right() - badge_width,
            y,
            badge_width,
            badge_font,
            CENTER,
            inverted=True,
        )
    return LabelPlan(rect=QRectF(rect), bars=bars, texts=texts)


@keep_none_alive
def paint_label(painter: QPainter, rect: QRectF, label: dict, canvas: Canvas | None = None) -> None:
    """Draw one label (see ``services.reports.label_data``) filling ``rect``."""
    canvas = canvas or Canvas(painter, rect.width(), rect.height())
    plan = plan_label(canvas, rect, label)
    try:
        paint_code128(painter, plan.bars, label.get("request_number") or "")
    except BarcodeError:
        canvas.draw_text(
            plan.bars,
            translate("printing.tube_labels", "(código de barras no disponible)"),
            font(6),
            align=CENTER | Qt.AlignmentFlag.AlignVCenter,
        )
    for item in plan.texts:
        color = INK
        if item.inverted:
            canvas.box(item.rect, fill=INK, border=None)
            color = QColor(Qt.GlobalColor.white)
        canvas.draw_text(item.rect, item.text, item.font, align=item.align, color=color)


@keep_none_alive
def paint_labels(
    painter: QPainter,
    device: QPagedPaintDevice,
    labels: list[dict],
    copies: int = 1,
    size_mm: tuple[float, float] | None = None,
) -> int:
    """Each label ``copies`` times, one per page of the label's size; returns the page count.

    With ``size_mm`` the label is painted at its true size from the page's top left even
    when the page is bigger (a printer that cannot take the label's size gets a Letter
    sheet with a real 50 × 25 mm label on it, never one stretched over the whole sheet).
    """
    canvas = Canvas(painter)
    width, height = canvas.width, canvas.height
    if size_mm is not None:
        width = min(width, canvas.mm(size_mm[0]))
        height = min(height, canvas.mm(size_mm[1]))
    canvas = Canvas(painter, width, height)
    rect = QRectF(0, 0, width, height)
    pages = 0
    for label in labels:
        for _copy in range(max(int(copies), 1)):
            if pages:
                device.newPage()
            paint_label(painter, rect, label, canvas)
            pages += 1
    return pages


def write_labels_pdf(
    path: str | os.PathLike[str],
    labels: list[dict],
    width_mm: float = 50,
    height_mm: float = 25,
    copies: int = 1,
) -> int:
    """Save the labels as a PDF whose every page is one label; returns the page count."""
    if not labels:
        raise ValueError(translate("printing.tube_labels", "No hay etiquetas que imprimir."))
    title = translate("printing.tube_labels", "Etiquetas {request_number}").format(
        request_number=labels[0].get("request_number", "")
    )
    return write_pdf(
        path,
        label_layout(width_mm, height_mm),
        lambda p, d: paint_labels(p, d, labels, copies, (width_mm, height_mm)),
        title=title,
    )
