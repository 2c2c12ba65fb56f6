"""Issue 17 "Must show: PDFs": the printed Factura, Nota de Crédito and cash close.

Documents are built by hand (no database), written as real PDFs on Letter, A4 and the 80 mm
roll, and read back with pypdf: every field and legend the Reglamento asks for (Arts. 10 and
11) is there, in both formats, on both identical copies.
"""

from __future__ import annotations

import dataclasses
import subprocess
from decimal import Decimal

import pytest
from pypdf import PdfReader

from patolab_desktop.documents.cash_close import write_cash_close_pdf
from patolab_desktop.documents.fiscal_document import (
    ROLL,
    fiscal_page_layout,
    roll_length_mm,
    write_fiscal_document_pdf,
)
from patolab_desktop.services.billing.views import CONSUMER_FINAL, COPIES
from tests.e2e.printing_helpers import page_sizes_mm, page_texts, pdf_text
from tests.tools import pdftoppm
from tests.unit import fiscal_samples as samples

PAPERS = ["Letter", "A4", ROLL]
ORIGINAL, COPY = COPIES
POINTS_PER_MM = 72 / 25.4


@pytest.fixture(autouse=True)
def _app(qapp):
    """pytest-qt's application first (the documents would otherwise make a bare one)."""
    return qapp


def _write(tmp_path, doc, paper) -> tuple:
    path = tmp_path / f"{doc.number}-{paper}.pdf"
    pages = write_fiscal_document_pdf(path, doc, paper)
    assert pages == len(PdfReader(str(path)).pages)
    return path, pages


def _written_text(tmp_path, doc, paper) -> tuple:
    """``doc`` written as a PDF on ``paper``: the file and all of its text."""
    path, _pages = _write(tmp_path, doc, paper)
    return path, pdf_text(path)


def _assert_shows(text: str, items) -> None:
    for item in items:
        assert item in text, item


def _issuer_and_authorisation(doc) -> list[str]:
    issuer = doc.issuer
    return [
        issuer.legal_name,
        issuer.trade_name,
        f"RTN: {issuer.rtn}",
        issuer.head_office_address,
        issuer.branch_address,
        issuer.phone,
        issuer.email,
        "Casa matriz",
        doc.title,
        f"CAI: {doc.cai}",
        f"Rango autorizado: {doc.range_text}",
        "Fecha límite de emisión:",
        doc.deadline.strftime("%d/%m/%Y"),
        doc.number,
        doc.issued_at.strftime("%d/%m/%Y %H:%M"),
        doc.totals.total_words,
        "Importe Exento",
        "Importe Exonerado",
        "Importe Gravado 15 %",
        "Importe Gravado 18 %",
        "ISV 15 %",
        "ISV 18 %",
        "TOTAL",
        "Descuentos y rebajas",
    ]


def _assert_copies(path, doc):
    """Each copy carries its legend once per page set, and the copies are otherwise identical."""
    texts = page_texts(path)
    per_copy = len(texts) // 2
    assert len(texts) == 2 * per_copy
    first, second = texts[:per_copy], texts[per_copy:]
    assert all(ORIGINAL in page and COPY not in page for page in first)
    assert all(COPY in page and ORIGINAL not in page for page in second)
    assert [p.replace(ORIGINAL, "@") for p in first] == [p.replace(COPY, "@") for p in second]


def _assert_fiscal_document(tmp_path, doc, paper, shown: list[str]) -> str:
    """``doc`` written on ``paper`` shows the issuer and authorisation block and ``shown``,
    on both copies; returns its text."""
    path, text = _written_text(tmp_path, doc, paper)
    _assert_shows(text, _issuer_and_authorisation(doc) + shown)
    _assert_copies(path, doc)
    return text


@pytest.mark.parametrize("paper", PAPERS)
def test_consumer_invoice_shows_every_required_field(tmp_path, paper):
    doc = samples.consumer_invoice()
    assert doc.totals.total == Decimal("1160.00")
    path, pages = _write(tmp_path, doc, paper)
    assert pages == 2  # original and copy
    text = pdf_text(path)
    expected = _issuer_and_authorisation(doc) + [
        "FACTURA",
        CONSUMER_FINAL,
        "UN MIL CIENTO SESENTA LEMPIRAS CON 00/100",
        "L 1,160.00",
        "L 1,200.00",  # subtotal before discounts
        "-L 60.87",  # the discounts
        "L 139.13",  # Importe Gravado 15 %
        "L 20.87",  # ISV 15 %
        "Hemograma completo",
        "Perfil lipídico (colesterol total, HDL, LDL, triglicéridos)",
        "Entrega a domicilio",
        "Efectivo",
        "Recibido",
        "Cambio",
        "Tarjeta ****1234 aut. 009912",
        "S-2026-000123",
        ORIGINAL,
        COPY,
    ]
    missing = [item for item in expected if item not in text]
    assert missing == []
    assert "ANULADA" not in text and "NOTA DE CRÉDITO" not in text
    _assert_copies(path, doc)


@pytest.mark.parametrize("paper", PAPERS)
def test_named_buyer_with_rtn_above_ten_thousand(tmp_path, paper):
    doc = samples.company_invoice()
    assert doc.totals.total > Decimal("10000.00")
    text = _assert_fiscal_document(
        tmp_path,
        doc,
        paper,
        [
            "Cliente: Maquiladora del Norte S.A. de C.V.",
            "RTN / Identidad: 05019012345678",
            "TRECE MIL QUINIENTOS CINCUENTA LEMPIRAS CON 00/100",
            "L 13,550.00",
            "L 90.00",  # ISV 18 %
            "Crédito — vence el 03/01/2027",
            "S-2026-000124, S-2026-000125, S-2026-000126",
            "Química sanguínea 9",
            "Vino de consagrar",
        ],
    )
    assert CONSUMER_FINAL not in text


@pytest.mark.parametrize("paper", PAPERS)
def test_exonerated_buyer_shows_its_registers(tmp_path, paper):
    doc = samples.exonerated_invoice()
    path, text = _written_text(tmp_path, doc, paper)
    _assert_shows(
        text,
        (
            "Orden de Compra Exenta: OCE-2026-000777",
            "Constancia del Registro de Exonerados: CRE-12345",
            "Registro SAG: SAG-9876",
            "Importe Exonerado",
            "L 1,200.00",
            "UN MIL DOSCIENTOS LEMPIRAS CON 00/100",
            "Transferencia BAC ref. 55512",
            "Exonerado",
        ),
    )
    assert "15 % L 1,200.00" not in text  # the taxed line reads «Exonerado», not «15 %»


@pytest.mark.parametrize("paper", PAPERS)
def test_voided_invoice_reprints_with_anulada_and_reason(tmp_path, paper):
    doc = samples.voided_invoice()
    path, pages = _write(tmp_path, doc, paper)
    texts = page_texts(path)
    assert pages == 2
    for page in texts:
        assert "ANULADA" in page
        assert "FACTURA ANULADA" in page
        assert doc.number in page
        assert "Motivo de anulación" in page
        assert "Error en el nombre del cliente" in page


@pytest.mark.parametrize("paper", PAPERS)
def test_credit_note_cites_the_original_and_the_receiver(tmp_path, paper):
    doc = samples.credit_note()
    text = _assert_fiscal_document(
        tmp_path,
        doc,
        paper,
        [
            "NOTA DE CRÉDITO",
            "001-001-06-00000007",
            "Documento original: Factura 001-001-01-00000042",
            f"CAI del original: {samples.CAI_01}",
            "Fecha del original: 04/12/2026",
            "Motivo: Investigación retirada: la muestra no fue apta",
            "Cliente: María José Rodríguez Castellanos",
            "RTN / Identidad: 0801-1985-01234",
            "Recibido por: María José Rodríguez Castellanos",
            "Documento: 0801-1985-01234",
            "Firma: ___",
            "SEISCIENTOS CINCUENTA LEMPIRAS CON 00/100",
            "L 650.00",
        ],
    )
    assert "FACTURA 001" not in text.replace("Factura 001-001-01-00000042", "")


def test_letter_and_a4_page_sizes(tmp_path):
    doc = samples.consumer_invoice()
    letter, _ = _write(tmp_path, doc, "Letter")
    a4, _ = _write(tmp_path, dataclasses.replace(doc, number="001-001-01-00000099"), "A4")
    assert page_sizes_mm(letter) == [(216, 279)] * 2
    assert page_sizes_mm(a4) == [(210, 297)] * 2


def test_roll_is_80_mm_wide_and_as_long_as_its_content(tmp_path):
    short, long_doc = samples.consumer_invoice(), samples.company_invoice()
    short_path, _ = _write(tmp_path, short, ROLL)
    long_path, _ = _write(tmp_path, long_doc, ROLL)
    for path in (short_path, long_path):
        reader = PdfReader(str(path))
        for page in reader.pages:  # 80 mm = 226.8 pt; Qt writes whole points (227)
            assert abs(float(page.mediabox.width) - 80 * POINTS_PER_MM) < 0.5
    short_height = float(PdfReader(str(short_path)).pages[0].mediabox.height) / POINTS_PER_MM
    long_height = float(PdfReader(str(long_path)).pages[0].mediabox.height) / POINTS_PER_MM
    assert abs(short_height - roll_length_mm(short)) < 1
    assert 120 < short_height < long_height
    layout = fiscal_page_layout(short, ROLL)
    assert layout.fullRect().width() == 80  # millimetres, the layout's unit
    # every copy ends with its legend: nothing fell off the end of the page
    for page in page_texts(short_path) + page_texts(long_path):
        assert page.endswith(ORIGINAL) or page.endswith(COPY)


def test_roll_bottom_margin_stays_blank(tmp_path):
    """Rendered to pixels, the last millimetres of each roll page are empty (no clipping)."""
    from PySide6.QtGui import QImage

    path, _ = _write(tmp_path, samples.credit_note(), ROLL)
    prefix = tmp_path / "roll"
    subprocess.run([pdftoppm(), "-png", "-r", "100", str(path), str(prefix)], check=True)
    images = sorted(tmp_path.glob("roll*.png"))
    assert len(images) == 2
    for file in images:
        image = QImage(str(file)).convertToFormat(QImage.Format.Format_Grayscale8)
        rows = round(3 * 100 / 25.4)  # the last 3 mm
        for y in range(image.height() - rows, image.height()):
            assert all(image.pixelColor(x, y).value() > 240 for x in range(0, image.width(), 2))
        # and there is ink above: the page is not blank
        middle = image.height() // 3
        assert any(image.pixelColor(x, middle).value() < 128 for x in range(image.width()))


@pytest.mark.parametrize("paper", PAPERS)
def test_many_lines_keep_every_line_and_both_copies(tmp_path, paper):
    base = samples.company_invoice()
    lines = tuple(
        dataclasses.replace(base.lines[0], description=f"Investigación número {i:03d}")
        for i in range(70)
    )
    doc = dataclasses.replace(base, lines=lines)
    path, pages = _write(tmp_path, doc, paper)
    texts = page_texts(path)
    if paper == ROLL:
        assert pages == 2  # one long page per copy
    else:
        assert pages >= 4 and pages % 2 == 0  # each copy runs over pages of its own
        assert "(continuación)" in texts[1]
    text = " ".join(texts)
    for i in range(70):
        assert text.count(f"Investigación número {i:03d}") == 2
    _assert_copies(path, doc)


def test_unknown_paper_is_refused(tmp_path):
    with pytest.raises(ValueError, match="Formato de papel"):
        write_fiscal_document_pdf(tmp_path / "x.pdf", samples.consumer_invoice(), "Legal")
    assert not (tmp_path / "x.pdf").exists()


# --- the cash close (cuadre de caja) ------------------------------------------------------
@pytest.mark.parametrize("paper", PAPERS)
def test_cash_close_report_shows_expected_counted_difference_and_signatures(tmp_path, paper):
    from patolab_desktop.documents import fiscal_document

    assert fiscal_document.write_cash_close_pdf is write_cash_close_pdf  # the CLI's import
    report = samples.cash_close("-20.00")
    path = tmp_path / f"close-{paper}.pdf"
    assert write_cash_close_pdf(path, report, paper, lab_name="PatoLab Honduras") == 1
    text = pdf_text(path)
    for item in (
        "PatoLab Honduras",
        "CIERRE DE CAJA",
        "Sesión de caja No. 17",
        "Sucursal San Pedro Sula",
        "Recepcionista: recepcion1",
        "Apertura: 04/12/2026 07:00",
        "Cierre: 04/12/2026 17:05",
        "Fondo inicial: L 500.00",
        "Facturas emitidas: 14",
        "Facturas anuladas: 1",
        "Efectivo L 3,500.00 L 3,480.00 -L 20.00",
        "Tarjeta L 1,160.00 L 1,160.00 L 0.00",
        "Transferencia L 1,200.00 L 1,200.00 L 0.00",
        "Total L 5,860.00 L 5,840.00 -L 20.00",
        "L 500 5 L 2,500.00",
        "L 10 1 L 10.00",
        "Efectivo contado L 3,480.00",
        "Diferencia: -L 20.00 (faltante)",
        "Nota: Faltan L 20.00: vuelto mal entregado a un paciente",
        "Supervisor: supervisor1 — confirmado el 04/12/2026 17:20",
    ):
        assert item in text, item
    if paper == ROLL:
        width = float(PdfReader(str(path)).pages[0].mediabox.width)
        assert abs(width - 80 * POINTS_PER_MM) < 0.5
        assert text.endswith("confirmado el 04/12/2026 17:20")  # nothing cut off


@pytest.mark.parametrize("paper", ["Letter", ROLL])
def test_cash_close_that_balances_and_awaits_the_supervisor(tmp_path, paper):
    report = dataclasses.replace(
        samples.cash_close("0.00"), confirmed_by="", confirmed_at=None, denominations=()
    )
    path = tmp_path / "close.pdf"
    write_cash_close_pdf(path, report, paper)
    text = pdf_text(path)
    assert "Diferencia: L 0.00 (cuadra)" in text
    assert "Nota: —" in text
    assert "Supervisor: (pendiente de confirmación)" in text
    assert "Efectivo por denominación" not in text


@pytest.mark.parametrize("paper", ["Letter", ROLL])
def test_a_printer_gets_the_same_pages(tmp_path, paper):
    """Printing and the print preview paint on a QPrinter with ``fiscal_page_layout``."""
    from PySide6.QtGui import QPainter
    from PySide6.QtPrintSupport import QPrinter

    from patolab_desktop.documents.fiscal_document import paint_fiscal_document

    doc = samples.credit_note()
    path = tmp_path / "printed.pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setPageLayout(fiscal_page_layout(doc, paper))
    painter = QPainter()
    assert painter.begin(printer)
    try:
        pages = paint_fiscal_document(painter, printer, doc, paper)
    finally:
        painter.end()
    assert pages == 2
    reader = PdfReader(str(path))
    assert len(reader.pages) == 2
    width_mm = float(reader.pages[0].mediabox.width) / POINTS_PER_MM
    assert round(width_mm) == (80 if paper == ROLL else 216)
    text = pdf_text(path)
    assert "NOTA DE CRÉDITO" in text and ORIGINAL in text and COPY in text
    assert doc.totals.total_words in text


@pytest.mark.parametrize("paper", PAPERS)
def test_long_texts_wrap_instead_of_disappearing(tmp_path, paper):
    base = samples.company_invoice()
    issuer = dataclasses.replace(
        base.issuer,
        legal_name="Laboratorio Clínico y de Patología Quirúrgica del Valle de Sula " * 2,
        head_office_address="Colonia Los Ángeles, bloque 12, casa 7, frente a la farmacia "
        "del parque central, contiguo al banco, Tegucigalpa, Municipio del Distrito Central",
    )
    doc = dataclasses.replace(
        base,
        issuer=issuer,
        buyer_name="Asociación Hondureña de Empresas Maquiladoras y Textileras del Norte "
        "y del Litoral Atlántico",
        payments=(
            samples.PaymentLine(
                "Cheque Banco Atlántida número 000123456789 emitido por la empresa",
                base.totals.total,
            ),
        ),
        on_credit=False,
        lines=(
            dataclasses.replace(
                base.lines[0],
                description="Panel de química sanguínea ampliado con glucosa, urea, creatinina, "
                "ácido úrico, colesterol, triglicéridos, transaminasas y bilirrubinas",
            ),
        ),
    )
    path, pages = _write(tmp_path, doc, paper)
    assert pages % 2 == 0
    text = pdf_text(path)
    for item in (
        "Asociación Hondureña de Empresas Maquiladoras y Textileras del Norte y del Litoral "
        "Atlántico",
        "Cheque Banco Atlántida número 000123456789 emitido por la empresa",
        "transaminasas y bilirrubinas",
        "Municipio del Distrito Central",
    ):
        assert item in text, item
    _assert_copies(path, doc)
