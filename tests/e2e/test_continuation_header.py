"""The one-line header of a document's later pages keeps the document and its number
when the lab's name is long (the name may have 120 characters): it loses the name's
start, never its end (an 83-character name cut «Resumen de solicitud LAB-2026…»)."""

from __future__ import annotations

from patolab_desktop.documents.request_summary import write_summary_pdf
from patolab_desktop.services.requests import reports
from tests.e2e.printing_helpers import page_texts
from tests.unit.requests_fixtures import lab, make_investigation  # noqa: F401

LONG_NAME = (
    "Laboratorio Clínico y de Patología Quirúrgica Nuestra Señora de Suyapa y Asociados "
    "de San Pedro Sula"
)


def test_page_two_names_the_request_with_a_long_lab_name(lab, qapp, tmp_path):  # noqa: F811
    reports.save_lab_header({"lab_name": LONG_NAME, "lab_address": "San Pedro Sula"})
    many = [make_investigation(f"X{i:02d}", f"Investigación {i}", "10") for i in range(60)]
    request_id, number = lab.create(*many)
    path = tmp_path / "resumen.pdf"
    pages = write_summary_pdf(path, reports.request_summary_data(request_id), "Letter")
    assert pages >= 2
    second = page_texts(path)[1]
    assert f"Resumen de solicitud {number} (continuación)" in second
