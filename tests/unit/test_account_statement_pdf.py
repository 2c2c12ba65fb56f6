"""The printed statement of account of a company with credit (issue 17, point 4): read
back from the real PDF with pypdf (title, company, each invoice, balance, the overdue
mark and totals) and a long statement paginated with its header repeated."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from pypdf import PdfReader

from patolab_desktop.documents.account_statement import (
    days_text,
    statement_page_layout,
    table_rows,
    write_statement_pdf,
)
from patolab_desktop.services.billing import statements
from patolab_desktop.services.billing.payments import PaymentInput
from tests.unit.billing_helpers import billing_lab  # noqa: F401
from tests.unit.requests_fixtures import lab, make_customer  # noqa: F401


@pytest.fixture(autouse=True)
def _app(qapp):
    """A QApplication before any painting (a bare QGuiApplication would stop later widget
    tests in the same run)."""
    return qapp


def pdf_pages(path) -> list[str]:
    """Each page's text with every run of white space made one space."""
    return [re.sub(r"\s+", " ", page.extract_text()) for page in PdfReader(str(path)).pages]


def row_text(text: str, number: str) -> str:
    """The cells of the invoice ``number``: from it to the next invoice or the total."""
    return re.split(r" (?:\d{3}-\d{3}-\d{2}-\d{8}|Total) ", text.split(number, 1)[1])[0]


def test_statement_of_real_credit_invoices(billing_lab, tmp_path):  # noqa: F811
    b = billing_lab
    company = make_customer(
        "Maquila del Norte S.A.", "empresa", date_of_birth=None, id_number="05019001234567"
    )
    statements.set_account(company, "1000", 10)
    first = b.invoice(b.request(b.lab.hem, b.lab.glu, bill_to_id=company), on_credit=True, pay=())
    statements.set_account(company, "1000", 60, expected_version=1)
    second = b.invoice(b.request(b.lab.hem, b.lab.glu, bill_to_id=company), on_credit=True, pay=())
    statements.record_abono(company, (PaymentInput("transfer", "100", bank="BAC", reference="7"),))
    today = dt.date.today() + dt.timedelta(days=20)
    data = statements.statement(company, today=today)
    data["today"] = today
    assert [r["id"] for r in data["rows"]] == [first, second]
    assert data["overdue"] == Decimal("130.00") and data["balance"] == Decimal("360.00")

    path = tmp_path / "estado.pdf"
    assert write_statement_pdf(path, data, "Letter", lab_name="Laboratorio PatoLab") == 1
    text = pdf_pages(path)[0]
    assert "Laboratorio PatoLab" in text and "ESTADO DE CUENTA" in text
    assert "Maquila del Norte S.A." in text
    assert "L 1,000.00" in text and "60 días" in text and f"{today:%d/%m/%Y}" in text
    for row in data["rows"]:
        assert row["number"] in text
    # the first invoice: 230.00 less the 100.00 abono, 10 days past its due date
    first_row = row_text(text, data["rows"][0]["number"])
    assert first_row.endswith("L 230.00 L 0.00 L 100.00 L 130.00 10 · VENCIDA")
    second_row = row_text(text, data["rows"][1]["number"])
    assert second_row.endswith("L 230.00 L 0.00 L 0.00 L 230.00 —")
    assert re.search(r"Saldo\s*L 360\.00", text)
    assert re.search(r"Vencido\s*L 130\.00", text)
    assert re.search(r"Disponible\s*L 640\.00", text)
    assert "Página 1 de 1" in text


def synthetic(count: int) -> dict:
    rows = []
    for i in range(count):
        balance = Decimal("230.00") if i % 2 else Decimal("0.00")
        rows.append(
            {
                "number": f"000-001-01-{i + 1:08d}",
                "issued_at": dt.datetime(2026, 9, 1, 9, 30) + dt.timedelta(days=i),
                "due_date": dt.date(2026, 10, 1) + dt.timedelta(days=i),
                "total": Decimal("230.00"),
                "credited": Decimal("0.00"),
                "paid": Decimal("230.00") - balance,
                "balance": balance,
                "days_overdue": 5 if balance and i < 40 else 0,
            }
        )
    due = sum((r["balance"] for r in rows), Decimal("0.00"))
    return {
        "customer_id": 1,
        "customer_name": "Constructora Lempira S.A.",
        "credit_limit": Decimal("50000.00"),
        "days": 30,
        "rows": rows,
        "balance": due,
        "overdue": sum((r["balance"] for r in rows if r["days_overdue"]), Decimal("0.00")),
        "available": Decimal("50000.00") - due,
        "today": dt.date(2026, 12, 4),
    }


def test_eighty_invoices_break_across_pages_with_the_header_repeated(tmp_path):
    data = synthetic(80)
    rows = data["rows"]
    path = tmp_path / "largo.pdf"
    pages = write_statement_pdf(path, data, "A4")
    texts = pdf_pages(path)
    assert pages == len(texts) >= 2
    whole = "\n".join(texts)
    for row in rows:
        assert whole.count(row["number"]) == 1, row["number"]
    for index, text in enumerate(texts):
        assert "Número" in text and "Días vencida" in text  # the header on every page
        assert f"Página {index + 1} de {pages}" in text
    assert "(continuación)" in texts[1] and "Constructora Lempira S.A." in texts[1]
    assert whole.count("5 · VENCIDA") == 20
    assert re.search(r"Saldo\s*L 9,200\.00", texts[-1])
    assert re.search(r"Vencido\s*L 4,600\.00", texts[-1])


def test_rows_marks_and_paper():
    assert days_text({"days_overdue": 0}) == "—"
    assert days_text({"days_overdue": 12}) == "12 · VENCIDA"
    empty = table_rows({"rows": []})
    assert len(empty) == 1 and empty[0].cells[0] == "Sin facturas a crédito."
    row = {
        "number": "000-001-01-00000001",
        "issued_at": dt.datetime(2026, 9, 1, 9, 0),
        "due_date": dt.date(2026, 10, 1),
        "total": Decimal("230.00"),
        "credited": Decimal("30.00"),
        "paid": Decimal("50.005"),
        "balance": Decimal("149.995"),
        "days_overdue": 3,
    }
    body = table_rows({"rows": [row]})
    assert body[0].bold and body[0].shade
    assert body[0].cells[:7] == [
        "000-001-01-00000001",
        "01/09/2026",
        "01/10/2026",
        "L 230.00",
        "L 30.00",
        "L 50.01",
        "L 150.00",
    ]
    assert body[-1].cells[0] == "Total" and body[-1].bold
    with pytest.raises(ValueError):
        statement_page_layout("Oficio")


def test_statement_in_english(qapp, tmp_path):
    from patolab_desktop import i18n

    assert i18n.install_translators(qapp, "en") == "en"
    try:
        path = tmp_path / "statement.pdf"
        write_statement_pdf(path, synthetic(4), "Letter")
    finally:
        i18n.remove_translators(qapp)
    text = pdf_pages(path)[0]
    assert "STATEMENT OF ACCOUNT" in text and "Credit limit:" in text
    assert "Days overdue" in text and "5 · OVERDUE" in text
    assert re.search(r"Available\s*L 49,540\.00", text)
    assert "ESTADO DE CUENTA" not in text and "VENCIDA" not in text
    assert "L 50,000.00" in text and "04/12/2026" in text  # money and dates as in Spanish


def test_a_printer_gets_the_same_pages_as_the_pdf(tmp_path):
    """Printing and the print preview paint on a QPrinter with ``statement_page_layout``."""
    from PySide6.QtGui import QPainter
    from PySide6.QtPrintSupport import QPrinter

    from patolab_desktop.documents.account_statement import paint_statement

    data = synthetic(80)
    expected = write_statement_pdf(tmp_path / "saved.pdf", data, "Letter")
    path = tmp_path / "printed.pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setPageLayout(statement_page_layout("Letter"))
    painter = QPainter()
    assert painter.begin(printer)
    try:
        pages = paint_statement(painter, printer, data, "Letter")
    finally:
        painter.end()
    texts = pdf_pages(path)
    assert pages == expected == len(texts) >= 2
    assert round(float(PdfReader(str(path)).pages[0].mediabox.width)) == 612  # Letter
    assert all(row["number"] in " ".join(texts) for row in data["rows"])
