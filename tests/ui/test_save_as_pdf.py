"""«Guardar como PDF…» in every print preview, and labels always on pages of their own size
(issue 16: "printing labels to a file gives stretched Letter pages").

Each PDF is read back with pypdf (page size in points, text) and turned into PNG with
pdftoppm; the receptionist saves the summary and the labels, the supervisor the period
report. A database as the target is refused with a message and left untouched.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtWidgets import QDialog, QToolBar

from patolab_desktop.db.models import AuditLog
from patolab_desktop.services.access import permissions
from patolab_desktop.services.requests import reports
from patolab_desktop.ui.printing import actions
from tests.e2e.printing_helpers import decode_image, render_pages
from tests.safety_helpers import disk_full_after
from tests.ui.role_helpers import PromptLog, act_as, fail_on_crash_dialog
from tests.unit.printing_fixtures import printed_lab  # noqa: F401

POINTS_PER_MM = 72 / 25.4
SHOTS = Path("/work/notes/shots-papers2")


@pytest.fixture
def lab(printed_lab, qtbot, monkeypatch):
    fail_on_crash_dialog(monkeypatch)
    return printed_lab


@pytest.fixture
def prompt_log(monkeypatch):
    return PromptLog().install(monkeypatch)


def _points(path) -> list[tuple[float, float]]:
    return [
        (float(page.mediabox.width), float(page.mediabox.height))
        for page in PdfReader(str(path)).pages
    ]


def _is_size_mm(points: tuple[float, float], width_mm: float, height_mm: float) -> bool:
    """Qt writes page boxes in whole points: the real size to within half a point."""
    return (
        abs(points[0] - width_mm * POINTS_PER_MM) <= 0.5
        and abs(points[1] - height_mm * POINTS_PER_MM) <= 0.5
    )


def _texts(path) -> list[str]:
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(str(path)).pages]


def _keep_png(pngs: list[Path], name: str) -> None:
    """The first page as PNG in the shots folder, to be looked at."""
    if SHOTS.is_dir() and pngs:
        shutil.copy(pngs[0], SHOTS / f"{name}.png")


def _save_from_preview(monkeypatch):
    """Open each preview, press its «Guardar como PDF…» and close it."""
    seen = []

    def run(dialog):
        seen.append(dialog)
        dialog.show()
        action = dialog.save_pdf_action
        assert action is not None and action.text() == "Guardar como PDF…"
        assert action in dialog.findChild(QToolBar).actions()
        action.trigger()
        dialog.close()
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(actions, "exec_dialog", run)
    return seen


def test_reception_saves_the_summary_from_its_preview(lab, tmp_path, monkeypatch, prompt_log):
    act_as(permissions.ROLE_RECEPTION)
    request_id, number = lab.req["full"]
    prompt_log.save_path = str(tmp_path / "resumen")  # the extension is added
    seen = _save_from_preview(monkeypatch)
    actions.preview_summary(None, request_id)
    path = tmp_path / "resumen.pdf"
    assert len(seen) == 1 and path.is_file()
    [size] = _points(path)
    assert _is_size_mm(size, 210, 297)  # A4, the configured paper
    text = " ".join(_texts(path))
    assert number in text and "María José Pérez Muñoz" in text
    assert "****-****-" in text  # a receptionist's paper masks the id number
    _keep_png(render_pages(path, tmp_path, dpi=80), "pdf-summary")
    assert ("info", "PDF guardado", f"Se guardó el resumen en:\n{path}") in prompt_log.calls
    details = [row.detail for row in AuditLog.select().where(AuditLog.action == "print")]
    assert f"Resumen {number} guardado en PDF" in details


def test_reception_saves_the_labels_at_their_own_size(lab, tmp_path, monkeypatch, prompt_log):
    act_as(permissions.ROLE_RECEPTION)
    assert reports.label_settings() == {"width_mm": 50, "height_mm": 25, "copies": 1}
    request_id, number = lab.req["full"]
    prompt_log.save_path = str(tmp_path / "etiquetas.pdf")
    _save_from_preview(monkeypatch)
    actions.preview_labels(None, request_id)
    path = tmp_path / "etiquetas.pdf"
    sizes = _points(path)
    assert len(sizes) == 3 and all(_is_size_mm(size, 50, 25) for size in sizes)
    texts = _texts(path)
    assert all(number in text and "URGENTE" in text for text in texts)
    assert any("Sangre total (EDTA) URGENTE" in text for text in texts)
    pngs = render_pages(path, tmp_path, dpi=300)
    assert decode_image(pngs[0]) == [("CODE128", number)]
    _keep_png(pngs, "pdf-label-50x25")
    assert ("info", "PDF guardado", f"Se guardaron las etiquetas en:\n{path}") in prompt_log.calls


def test_supervisor_saves_the_period_report_from_its_preview(
    lab, tmp_path, monkeypatch, prompt_log
):
    act_as(permissions.ROLE_SUPERVISOR)
    prompt_log.save_path = str(tmp_path / "periodo.pdf")
    _save_from_preview(monkeypatch)
    data = actions.period_report(None, lab.base_day, lab.base_day + dt.timedelta(days=3))
    actions.preview_period_data(None, data)
    path = tmp_path / "periodo.pdf"
    assert all(_is_size_mm(size, 210, 297) for size in _points(path))
    text = " ".join(_texts(path))
    assert "Vigentes (sin canceladas)" in text and "Solicitudes canceladas" in text
    # PRODUCT: "requests by status, priority and branch"
    assert "Por sucursal" in text and "San Pedro Sula (SPS) 3 L 1,087.00" in text
    _keep_png(render_pages(path, tmp_path, dpi=80), "pdf-period")


def test_a_database_is_never_written_over(lab, tmp_path, monkeypatch, prompt_log):
    """The save dialog already refuses a database; the writer refuses it again, whatever
    its name, and writes atomically (nothing half-written is left)."""
    import sqlite3

    from patolab_desktop.services.safety import outputs

    act_as(permissions.ROLE_RECEPTION)
    request_id, _number = lab.req["full"]
    database = outputs.open_database_file()  # None on PostgreSQL: no file to protect
    if database is not None:
        before = database.read_bytes()
        prompt_log.save_path = str(database)  # «test.db» becomes «test.db.pdf», a new file
        assert actions.save_labels_pdf(None, request_id) == database.with_name("test.db.pdf")
        assert database.read_bytes()[:16] == before[:16] == b"SQLite format 3\x00"
    # a database that someone named «.pdf» (a copy of the lab's data)
    disguised = tmp_path / "copia.pdf"
    with sqlite3.connect(disguised) as connection:
        connection.execute("CREATE TABLE datos (x)")
    connection.close()
    kept = disguised.read_bytes()
    prompt_log.save_path = str(disguised)
    prompt_log.clear()
    assert actions.save_labels_pdf(None, request_id) is None
    assert actions.save_summary_pdf(None, request_id) is None
    errors = prompt_log.kinds("error")
    assert [title for _kind, title, _text in errors] == ["No se pudo guardar el PDF"] * 2
    assert "base de datos" in errors[0][2]
    assert disguised.read_bytes() == kept
    assert sorted(p.name for p in tmp_path.iterdir() if "copia" in p.name) == ["copia.pdf"]


def test_a_full_disk_says_so_and_keeps_the_previous_pdf(lab, tmp_path, monkeypatch, prompt_log):
    """QPdfWriter says nothing when its writes fail: the receptionist read «PDF guardado»
    and the good summary of the same name was replaced by an empty file."""
    act_as(permissions.ROLE_RECEPTION)
    request_id, _number = lab.req["full"]
    (tmp_path / "pdf").mkdir()
    path = tmp_path / "pdf" / "resumen.pdf"
    prompt_log.save_path = str(path)
    assert actions.save_summary_pdf(None, request_id) == path
    kept = path.read_bytes()
    prompt_log.clear()
    disk_full_after(monkeypatch, 4096)
    assert actions.save_summary_pdf(None, request_id) is None
    [(kind, title, text)] = prompt_log.calls[1:]  # after the save dialog: one message
    assert (kind, title) == ("error", "No se pudo guardar el PDF")
    assert "No hay espacio suficiente en el disco" in text and str(path) in text
    assert path.read_bytes() == kept and list(path.parent.iterdir()) == [path]


def test_labels_printed_to_a_file_keep_the_label_size(lab, tmp_path, monkeypatch):
    """The print dialog picked Letter (a PDF printer, "print to file"): the pages are still
    50 × 25 mm, not a label stretched over a Letter sheet."""
    from PySide6.QtGui import QPageSize
    from PySide6.QtPrintSupport import QPrintDialog

    act_as(permissions.ROLE_RECEPTION)
    target = tmp_path / "a-archivo.pdf"

    def letter_to_file(dialog):
        assert isinstance(dialog, QPrintDialog)
        dialog.printer().setPageSize(QPageSize(QPageSize.PageSizeId.Letter))
        dialog.printer().setOutputFileName(str(target))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(actions, "exec_dialog", letter_to_file)
    request_id, number = lab.req["young"]
    assert actions.print_labels(None, request_id, copies=1) is True
    sizes = _points(target)
    assert len(sizes) == 2 and all(_is_size_mm(size, 50, 25) for size in sizes)
    assert decode_image(render_pages(target, tmp_path)[0]) == [("CODE128", number)]


def test_a_bigger_page_gets_the_label_at_its_true_size(lab, tmp_path):
    """A printer that cannot take the label's size: the label is painted 50 × 25 mm at
    the top left of the sheet, not stretched over it."""
    from PySide6.QtGui import QImage

    from patolab_desktop.documents.layout import document_layout, write_pdf
    from patolab_desktop.documents.tube_labels import paint_labels

    act_as(permissions.ROLE_RECEPTION)
    labels = reports.label_data(lab.req["young"][0])[:1]
    path = tmp_path / "carta.pdf"
    write_pdf(
        path,
        document_layout("Letter"),
        lambda painter, device: paint_labels(painter, device, labels, 1, (50, 25)),
    )
    [png] = render_pages(path, tmp_path, dpi=100)
    image = QImage(str(png)).convertToFormat(QImage.Format.Format_Grayscale8)
    dark = [
        (x, y)
        for y in range(0, image.height(), 2)
        for x in range(0, image.width(), 2)
        if image.pixelColor(x, y).value() < 128
    ]
    right = max(x for x, _y in dark) / 100 * 25.4
    bottom = max(y for _x, y in dark) / 100 * 25.4
    left_margin, top_margin = 15.0, 12.0  # the document layout's margins
    assert right <= left_margin + 50 + 0.5 and bottom <= top_margin + 25 + 0.5
    assert right >= left_margin + 40  # the bars do span the label


@pytest.mark.parametrize("kind", ["summary", "labels", "period"])
def test_the_save_button_is_on_screen_in_a_1024_preview(lab, qtbot, monkeypatch, kind):
    """At 1024 × 768 the preview opens within the screen and «Guardar como PDF…» is a
    visible button of its toolbar, not hidden in the toolbar's overflow menu."""
    from PySide6.QtPrintSupport import QPrintPreviewWidget
    from PySide6.QtWidgets import QApplication

    act_as(permissions.ROLE_SUPERVISOR)
    shown = []

    def show(dialog):
        qtbot.addWidget(dialog)
        dialog.resize(min(dialog.width(), 1024 - 24), min(dialog.height(), 768 - 48))
        dialog.show()
        preview = dialog.findChild(QPrintPreviewWidget)
        qtbot.waitUntil(lambda: preview.pageCount() > 0)
        QApplication.processEvents()
        toolbar = dialog.findChild(QToolBar)
        button = toolbar.widgetForAction(dialog.save_pdf_action)
        shown.append((dialog.size(), button is not None and button.isVisible(), button))
        if SHOTS.is_dir():
            dialog.grab().save(str(SHOTS / f"preview-{kind}-1024.png"))
        dialog.close()
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(actions, "exec_dialog", show)
    request_id, _number = lab.req["full"]
    if kind == "summary":
        actions.preview_summary(None, request_id)
    elif kind == "labels":
        actions.preview_labels(None, request_id)
    else:
        data = actions.period_report(None, lab.base_day, lab.base_day + dt.timedelta(days=3))
        actions.preview_period_data(None, data)
    [(size, visible, button)] = shown
    assert size.width() <= 1000 and size.height() <= 720
    assert visible and button.text().startswith("Guardar como PDF")  # Qt drops the «…»
    assert button.geometry().right() <= button.parentWidget().width()
