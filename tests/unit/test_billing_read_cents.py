"""The one parser of typed billing amounts (payments, cash, credit limit, credit notes)."""

from decimal import Decimal

import pytest

from patolab_desktop.services.billing.amounts import AmountOutOfRange, read_cents, stored_sum


def test_reads_commas_and_rounds_half_up_to_the_cent():
    assert read_cents("1,250.505") == Decimal("1250.51")
    assert read_cents(" 7 ") == Decimal("7.00")
    assert read_cents(Decimal("0.125")) == Decimal("0.13")


def test_blank_is_zero_only_when_asked():
    assert read_cents("", blank_is_zero=True) == Decimal("0.00")
    assert read_cents(None, blank_is_zero=True) == Decimal("0.00")
    for blank in ("", None):
        with pytest.raises(ValueError) as caught:
            read_cents(blank)
        assert not isinstance(caught.value, AmountOutOfRange)


def test_currency_sign_only_when_asked():
    assert read_cents("L 300", currency_sign=True) == Decimal("300.00")
    with pytest.raises(ValueError):
        read_cents("L 300")


def test_out_of_range_is_told_apart_from_unreadable():
    for value in ("-1", "NaN"):
        with pytest.raises(AmountOutOfRange):
            read_cents(value)
    with pytest.raises(AmountOutOfRange):
        read_cents("1000", maximum=Decimal("999"))
    for value in ("abc", "Infinity", "1.2.3"):
        with pytest.raises(ValueError) as caught:
            read_cents(value)
        assert not isinstance(caught.value, AmountOutOfRange)


def test_stored_sum_is_thousandths_in_lempiras():
    assert stored_sum(None) == Decimal("0.00")
    assert stored_sum(1250500) == Decimal("1250.50")
