"""Dates and months typed on the command line are refused in Spanish when their year is
outside 1900..9998 (a report «del 01/01/1», Python's «year 10000 is out of range»)."""

from __future__ import annotations

import argparse
import datetime as dt

import pytest

from patolab_desktop.commands import parse_day
from patolab_desktop.services.billing import reports
from patolab_desktop.services.errors import ValidationError


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("31/03/2026", dt.date(2026, 3, 31)),
        ("2026-03-31", dt.date(2026, 3, 31)),
        ("01/01/1900", dt.date(1900, 1, 1)),
        ("31/12/9998", dt.date(9998, 12, 31)),
    ],
)
def test_a_day_in_range_is_read_in_either_form(text, day):
    assert parse_day(text) == day


@pytest.mark.parametrize("text", ["01/01/0001", "31/12/1899", "9999-12-31", "01/01/9999"])
def test_a_day_out_of_range_is_a_bad_argument(text):
    with pytest.raises(argparse.ArgumentTypeError, match="fecha fuera de rango") as refused:
        parse_day(text)
    assert "entre 1900 y 9998" in str(refused.value)


def test_a_month_out_of_range_is_refused_in_spanish():
    assert reports.month_range("9998-12") == (dt.datetime(9998, 12, 1), dt.datetime(9999, 1, 1))
    for month in ("9999-12", "0001-01", "1899-12"):
        with pytest.raises(ValidationError, match="entre 1900 y 9998"):
            reports.month_range(month)
    with pytest.raises(ValidationError, match="AAAA-MM"):
        reports.month_range("10000-01")
