"""Exact money arithmetic: Decimal with 3 places, rounded half-up, shown as Lempiras."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

PLACES = Decimal("0.001")
ZERO = Decimal("0.000")
MAX_AMOUNT = Decimal("999999999.999")  # Decimal(12,3)


def to_money(value) -> Decimal:
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


def percent_of(amount: Decimal, percent) -> Decimal:
    return (to_money(amount) * Decimal(str(percent)) / Decimal(100)).quantize(PLACES, ROUND_HALF_UP)


def format_lempiras(amount) -> str:
    """`L 1,234.500` — the style the lab prefers."""
    value = to_money(amount)
    sign = "-" if value < 0 else ""
    return f"{sign}L {abs(value):,.3f}"
