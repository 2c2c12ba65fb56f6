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
from typing import NamedTuple

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QPagedPaintDevice, QPageLayout, QPainter
from PySide6.QtWidgets import QDialog, QWidget

from ...i18n import translate
from ...services.access import session
from ...services.errors import ServiceError
from ...services.requests import reports
from .. import prompts
from ..widgets.screen_fit import fit_to_screen


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
    device: QPagedPaintDevice,
    paint: Callable[[QPainter, QPagedPaintDevice], int],
    fixed_layout: QPageLayout | None = None,
) -> int:
    """Paint on a printer (or the preview's). ``fixed_layout``: the page is always that
    (a label is its own size, whatever paper the print dialog or a "print to file" chose;
    a printer that cannot take the size still gets the label at its true size)."""
    if fixed_layout is not None:
        device.setPageLayout(fixed_layout)
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
    save_pdf: Callable[[QWidget], object] | None = None,
    fixed_size: bool = False,
):
    """A print preview (QPrintPreviewDialog); printing from it uses the same painter.

    ``save_pdf(dialog)`` adds «Guardar como PDF…» to the preview's toolbar; ``fixed_size``
    keeps the page at ``page_layout`` whatever the print dialog chooses (labels).
    """
    from PySide6.QtPrintSupport import QPrintPreviewDialog
    from PySide6.QtWidgets import QToolBar

    from ..icons import icon

    printer = _printer(page_layout)
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.setWindowTitle(title)
    fit_to_screen(dialog, 900, 1000)
    fixed = page_layout if fixed_size else None
    dialog.paintRequested.connect(lambda device: _paint_on(device, paint, fixed))
    dialog.save_pdf_action = None
    if save_pdf is not None:
        toolbar = dialog.findChild(QToolBar)
        action = QAction(icon("save"), translate("printing.actions", "Guardar como PDF…"), dialog)
        action.setObjectName("save_pdf_action")
        action.setToolTip(translate("printing.actions", "Guardar como PDF…"))
        action.triggered.connect(lambda: save_pdf(dialog))
        if toolbar is not None:
            # Print (Qt puts it last) and Save as PDF first, so a 1024 px screen never hides
            # them in the toolbar's overflow menu; zoom and page buttons follow
            actions = toolbar.actions()
            first = actions[0] if actions else None
            print_action = actions[-1] if actions else None
            if print_action is not None:
                toolbar.removeAction(print_action)
                toolbar.insertAction(first, print_action)
            toolbar.insertAction(first, action)
            if first is not None:
                toolbar.insertSeparator(first)
            button = toolbar.widgetForAction(action)
            if button is not None:  # text beside the icon: the action is found by its words
                button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        else:
            dialog.addAction(action)
        dialog.save_pdf_action = action
    exec_dialog(dialog)
    return dialog


def print_direct(
    parent: QWidget | None,
    title: str,
    page_layout: QPageLayout,
    paint: Callable[[QPainter, QPagedPaintDevice], int],
    fixed_size: bool = False,
) -> bool:
    """Ask for the printer (QPrintDialog) and print; False when the user cancels."""
    from PySide6.QtPrintSupport import QPrintDialog

    printer = _printer(page_layout)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(title)
    if exec_dialog(dialog) != QDialog.DialogCode.Accepted:
        return False
    _paint_on(printer, paint, page_layout if fixed_size else None)
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


def _save_pdf(
    parent,
    title: str,
    name: str,
    write: Callable[[Path], object],
    audit: tuple[str, int | None, str],
    saved_text: str,
) -> Path | None:
    """Ask where (``name`` in the documents folder), ``write(path)``, audit it
    (``reports.record_print(*audit)``) and say where it went (``saved_text`` with its
    {path}). None when cancelled or when writing failed (the failure was shown)."""
    path = _ask_pdf_path(parent, title, str(_documents_dir() / name))
    if path is None:
        return None
    try:
        write(path)
    except (OSError, ServiceError) as exc:
        _fail(parent, translate("printing.actions", "No se pudo guardar el PDF"), exc)
        return None
    reports.record_print(*audit)
    prompts.info(
        parent, translate("printing.actions", "PDF guardado"), saved_text.format(path=path)
    )
    return path


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
        save_pdf=lambda dialog: save_summary_pdf(dialog, request_id, show_full_id),
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
    except (OSError, ServiceError) as exc:
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
    return _save_pdf(
        parent,
        translate("printing.actions", "Guardar resumen en PDF"),
        name,
        lambda path: write_summary_pdf(path, data, reports.paper_size()),
        ("lab_request", request_id, f"Resumen {data['request_number']} guardado en PDF"),
        translate("printing.actions", "Se guardó el resumen en:\n{path}"),
    )


# --- tube labels --------------------------------------------------------------------------
class _LabelJob(NamedTuple):
    """A request's labels, the label size and the copies of each."""

    labels: list[dict]
    size: dict
    copies: int

    @property
    def number(self) -> str:
        return self.labels[0]["request_number"]

    @property
    def mm(self) -> tuple[float, float]:
        """The label's width and height in millimetres."""
        return self.size["width_mm"], self.size["height_mm"]

    def page(self):
        """The labels' page layout and painter."""
        from ...documents.layout import label_layout
        from ...documents.tube_labels import paint_labels

        return label_layout(*self.mm), lambda painter, device: paint_labels(
            painter, device, self.labels, self.copies, self.mm
        )


def _labels(parent, request_id: int, copies: int | None) -> _LabelJob | None:
    """The request's label job (the configured number of copies unless ``copies``); None
    when there are no labels or the service refused."""
    try:
        labels = reports.label_data(request_id)
    except ServiceError as exc:
        _fail(parent, translate("printing.actions", "No se pueden imprimir las etiquetas"), exc)
        return None
    if not labels:
        return None
    size = reports.label_settings()
    return _LabelJob(labels, size, copies or size["copies"])


def print_labels(parent: QWidget | None, request_id: int, copies: int | None = None) -> bool:
    """Print one label per sample type (``copies`` each) at the configured label size."""
    job = _labels(parent, request_id, copies)
    if job is None:
        return False
    try:
        title = translate("printing.actions", "Imprimir etiquetas {number}").format(
            number=job.number
        )
        done = print_direct(parent, title, *job.page(), fixed_size=True)
    except (OSError, ServiceError) as exc:
        _fail(parent, translate("printing.actions", "No se pudieron imprimir las etiquetas"), exc)
        return False
    if done:
        count = len(job.labels) * job.copies
        reports.record_print(
            "lab_request", request_id, f"{count} etiqueta(s) de {job.number} impresas"
        )
    return done


def preview_labels(parent: QWidget | None, request_id: int, copies: int | None = None):
    job = _labels(parent, request_id, copies)
    if job is None:
        return None
    reports.record_print("lab_request", request_id, f"Vista previa de etiquetas {job.number}")
    return preview(
        parent,
        translate("printing.actions", "Etiquetas {number}").format(number=job.number),
        *job.page(),
        save_pdf=lambda dialog: save_labels_pdf(dialog, request_id, job.copies),
        fixed_size=True,
    )


def save_labels_pdf(
    parent: QWidget | None, request_id: int, copies: int | None = None
) -> Path | None:
    from ...documents.tube_labels import write_labels_pdf

    job = _labels(parent, request_id, copies)
    if job is None:
        return None
    return _save_pdf(
        parent,
        translate("printing.actions", "Guardar etiquetas en PDF"),
        translate("printing.actions", "Etiquetas {number}.pdf").format(number=job.number),
        lambda path: write_labels_pdf(path, job.labels, *job.mm, job.copies),
        ("lab_request", request_id, f"Etiquetas {job.number} guardadas en PDF"),
        translate("printing.actions", "Se guardaron las etiquetas en:\n{path}"),
    )


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
        save_pdf=lambda dialog: save_period_data_pdf(dialog, data),
    )


def save_period_data_pdf(parent: QWidget | None, data: dict) -> Path | None:
    from ...documents.period_report import write_period_report_pdf

    suggested = translate(
        "printing.actions",
        "Resumen {date_from:%Y-%m-%d} a {date_to:%Y-%m-%d}.pdf",
    ).format(date_from=data["date_from"], date_to=data["date_to"])
    return _save_pdf(
        parent,
        translate("printing.actions", "Guardar resumen por período en PDF"),
        suggested,
        lambda path: write_period_report_pdf(path, data, reports.paper_size()),
        (
            "report",
            None,
            f"Resumen del {data['period_text']} ({data['branch_text']}) guardado en PDF",
        ),
        translate("printing.actions", "Se guardó el resumen en:\n{path}"),
    )


def edit_lab_header(parent: QWidget | None):
    from .lab_header_dialog import LabHeaderDialog

    dialog = LabHeaderDialog(parent)
    exec_dialog(dialog)
    return dialog
