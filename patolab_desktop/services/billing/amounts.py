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
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .types import EXEMPT, TAX_RATES, TAXED15, TAXED18

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def cents(value: Decimal | int | str) -> Decimal:
    return Decimal(value).quantize(CENT, ROUND_HALF_UP)


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
