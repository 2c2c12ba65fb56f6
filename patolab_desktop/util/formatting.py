"""Dates, numbers and money as the lab writes them, in every interface language.

The lab (Honduras) prefers dd/mm/yyyy dates and ``L 1,234.50`` money with a comma for
thousands and a point for decimals; the English interface keeps the same formats on
purpose, so printed documents and screens look the same whatever the language.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from .money import MoneyLike, format_lempiras

DATE_FORMAT = "%d/%m/%Y"
DATETIME_FORMAT = "%d/%m/%Y %H:%M"
QT_DATE_FORMAT = "dd/MM/yyyy"  # for QDateEdit.setDisplayFormat
# The years a date typed for a period (a report, a month) may have: before 1900 is a typing
# mistake (printed as «01/01/1»), and 9999 leaves no next day or month to end the range.
FIRST_YEAR, LAST_YEAR = 1900, 9998


#: what the date formatters accept: a date or datetime, ISO text, or None/"" (shown as "")
DateLike = dt.date | str | None


def _as_date(value: DateLike) -> dt.date | str:
    """``value`` as a date (ISO text parsed); text that is no ISO date, and None/"" as ""."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    return value


def format_date(value: DateLike) -> str:
    """``dd/mm/yyyy``; '' for None/''; ISO strings are parsed first."""
    parsed = _as_date(value)
    if isinstance(parsed, str):
        return parsed
    return parsed.strftime(DATE_FORMAT)


def format_datetime(value: DateLike) -> str:
    """``dd/mm/yyyy HH:MM`` for datetimes, ``dd/mm/yyyy`` for plain dates."""
    parsed = _as_date(value)
    if isinstance(parsed, str):
        return parsed
    if isinstance(parsed, dt.datetime):
        return parsed.strftime(DATETIME_FORMAT)
    return parsed.strftime(DATE_FORMAT)


def format_number(value: float | Decimal | str | None, decimals: int = 0) -> str:
    """``1,234`` / ``1,234.50``: comma thousands, point decimals."""
    if value is None or value == "":
        return ""
    return f"{value:,.{decimals}f}"


def format_money(value: MoneyLike) -> str:
    """``L 1,234.50`` (``util.money.format_lempiras``)."""
    return format_lempiras(value)


__all__ = [
    "DATE_FORMAT",
    "DATETIME_FORMAT",
    "QT_DATE_FORMAT",
    "format_date",
    "format_datetime",
    "format_number",
    "format_money",
]
