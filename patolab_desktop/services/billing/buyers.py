"""Who a fiscal document is made out to (issue 17, point 3).

The buyer is the bill-to customer (a company that pays, or the patient) with their RTN
or identity number, or "CONSUMIDOR FINAL". Above L 10,000.00 a consumidor final is not
allowed: the buyer's name and document are required.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ...db.models import Customer
from ...util.money import format_lempiras
from ...util.text import clean
from ..errors import ValidationError
from ..texts import translate
from .types import CONSUMER_FINAL, CONSUMER_FINAL_LIMIT

CONTEXT = "services.billing"

# the buyer's columns of a fiscal document (a credit note copies them from its factura)
BUYER_COLUMNS = (
    "buyer_name",
    "buyer_document",
    "consumer_final",
    "exempt_purchase_order",
    "exonerated_register",
    "sag_register",
)


@dataclass(frozen=True)
class BuyerInput:
    """What the desk says about the buyer; empty fields are taken from the customer."""

    consumer_final: bool = False  # the buyer asks for no name on the factura
    name: str = ""
    document: str = ""  # RTN (14 digits) or identity number
    exempt_purchase_order: str = ""  # exonerated buyer: Orden de Compra Exenta
    exonerated_register: str = ""  # Constancia del Registro de Exonerados
    sag_register: str = ""  # registro SAG


@dataclass(frozen=True)
class Buyer:
    customer_id: int | None
    name: str
    document: str
    consumer_final: bool
    exempt_purchase_order: str = ""
    exonerated_register: str = ""
    sag_register: str = ""

    @property
    def exonerated(self) -> bool:
        return bool(self.exempt_purchase_order or self.exonerated_register)

    def columns(self) -> dict[str, object]:
        """The buyer's columns of a fiscal document (``BUYER_COLUMNS``), its number sealed."""
        return {
            "buyer_name": self.name,
            "buyer_document": sealed(self.document),
            "consumer_final": self.consumer_final,
            "exempt_purchase_order": self.exempt_purchase_order,
            "exonerated_register": self.exonerated_register,
            "sag_register": self.sag_register,
        }


def customer_document(customer: Customer) -> str:
    """The customer's RTN or identity number as printed (0801-1990-12345); it is stored
    encrypted (issue 15): revealing it needs this workstation's key."""
    from .. import identity

    digits = identity.reveal(customer.id_number)
    if len(digits) in (13, 14) and digits.isdigit():
        return f"{digits[:4]}-{digits[4:8]}-{digits[8:]}"
    return digits


def sealed(document: str) -> str:
    """A buyer's or receiver's document as stored on a fiscal document: encrypted like the
    customer's (a copy of the database shows no identity number); "" for none."""
    from .. import identity

    return (identity.seal(document)[0] or "") if document else ""


def _document(text: str) -> str:
    digits = re.sub(r"[\s-]", "", text or "")
    if not digits:
        return ""
    if not digits.isdigit() or len(digits) not in (13, 14):
        if re.fullmatch(r"[A-Z0-9]{5,20}", digits.upper()):  # a passport
            return digits.upper()
        raise ValidationError(
            {
                "buyer_document": translate(
                    "services.billing",
                    "El documento del comprador es un RTN de 14 dígitos, una identidad de 13 "
                    "o un pasaporte.",
                )
            }
        )
    return f"{digits[:4]}-{digits[4:8]}-{digits[8:]}"


def resolve(customer: Customer | None, given: BuyerInput | None, total: Decimal) -> Buyer:
    """The buyer of a document of ``total``."""
    given = given or BuyerInput()
    exemption = {
        "exempt_purchase_order": clean(given.exempt_purchase_order)[:40],
        "exonerated_register": clean(given.exonerated_register)[:40],
        "sag_register": clean(given.sag_register)[:40],
    }
    if (exemption["exempt_purchase_order"] or exemption["exonerated_register"]) and not (
        exemption["exempt_purchase_order"] and exemption["exonerated_register"]
    ):
        raise ValidationError(
            {
                "exemption": translate(
                    "services.billing",
                    "Un comprador exonerado necesita el número de la Orden de Compra Exenta y "
                    "la Constancia del Registro de Exonerados.",
                )
            }
        )
    name = clean(given.name)[:200]
    document = _document(given.document)
    customer_id = customer.id if customer is not None else None
    if not given.consumer_final and customer is not None:
        name = name or customer.name
        document = document or customer_document(customer)
    if given.consumer_final or not (name and document):
        if total > CONSUMER_FINAL_LIMIT:
            raise ValidationError(
                {
                    "buyer_document": translate(
                        "services.billing",
                        "Una factura de más de {limit} no puede ir a CONSUMIDOR FINAL: "
                        "escriba el nombre y el RTN o la identidad del comprador.",
                    ).format(limit=format_lempiras(CONSUMER_FINAL_LIMIT))
                }
            )
        if given.consumer_final or not document:
            return Buyer(customer_id, CONSUMER_FINAL, "", True, **exemption)
    if exemption["exempt_purchase_order"] and not document:
        raise ValidationError(
            {
                "buyer_document": translate(
                    "services.billing", "Un comprador exonerado necesita su RTN en la factura."
                )
            }
        )
    return Buyer(customer_id, name, document, False, **exemption)
