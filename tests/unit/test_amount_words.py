"""Issue 17 "Must show: Words": the amount in words against a table, plus a read-back property.

num2words writes 21,000 as "veintiuno mil"; ours must write "VEINTIÚN MIL".
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from patolab_desktop.util.amount_words import amount_in_words, number_in_words

TABLE = [
    ("0", "CERO LEMPIRAS CON 00/100"),
    ("0.50", "CERO LEMPIRAS CON 50/100"),
    ("1", "UN LEMPIRA CON 00/100"),
    ("1.01", "UN LEMPIRA CON 01/100"),
    ("2", "DOS LEMPIRAS CON 00/100"),
    ("10", "DIEZ LEMPIRAS CON 00/100"),
    ("15", "QUINCE LEMPIRAS CON 00/100"),
    ("16", "DIECISÉIS LEMPIRAS CON 00/100"),
    ("20", "VEINTE LEMPIRAS CON 00/100"),
    ("21", "VEINTIÚN LEMPIRAS CON 00/100"),
    ("22", "VEINTIDÓS LEMPIRAS CON 00/100"),
    ("23", "VEINTITRÉS LEMPIRAS CON 00/100"),
    ("26", "VEINTISÉIS LEMPIRAS CON 00/100"),
    ("30", "TREINTA LEMPIRAS CON 00/100"),
    ("31", "TREINTA Y UN LEMPIRAS CON 00/100"),
    ("99.99", "NOVENTA Y NUEVE LEMPIRAS CON 99/100"),
    ("100", "CIEN LEMPIRAS CON 00/100"),
    ("101", "CIENTO UN LEMPIRAS CON 00/100"),
    ("115.25", "CIENTO QUINCE LEMPIRAS CON 25/100"),
    ("200", "DOSCIENTOS LEMPIRAS CON 00/100"),
    ("500", "QUINIENTOS LEMPIRAS CON 00/100"),
    ("555", "QUINIENTOS CINCUENTA Y CINCO LEMPIRAS CON 00/100"),
    ("700", "SETECIENTOS LEMPIRAS CON 00/100"),
    ("900", "NOVECIENTOS LEMPIRAS CON 00/100"),
    ("999", "NOVECIENTOS NOVENTA Y NUEVE LEMPIRAS CON 00/100"),
    ("1000", "UN MIL LEMPIRAS CON 00/100"),
    ("1001", "UN MIL UN LEMPIRAS CON 00/100"),
    ("1160", "UN MIL CIENTO SESENTA LEMPIRAS CON 00/100"),
    ("1160.00", "UN MIL CIENTO SESENTA LEMPIRAS CON 00/100"),
    ("2000", "DOS MIL LEMPIRAS CON 00/100"),
    ("10000.01", "DIEZ MIL LEMPIRAS CON 01/100"),
    ("21000", "VEINTIÚN MIL LEMPIRAS CON 00/100"),
    ("21021", "VEINTIÚN MIL VEINTIÚN LEMPIRAS CON 00/100"),
    ("31000", "TREINTA Y UN MIL LEMPIRAS CON 00/100"),
    ("100000", "CIEN MIL LEMPIRAS CON 00/100"),
    ("101000", "CIENTO UN MIL LEMPIRAS CON 00/100"),
    ("121500.75", "CIENTO VEINTIÚN MIL QUINIENTOS LEMPIRAS CON 75/100"),
    (
        "999999.99",
        "NOVECIENTOS NOVENTA Y NUEVE MIL NOVECIENTOS NOVENTA Y NUEVE LEMPIRAS CON 99/100",
    ),
    ("1000000", "UN MILLÓN DE LEMPIRAS CON 00/100"),
    ("1000001", "UN MILLÓN UN LEMPIRAS CON 00/100"),
    ("1500000", "UN MILLÓN QUINIENTOS MIL LEMPIRAS CON 00/100"),
    ("2000000", "DOS MILLONES DE LEMPIRAS CON 00/100"),
    ("21000000", "VEINTIÚN MILLONES DE LEMPIRAS CON 00/100"),
    ("31000000.10", "TREINTA Y UN MILLONES DE LEMPIRAS CON 10/100"),
    ("1000000000", "UN MIL MILLONES DE LEMPIRAS CON 00/100"),
    ("999999999999.99", number_in_words(999_999_999_999) + " LEMPIRAS CON 99/100"),
    # cents are rounded half-up to the cent, never via float
    ("10.005", "DIEZ LEMPIRAS CON 01/100"),
    ("10.004", "DIEZ LEMPIRAS CON 00/100"),
    ("0.995", "UN LEMPIRA CON 00/100"),
    ("20.999", "VEINTIÚN LEMPIRAS CON 00/100"),
    ("-5.50", "MENOS CINCO LEMPIRAS CON 50/100"),
]


@pytest.mark.parametrize(("amount", "words"), TABLE)
def test_amount_in_words_table(amount, words):
    assert amount_in_words(Decimal(amount)) == words


def test_accepts_int_and_text_but_refuses_nonsense():
    assert amount_in_words(1160) == "UN MIL CIENTO SESENTA LEMPIRAS CON 00/100"
    assert amount_in_words("1,160.00") == "UN MIL CIENTO SESENTA LEMPIRAS CON 00/100"
    for bad in ("abc", "NaN", "Infinity", Decimal("1e12")):
        with pytest.raises(ValueError):
            amount_in_words(bad)


# --- read-back: an independent parser turns the words back into the number -----------------
_VALUES = {
    "CERO": 0,
    "UN": 1,
    "DOS": 2,
    "TRES": 3,
    "CUATRO": 4,
    "CINCO": 5,
    "SEIS": 6,
    "SIETE": 7,
    "OCHO": 8,
    "NUEVE": 9,
    "DIEZ": 10,
    "ONCE": 11,
    "DOCE": 12,
    "TRECE": 13,
    "CATORCE": 14,
    "QUINCE": 15,
    "DIECISÉIS": 16,
    "DIECISIETE": 17,
    "DIECIOCHO": 18,
    "DIECINUEVE": 19,
    "VEINTE": 20,
    "VEINTIÚN": 21,
    "VEINTIDÓS": 22,
    "VEINTITRÉS": 23,
    "VEINTICUATRO": 24,
    "VEINTICINCO": 25,
    "VEINTISÉIS": 26,
    "VEINTISIETE": 27,
    "VEINTIOCHO": 28,
    "VEINTINUEVE": 29,
    "TREINTA": 30,
    "CUARENTA": 40,
    "CINCUENTA": 50,
    "SESENTA": 60,
    "SETENTA": 70,
    "OCHENTA": 80,
    "NOVENTA": 90,
    "CIEN": 100,
    "CIENTO": 100,
    "DOSCIENTOS": 200,
    "TRESCIENTOS": 300,
    "CUATROCIENTOS": 400,
    "QUINIENTOS": 500,
    "SEISCIENTOS": 600,
    "SETECIENTOS": 700,
    "OCHOCIENTOS": 800,
    "NOVECIENTOS": 900,
}


def _read_back(words: str) -> int:
    total, group = 0, 0
    for word in words.split():
        if word == "Y":
            continue
        if word == "MIL":
            group = max(group, 1) * 1000
            continue
        if word in ("MILLÓN", "MILLONES"):
            total += (group if group else 1) * 1_000_000
            group = 0
            continue
        group += _VALUES[word]
    return total + group


@given(st.integers(min_value=0, max_value=999_999_999_999))
def test_every_number_reads_back(n):
    words = number_in_words(n)
    # "MIL MILLONES": the thousands of millions are summed as a group before MILLONES
    assert _read_back(words) == n
    assert "UNO" not in words.split()  # always the short form before the noun
    assert "VEINTIUNO" not in words
    assert "  " not in words


@given(st.decimals(min_value=0, max_value=Decimal("999999999.99"), places=2))
def test_amount_reads_back_with_its_cents(amount):
    words = amount_in_words(amount)
    head, cents = words.rsplit(" CON ", 1)
    number = head.removesuffix(" LEMPIRAS").removesuffix(" LEMPIRA").removesuffix(" DE")
    assert _read_back(number) + Decimal(cents.removesuffix("/100")) / 100 == amount
    assert head.endswith(" LEMPIRA") == (int(amount) == 1)
