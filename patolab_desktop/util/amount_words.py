"""The total of a fiscal document in words, in Spanish, for Lempiras (issue 17).

``amount_in_words(Decimal("1160.00"))`` → ``"UN MIL CIENTO SESENTA LEMPIRAS CON 00/100"``.

Our own converter, because num2words writes 21,000 as "veintiuno mil". The number is
always read before a masculine noun (LEMPIRAS, MIL, MILLONES), so "uno" takes its short
form everywhere: UN, VEINTIÚN, TREINTA Y UN, CIENTO UN. Thousands are written "UN MIL" (the
lab's form, usual on Honduran invoices). Whole millions take "DE" before the currency
("UN MILLÓN DE LEMPIRAS"). One Lempira is singular ("UN LEMPIRA"); every other whole part,
zero included, is plural. The cents are written as figures, ``NN/100``, after rounding the
amount half-up to the cent (Ley ISV Art. 9).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .money import MoneyLike

CENT = Decimal("0.01")
LIMIT = 10**12  # up to 999,999,999,999.99 ("NOVECIENTOS ... MIL MILLONES")

_UNITS = (
    "CERO",
    "UN",
    "DOS",
    "TRES",
    "CUATRO",
    "CINCO",
    "SEIS",
    "SIETE",
    "OCHO",
    "NUEVE",
    "DIEZ",
    "ONCE",
    "DOCE",
    "TRECE",
    "CATORCE",
    "QUINCE",
    "DIECISÉIS",
    "DIECISIETE",
    "DIECIOCHO",
    "DIECINUEVE",
    "VEINTE",
    "VEINTIÚN",
    "VEINTIDÓS",
    "VEINTITRÉS",
    "VEINTICUATRO",
    "VEINTICINCO",
    "VEINTISÉIS",
    "VEINTISIETE",
    "VEINTIOCHO",
    "VEINTINUEVE",
)
_TENS = {
    3: "TREINTA",
    4: "CUARENTA",
    5: "CINCUENTA",
    6: "SESENTA",
    7: "SETENTA",
    8: "OCHENTA",
    9: "NOVENTA",
}
_HUNDREDS = {
    1: "CIENTO",
    2: "DOSCIENTOS",
    3: "TRESCIENTOS",
    4: "CUATROCIENTOS",
    5: "QUINIENTOS",
    6: "SEISCIENTOS",
    7: "SETECIENTOS",
    8: "OCHOCIENTOS",
    9: "NOVECIENTOS",
}


def _below_hundred(n: int) -> str:
    if n < 30:
        return _UNITS[n]
    tens, unit = divmod(n, 10)
    return _TENS[tens] if unit == 0 else f"{_TENS[tens]} Y {_UNITS[unit]}"


def _below_thousand(n: int) -> str:
    """1–999 in words, "uno" in its short form (UN, VEINTIÚN, CIENTO UN)."""
    if n == 100:
        return "CIEN"
    hundreds, rest = divmod(n, 100)
    parts = []
    if hundreds:
        parts.append(_HUNDREDS[hundreds])
    if rest:
        parts.append(_below_hundred(rest))
    return " ".join(parts)


def _joined(*parts: str) -> str:
    """The non-empty parts, one space between them."""
    return " ".join(part for part in parts if part)


def _below_million(n: int) -> str:
    """1–999,999 in words; the thousands always with their count ("UN MIL")."""
    thousands, rest = divmod(n, 1000)
    return _joined(
        f"{_below_thousand(thousands)} MIL" if thousands else "",
        _below_thousand(rest) if rest else "",
    )


def number_in_words(n: int) -> str:
    """A whole number 0 ≤ n < 10¹² in words, as read before a masculine noun."""
    if not 0 <= n < LIMIT:
        raise ValueError(f"Número fuera de rango: {n}")
    if n == 0:
        return _UNITS[0]
    millions, rest = divmod(n, 1_000_000)
    if millions == 1:
        head = "UN MILLÓN"
    else:
        head = f"{_below_million(millions)} MILLONES" if millions else ""
    return _joined(head, _below_million(rest) if rest else "")


def to_cents(amount: MoneyLike) -> Decimal:
    """The amount as a Decimal rounded half-up to the cent (never via float)."""
    if isinstance(amount, float):
        amount = repr(amount)
    try:
        value = Decimal(str(amount).strip().replace(",", ""))
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(f"Monto no válido: {amount!r}") from exc
    if not value.is_finite():
        raise ValueError(f"Monto no válido: {amount!r}")
    return value.quantize(CENT, ROUND_HALF_UP)


def amount_in_words(amount: MoneyLike) -> str:
    """``1160`` → ``"UN MIL CIENTO SESENTA LEMPIRAS CON 00/100"`` (see the module text).

    A negative amount is written with "MENOS" in front; amounts of a trillion Lempiras or
    more raise ``ValueError``.
    """
    value = to_cents(amount)
    sign = "MENOS " if value < 0 else ""
    value = abs(value)
    whole = int(value)
    cents = int((value - whole) * 100)
    words = number_in_words(whole)
    if whole == 1:
        currency = "LEMPIRA"
    elif whole >= 1_000_000 and whole % 1_000_000 == 0:
        currency = "DE LEMPIRAS"
    else:
        currency = "LEMPIRAS"
    return f"{sign}{words} {currency} CON {cents:02d}/100"
