"""Paper formats and page layouts of the printed documents: Letter and A4 with the
document margins, tube labels of any size, and the 80 mm receipt roll (a page as long as
its content)."""

from __future__ import annotations

from PySide6.QtCore import QMarginsF, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize

from ..i18n import translate

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
# as its content (measured first, see ``pdf_output.fitted_roll_layout``)
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
