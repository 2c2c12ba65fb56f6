"""The sales book as CSV, as a supervisor saves it: a credit note's negative amounts are
numbers a spreadsheet adds up (they were written '-80.00, text a SUM leaves out), a
voided document's zeros are 0.00 (not -0.00), and each amount column adds up to the
book's TOTALES row. Formula-like text is still neutralised."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal

import pytest

from patolab_desktop.services import csvio
from patolab_desktop.services.access import permissions, session
from patolab_desktop.services.billing import credit_notes, records, reports
from patolab_desktop.services.billing.credit_notes import CreditNoteInput
from tests.security_helpers import fast_hashing, login_as  # noqa: F401 (a fixture)
from tests.unit.billing_helpers import billing_lab  # noqa: F401
from tests.unit.requests_fixtures import lab  # noqa: F401


@pytest.mark.parametrize("text", ["-80.00", "-0.5", "-1250"])
def test_a_negative_number_is_left_a_number(text):
    assert csvio.neutralise(text) == text


@pytest.mark.parametrize("text", ["-1+cmd|' /C calc'!A0", "-80.00x", "=SUM(A1)", "-", "+50499"])
def test_formula_like_text_is_still_neutralised(text):
    assert csvio.neutralise(text) == "'" + text


@pytest.mark.usefixtures("fast_hashing")
def test_the_sales_book_csv_adds_up(billing_lab, tmp_path):
    b = billing_lab
    first = b.invoice(b.request(b.lab.hem, b.lab.glu))
    voided = b.invoice(b.request(b.lab.ure))
    credit_notes.issue(
        CreditNoteInput(
            first,
            "Glucosa no realizada",
            "Ana María Pérez",
            "0501-1990-12345",
            amount="80",
        )
    )
    records.void(voided, "Comprador equivocado en la factura")
    with session.acting_as(None):
        login_as(permissions.ROLE_SUPERVISOR)
        rows = reports.sales_book(dt.date.today().strftime("%Y-%m"))
    path = tmp_path / "libro.csv"
    csvio.write_csv(path, rows[0], rows[1:])
    with open(path, encoding="utf-8-sig", newline="") as fh:
        written = list(csv.reader(fh))
    documents, totals = written[1:-1], written[-1]
    amounts = range(6, 13)
    cells = [row[i] for row in documents for i in amounts]
    assert not [c for c in cells if c.startswith("'") or c == "-0.00"], cells
    note = next(row for row in documents if row[1] == "06")
    assert note[12] == "-80.00"
    for i in amounts:
        assert sum(Decimal(row[i]) for row in documents) == Decimal(totals[i])
    assert Decimal(totals[12]) == Decimal("150.00")  # 230 invoiced - 80 credited
