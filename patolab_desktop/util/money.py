"""Exact money arithmetic: Decimal with 3 places, rounded half-up, shown as Lempiras."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

#: what ``to_money`` accepts: a Decimal, a number, typed text ("1,234.50"); None/"" is zero
MoneyLike = Decimal | int | float | str | None

PLACES = Decimal("0.001")
ZERO = Decimal("0.000")
MAX_AMOUNT = Decimal("999999999.999")  # Decimal(12,3)


def to_money(value: MoneyLike) -> Decimal:
    """Convert a user or database value to a Decimal with 3 places (never via float)."""
    if value is None or value == "":
        return ZERO
    if isinstance(value, float):
        value = repr(value)
    try:
        amount = Decimal(str(value).strip().replace(",", "")).quantize(PLACES, ROUND_HALF_UP)
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(f"Monto no válido: {value!r}") from exc
    if not amount.is_finite() or abs(amount) > MAX_AMOUNT:
        raise ValueError(f"Monto fuera de rango: {value!r}")
    return amount


def percent_of(amount: MoneyLike, percent: Decimal | int | float | str) -> Decimal:
    return (to_money(amount) * Decimal(str(percent)) / Decimal(100)).quantize(PLACES, ROUND_HALF_UP)


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
