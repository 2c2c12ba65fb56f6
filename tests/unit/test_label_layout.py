"""No tube-label text is ever clipped (issue 16): every sample type of the catalog, every
priority (URGENTE/STAT included), long names and many codes, at every supported label size.

The label is planned (``plan_label``) then painted from the plan; the test measures each
planned text with QFontMetricsF on the device it is painted on and checks that it fits its
rect, that the rects stay inside the label and overlap neither each other nor the bars, and
that what is drawn is the whole text (no «…»). Then it paints the label and checks that no
ink falls outside the label's margins.
"""

from __future__ import annotations

import csv
import itertools
from pathlib import Path

import pytest
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFontMetricsF, QImage, QPainter

from patolab_desktop.documents.layout import Canvas
from patolab_desktop.documents.tube_labels import paint_label, plan_label
from patolab_desktop.services.requests import reports

DEMO_CATALOG = (
    Path(__file__).resolve().parents[2] / "resources" / "data" / "demo_investigations.csv"
)


def _catalog_sample_types() -> list[str]:
    """Every sample type of the shipped catalog (a new one is covered without editing here)."""
    with DEMO_CATALOG.open(encoding="utf-8-sig", newline="") as handle:
        return sorted({row["sample_type"] for row in csv.DictReader(handle) if row["sample_type"]})


SAMPLE_TYPES = [
    *_catalog_sample_types(),  # «Sangre total (EDTA)»: the tube where URGENTE was cut
    "Plasma citratado (tubo celeste)",  # longer than any of the catalog's
    "",  # a line without a sample type: «Muestra»
]
PRIORITIES = [
    ("routine", "Rutina"),
    ("urgent", "Urgente"),
    ("stat", "STAT (inmediato)"),
]
PATIENTS = ["Ana Paz", "María José Pérez Muñoz", "María Fernanda Hernández Rodríguez"]
CODES = [[], ["HEM"], ["HEM", "VSG", "RET", "GLU", "COL", "TRI", "HDL", "LDL", "CREA"]]
DPI = 300


def _sizes() -> list[tuple[int, int]]:
    """The label sizes offered, plus the corners of the range the settings accept."""
    low_w, high_w = reports.LABEL_WIDTH_RANGE
    low_h, high_h = reports.LABEL_HEIGHT_RANGE
    corners = [(low_w, low_h), (low_w, high_h), (high_w, low_h), (high_w, high_h)]
    return sorted(set(reports.LABEL_SIZES) | set(corners))


def _image(width_mm: float, height_mm: float, dpi: int = DPI) -> QImage:
    width, height = round(width_mm / 25.4 * dpi), round(height_mm / 25.4 * dpi)
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.setDotsPerMeterX(round(dpi / 0.0254))
    image.setDotsPerMeterY(round(dpi / 0.0254))
    image.fill(Qt.GlobalColor.white)
    return image


def _label(sample: str, priority: tuple[str, str], name: str, codes: list[str]) -> dict:
    return {
        "request_number": "TEGUC-2026-000123",  # the longest branch code in use
        "patient_name": name,
        "age_sex": "68 a · Mujer",
        "date": "04/12/2026",
        "priority": priority[0],
        "priority_label": priority[1],
        "sample_type": sample,
        "codes": codes,
    }


def _problems(canvas: Canvas, plan, label: dict) -> list[str]:
    problems = []
    bounds = plan.rect.adjusted(-0.5, -0.5, 0.5, 0.5)
    for item in plan.texts:
        metrics = QFontMetricsF(item.font, canvas.device)
        width = metrics.horizontalAdvance(item.text)
        if width > item.rect.width() + 0.5:
            problems.append(f"{item.role} «{item.text}» {width:.0f} > {item.rect.width():.0f}")
        if metrics.height() > item.rect.height() + 0.5:
            problems.append(f"{item.role} «{item.text}» taller than its rect")
        if not bounds.contains(item.rect):
            problems.append(f"{item.role} «{item.text}» outside the label")
        if "…" in item.text:
            problems.append(f"{item.role} «{item.text}» elided")
        if item.rect.intersects(plan.bars):
            problems.append(f"{item.role} «{item.text}» over the bars")
    for first, second in itertools.combinations(plan.texts, 2):
        if first.role == second.role == "sample":
            continue  # the lines of one wrapped text touch
        if first.rect.intersected(second.rect).width() > 0.5 and (
            first.rect.intersected(second.rect).height() > 0.5
        ):
            problems.append(f"{first.role} overlaps {second.role}")
    # the whole text is there
    expected = {
        "name": label["patient_name"],
        "age_sex": label["age_sex"],
        "date": label["date"],
        "number": label["request_number"],
        "sample": label["sample_type"] or "Muestra",
    }
    for role, text in expected.items():
        if plan.text(role).replace(" ", "") != text.replace(" ", ""):
            problems.append(f"{role}: «{plan.text(role)}» is not «{text}»")
    priority = {"routine": "", "urgent": "URGENTE", "stat": "STAT"}[label["priority"]]
    if plan.text("priority") != priority:
        problems.append(f"priority «{plan.text('priority')}» is not «{priority}»")
    shown = plan.text("codes").split()
    rest = int(shown.pop()[1:]) if shown and shown[-1].startswith("+") else 0
    if shown != label["codes"][: len(shown)] or len(shown) + rest != len(label["codes"]):
        problems.append(f"codes «{plan.text('codes')}» do not account for {label['codes']}")
    if label["codes"] and not plan.text("codes"):
        problems.append("no room for the codes")
    return problems


@pytest.mark.parametrize("size", _sizes(), ids=lambda size: f"{size[0]}x{size[1]}mm")
def test_no_label_text_is_clipped_at_any_size(qapp, size):
    width_mm, height_mm = size
    image = _image(width_mm, height_mm)
    painter = QPainter(image)
    try:
        canvas = Canvas(painter, image.width(), image.height())
        rect = QRectF(0, 0, image.width(), image.height())
        failures = []
        for sample, priority, name, codes in itertools.product(
            SAMPLE_TYPES, PRIORITIES, PATIENTS, CODES
        ):
            label = _label(sample, priority, name, codes)
            plan = plan_label(canvas, rect, label)
            failures += [
                f"{sample or '—'}/{priority[0]}: {p}" for p in _problems(canvas, plan, label)
            ]
            if plan.bars.height() < canvas.mm(4) - 0.5:
                failures.append(f"{sample}/{priority[0]}: bars {plan.bars.height():.0f} too short")
    finally:
        painter.end()
    assert not failures, "\n".join(failures[:20])


@pytest.mark.parametrize("priority", PRIORITIES[1:], ids=lambda p: p[0])
def test_urgent_edta_label_prints_the_priority_whole(qapp, priority):
    """The reported case: «Sangre total (EDTA)» + URGENTE/STAT on a 50 × 25 mm label,
    painted, with no ink outside the label's margin and the badge inside the label."""
    image = _image(50, 25)
    label = _label("Sangre total (EDTA)", priority, "María José Pérez Muñoz", ["HEM", "VSG"])
    painter = QPainter(image)
    canvas = Canvas(painter, image.width(), image.height())
    rect = QRectF(0, 0, image.width(), image.height())
    plan = plan_label(canvas, rect, label)
    paint_label(painter, rect, label, canvas)
    painter.end()
    assert plan.text("sample") == "Sangre total (EDTA)"
    assert plan.text("priority") == {"urgent": "URGENTE", "stat": "STAT"}[priority[0]]
    assert plan.text("codes") == "HEM VSG"
    badge = next(item.rect for item in plan.texts if item.role == "priority")
    # the badge is painted: its middle is dark ink
    centre = image.pixelColor(int(badge.left() + 2), int(badge.center().y()))
    assert centre.value() < 64
    # no ink in the outer 0.3 mm frame of the label (nothing runs off the edge)
    edge = round(0.3 / 25.4 * DPI)
    gray = image.convertToFormat(QImage.Format.Format_Grayscale8)
    for x in range(image.width()):
        for y in (*range(edge), *range(image.height() - edge, image.height())):
            assert gray.pixelColor(x, y).value() > 200, (x, y)
    for y in range(image.height()):
        for x in (*range(edge), *range(image.width() - edge, image.width())):
            assert gray.pixelColor(x, y).value() > 200, (x, y)
