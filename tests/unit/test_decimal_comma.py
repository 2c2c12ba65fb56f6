"""A comma in a typed amount only separates thousands ("1,250.50", as amounts are written
in Honduras). A decimal comma or a stray one is refused with a message: every comma was
dropped, so "1,00" issued a credit note of L 100.00 and "12,50" priced an investigation
at L 1,250.00."""

from __future__ import annotations

from decimal import Decimal

import pytest

from patolab_desktop.services.billing import amounts
from patolab_desktop.services.catalog.values import parse_price
from patolab_desktop.util.money import to_money

REFUSED = ["1,00", "12,50", "1,2,3", "1,0000", "1,25.50"]


@pytest.mark.parametrize("text", REFUSED)
def test_a_comma_that_is_no_thousands_separator_is_refused(text):
    with pytest.raises(ValueError):
        amounts.read_cents(text)
    with pytest.raises(ValueError):
        to_money(text)
    with pytest.raises(ValueError, match="punto decimal"):
        parse_price(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [("1,250.50", "1250.50"), ("L 1,250", "1250"), ("12,500,000", "12500000"), ("80", "80")],
)
def test_thousands_commas_still_read(text, value):
    assert amounts.read_cents(text, currency_sign=True) == Decimal(value)
    assert parse_price(text) == Decimal(value)
