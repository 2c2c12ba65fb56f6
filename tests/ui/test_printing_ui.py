"""Printing from the GUI: menu entries and permissions, preview, print (to a PDF printer),
save as PDF, the period dialog and the lab header dialog."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from patolab_desktop.db.models import AuditLog
from patolab_desktop.services import settings
from patolab_desktop.services.requests import reports
from patolab_desktop.ui import prompts
from patolab_desktop.ui.printing import actions, area
from patolab_desktop.ui.printing.lab_header_dialog import LabHeaderDialog
from patolab_desktop.ui.printing.period_dialog import PeriodReportDialog
from tests.e2e.printing_helpers import decode_image, page_sizes_mm, pdf_text, render_pages
from tests.unit.printing_fixtures import printed_lab  # noqa: F401


@pytest.fixture
def lab(printed_lab, qtbot):
    return printed_lab


@pytest.fixture
def shown(monkeypatch, qtbot):
    """Replace ``exec_dialog``: show the dialog, let it paint, remember it, close it."""
    seen = []

    def fake_exec(dialog):
        from PySide6.QtPrintSupport import QPrintPreviewWidget

        if dialog.parent() is None:  # a child dialog goes with its parent
            qtbot.addWidget(dialog)
        dialog.show()
        preview = dialog.findChild(QPrintPreviewWidget)
        if preview is not None:
            qtbot.waitUntil(lambda: preview.pageCount() > 0)
            seen.append((dialog, preview.pageCount()))
        else:
            seen.append((dialog, 0))
        dialog.close()
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(actions, "exec_dialog", fake_exec)
    return seen


@pytest.fixture
def messages(monkeypatch):
    said = []
    monkeypatch.setattr(prompts, "info", lambda parent, title, text: said.append(("info", text)))
    monkeypatch.setattr(prompts, "error", lambda parent, title, text: said.append(("error", text)))
    return said


def prints():
    return list(AuditLog.select().where(AuditLog.action == "print").order_by(AuditLog.id))


def test_area_adds_menu_entries_with_permissions(lab, qtbot, shown):
    from patolab_desktop.ui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    area.install(window)
    report = next(a for a in window.menu("requests").actions() if "período" in a.text())
    header = next(a for a in window.menu("file").actions() if "Encabezado" in a.text())
    assert report.property("permission") == "prints.reports"
    assert header.property("permission") == "settings.edit"
    window.apply_permissions(lambda permission: permission == "prints.run")  # reception
    assert not report.isVisible() and not header.isVisible()
    window.apply_permissions(lambda permission: True)
    assert report.isVisible() and header.isVisible()
    report.trigger()
    header.trigger()
    assert [type(dialog) for dialog, _pages in shown] == [PeriodReportDialog, LabHeaderDialog]


def test_preview_summary_paints_pages_on_the_configured_paper(lab, shown):
    from PySide6.QtGui import QPageSize

    reports.save_print_settings({"paper_size": "Letter"})
    request_id, number = lab.req["full"]
    dialog = actions.preview_summary(None, request_id)
    [(previewed, pages)] = shown
    assert previewed is dialog and pages == 1
    assert dialog.windowTitle() == f"Resumen de solicitud {number}"
    assert dialog.printer().pageLayout().pageSize().id() == QPageSize.PageSizeId.Letter
    [row] = prints()
    assert row.entity_id == request_id and "Vista previa" in row.detail


def test_save_summary_pdf_adds_the_extension(lab, tmp_path, monkeypatch, messages):
    request_id, number = lab.req["cancel_b"]
    monkeypatch.setattr(prompts, "save_file", lambda *args: str(tmp_path / "resumen"))
    path = actions.save_summary_pdf(None, request_id)
    assert path == tmp_path / "resumen.pdf"
    text = pdf_text(path)
    assert number in text and "SOLICITUD CANCELADA" in text
    assert messages == [("info", f"Se guardó el resumen en:\n{path}")]
    assert "guardado en PDF" in prints()[-1].detail


def test_save_summary_pdf_cancelled_by_the_user(lab, monkeypatch, messages):
    monkeypatch.setattr(prompts, "save_file", lambda *args: None)
    assert actions.save_summary_pdf(None, lab.req["full"][0]) is None
    assert messages == [] and prints() == []


def test_unknown_request_shows_an_error(lab, shown, messages):
    assert actions.preview_summary(None, 987654) is None
    assert actions.print_labels(None, 987654) is False
    assert [kind for kind, _text in messages] == ["error", "error"]
    assert "no existe" in messages[0][1].lower()
    assert shown == []


def test_print_labels_to_the_chosen_printer(lab, tmp_path, monkeypatch):
    from PySide6.QtPrintSupport import QPrintDialog

    reports.save_print_settings({"label_copies": 2})
    target = tmp_path / "impresora.pdf"
    chosen = []

    def accept_into_pdf(dialog):
        assert isinstance(dialog, QPrintDialog)
        dialog.printer().setOutputFileName(str(target))  # a PDF "printer"
        chosen.append(dialog.printer().pageLayout().fullRect().size())
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(actions, "exec_dialog", accept_into_pdf)
    request_id, number = lab.req["young"]
    assert actions.print_labels(None, request_id) is True
    assert page_sizes_mm(target) == [(50, 25)] * 4  # 2 sample types × 2 copies
    assert decode_image(render_pages(target, tmp_path)[0]) == [("CODE128", number)]
    assert "4 etiqueta(s)" in prints()[-1].detail
    monkeypatch.setattr(actions, "exec_dialog", lambda dialog: QDialog.DialogCode.Rejected)
    assert actions.print_labels(None, request_id) is False
    assert len(prints()) == 1  # a cancelled print is not audited


def test_preview_labels(lab, shown):
    actions.preview_labels(None, lab.req["full"][0], copies=1)
    assert shown[0][1] == 3


def test_period_dialog_ranges_and_validation(lab, qtbot):
    dialog = PeriodReportDialog(today=dt.date(2026, 3, 18))
    qtbot.addWidget(dialog)
    assert dialog.values() == (dt.date(2026, 3, 1), dt.date(2026, 3, 18), None)
    dialog.set_last_month()
    assert dialog.values()[:2] == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    dialog.set_this_week()
    assert dialog.values()[:2] == (dt.date(2026, 3, 16), dt.date(2026, 3, 18))
    dialog.set_today()
    assert dialog.values()[:2] == (dt.date(2026, 3, 18), dt.date(2026, 3, 18))
    dialog.date_from.setDate(dialog.date_from.date().addDays(5))
    assert dialog.error.isVisibleTo(dialog)
    assert "anterior" in dialog.error.text()
    assert not dialog.preview_button.isEnabled() and not dialog.pdf_button.isEnabled()
    labels = [dialog.branch.itemText(i) for i in range(dialog.branch.count())]
    assert labels[0] == "Todas las sucursales" and "San Pedro Sula (SPS)" in labels


def test_period_dialog_preview_and_pdf(lab, qtbot, tmp_path, monkeypatch, shown, messages):
    dialog = PeriodReportDialog()
    qtbot.addWidget(dialog)
    dialog.set_range(lab.base_day, lab.base_day + dt.timedelta(days=3))
    dialog.branch.setCurrentIndex(dialog.branch.findData(lab.sps))
    dialog.show()
    dialog.grab().save("/tmp/print_dialog_period.png")
    qtbot.keyClick(dialog.date_to, Qt.Key.Key_Return)  # Enter = the default button: preview
    assert shown and shown[0][1] >= 1
    monkeypatch.setattr(prompts, "save_file", lambda *args: str(tmp_path / "periodo.pdf"))
    path = dialog.save_pdf()
    text = pdf_text(path)
    assert "San Pedro Sula (SPS)" in text
    assert "Vigentes (sin canceladas) 3 L 1,087.00 L 256.95 L 830.05" in text
    assert [row.entity for row in prints()] == ["report", "report"]


def test_lab_header_dialog_shows_inline_errors_and_saves(lab, qtbot, tmp_path, monkeypatch):
    from PySide6.QtGui import QColor, QImage

    dialog = LabHeaderDialog()
    qtbot.addWidget(dialog)
    assert dialog.name.text() == "Laboratorio Clínico PatoLab"
    assert dialog.label_width.value() == 50 and dialog.paper.currentData() == "A4"
    dialog.rtn.setText("0801")
    dialog.email.setText("sin-arroba")
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.errors["lab_rtn"].isVisibleTo(dialog)
    assert "14 dígitos" in dialog.errors["lab_rtn"].text()
    assert dialog.errors["lab_email"].isVisibleTo(dialog)
    assert settings.get("lab_rtn") == "08019012345678"  # nothing saved

    logo = tmp_path / "logo.png"
    image = QImage(200, 80, QImage.Format.Format_RGB32)
    image.fill(QColor("#1f4e79"))
    image.save(str(logo))
    monkeypatch.setattr(prompts, "open_file", lambda *args: str(logo))
    dialog.choose_logo()
    assert dialog.logo.text() == str(logo) and not dialog.logo_preview.pixmap().isNull()
    dialog.rtn.setText("0801-9012-345679")
    dialog.email.setText("contacto@patolab.hn")
    dialog.paper.setCurrentIndex(dialog.paper.findData("Letter"))
    dialog.label_width.setValue(60)
    dialog.label_copies.setValue(3)
    dialog.show()
    dialog.grab().save("/tmp/print_dialog_header.png")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)  # Enter saves
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert settings.get("lab_rtn") == "0801-9012-345679"
    assert reports.lab_header()["logo_path"] == str(logo)
    assert reports.paper_size() == "Letter"
    assert reports.label_settings() == {"width_mm": 60, "height_mm": 25, "copies": 3}


def test_lab_header_dialog_escape_keeps_settings(lab, qtbot):
    dialog = LabHeaderDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name.setText("Otro nombre")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert settings.get("lab_name") == "Laboratorio Clínico PatoLab"


def test_lab_header_dialog_labels_lead_to_their_fields(lab, qtbot):
    """Every row label has a mnemonic whose buddy is the field it names (Alt+letter)."""
    from PySide6.QtWidgets import QLabel

    dialog = LabHeaderDialog()
    qtbot.addWidget(dialog)
    buddies = {
        label.text(): label.buddy()
        for label in dialog.findChildren(QLabel)
        if label.buddy() is not None
    }
    assert buddies == {
        "&Nombre *:": dialog.name,
        "&Dirección:": dialog.address,
        "&RTN:": dialog.rtn,
        "&Teléfono:": dialog.phone,
        "C&orreo:": dialog.email,
        "&Logotipo:": buddies["&Logotipo:"],
        "&Papel:": dialog.paper,
        "&Etiqueta (ancho × alto):": dialog.label_width,
        "&Copias por etiqueta:": dialog.label_copies,
    }
    assert buddies["&Logotipo:"].text() == "E&xaminar…"
    letters = [text[text.index("&") + 1].lower() for text in buddies]
    assert len(letters) == len(set(letters))  # no two rows share a letter
