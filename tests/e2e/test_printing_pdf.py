"""Each printed document rendered to a real PDF, read back with pypdf (text, page size) and
with zbar (barcodes) — summary, period report and tube labels, A4 and Letter."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from pypdf import PdfReader

from patolab_desktop.documents.period_report import write_period_report_pdf
from patolab_desktop.documents.request_summary import write_summary_pdf
from patolab_desktop.documents.tube_labels import paint_label, write_labels_pdf
from patolab_desktop.services import catalog, requests
from patolab_desktop.services.requests import reports
from tests.e2e.printing_helpers import (
    decode_image,
    page_sizes_mm,
    page_texts,
    pdf_text,
    render_pages,
)
from tests.unit.printing_fixtures import printed_lab  # noqa: F401

A4 = (210, 297)
LETTER = (216, 279)


@pytest.fixture
def lab(printed_lab, qapp):
    return printed_lab


def _as_supervisor():
    """A supervisor holds no patients.view_sensitive: id numbers print masked."""
    from patolab_desktop.services.access import permissions, session
    from tests.security_helpers import make_actor

    return session.acting_as(
        make_actor(
            "supervisora", "Supervisora", permissions.ROLE_SUPERVISOR, permissions.SUPERVISOR
        )
    )


def test_summary_pdf_has_every_fact_of_the_request(lab, tmp_path):
    request_id, number = lab.req["full"]
    path = tmp_path / "resumen.pdf"
    with _as_supervisor():
        data = reports.request_summary_data(
            request_id, printed_by="recepcion1", printed_at=dt.datetime(2026, 3, 14, 9, 45)
        )
    assert write_summary_pdf(path, data, "A4") == 1
    text = pdf_text(path)
    assert page_sizes_mm(path) == [A4]
    for expected in (
        "Laboratorio Clínico PatoLab",
        "RTN 08019012345678",
        number,
        "María José Pérez Muñoz",
        "****-****-12345",
        "68 años",
        "Mujer",
        "Dra. Ana Lucía Castillo (Hospital del Valle)",
        "San Pedro Sula (SPS)",
        "Urgente",
        "Ambulatorio",
        "Pendiente",
        lab.at(0, 8).strftime("%d/%m/%Y 08:00"),
        "Control anual. Paciente diabética tipo 2",
        "Perfil lipídico",
        "Colesterol total",
        "Triglicéridos",
        "Colesterol HDL",
        "Hemograma completo",
        "Glucosa en ayunas",
        "Examen general de orina",
        "PLIP Perfil lipídico Suero L 300.00 L 90.00 L 210.00",
        "GLU Glucosa en ayunas Suero L 80.50 L 24.15 L 56.35",
        "L 626.00",
        "Descuento (por edad 30 %) L 187.80",
        "Neto a pagar L 438.20",
        "Impreso por recepcion1 el 14/03/2026 09:45",
        "Página 1 de 1",
    ):
        assert expected in text, expected
    assert "0801-1958-12345" not in text and "0801195812345" not in text
    assert "CANCELADA" not in text
    assert not any("\ufb00" <= ch <= "\ufb06" for ch in text)  # no ligatures: text searchable


def test_summary_barcode_reads_back_as_the_request_number(lab, tmp_path):
    request_id, number = lab.req["full"]
    path = tmp_path / "resumen.pdf"
    write_summary_pdf(path, reports.request_summary_data(request_id), "A4")
    [page] = render_pages(path, tmp_path, dpi=200)
    assert decode_image(page) == [("CODE128", number)]


def test_summary_on_letter_paper(lab, tmp_path):
    request_id, number = lab.req["young"]
    path = tmp_path / "carta.pdf"
    write_summary_pdf(path, reports.request_summary_data(request_id, show_full_id=True), "Letter")
    assert page_sizes_mm(path) == [LETTER]
    text = pdf_text(path)
    assert number in text and "0501-1990-00001" in text
    assert "Neto a pagar L 230.50" in text


def test_cancelled_summary_is_stamped_with_reason(lab, tmp_path):
    request_id, number = lab.req["cancel_b"]
    path = tmp_path / "cancelada.pdf"
    write_summary_pdf(path, reports.request_summary_data(request_id), "A4")
    text = pdf_text(path)
    assert "SOLICITUD CANCELADA el" in text
    assert text.count("CANCELADA") >= 2  # the box heading and the diagonal stamp
    assert (
        "Motivo: El paciente no se presentó a la toma de muestra y pidió reprogramar para "
        "la próxima semana"
    ) in text
    assert "Cancelada" in text and number in text


def test_long_summary_continues_on_a_second_page(lab, tmp_path):
    ids = [
        catalog.create(
            catalog.InvestigationData(
                code=f"X{n:02d}",
                name=f"Investigación especial número {n:02d}",
                price=Decimal("10.5"),
                sample_type="Suero",
            )
        )
        for n in range(45)
    ]
    request_id, number = requests.create(
        requests.RequestDraft(patient_id=lab.young, doctor_id=lab.doctor, investigation_ids=ids),
        by="t",
    )
    path = tmp_path / "largo.pdf"
    pages = write_summary_pdf(path, reports.request_summary_data(request_id), "Letter")
    texts = page_texts(path)
    assert pages == len(texts) >= 2
    assert page_sizes_mm(path) == [LETTER] * pages
    assert "Página 1 de" in texts[0] and f"Página {pages} de {pages}" in texts[-1]
    assert "(continuación)" in texts[1] and "Código Investigación Muestra" in texts[1]
    whole = " ".join(texts)
    for n in range(45):
        assert f"Investigación especial número {n:02d}" in whole
    assert "Neto a pagar L 472.50" in texts[-1]  # 45 × 10.500


def test_summary_prints_the_logo(lab, tmp_path):
    from PySide6.QtGui import QColor, QImage

    logo = tmp_path / "logo.png"
    image = QImage(300, 120, QImage.Format.Format_RGB32)
    image.fill(QColor("#1f4e79"))
    assert image.save(str(logo))
    reports.save_lab_header({"lab_name": "Laboratorio Clínico PatoLab", "lab_logo_path": str(logo)})
    path = tmp_path / "logo.pdf"
    write_summary_pdf(path, reports.request_summary_data(lab.req["full"][0]), "A4")
    assert len(PdfReader(str(path)).pages[0].images) == 1


def test_period_report_pdf_totals(lab, tmp_path):
    path = tmp_path / "periodo.pdf"
    data = reports.period_report_data(
        lab.base_day, lab.base_day + dt.timedelta(days=3), printed_by="supervisor"
    )
    write_period_report_pdf(path, data, "A4")
    assert page_sizes_mm(path) == [A4] * len(page_sizes_mm(path))
    text = pdf_text(path)
    for expected in (
        "RESUMEN POR PERÍODO",
        f"Del {data['period_text']}",
        "Todas las sucursales",
        "Vigentes (sin canceladas) 4 L 1,263.00 L 256.95 L 1,006.05",
        "Canceladas (aparte, no suman) 2 L 245.50 L 45.00 L 200.50",
        "Pendiente 2 L 856.50 L 187.80 L 668.70",
        "Muestra tomada 1 L 176.00 L 0.00 L 176.00",
        "Completada 1 L 230.50 L 69.15 L 161.35",
        "Urgente 1 L 626.00 L 187.80 L 438.20",
        "Emergencia 1 L 230.50 L 0.00 L 230.50",
        "Por sucursal",
        "San Pedro Sula (SPS) 3 L 1,087.00 L 256.95 L 830.05",
        f"{lab.base_day:%d/%m/%Y} 2 1 L 856.50 L 187.80 L 668.70",
        "Solicitudes canceladas (2)",
        lab.req["cancel_a"][1],
        "Solicitud duplicada por error de registro",
        "Impreso por supervisor",
    ):
        assert expected in text, expected
    # issue 16 B: every Total leaves cancelled requests out (status, priority, source, day)
    assert "1,508.50" not in text and "Todas las solicitudes" not in text
    # status, priority, source, branch
    assert text.count("Total 4 L 1,263.00 L 256.95 L 1,006.05") == 4
    assert "Total 4 2 L 1,263.00 L 256.95 L 1,006.05" in text  # by day, 2 cancelled apart
    assert text.count("Canceladas (aparte, no suman) 2 L 245.50 L 45.00 L 200.50") == 2


def test_period_report_for_one_branch_on_letter(lab, tmp_path):
    path = tmp_path / "sps.pdf"
    data = reports.period_report_data(lab.base_day, lab.base_day + dt.timedelta(days=3), lab.sps)
    write_period_report_pdf(path, data, "Letter")
    assert set(page_sizes_mm(path)) == {LETTER}
    text = pdf_text(path)
    assert "San Pedro Sula (SPS)" in text
    assert "Vigentes (sin canceladas) 3 L 1,087.00 L 256.95 L 830.05" in text
    assert lab.req["cancel_a"][1] not in text  # cancelled at the other branch
    assert "Por sucursal" not in text  # a report of one branch is all that branch


def test_labels_pdf_one_page_per_label_and_copy(lab, tmp_path):
    request_id, number = lab.req["full"]
    labels = reports.label_data(request_id)
    path = tmp_path / "etiquetas.pdf"
    assert write_labels_pdf(path, labels, 50, 25, copies=2) == 6
    assert page_sizes_mm(path) == [(50, 25)] * 6
    texts = page_texts(path)
    assert [("Orina" in t, "Suero" in t) for t in texts] == [
        (True, False),
        (True, False),
        (False, False),
        (False, False),
        (False, True),
        (False, True),
    ]
    for text in texts:
        assert number in text and "María José Pérez Muñoz" in text
        assert "68 a · Mujer" in text and lab.base_day.strftime("%d/%m/%Y") in text
    for page in render_pages(path, tmp_path, dpi=300)[::2]:
        assert decode_image(page) == [("CODE128", number)]


def test_labels_follow_the_configured_size(lab, tmp_path):
    reports.save_print_settings({"label_width_mm": 60, "label_height_mm": 30})
    size = reports.label_settings()
    path = tmp_path / "grandes.pdf"
    labels = reports.label_data(lab.req["young"][0])
    write_labels_pdf(path, labels, size["width_mm"], size["height_mm"])
    assert page_sizes_mm(path) == [(60, 30)] * 2


@pytest.mark.parametrize("width_mm,height_mm", [(50, 25), (38, 25), (60, 30), (100, 50)])
def test_label_image_at_300_dpi_decodes_to_the_request_number(lab, width_mm, height_mm):
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QImage, QPainter

    request_id, number = lab.req["full"]
    label = reports.label_data(request_id)[0]
    dots_per_metre = round(300 / 0.0254)
    width, height = round(width_mm / 25.4 * 300), round(height_mm / 25.4 * 300)
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.setDotsPerMeterX(dots_per_metre)
    image.setDotsPerMeterY(dots_per_metre)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    paint_label(painter, QRectF(0, 0, width, height), label)
    painter.end()
    assert decode_image(image) == [("CODE128", number)]


def test_label_at_203_dpi_uses_whole_dot_modules(lab):
    """A 50 mm label on a 203 dpi thermal printer: 2-dot modules, still readable."""
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QImage, QPainter

    from patolab_desktop.documents.barcode import code128_modules

    request_id, number = lab.req["full"]
    label = reports.label_data(request_id)[0]
    width, height = round(50 / 25.4 * 203), round(25 / 25.4 * 203)
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.setDotsPerMeterX(round(203 / 0.0254))
    image.setDotsPerMeterY(round(203 / 0.0254))
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    paint_label(painter, QRectF(0, 0, width, height), label)
    painter.end()
    assert decode_image(image) == [("CODE128", number)]
    # the dark run widths on a row through the bars are exact multiples of 2 dots
    gray = image.convertToFormat(QImage.Format.Format_Grayscale8)
    row = height // 2
    dark = [gray.pixelColor(x, row).value() < 128 for x in range(width)]
    runs, count = [], 0
    for pixel in dark + [False]:
        if pixel:
            count += 1
        elif count:
            runs.append(count)
            count = 0
    pattern = code128_modules(number)
    assert sum(runs) == 2 * pattern.count("1")
    assert all(run % 2 == 0 for run in runs)


def test_large_amounts_are_printed_whole_never_cut(qapp, tmp_path):
    """An amount wider than its column is set smaller instead of being cut with «…»."""
    from PySide6.QtCore import Qt

    from patolab_desktop.documents.layout import (
        Canvas,
        Column,
        Flow,
        Row,
        document_layout,
        draw_table,
        write_pdf,
    )

    def paint(painter, device):
        canvas = Canvas(painter)
        flow = Flow(canvas, top=0, bottom=canvas.height)
        draw_table(
            flow,
            [Column("Concepto", 60, wrap=True), Column("Monto", 8, Qt.AlignmentFlag.AlignRight)],
            [Row(["Total anual", "L 999,999,999.999"])],
        )
        return flow.paint(device)

    path = tmp_path / "montos.pdf"
    write_pdf(path, document_layout("A4"), paint)
    assert "L 999,999,999.999" in pdf_text(path)
