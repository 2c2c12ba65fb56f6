"""Printing and saving fiscal documents and cash-close reports from the billing screens.

Every print goes through this module: the factura and the credit note are drawn by
``documents.fiscal_document`` and the cash close by ``documents.cash_close`` (Letter, A4
or the 80 mm roll); the screens never call the painters themselves.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWidget

from ...documents import cash_close, fiscal_document
from ...documents.layout import ROLL
from ...i18n import translate
from ...services import settings
from ...services.billing import cash, records
from ...services.errors import ServiceError
from ...services.requests import reports
from .. import prompts
from ..printing import actions


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


# --- what the screens call -----------------------------------------------------------------
def _layout_and_painter(doc, paper: str):
    return (
        fiscal_document.fiscal_page_layout(doc, paper),
        lambda p, d: fiscal_document.paint_fiscal_document(p, d, doc, paper),
    )


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
    fiscal_document.write_fiscal_document_pdf(
        path, records.view(document_id), paper or default_paper()
    )
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


def _lab_name() -> str:
    return str(settings.get("lab_name") or "")


def preview_cash_report(parent: QWidget | None, session_id: int, paper: str | None = None):
    try:
        report = cash.report(session_id)
    except ServiceError as exc:
        prompts.error(
            parent, translate("billing.printing", "No se puede imprimir el cierre"), str(exc)
        )
        return None
    paper = paper or default_paper()
    name = _lab_name()
    return actions.preview(
        parent,
        translate("billing.printing", "Cierre de caja #{id}").format(id=session_id),
        cash_close.cash_close_page_layout(report, paper, name),
        lambda p, d: cash_close.paint_cash_close(p, d, report, paper, name),
    )


def write_cash_report_pdf(path, session_id: int, paper: str | None = None) -> Path:
    report = cash.report(session_id)
    cash_close.write_cash_close_pdf(path, report, paper or default_paper(), _lab_name())
    return Path(path)
