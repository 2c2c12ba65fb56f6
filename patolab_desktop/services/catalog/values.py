"""An investigation's values: the data class, the list filter, codes and prices as typed."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from ...util.money import MAX_AMOUNT, PLACES, without_thousands
from ...util.text import clean
from ..errors import NotFoundError
from ..texts import translate

CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,19}$")
NAME_MAX = 200
SAMPLE_MAX = 100


@dataclass
class InvestigationData:
    id: int | None = None
    code: str = ""
    name: str = ""
    sample_type: str = ""
    price: Decimal | str | int | None = None
    is_panel: bool = False
    active: bool = True
    member_ids: list[int] = field(default_factory=list)
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    version: int = 1
    tax_class: str = "exento"  # the invoice's tax class (issue 17): exento, gravado15, gravado18


@dataclass
class CatalogFilter:
    search: str = ""
    kind: str | None = None  # None = all, "single" = not panels, "panel" = panels only
    include_inactive: bool = False
    sample_type: str | None = None


# --- values -------------------------------------------------------------------------------


def normalize_code(text: str) -> str:
    return clean(text).upper()


def _not_a_number(value: Any) -> str:
    return translate("services.catalog", "El precio no es un número: «{value}».").format(
        value=value
    )


def _missing(investigation_id: int) -> NotFoundError:
    return NotFoundError(
        translate("services.catalog", "La investigación {id} no existe.").format(
            id=investigation_id
        )
    )


def parse_price(value: Any) -> Decimal:
    """An exact Decimal with 3 places from user or file input; ValueError (message) if not.

    Floats are refused outright: 0.1 + 0.2 as floats is not 0.3.
    """
    if isinstance(value, (bool, float)):
        raise ValueError(
            translate(
                "services.catalog",
                "El precio debe ser un número decimal exacto, no de coma flotante.",
            )
        )
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError(translate("services.catalog", "Escriba el precio."))
    if isinstance(value, Decimal):
        amount = value
    else:
        text = str(value).strip()
        if text[:1] in ("L", "l"):
            text = text[1:].strip()
        try:
            text = without_thousands(text.replace(" ", ""))
        except ValueError:
            raise ValueError(
                translate(
                    "services.catalog",
                    "Escriba el precio con punto decimal; la coma solo separa miles "
                    "(por ejemplo 1,250.50).",
                )
            ) from None
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValueError(_not_a_number(value)) from None
    if not amount.is_finite():
        raise ValueError(_not_a_number(value))
    if amount < 0:
        raise ValueError(translate("services.catalog", "El precio no puede ser negativo."))
    if amount != amount.quantize(PLACES):
        raise ValueError(translate("services.catalog", "El precio admite como máximo 3 decimales."))
    if amount > MAX_AMOUNT:
        raise ValueError(translate("services.catalog", "El precio es demasiado grande."))
    return amount.quantize(PLACES)
