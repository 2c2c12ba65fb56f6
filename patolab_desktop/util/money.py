"""Exact money arithmetic: Decimal with 3 places, rounded half-up, shown as Lempiras."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

#: what ``to_money`` accepts: a Decimal, a number, typed text ("1,234.50"); None/"" is zero
MoneyLike = Decimal | int | float | str | None

PLACES = Decimal("0.001")
ZERO = Decimal("0.000")
MAX_AMOUNT = Decimal("999999999.999")  # Decimal(12,3)


# commas only between groups of three digits before the point, as amounts are written in
# Honduras ("1,250.50"): a decimal comma ("12,50", "1,00") or a stray one ("1,2,3") is
# not an amount (dropping every comma read them as 1250, 100 and 123)
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")


def without_thousands(text: str) -> str:
    """``text`` (stripped) without its thousands commas; ValueError when a comma stands
    anywhere else."""
    text = text.strip()
    if "," not in text:
        return text
    if not _GROUPED.fullmatch(text):
        raise ValueError(f"Monto no válido: {text!r}")
    return text.replace(",", "")


def to_money(value: MoneyLike) -> Decimal:
    """Convert a user or database value to a Decimal with 3 places (never via float)."""
    if value is None or value == "":
        return ZERO
    if isinstance(value, float):
        value = repr(value)
    try:
        amount = Decimal(without_thousands(str(value))).quantize(PLACES, ROUND_HALF_UP)
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(f"Monto no válido: {value!r}") from exc
    if not amount.is_finite() or abs(amount) > MAX_AMOUNT:
        raise ValueError(f"Monto fuera de rango: {value!r}")
    return amount


# Amounts are stored with 3 places; a person always reads them with 2 (issue 16 B), rounded
# half-up. This is the one place the shown rounding is stated.
SHOWN_PLACES = Decimal("0.01")


def shown_amount(amount: MoneyLike) -> Decimal:
    """The amount as people read it: 2 places, rounded half-up (stored value unchanged)."""
    return to_money(amount).quantize(SHOWN_PLACES, ROUND_HALF_UP)


def amount_text(amount: MoneyLike) -> str:
    """``1234.50`` — plain 2-decimal text for CSV files and edit fields."""
    return f"{shown_amount(amount):.2f}"


def format_lempiras(amount: MoneyLike) -> str:
    """`L 1,234.50` — the style the lab prefers (2 decimals shown)."""
    value = shown_amount(amount)
    sign = "-" if value < 0 else ""
    return f"{sign}L {abs(value):,.2f}"


def edit_text(amount: MoneyLike) -> str:
    """Text for an editable/exported price: 2 places, or 3 when the stored value needs them
    (so saving it back never changes the price)."""
    value = to_money(amount)
    if value == value.quantize(SHOWN_PLACES):
        return f"{value:.2f}"
    return f"{value:.3f}"
