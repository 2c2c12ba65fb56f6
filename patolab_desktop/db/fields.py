"""Custom peewee fields."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from peewee import BigIntegerField

from ..util.money import PLACES, to_money

_SCALE = 1000


class MoneyField(BigIntegerField):
    """Decimal(12,3) stored as an integer count of thousandths.

    Exact on every backend (SQLite has no true decimal type: NUMERIC columns become
    floats), so SUM() in SQL stays exact and sorting is numeric.
    """

    def db_value(self, value: Any) -> Any:
        if value is None:
            return None
        return int(to_money(value) * _SCALE)

    def python_value(self, value: Any) -> Any:
        if value is None:
            return None
        return (Decimal(int(value)) / _SCALE).quantize(PLACES)
