"""A long patient name on a tube label is never silently cut (review of issue 16).

Names of 40, 50 and 70 characters with accents, and one of 200 (the longest the request
form takes), at every label size offered and the corners of the accepted range: the name
drawn is the whole name (on up to two lines, broken between words) or ends with «…»; its
font is never under ``MIN_TEXT_PT``; every line fits its rect; nothing overlaps the bars or
another text; the bars keep their 4 mm and, painted, still read back as the request number.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QFontMetricsF, QImage, QPainter

from patolab_desktop.documents.canvas import Canvas
from patolab_desktop.documents.tube_labels import MIN_TEXT_PT, paint_label, plan_label
from tests.e2e.printing_helpers import decode_image
from tests.unit.test_label_layout import DPI, _image, _sizes
from tests.unit.test_label_layout import _label as label_of

ELLIPSIS = "\u2026"
_WORDS = [
    "María",
    "José",
    "Ángeles",
    "Hernández",
    "Zúñiga",
    "Castañeda",
    "Peñalosa",
    "Bográn",
    "Guadalupe",
    "Ñáñez",
]
NAMES = {
    40: "José Francisco Castañeda Peñalosa Bográn",
    50: "María de los Ángeles Hernández Zúñiga de Castañeda",
    70: "María de los Ángeles Guadalupe Hernández Zúñiga de Castañeda Peñalosa",
    200: " ".join(itertools.islice(itertools.cycle(_WORDS), 40))[:199] + "z",
}
SAMPLES = ["Sangre total (EDTA)", "Plasma citratado (tubo celeste)"]  # one row; two rows
PRIORITIES = [("routine", "Rutina"), ("stat", "STAT (inmediato)")]
CODES = [["HEM"], ["HEM", "VSG", "RET", "GLU", "COL", "TRI", "HDL", "LDL", "CREA"]]
THERMAL_DPI = 203  # the common label printer: fonts hint and measure differently there


def _label(name: str, sample: str, priority: tuple[str, str], codes: list[str]) -> dict:
    return label_of(sample, priority, name, codes)  # the layout tests' label


@contextmanager
def _painted(width_mm: float, height_mm: float, dpi: int = DPI) -> Iterator[tuple]:
    """(canvas, rect, image) of a label of that size, painted on while the block runs."""
    image = _image(width_mm, height_mm, dpi)
    painter = QPainter(image)
    try:
        yield Canvas(painter, image.width(), image.height()), QRectF(image.rect()), image
    finally:
        painter.end()


def _name_problems(canvas: Canvas, plan, name: str) -> list[str]:
    problems = []
    lines = [item for item in plan.texts if item.role == "name"]
    if not 1 <= len(lines) <= 2:
        problems.append(f"{len(lines)} name lines")
    for item in lines:
        size = item.font.pointSizeF()
        if size < MIN_TEXT_PT - 0.01:
            problems.append(f"name «{item.text}» at {size:.2f} pt, under {MIN_TEXT_PT}")
        width = QFontMetricsF(item.font, canvas.device).horizontalAdvance(item.text)
        if width > item.rect.width() + 0.5:
            problems.append(f"name «{item.text}» clipped: {width:.0f} > {item.rect.width():.0f}")
        if item.text != item.text.strip() or not item.text:
            problems.append(f"name line «{item.text}» is blank or padded")
    drawn = " ".join(item.text for item in lines)
    if drawn.endswith(ELLIPSIS):
        shown = drawn[: -len(ELLIPSIS)]
        if not name.startswith(shown) or len(shown) >= len(name):
            problems.append(f"«{drawn}» is not the start of «{name}» followed by «…»")
        if any(item.font.pointSizeF() > MIN_TEXT_PT + 0.01 for item in lines):
            problems.append(f"«{drawn}» elided before the name was set at the minimum size")
    elif drawn != name:  # whole, and broken only between words
        problems.append(f"name drawn «{drawn}» is not «{name}»")
    if ELLIPSIS in drawn[:-1]:
        problems.append(f"«{drawn}» has «…» inside")
    return problems


def _layout_problems(canvas: Canvas, plan) -> list[str]:
    problems = []
    bounds = plan.rect.adjusted(-0.5, -0.5, 0.5, 0.5)
    for item in plan.texts:
        if item.rect.intersects(plan.bars):
            problems.append(f"{item.role} «{item.text}» over the bars")
        if not bounds.contains(item.rect):
            problems.append(f"{item.role} «{item.text}» outside the label")
    for first, second in itertools.combinations(plan.texts, 2):
        if first.role == second.role and first.role in ("name", "sample"):
            continue  # the lines of one wrapped text touch
        overlap = first.rect.intersected(second.rect)
        if overlap.width() > 0.5 and overlap.height() > 0.5:
            problems.append(f"{first.role} «{first.text}» overlaps {second.role} «{second.text}»")
    if plan.bars.height() < canvas.mm(4) - 0.5:
        problems.append(f"bars {plan.bars.height() / canvas.mm(1):.1f} mm, under 4 mm")
    return problems


@pytest.mark.parametrize("dpi", [DPI, THERMAL_DPI], ids=lambda dpi: f"{dpi}dpi")
@pytest.mark.parametrize("size", _sizes(), ids=lambda size: f"{size[0]}x{size[1]}mm")
def test_long_names_are_whole_or_marked_at_every_size(qapp, size, dpi):
    failures: list[str] = []
    with _painted(*size, dpi) as (canvas, rect, _image_):
        for (length, name), sample, priority, codes in itertools.product(
            NAMES.items(), SAMPLES, PRIORITIES, CODES
        ):
            label = _label(name, sample, priority, codes)
            plan = plan_label(canvas, rect, label)
            tag = f"{length} chars/{sample}/{priority[0]}/{len(codes)} codes"
            failures += [f"{tag}: {p}" for p in _name_problems(canvas, plan, name)]
            failures += [f"{tag}: {p}" for p in _layout_problems(canvas, plan)]
            # the other texts are still there, whole
            if (plan.text("number"), plan.text("date")) != (label["request_number"], label["date"]):
                failures.append(f"{tag}: number or date lost")
            if plan.text("sample").replace(" ", "") != sample.replace(" ", ""):
                failures.append(f"{tag}: sample «{plan.text('sample')}»")
    assert not failures, "\n".join(failures[:20])


@pytest.mark.parametrize("dpi", [DPI, THERMAL_DPI], ids=lambda dpi: f"{dpi}dpi")
@pytest.mark.parametrize("size", _sizes(), ids=lambda size: f"{size[0]}x{size[1]}mm")
def test_names_that_fit_two_lines_are_never_elided(qapp, size, dpi):
    """40 and 50 characters fit every size whole and legible (the reviewer's cases were cut)."""
    with _painted(*size, dpi) as (canvas, rect, image):
        for name in (NAMES[40], NAMES[50]):
            plan = plan_label(canvas, rect, _label(name, SAMPLES[0], PRIORITIES[0], CODES[0]))
            lines = [item for item in plan.texts if item.role == "name"]
            assert " ".join(item.text for item in lines) == name
            for item in lines:
                assert item.font.pointSizeF() >= MIN_TEXT_PT - 0.01, item.font.pointSizeF()
                width = QFontMetricsF(item.font, image).horizontalAdvance(item.text)
                assert width <= item.rect.width() + 0.5, (item.text, width, item.rect.width())


def test_the_reported_name_wraps_whole_on_the_default_label(qapp):
    """«…Hernández Zúñiga de C» on 50 × 25 mm: now two whole lines, larger than the minimum."""
    with _painted(50, 25) as (canvas, rect, _image_):
        plan = plan_label(canvas, rect, _label(NAMES[50], SAMPLES[0], PRIORITIES[0], CODES[0]))
    lines = [item for item in plan.texts if item.role == "name"]
    assert [item.text for item in lines] == [
        "María de los Ángeles Hernández",
        "Zúñiga de Castañeda",
    ]
    assert all(item.font.pointSizeF() > MIN_TEXT_PT + 1 for item in lines)


def test_a_short_name_keeps_one_line(qapp):
    short = _label("María José Pérez Muñoz", SAMPLES[0], PRIORITIES[0], CODES[0])
    with _painted(50, 25) as (canvas, rect, _image_):
        plan = plan_label(canvas, rect, short)
    assert [item.text for item in plan.texts if item.role == "name"] == ["María José Pérez Muñoz"]


@pytest.mark.parametrize("size", _sizes(), ids=lambda size: f"{size[0]}x{size[1]}mm")
@pytest.mark.parametrize("length", [50, 200])
def test_label_with_a_long_name_still_decodes(qapp, size, length):
    """Painted at 300 dpi: the bars read back and no ink runs off the label's edge."""
    label = _label(NAMES[length], SAMPLES[1], PRIORITIES[1], CODES[1])
    with _painted(*size) as (canvas, rect, image):
        paint_label(canvas.painter, rect, label)
    assert decode_image(image) == [("CODE128", "TEGUC-2026-000123")]
    edge = round(0.3 / 25.4 * DPI)
    gray = image.convertToFormat(QImage.Format.Format_Grayscale8)
    for x in range(0, image.width(), 2):
        for y in (*range(edge), *range(image.height() - edge, image.height())):
            assert gray.pixelColor(x, y).value() > 200, (x, y)
    for y in range(0, image.height(), 2):
        for x in (*range(edge), *range(image.width() - edge, image.width())):
            assert gray.pixelColor(x, y).value() > 200, (x, y)
