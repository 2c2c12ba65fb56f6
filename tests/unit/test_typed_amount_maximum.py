"""An amount typed larger than the database can store is refused with the form's message,
never reaching the database as a crash (the cash dialogs, the payments, a credit limit);
a credit note's amount keeps its own message, bounded by what is left of the factura."""

from __future__ import annotations

from decimal import Decimal

import pytest

from patolab_desktop.services.billing import amounts
from patolab_desktop.util.money import MAX_AMOUNT


@pytest.mark.parametrize("text", ["5000000000", "4111111111111111", "1,000,000,000.00"])
def test_an_amount_beyond_storage_is_out_of_range(text):
    with pytest.raises(amounts.AmountOutOfRange):
        amounts.read_cents(text)


def test_the_largest_typed_amount_is_storable():
    assert amounts.read_cents("999,999,999.99") == amounts.MAX_TYPED <= MAX_AMOUNT


def test_a_caller_may_leave_the_bound_to_its_own_rule():
    assert amounts.read_cents("5000000000", maximum=Decimal("Infinity")) == Decimal("5000000000")
