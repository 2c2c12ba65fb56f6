"""One customer row by id, or a NotFoundError that says which."""

from __future__ import annotations

from ...db.models import Customer
from ..errors import NotFoundError
from ..texts import translate


def _missing(customer_id: int) -> NotFoundError:
    return NotFoundError(
        translate("services.customers", "No existe el cliente {id}.").format(id=customer_id)
    )


def _row(customer_id: int) -> Customer:
    row = Customer.get_or_none(Customer.id == customer_id)
    if row is None:
        raise _missing(customer_id)
    return row
