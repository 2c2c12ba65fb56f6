"""A credit note credits only a base the factura has left at that rate (review follow-up):
an «exento» rebate on a factura of taxed lines, or a 15 % one on a factura of exempt
lines, is refused with the rate and what is left at it; and when «the whole factura» is
refused after earlier notes, the message gives per rate the amount to type (before ISV),
which then credits the rest to the cent."""

from __future__ import annotations

from decimal import Decimal

import pytest

from patolab_desktop.db.models import Investigation
from patolab_desktop.db.models_billing import FiscalDocument
from patolab_desktop.services.billing import credit_notes
from patolab_desktop.services.billing.payments import PaymentInput
from patolab_desktop.services.billing.types import EXEMPT, TAXED15, TAXED18
from patolab_desktop.services.errors import RuleError
from tests.unit.billing_helpers import billing_lab, exonerated_buyer  # noqa: F401
from tests.unit.requests_fixtures import lab, make_investigation  # noqa: F401
from tests.unit.test_credit_notes_add_up import assert_adds_up, invoiced, note


def notes_of(document_id: int) -> list[FiscalDocument]:
    return list(FiscalDocument.select().where(FiscalDocument.original == document_id))


@pytest.mark.parametrize(
    ("priced", "tax_class", "named"),
    [
        ([("100.00", TAXED15)], EXEMPT, "L 0.00 exento"),
        ([("200.00", EXEMPT)], TAXED15, "L 0.00 al 15 %"),
        ([("200.00", EXEMPT), ("100.00", TAXED15)], TAXED18, "L 0.00 al 18 %"),
    ],
)
def test_a_rebate_at_a_rate_the_factura_never_had_is_refused(
    billing_lab,  # noqa: F811
    priced,
    tax_class,
    named,
):
    document_id = invoiced(billing_lab, *priced)
    with pytest.raises(RuleError) as refused:
        note(document_id, amount="50.00", tax_class=tax_class)
    assert f"le quedan {named} por acreditar" in str(refused.value)
    assert notes_of(document_id) == []


def test_a_rebate_may_take_a_rate_s_base_but_no_more_and_lines_then_find_it_taken(
    billing_lab,  # noqa: F811
):
    document_id = invoiced(billing_lab, ("33.33", EXEMPT), ("100.10", TAXED15))
    with pytest.raises(RuleError, match=r"L 33\.33 exento .* L 33\.34 exento"):
        note(document_id, amount="33.34", tax_class=EXEMPT)
    notes = [note(document_id, amount="33.33", tax_class=EXEMPT)]
    exempt_line, taxed_line = credit_notes.invoice_lines(document_id)
    # the exempt investigation's money went on the rebate: its own note would credit twice
    with pytest.raises(RuleError, match="L 0.00 exento"):
        note(document_id, request_line_ids=(exempt_line["request_line_id"],))
    notes.append(note(document_id, request_line_ids=(taxed_line["request_line_id"],)))
    assert_adds_up(document_id, notes)


def test_an_exonerated_factura_takes_rebates_on_its_exonerated_base(
    billing_lab,  # noqa: F811
):
    investigation = make_investigation("T1", "Prueba 1", "100.00")
    Investigation.update(tax_class=TAXED15).where(Investigation.id == investigation).execute()
    document_id = billing_lab.invoice(
        billing_lab.request(investigation),
        pay=(PaymentInput("cash", "100.00"),),  # no ISV
        buyer=exonerated_buyer(),
    )
    with pytest.raises(RuleError, match="L 0.00 exento"):
        note(document_id, amount="40.00", tax_class=EXEMPT)
    with pytest.raises(RuleError, match=r"L 100\.00 exonerado"):
        note(document_id, amount="100.01", tax_class=TAXED15)
    rebate = note(document_id, amount="100.00", tax_class=TAXED15)
    assert (rebate.exonerated, rebate.isv15, rebate.total) == (
        Decimal("100.00"),
        Decimal("0.00"),
        Decimal("100.00"),
    )


def test_whole_after_a_note_says_what_to_type_per_rate_and_that_credits_the_rest(
    billing_lab,  # noqa: F811
):
    document_id = invoiced(
        billing_lab,
        ("100.10", TAXED15),
        ("100.10", TAXED15),
        ("33.33", EXEMPT),
        ("10.25", TAXED18),
    )
    first = credit_notes.invoice_lines(document_id)[0]
    notes = [note(document_id, request_line_ids=(first["request_line_id"],))]
    with pytest.raises(RuleError) as refused:
        note(document_id, whole=True)
    message = str(refused.value)
    # before ISV, each at its rate: what the amount field takes (the rest with ISV,
    # L 164.37, is no amount anyone can type)
    assert "L 33.33 exento, L 100.10 al 15 %, L 10.25 al 18 %" in message, message
    for amount, tax_class in (("33.33", EXEMPT), ("100.10", TAXED15), ("10.25", TAXED18)):
        notes.append(note(document_id, amount=amount, tax_class=tax_class))
    assert_adds_up(document_id, notes)
    with pytest.raises(RuleError, match="ya no tiene nada por acreditar"):
        note(document_id, whole=True)
