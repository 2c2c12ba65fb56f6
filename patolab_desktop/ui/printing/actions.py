"""What the request screens and menus call to preview, print and save documents.

Every function takes the parent widget, fetches its data from ``services.reports`` and
shows problems through ``ui.prompts``. Dialogs run through ``exec_dialog`` so tests patch
one place. Printing, PDF and preview use the same painters (``request_summary``,
``period_report``, ``tube_labels``); each print, preview and saved PDF is audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtGui import QPagedPaintDevice, QPageLayout, QPainter
from PySide6.QtWidgets import QDialog, QWidget

from ...i18n import translate
from ...services.access import session
from ...services.errors import ServiceError
from ...services.requests import reports
from .. import prompts


def exec_dialog(dialog: QDialog) -> int:
    """Run a modal dialog (tests replace this to drive dialogs without blocking)."""
    return dialog.exec()


def printed_by() -> str:
    actor = session.current()
    return actor.display_name if actor is not None else session.username_for_audit()


def _printer(page_layout: QPageLayout):
    from PySide6.QtPrintSupport import QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageLayout(page_layout)
    return printer


def _paint_on(
    device: QPagedPaintDevice, paint: Callable[[QPainter, QPagedPaintDevice], int]
) -> int:
    painter = QPainter()
    if not painter.begin(device):
        raise OSError(
            translate(
                "printing.actions", "No se pudo iniciar la impresión (¿impresora disponible?)."
            )
        )
    try:
        return paint(painter, device)
    finally:
        painter.end()


def preview(
    parent: QWidget | None,
    title: str,
    page_layout: QPageLayout,
    paint: Callable[[QPainter, QPagedPaintDevice], int],
):
    """A print preview (QPrintPreviewDialog); printing from it uses the same painter."""
    from PySide6.QtPrintSupport import QPrintPreviewDialog

    printer = _printer(page_layout)
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.setWindowTitle(title)
    dialog.resize(900, 1000)
    dialog.paintRequested.connect(lambda device: _paint_on(device, paint))
    exec_dialog(dialog)
    return dialog


def print_direct(
    parent: QWidget | None,
    title: str,
    page_layout: QPageLayout,
    paint: Callable[[QPainter, QPagedPaintDevice], int],
) -> bool:
    """Ask for the printer (QPrintDialog) and print; False when the user cancels."""
    from PySide6.QtPrintSupport import QPrintDialog

    printer = _printer(page_layout)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(title)
    if exec_dialog(dialog) != QDialog.DialogCode.Accepted:
        return False
    _paint_on(printer, paint)
    return True


def _ask_pdf_path(parent, title: str, suggested: str) -> Path | None:
    path = prompts.save_file(
        parent, title, suggested, translate("printing.actions", "Documento PDF (*.pdf)")
    )
    if not path:
        return None
    path = Path(path)
    if path.suffix.lower() != ".pdf":
        path = path.with_name(path.name + ".pdf")
    return path


def _documents_dir() -> Path:
    from PySide6.QtCore import QStandardPaths

    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(folder) if folder else Path.home()


def _fail(parent, title: str, exc: Exception) -> None:
    prompts.error(parent, title, str(exc))


# --- request summary ----------------------------------------------------------------------
def _summary(parent, request_id: int, show_full_id: bool | None) -> dict | None:
    try:
        return reports.request_summary_data(
            request_id, show_full_id=show_full_id, printed_by=printed_by()
        )
    except ServiceError as exc:
        _fail(parent, translate("printing.actions", "No se puede imprimir la solicitud"), exc)
        return None


def preview_summary(parent: QWidget | None, request_id: int, show_full_id: bool | None = None):
    """Print preview of the request summary (print from there or close)."""
    from ...documents.layout import document_layout
    from ...documents.request_summary import paint_summary

    data = _summary(parent, request_id, show_full_id)
    if data is None:
        return None
    reports.record_print(
        "lab_request", request_id, f"Vista previa del resumen {data['request_number']}"
    )
    title = translate("printing.actions", "Resumen de solicitud {request_number}").format(
        request_number=data["request_number"]
    )
    return preview(
        parent,
        title,
        document_layout(reports.paper_size()),
        lambda painter, device: paint_summary(painter, device, data),
    )


def print_summary(
    parent: QWidget | None, request_id: int, show_full_id: bool | None = None
) -> bool:
    from ...documents.layout import document_layout
    from ...documents.request_summary import paint_summary

    data = _summary(parent, request_id, show_full_id)
    if data is None:
        return False
    try:
        title = translate("printing.actions", "Imprimir resumen {request_number}").format(
            request_number=data["request_number"]
        )
        done = print_direct(
            parent,
            title,
            document_layout(reports.paper_size()),
            lambda painter, device: paint_summary(painter, device, data),
        )
    except OSError as exc:
        _fail(parent, translate("printing.actions", "No se pudo imprimir"), exc)
        return False
    if done:
        reports.record_print("lab_request", request_id, f"Resumen {data['request_number']} impreso")
    return done


def save_summary_pdf(
    parent: QWidget | None, request_id: int, show_full_id: bool | None = None
) -> Path | None:
    """Ask where, then save the request summary as PDF; returns the path or None."""
    from ...documents.request_summary import write_summary_pdf

    data = _summary(parent, request_id, show_full_id)
    if data is None:
        return None
    name = translate("printing.actions", "Solicitud {request_number}.pdf").format(
        request_number=data["request_number"]
    )
    path = _ask_pdf_path(
        parent,
        translate("printing.actions", "Guardar resumen en PDF"),
        str(_documents_dir() / name),
    )
    if path is None:
        return None
    try:
        write_summary_pdf(path, data, reports.paper_size())
    except OSError as exc:
        _fail(parent, translate("printing.actions", "No se pudo guardar el PDF"), exc)
        return None
    reports.record_print(
        "lab_request", request_id, f"Resumen {data['request_number']} guardado en PDF"
    )
    prompts.info(
        parent,
        translate("printing.actions", "PDF guardado"),
        translate("printing.actions", "Se guardó el resumen en:\n{path}").format(path=path),
    )
    return path


# --- tube labels --------------------------------------------------------------------------
def _labels(parent, request_id: int) -> list[dict] | None:
    try:
        labels = reports.label_data(request_id)
    except ServiceError as exc:
        _fail(parent, translate("printing.actions", "No se pueden imprimir las etiquetas"), exc)
        return None
    return labels


def print_labels(parent: QWidget | None, request_id: int, copies: int | None = None) -> bool:
    """Print one label per sample type (``copies`` each) at the configured label size."""
    from ...documents.layout import label_layout
    from ...documents.tube_labels import paint_labels

    labels = _labels(parent, request_id)
    if not labels:
        return False
    size = reports.label_settings()
    copies = copies or size["copies"]
    number = labels[0]["request_number"]
    try:
        title = translate("printing.actions", "Imprimir etiquetas {number}").format(number=number)
        done = print_direct(
            parent,
            title,
            label_layout(size["width_mm"], size["height_mm"]),
            lambda painter, device: paint_labels(painter, device, labels, copies),
        )
    except OSError as exc:
        _fail(parent, translate("printing.actions", "No se pudieron imprimir las etiquetas"), exc)
        return False
    if done:
        reports.record_print(
            "lab_request", request_id, f"{len(labels) * copies} etiqueta(s) de {number} impresas"
        )
    return done


def preview_labels(parent: QWidget | None, request_id: int, copies: int | None = None):
    from ...documents.layout import label_layout
    from ...documents.tube_labels import paint_labels

    labels = _labels(parent, request_id)
    if not labels:
        return None
    size = reports.label_settings()
    copies = copies or size["copies"]
    number = labels[0]["request_number"]
    reports.record_print("lab_request", request_id, f"Vista previa de etiquetas {number}")
    title = translate("printing.actions", "Etiquetas {number}").format(number=number)
    return preview(
        parent,
        title,
        label_layout(size["width_mm"], size["height_mm"]),
        lambda painter, device: paint_labels(painter, device, labels, copies),
    )


def save_labels_pdf(
    parent: QWidget | None, request_id: int, copies: int | None = None
) -> Path | None:
    from ...documents.tube_labels import write_labels_pdf

    labels = _labels(parent, request_id)
    if not labels:
        return None
    size = reports.label_settings()
    copies = copies or size["copies"]
    number = labels[0]["request_number"]
    path = _ask_pdf_path(
        parent,
        translate("printing.actions", "Guardar etiquetas en PDF"),
        str(
            _documents_dir()
            / translate("printing.actions", "Etiquetas {number}.pdf").format(number=number)
        ),
    )
    if path is None:
        return None
    try:
        write_labels_pdf(path, labels, size["width_mm"], size["height_mm"], copies)
    except OSError as exc:
        _fail(parent, translate("printing.actions", "No se pudo guardar el PDF"), exc)
        return None
    reports.record_print("lab_request", request_id, f"Etiquetas {number} guardadas en PDF")
    return path


# --- period report ------------------------------------------------------------------------
def period_report(
    parent: QWidget | None, date_from: dt.date, date_to: dt.date, branch_id: int | None = None
) -> dict | None:
    try:
        return reports.period_report_data(date_from, date_to, branch_id, printed_by=printed_by())
    except ServiceError as exc:
        _fail(parent, translate("printing.actions", "No se puede preparar el resumen"), exc)
        return None


def preview_period_data(parent: QWidget | None, data: dict):
    from ...documents.layout import document_layout
    from ...documents.period_report import paint_period_report, period_text

    reports.record_print(
        "report",
        None,
        f"Vista previa del resumen del {data['period_text']} ({data['branch_text']})",
    )
    title = translate("printing.actions", "Resumen por período {period_text}").format(
        period_text=period_text(data)
    )
    return preview(
        parent,
        title,
        document_layout(reports.paper_size()),
        lambda painter, device: paint_period_report(painter, device, data),
    )


def save_period_data_pdf(parent: QWidget | None, data: dict) -> Path | None:
    from ...documents.period_report import write_period_report_pdf

    suggested = translate(
        "printing.actions",
        "Resumen {date_from:%Y-%m-%d} a {date_to:%Y-%m-%d}.pdf",
    ).format(date_from=data["date_from"], date_to=data["date_to"])
    path = _ask_pdf_path(
        parent,
        translate("printing.actions", "Guardar resumen por período en PDF"),
        str(_documents_dir() / suggested),
    )
    if path is None:
        return None
    try:
        write_period_report_pdf(path, data, reports.paper_size())
    except OSError as exc:
        _fail(parent, translate("printing.actions", "No se pudo guardar el PDF"), exc)
        return None
    reports.record_print(
        "report", None, f"Resumen del {data['period_text']} ({data['branch_text']}) guardado en PDF"
    )
    prompts.info(
        parent,
        translate("printing.actions", "PDF guardado"),
        translate("printing.actions", "Se guardó el resumen en:\n{path}").format(path=path),
    )
    return path


def edit_lab_header(parent: QWidget | None):
    from .lab_header_dialog import LabHeaderDialog

    dialog = LabHeaderDialog(parent)
    exec_dialog(dialog)
    return dialog
