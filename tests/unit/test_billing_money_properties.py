"""Money properties of fiscal documents (issue 17, Must show): line and tax totals exact,
subtotal − discounts + ISV = total, and credit notes never exceed the original."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from patolab_desktop.services.billing.amounts import LineInput, compute
from patolab_desktop.services.billing.types import EXEMPT, TAXED15, TAXED18

prices = st.decimals(min_value=Decimal("0"), max_value=Decimal("50000"), places=3)
percents = st.integers(min_value=0, max_value=100)
classes = st.sampled_from([EXEMPT, TAXED15, TAXED18])
lines = st.lists(
    st.tuples(prices, percents, st.integers(min_value=1, max_value=5), classes),
    min_size=1,
    max_size=15,
)
CENT = Decimal("0.01")


def _make(items):
    return [
        LineInput(
            description="x",
            unit_price=price,
            discount=(price * qty * pct / 100).quantize(Decimal("0.001"), ROUND_HALF_UP),
            quantity=qty,
            tax_class=tax,
        )
        for price, pct, qty, tax in items
    ]


@settings(max_examples=300, deadline=None)
@given(lines, st.booleans())
def test_totals_are_exact_and_add_up(items, exonerated):
    amounts = compute(_make(items), exonerated_buyer=exonerated)
    for part in (amounts.subtotal, amounts.discounts, amounts.isv15, amounts.isv18, amounts.total):
        assert part == part.quantize(CENT)  # every amount is whole cents
    for line in amounts.lines:
        assert line.amount == line.unit_price * line.line.quantity - line.discount
        assert line.amount >= 0
    bases = amounts.exempt + amounts.exonerated + amounts.taxed15 + amounts.taxed18
    assert bases == amounts.subtotal - amounts.discounts
    assert amounts.subtotal - amounts.discounts + amounts.isv15 + amounts.isv18 == amounts.total
    assert amounts.isv15 == (amounts.taxed15 * Decimal("0.15")).quantize(CENT, ROUND_HALF_UP)
    assert amounts.isv18 == (amounts.taxed18 * Decimal("0.18")).quantize(CENT, ROUND_HALF_UP)
    if exonerated:
        assert amounts.isv15 == amounts.isv18 == 0


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.decimals(min_value=Decimal("0.01"), max_value=Decimal("400"), places=2),
        min_size=1,
        max_size=6,
    )
)
def test_credit_notes_never_exceed_the_original(amounts_asked):
    """Against the real services: whatever partial notes are asked, their sum stays within
    the factura's total, and each refused one leaves nothing behind."""
    import tempfile
    from pathlib import Path

    from patolab_desktop.db.models_billing import FiscalDocument
    from patolab_desktop.services.access import session
    from patolab_desktop.services.billing import credit_notes
    from patolab_desktop.services.bootstrap import close_db, open_db
    from patolab_desktop.services.errors import RuleError

    with tempfile.TemporaryDirectory() as folder, session.acting_as(session.system_actor("prop")):
        open_db(Path(folder) / "p.db")
        try:
            from tests.unit.billing_helpers import BillingLab, setup_billing
            from tests.unit.requests_fixtures import make_lab

            b: BillingLab = setup_billing(make_lab())
            doc_id = b.invoice(b.request(b.lab.hem, b.lab.glu))  # 230.00
            for amount in amounts_asked:
                before = FiscalDocument.select().count()
                try:
                    credit_notes.issue(
                        credit_notes.CreditNoteInput(
                            doc_id,
                            "Rebaja acordada",
                            "Ana Pérez",
                            "0501-1990-12345",
                            amount=amount,
                        )
                    )
                except RuleError:
                    assert FiscalDocument.select().count() == before
            total = sum(
                n.total for n in FiscalDocument.select().where(FiscalDocument.original == doc_id)
            )
            assert total <= Decimal("230.00")
            assert credit_notes.remaining(doc_id) == Decimal("230.00") - total
        finally:
            close_db()
