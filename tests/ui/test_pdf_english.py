"""Issue 10: the printed documents come out in the active language.

With English active a request summary (a normal one and a cancelled one), the period
report and the tube labels are written to real PDF files and read back with pypdf: the
English titles, column headers, labels and vocabulary are there, the Spanish ones are
not. Money stays ``L 1,234.50`` and dates dd/mm/yyyy in both languages.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from patolab_desktop.documents.period_report import write_period_report_pdf
from patolab_desktop.documents.request_summary import write_summary_pdf
from patolab_desktop.documents.tube_labels import write_labels_pdf
from patolab_desktop.services.requests import reports
from tests.e2e.printing_helpers import page_texts, pdf_text
from tests.unit.printing_fixtures import printed_lab  # noqa: F401  (fixture)

from .test_translations import english  # noqa: F401  (fixture: English active)

PRINTED_AT = dt.datetime(2026, 3, 14, 9, 45)


@pytest.fixture
def lab(printed_lab, qapp):  # noqa: F811
    return printed_lab


# the printed-by line and the page numbers at the foot of every document, in Spanish
SPANISH_FOOTER = ["Impreso por", "Página"]


def _absent(text: str, spanish: list[str]) -> list[str]:
    """The Spanish texts found in ``text`` as whole words (case-sensitive)."""
    return [word for word in spanish if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text)]


def _assert_english(text: str, shown, spanish: list[str]) -> None:
    """Every text of ``shown`` is in ``text`` and none of the ``spanish`` words is."""
    for expected in shown:
        assert expected in text, expected
    assert not _absent(text, spanish)


def test_request_summary_pdf_in_english(lab, english, tmp_path):  # noqa: F811
    request_id, number = lab.req["full"]
    path = tmp_path / "summary.pdf"
    data = reports.request_summary_data(request_id, printed_by="recepcion1", printed_at=PRINTED_AT)
    assert write_summary_pdf(path, data, "A4") == 1
    text = pdf_text(path)
    _assert_english(
        text,
        (
            "REQUEST SUMMARY",
            number,
            "Patient",
            "ID",
            "Age",
            "68 years",
            "Sex",
            "Referrer",
            "Branch",
            "Priority",
            "Urgent",
            "Source",
            "Outpatient",
            "Request date",
            "Status",
            "Pending",
            "Clinical information",
            "Tests",
            "Code Test Sample Price Discount Net",
            "PLIP Perfil lipídico Suero L 300.00 L 90.00 L 210.00",  # data stays as typed
            "Total (4 tests) L 626.00",
            "Discount (age-based 30 %) L 187.80",
            "Net to pay L 438.20",
            "Printed by recepcion1 on 14/03/2026 09:45",
            "Page 1 of 1",
            lab.at(0, 8).strftime("%d/%m/%Y 08:00"),
        ),
        [
            "RESUMEN DE SOLICITUD",
            "Identidad",
            "Edad",
            "años",
            "Sexo",
            "Remitente",
            "Sucursal",
            "Prioridad",
            "Urgente",
            "Origen",
            "Ambulatorio",
            "Fecha de solicitud",
            "Estado",
            "Pendiente",
            "Información clínica",
            "Investigaciones",
            "Código",
            "Investigación",
            "Muestra",
            "Precio",
            "Descuento",
            "Neto",
            "Neto a pagar",
            "por edad",
            *SPANISH_FOOTER,
        ],
    )


def test_cancelled_summary_pdf_in_english(lab, english, tmp_path):  # noqa: F811
    request_id, number = lab.req["cancel_b"]
    path = tmp_path / "cancelled.pdf"
    write_summary_pdf(path, reports.request_summary_data(request_id), "Letter")
    text = pdf_text(path)
    _assert_english(
        text,
        (
            number,
            "REQUEST CANCELLED on",
            "CANCELLED",
            "Cancelled",
            "Total (1 test)",
            "Reason: El paciente no se presentó",
            "Inpatient",
        ),
        [
            "CANCELADA",
            "SOLICITUD CANCELADA",
            "Cancelada",
            "Motivo",
            "investigación",
            "Hospitalizado",
        ],
    )
    assert text.count("CANCELLED") >= 2  # the box heading and the diagonal stamp


def test_cancelled_summary_without_reason_says_so_in_english(lab, english, tmp_path):  # noqa: F811
    request_id, _number = lab.req["cancel_a"]
    data = reports.request_summary_data(request_id)
    data["cancellation_reason"] = ""
    path = tmp_path / "no-reason.pdf"
    write_summary_pdf(path, data, "A4")
    text = pdf_text(path)
    assert "Reason: (no reason recorded)" in text
    assert "sin motivo" not in text


def test_period_report_pdf_in_english(lab, english, tmp_path):  # noqa: F811
    start, end = lab.base_day, lab.base_day + dt.timedelta(days=3)
    data = reports.period_report_data(start, end, printed_by="supervisor", printed_at=PRINTED_AT)
    path = tmp_path / "period.pdf"
    write_period_report_pdf(path, data, "A4")
    texts = page_texts(path)
    text = " ".join(texts)
    period = f"{start:%d/%m/%Y} to {end:%d/%m/%Y}"
    _assert_english(
        text,
        (
            "PERIOD SUMMARY",
            period,
            "All branches",
            "Period summary",
            "Summary Requests Total Discount Net",
            "Current (not cancelled) 4 L 1,263.00 L 256.95 L 1,006.05",
            "Cancelled (apart, not added) 2 L 245.50 L 45.00 L 200.50",
            "By status",
            "Status Requests Total Discount Net",
            "Pending 2 L 856.50 L 187.80 L 668.70",
            "Sample collected 1 L 176.00 L 0.00 L 176.00",
            "Completed 1 L 230.50 L 69.15 L 161.35",
            "By priority",
            "Urgent 1 L 626.00 L 187.80 L 438.20",
            "By source",
            "Emergency 1 L 230.50 L 0.00 L 230.50",
            "By day",
            "Date Requests Cancelled Total Discount Net",
            f"{start:%d/%m/%Y} 2 1 L 856.50 L 187.80 L 668.70",
            "Cancelled requests (2)",
            "Number Requested Patient Reason Net",
            "Solicitud duplicada por error de registro",  # data stays as typed
            "Printed by supervisor on 14/03/2026 09:45",
            "Page 1 of",
        ),
        [
            "RESUMEN POR PERÍODO",
            "Del",
            "al",
            "Todas las sucursales",
            "Canceladas",
            "Vigentes",
            "Resumen",
            "Solicitudes",
            "Descuento",
            "Neto",
            "Por estado",
            "Estado",
            "Pendiente",
            "Muestra tomada",
            "Completada",
            "Por prioridad",
            "Urgente",
            "Rutina",
            "Por origen",
            "Emergencia",
            "Ambulatorio",
            "Por día",
            "Fecha",
            "Solicitudes canceladas",
            "Número",
            "Solicitada",
            "Paciente",
            "Motivo",
            *SPANISH_FOOTER,
        ],
    )
    assert text.count("Total 4 L 1,263.00 L 256.95 L 1,006.05") == 4  # status … branch


def test_tube_labels_pdf_in_english(lab, english, tmp_path):  # noqa: F811
    request_id, number = lab.req["full"]
    path = tmp_path / "labels.pdf"
    write_labels_pdf(path, reports.label_data(request_id), 50, 25)
    texts = page_texts(path)
    for text in texts:
        assert number in text and "68 y · Female" in text  # sexes translated (issue 16)
        assert "URGENTE" not in text and "68 a " not in text
    # every tube shows its sample type and the priority whole, the EDTA one too (issue 16)
    assert [text.rsplit(" ", 1)[-1] for text in texts] == ["URGENT"] * len(texts)
    for sample in ("Orina URGENT", "Sangre total (EDTA) URGENT", "Suero URGENT"):
        assert any(text.endswith(sample) for text in texts), sample
