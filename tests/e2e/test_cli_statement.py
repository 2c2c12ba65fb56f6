"""``statement --customer ID --out FILE`` (issue 17, point 4) run as a user runs it: the
statement of account of a company with credit as CSV or PDF by the extension, a refusal
for a role without billing (exit 1), an unknown customer (exit 1) and bad arguments
(exit 2)."""

from __future__ import annotations

import csv

import pytest
from pypdf import PdfReader

from tests.cli_process import patolab
from tests.security_helpers import PASSWORD


@pytest.fixture
def company_on_credit(tmp_path, _isolated_home):
    """A company with two credit invoices (L 230.00 each) and an abono of L 100.00."""
    from patolab_desktop.services.billing import statements
    from patolab_desktop.services.billing.payments import PaymentInput
    from patolab_desktop.services.bootstrap import close_db, open_db
    from tests.security_helpers import make_user
    from tests.unit.billing_helpers import setup_billing
    from tests.unit.requests_fixtures import make_customer, make_lab

    path = tmp_path / "lab.db"
    open_db(path)
    make_user("recepcion", "Recepción")
    make_user("tecnico", "Laboratorio")
    b = setup_billing(make_lab())
    company = make_customer(
        "Maquila del Norte S.A.", "empresa", date_of_birth=None, id_number="05019001234567"
    )
    statements.set_account(company, "1000", 30)
    numbers = []
    for _ in range(2):
        request_id = b.request(b.lab.hem, b.lab.glu, bill_to_id=company)
        numbers.append(b.invoice(request_id, on_credit=True, pay=()))
    statements.record_abono(company, (PaymentInput("transfer", "100", bank="BAC", reference="9"),))
    numbers = [r["number"] for r in statements.statement(company)["rows"]]
    close_db()
    return path, company, numbers


def test_statement_as_csv_and_pdf(company_on_credit, tmp_path, _isolated_home):
    path, company, numbers = company_on_credit

    def run(*args, user="recepcion"):
        return patolab(
            "--db", path, "statement", *args, home=_isolated_home, user=user, password=PASSWORD
        )

    csv_path = tmp_path / "estado.csv"
    done = run("--customer", company, "--out", csv_path)
    assert done.returncode == 0, done.stderr
    assert "2 factura(s)" in done.stdout
    rows = list(csv.reader(csv_path.read_bytes().decode("utf-8-sig").splitlines()))
    assert rows[0][0] == "numero" and rows[0][-2:] == ["saldo", "dias_vencida"]
    assert [(r[0], r[5], r[6]) for r in rows[1:]] == [
        (numbers[0], "100.00", "130.00"),
        (numbers[1], "0.00", "230.00"),
    ]

    pdf_path = tmp_path / "estado.pdf"
    done = run("--customer", company, "--out", pdf_path, "--format", "a4")
    assert done.returncode == 0, done.stderr
    assert "saldo L 360.00" in done.stdout and "1 página(s)" in done.stdout
    reader = PdfReader(str(pdf_path))
    text = " ".join(reader.pages[0].extract_text().split())
    assert "ESTADO DE CUENTA" in text and "Maquila del Norte S.A." in text
    assert all(number in text for number in numbers)
    assert "L 360.00" in text and "L 640.00" in text
    assert round(float(reader.pages[0].mediabox.width)) == 595  # A4

    refused = run("--customer", company, "--out", csv_path, user="tecnico")
    assert refused.returncode == 1 and "No tiene permiso" in refused.stderr
    missing = run("--customer", 999999, "--out", csv_path)
    assert missing.returncode == 1 and "no existe" in missing.stderr
    wrong = run("--customer", company, "--out", tmp_path / "estado.txt")
    assert wrong.returncode == 2 and ".pdf o .csv" in wrong.stderr
    bad_id = run("--customer", "abc", "--out", csv_path)
    assert bad_id.returncode == 2
    assert not (tmp_path / "estado.txt").exists()
