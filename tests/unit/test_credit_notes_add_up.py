"""Credit notes of a taxed factura, one investigation at a time (review finding): each
note rounds its own ISV (Ley ISV Art. 9), and the note that credits the last lines takes
exactly what is left, so the notes add up to the factura to the cent and the last
investigation can always be credited."""

from __future__ import annotations

from decimal import Decimal

import pytest

from patolab_desktop.db.models import Investigation
from patolab_desktop.db.models_billing import FiscalDocument
from patolab_desktop.services.billing import credit_notes
from patolab_desktop.services.billing.credit_notes import CreditNoteInput
from patolab_desktop.services.billing.types import EXEMPT, SETTLE_BALANCE, TAXED15, TAXED18
from tests.unit.billing_helpers import billing_lab  # noqa: F401
from tests.unit.requests_fixtures import lab, make_investigation  # noqa: F401

COLUMNS = ("exempt", "taxed15", "taxed18", "isv15", "isv18", "total")


def note(original_id: int, **fields) -> FiscalDocument:
    data = {
        "original_id": original_id,
        "reason": "Investigación no realizada",
        "receiver_name": "Ana María Pérez",
        "receiver_document": "0501-1990-12345",
        "settlement": SETTLE_BALANCE,
        **fields,
    }
    return FiscalDocument.get_by_id(credit_notes.issue(CreditNoteInput(**data)))


def invoiced(billing_lab, *priced) -> int:  # noqa: F811
    """A paid factura with one investigation per (price, tax class)."""
    ids = []
    for position, (price, tax_class) in enumerate(priced, start=1):
        investigation = make_investigation(f"T{position}", f"Prueba {position}", price)
        Investigation.update(tax_class=tax_class).where(Investigation.id == investigation).execute()
        ids.append(investigation)
    return billing_lab.invoice(billing_lab.request(*ids))


def assert_adds_up(document_id: int, notes: list[FiscalDocument]) -> None:
    factura = FiscalDocument.get_by_id(document_id)
    for column in COLUMNS:
        credited = sum((getattr(n, column) for n in notes), Decimal("0"))
        assert credited == getattr(factura, column), column
    assert credit_notes.remaining(document_id) == Decimal("0.00")


@pytest.mark.parametrize(
    "priced",
    [
        # 15.015 + 15.015: each note rounds up, the factura's ISV is 30.03
        [("100.10", TAXED15), ("100.10", TAXED15)],
        # 15.0045 × 3: each note rounds down, the factura's ISV is 45.01
        [("100.03", TAXED15), ("100.03", TAXED15), ("100.03", TAXED15)],
        # both rates and exempt lines mixed; at 18 % 1.845 + 1.845 against 3.69
        [
            ("100.10", TAXED15),
            ("10.25", TAXED18),
            ("33.33", EXEMPT),
            ("100.03", TAXED15),
            ("10.25", TAXED18),
        ],
    ],
)
@pytest.mark.parametrize("backwards", [False, True])
def test_every_investigation_credited_one_by_one_adds_up_to_the_factura(
    billing_lab,  # noqa: F811
    priced,
    backwards,
):
    document_id = invoiced(billing_lab, *priced)
    lines = credit_notes.invoice_lines(document_id)
    notes = [
        note(document_id, request_line_ids=(line["request_line_id"],))
        for line in (reversed(lines) if backwards else lines)
    ]
    assert_adds_up(document_id, notes)
    assert all(line["credited"] for line in credit_notes.invoice_lines(document_id))


def test_earlier_notes_keep_their_own_rounding_and_the_last_takes_the_rest(
    billing_lab,  # noqa: F811
):
    document_id = invoiced(billing_lab, ("100.10", TAXED15), ("100.10", TAXED15))
    assert FiscalDocument.get_by_id(document_id).total == Decimal("230.23")
    first, last = (
        note(document_id, request_line_ids=(line["request_line_id"],))
        for line in credit_notes.invoice_lines(document_id)
    )
    assert (first.isv15, first.total) == (Decimal("15.02"), Decimal("115.12"))
    assert (last.isv15, last.total) == (Decimal("15.01"), Decimal("115.11"))


def test_an_amount_for_the_rest_of_a_rate_takes_the_rest_of_its_isv(
    billing_lab,  # noqa: F811
):
    document_id = invoiced(billing_lab, ("100.10", TAXED15), ("100.10", TAXED15))
    first_line = credit_notes.invoice_lines(document_id)[0]
    notes = [note(document_id, request_line_ids=(first_line["request_line_id"],))]
    notes.append(note(document_id, amount="100.10", tax_class=TAXED15))
    assert notes[-1].total == Decimal("115.11")
    assert_adds_up(document_id, notes)


def test_small_rebates_never_credit_more_isv_than_the_factura_charged(
    billing_lab,  # noqa: F811
):
    # L 1.00 at 15 %: ISV 0.15; ten rebates of L 0.10 would each round 0.015 up to 0.02
    document_id = invoiced(billing_lab, ("1.00", TAXED15))
    notes = [note(document_id, amount="0.10", tax_class=TAXED15) for _ in range(10)]
    assert [n.isv15 for n in notes[:7]] == [Decimal("0.02")] * 7  # their own rounding
    assert_adds_up(document_id, notes)
