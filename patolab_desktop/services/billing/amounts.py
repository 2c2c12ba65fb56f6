"""The arithmetic of a fiscal document (issue 17): pure, Decimal, no database.

Each line is rounded half-up to the cent (Ley ISV Art. 9) — its unit price, its discount
and its amount = quantity × unit price − discount; the ISV of each rate is computed on
the sum of that rate's lines and rounded once. For an exonerated buyer the taxable lines
go to Importe Exonerado and carry no ISV. The identity that always holds:

    subtotal − discounts + ISV 15 + ISV 18 = total
    exento + exonerado + gravado 15 + gravado 18 = subtotal − discounts
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal

from ...util.money import without_thousands
from .types import EXEMPT, TAX_RATES, TAXED15, TAXED18

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
# the largest amount a person may type: the stored columns hold 9 digits before the point
# (``util.money.MAX_AMOUNT``), so a larger one would fail at the database instead
MAX_TYPED = Decimal("999999999.99")


def cents(value: Decimal | int | str) -> Decimal:
    return Decimal(value).quantize(CENT, ROUND_HALF_UP)


class AmountOutOfRange(ValueError):
    """A number, but not one an amount may be: not finite, negative or above the maximum."""


def read_cents(
    value: object,
    *,
    blank_is_zero: bool = False,
    currency_sign: bool = False,
    maximum: Decimal = MAX_TYPED,
) -> Decimal:
    """A typed amount (``"1,250.5"``, ``"L 300"``) as a Decimal rounded half-up to the cent.

    Thousands commas are dropped (a comma anywhere else, "12,50", is not an amount:
    ``util.money.without_thousands``); with ``currency_sign`` the Lempira sign "L" too. With
    ``blank_is_zero`` None or "" read as 0, otherwise they are not a number. Raises
    ValueError when the text is not a number, and its subclass AmountOutOfRange when the
    number is not finite, is negative, or is above ``maximum`` (by default the largest
    storable amount, ``MAX_TYPED``). (``util.money.to_money``
    keeps 3 places and reads a blank as 0: the wrong rules for what a person types here.)
    """
    text = "0" if blank_is_zero and value in (None, "") else str(value)
    if currency_sign:
        text = text.replace("L", "")
    try:
        amount = cents(without_thousands(text))
    except ArithmeticError as exc:  # decimal.InvalidOperation: not a number, or infinite
        raise ValueError(f"not an amount: {value!r}") from exc
    if not amount.is_finite() or amount < 0 or amount > maximum:
        raise AmountOutOfRange(f"amount out of range: {value!r}")
    return amount


def stored_sum(value: int | Decimal | str | None) -> Decimal:
    """A database SUM of stored amounts (integer thousandths; None when no rows) in
    Lempiras with 2 places."""
    return (Decimal(int(value or 0)) / 1000).quantize(CENT)


@dataclass(frozen=True)
class LineInput:
    description: str
    unit_price: Decimal
    discount: Decimal = ZERO
    quantity: int = 1
    tax_class: str = EXEMPT
    lab_request_id: int | None = None
    request_line_id: int | None = None


@dataclass(frozen=True)
class LineAmount:
    line: LineInput
    unit_price: Decimal
    discount: Decimal
    amount: Decimal


@dataclass(frozen=True)
class DocumentAmounts:
    lines: tuple[LineAmount, ...]
    subtotal: Decimal
    discounts: Decimal
    exempt: Decimal
    exonerated: Decimal
    taxed15: Decimal
    taxed18: Decimal
    isv15: Decimal
    isv18: Decimal
    total: Decimal


#: the totals of a document: the fields of ``DocumentAmounts`` after its lines, the
#: same-named columns of ``fiscal_document`` and fields of ``views.Totals``
TOTAL_COLUMNS = tuple(field.name for field in fields(DocumentAmounts) if field.name != "lines")


def line_amount(line: LineInput) -> LineAmount:
    unit = cents(line.unit_price)
    gross = cents(unit * line.quantity)
    discount = min(cents(line.discount), gross)
    return LineAmount(line, unit, discount, gross - discount)


def compute(lines: Iterable[LineInput], exonerated_buyer: bool = False) -> DocumentAmounts:
    """The amounts of a document with ``lines`` (``LineInput``)."""
    priced = tuple(line_amount(line) for line in lines)
    by_class = {EXEMPT: ZERO, TAXED15: ZERO, TAXED18: ZERO}
    for item in priced:
        if item.line.tax_class not in by_class:
            raise ValueError(f"clase de impuesto desconocida: {item.line.tax_class!r}")
        by_class[item.line.tax_class] += item.amount
    subtotal = sum((cents(i.unit_price * i.line.quantity) for i in priced), ZERO)
    discounts = sum((i.discount for i in priced), ZERO)
    if exonerated_buyer:
        exonerated = by_class[TAXED15] + by_class[TAXED18]
        taxed15 = taxed18 = isv15 = isv18 = ZERO
    else:
        exonerated = ZERO
        taxed15, taxed18 = by_class[TAXED15], by_class[TAXED18]
        isv15 = cents(taxed15 * TAX_RATES[TAXED15])
        isv18 = cents(taxed18 * TAX_RATES[TAXED18])
    exempt = by_class[EXEMPT]
    total = exempt + exonerated + taxed15 + taxed18 + isv15 + isv18
    return DocumentAmounts(
        priced, subtotal, discounts, exempt, exonerated, taxed15, taxed18, isv15, isv18, total
    )
