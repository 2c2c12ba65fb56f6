"""Driving the front desk as a person does: typing into the request entry with the
keyboard, and printing from a print preview to a PDF file."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog

from patolab_desktop.ui.requests.request_entry import RequestEntry


def type_and_enter(qtbot, edit, text: str) -> None:
    edit.setFocus()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def active_entry(qtbot, width: int, height: int) -> RequestEntry:
    """The request entry of Recepción, shown at ``width`` x ``height`` and active (the
    window that takes the keys)."""
    entry = RequestEntry(by="recepcion")
    qtbot.addWidget(entry)
    entry.resize(width, height)
    entry.show()
    qtbot.waitExposed(entry)
    entry.activateWindow()
    qtbot.waitUntil(entry.isActiveWindow)
    return entry


def enter_request(qtbot, entry, patient: str, doctor: str, *investigations: str) -> None:
    """Pick the patient, the doctor and each investigation by typing and Enter."""
    type_and_enter(qtbot, entry.patient_edit, patient)
    type_and_enter(qtbot, entry.doctor_edit, doctor)
    for code in investigations:
        type_and_enter(qtbot, entry.investigation_edit, code)


def print_to_pdf(folder: Path, printed: list):
    """The print preview's Print, as the person would choose a PDF printer: a stand-in for
    ``actions.exec_dialog`` that appends each file written to ``printed``."""

    def run(dialog):
        if isinstance(dialog, QPrintPreviewDialog):
            printer = dialog.printer()
            path = folder / f"impreso-{len(printed) + 1}.pdf"
            printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            printer.setOutputFileName(str(path))
            dialog.paintRequested.emit(printer)
            printed.append(path)
        return 0

    return run
