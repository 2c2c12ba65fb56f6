"""A request a company pays («Factura a: <empresa>»): the employee's WhatsApp «recibida»
tells no total (the patient owes nothing, and the company's price is not theirs to read),
and the printed request summary says who pays. Real PDFs, read back."""

from __future__ import annotations

import json

from patolab_desktop.db.models import Customer, Outbox
from patolab_desktop.documents.request_summary import write_summary_pdf
from patolab_desktop.services.requests import reports
from tests.e2e.printing_helpers import pdf_text
from tests.unit.notify_helpers import CONSENTING
from tests.unit.requests_fixtures import lab, make_customer  # noqa: F401


def employee_of_a_company(lab) -> int:  # noqa: F811
    """Ana, who accepts every WhatsApp message, and the company that pays for her."""
    Customer.update(phone="9988-7766", first_name="Ana", **CONSENTING).where(
        Customer.id == lab.patient
    ).execute()
    return make_customer(
        "Maquila del Norte S.A.", "empresa", date_of_birth=None, id_number="05019001234567"
    )


def received_params() -> list[str]:
    row = Outbox.select().order_by(Outbox.id.desc()).first()
    return json.loads(row.params)


def test_the_received_notice_of_a_request_a_company_pays_tells_no_total(lab):  # noqa: F811
    company = employee_of_a_company(lab)
    _request_id, number = lab.create(lab.hem, lab.glu, bill_to_id=company)
    assert received_params() == ["Ana", number, "a cargo de la empresa"]  # the template's 3
    row = Outbox.select().order_by(Outbox.id.desc()).first()
    assert row.text == (
        f"Hola Ana, recibimos su solicitud {number} en el laboratorio. "
        "Total: a cargo de la empresa."
    )
    # the patient who pays is still told the total
    _request_id, number = lab.create(lab.hem, lab.glu)
    assert received_params() == ["Ana", number, "L 230.00"]


def test_the_summary_names_the_company_that_pays(lab, qapp, tmp_path):  # noqa: F811
    company = employee_of_a_company(lab)
    billed, _ = lab.create(lab.hem, lab.glu, bill_to_id=company)
    own, _ = lab.create(lab.hem, lab.glu)
    texts = {}
    for name, request_id in (("billed", billed), ("own", own)):
        data = reports.request_summary_data(request_id)
        write_summary_pdf(tmp_path / f"{name}.pdf", data, "A4")
        texts[name] = pdf_text(tmp_path / f"{name}.pdf")
    assert reports.request_summary_data(billed)["payer_name"] == "Maquila del Norte S.A."
    assert "Paga Maquila del Norte S.A." in texts["billed"]
    assert "Neto a pagar L 230.00" in texts["billed"]
    assert "Paga" not in texts["own"] and "Maquila" not in texts["own"]
