"""The tax class of a catalog item (issue 17): exento by default for lab services (Ley
ISV Art. 15), gravado 15 % or 18 % for other charges (the lab's accountant decides)."""

from __future__ import annotations

from ...db.database import write_transaction
from ...db.models import Investigation
from ...util.lookups import present
from ..access import audit, session
from ..errors import NotFoundError, ValidationError
from ..texts import translate
from .types import TAX_CLASSES


def get(investigation_id: int) -> str:
    session.require("catalog.view")
    row = present(
        Investigation.get_or_none(Investigation.id == investigation_id),
        NotFoundError(translate("services.billing", "La investigación no existe.")),
    )
    return row.tax_class or "exento"


def set_tax_class(investigation_id: int, tax_class: str) -> None:
    """Change the tax class of a catalog item; issued documents keep theirs."""
    session.require("catalog.edit")
    if tax_class not in TAX_CLASSES:
        raise ValidationError(
            {"tax_class": translate("services.billing", "Clase de impuesto desconocida.")}
        )
    with write_transaction():
        row = present(
            Investigation.get_or_none(Investigation.id == investigation_id),
            NotFoundError(translate("services.billing", "La investigación no existe.")),
        )
        before = row.tax_class or "exento"
        if before == tax_class:
            return
        Investigation.update(tax_class=tax_class).where(
            Investigation.id == investigation_id
        ).execute()
        audit.record(
            "update", "investigation", investigation_id, {"tax_class": (before, tax_class)}
        )
