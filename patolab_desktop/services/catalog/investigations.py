"""The investigation catalog: what can be ordered, at what price, and panels.

Rules (each has a test):
- the code is unique ignoring case and is stored in upper case;
- the name is required; the price is a Decimal with 3 places, never a float, never
  negative, with at most 3 decimals;
- a panel lists other investigations: never itself, never a panel that (at any depth)
  contains it, and only active ones; an investigation that belongs to an active panel
  cannot be deactivated until it is taken out of it;
- every price (the first one included) is recorded in ``PriceChange`` with its date and
  who changed it; requests copy prices, so a change never touches an existing request;
- deactivated investigations are hidden from pickers (``search``, ``list_active``) and
  kept for history (``get`` still reads them).
"""

from __future__ import annotations

from typing import Any

from peewee import IntegrityError

from ...db.database import update_versioned, write_transaction
from ...db.models import Investigation, PriceChange, now
from ...util.dataclass_rows import values_of
from ...util.lookups import present
from ...util.text import clean, fold
from ..access import audit, session
from ..billing.types import TAX_CLASSES
from ..errors import ConflictError, NotFoundError, RuleError, ValidationError, valid
from ..texts import QT_TRANSLATE_NOOP, translate
from .activation import _code_holder, _name_error, set_active
from .panels import _member_ids, _write_members, check_members, panels_containing
from .reading import details
from .values import (
    CODE_RE,
    NAME_MAX,
    SAMPLE_MAX,
    InvestigationData,
    _missing,
    normalize_code,
    parse_price,
)

# the errors of the name (``activation._name_error``), translated when shown
_NAME_MESSAGES = (
    QT_TRANSLATE_NOOP("services.catalog", "Escriba el nombre de la investigación."),
    QT_TRANSLATE_NOOP("services.catalog", "El nombre admite como máximo {max} caracteres."),
)

# --- writing ------------------------------------------------------------------------------


_AUDITED = ("code", "name", "sample_type", "price", "is_panel", "active", "tax_class")

# deactivating or reactivating, by ``deactivate``/``reactivate`` or by ``update`` with a
# changed ``active``: the same permission either way (the dialogs read it to turn the box off)
ACTIVE_PERMISSION = "catalog.delete"


def _audit_view(investigation_id: int) -> dict:
    """The audited fields of a stored investigation (member ids in order)."""
    row = Investigation.get_by_id(investigation_id)
    return {**values_of(row, _AUDITED), "member_ids": _member_ids(investigation_id)}


def _who(changed_by: str) -> str:
    """Who changed a price, for the history: the signed-in user, always, by the name the
    screens show (``import-catalog --user marta`` recorded the CLI's «cli» while the audit
    log had marta); ``changed_by`` names someone only for the system actor (the demo, the
    first start), else the system actor's own name."""
    actor = session.current()
    if actor is not None and not actor.is_system:
        return clean(actor.display_name)[:80]
    return clean(changed_by or session.username_for_audit())[:80]


def _normalized(data: InvestigationData) -> tuple[InvestigationData, dict[str, str]]:
    errors: dict[str, str] = {}
    out = InvestigationData(**{**data.__dict__})
    out.member_ids = [int(m) for m in (data.member_ids or [])]
    out.code = normalize_code(data.code)
    out.name = clean(data.name)
    out.sample_type = clean(data.sample_type)
    if not out.code:
        errors["code"] = translate("services.catalog", "Escriba el código de la investigación.")
    elif not CODE_RE.match(out.code):
        errors["code"] = translate(
            "services.catalog",
            "El código admite hasta 20 letras sin tilde, números, punto, "
            "guion o guion bajo, sin espacios.",
        )
    elif (other := _code_holder(Investigation, out.code, data.id)) is not None:
        errors["code"] = translate(
            "services.catalog", "El código {code} ya lo tiene «{name}»."
        ).format(code=out.code, name=other.name)
    if name_error := _name_error(out.name, NAME_MAX, "services.catalog", _NAME_MESSAGES):
        errors["name"] = name_error
    if len(out.sample_type) > SAMPLE_MAX:
        errors["sample_type"] = translate(
            "services.catalog", "El tipo de muestra admite como máximo {max} caracteres."
        ).format(max=SAMPLE_MAX)
    try:
        out.price = parse_price(data.price)
    except ValueError as exc:
        errors["price"] = str(exc)
    out.tax_class = clean(data.tax_class or "exento").lower()
    if out.tax_class not in TAX_CLASSES:
        errors["tax_class"] = translate(
            "services.catalog", "Clase de impuesto: exento, gravado 15 % o gravado 18 %."
        )
    out.is_panel = bool(data.is_panel or out.member_ids)
    if data.is_panel and not out.member_ids:
        errors["members"] = translate(
            "services.catalog", "Un perfil necesita al menos una investigación."
        )
    elif out.member_ids:
        problem = check_members(data.id, out.code or "?", out.member_ids)
        if problem:
            errors["members"] = problem
    return out, errors


def validate(data: InvestigationData) -> dict[str, str]:
    """Field name (code, name, sample_type, price, members) → message."""
    return _normalized(data)[1]


def _unique_violation(exc: IntegrityError, code: str) -> ValidationError:
    return ValidationError(
        {"code": translate("services.catalog", "El código {code} ya existe.").format(code=code)}
    )


def _stored(data: InvestigationData) -> dict:
    """The columns of an investigation row, from checked data (create and update)."""
    return {
        "code": data.code,
        "name": data.name,
        "name_folded": fold(data.name),
        "sample_type": data.sample_type,
        "price": data.price,
        "is_panel": data.is_panel,
        "active": bool(data.active),
        "tax_class": data.tax_class,
    }


def create(data: InvestigationData, changed_by: str = "") -> int:
    session.require("catalog.create")
    with write_transaction():
        clean_data = valid(_normalized(data))
        try:
            row = Investigation.create(**_stored(clean_data))
        except IntegrityError as exc:
            raise _unique_violation(exc, clean_data.code) from exc
        PriceChange.create(
            investigation=row.id,
            old_price=None,
            new_price=clean_data.price,
            changed_by=_who(changed_by),
        )
        _write_members(row.id, clean_data.member_ids)
        audit.record("create", "investigation", row.id, audit.diff({}, _audit_view(row.id)))
        return row.id


def update(data: InvestigationData, changed_by: str = "") -> None:
    """Save the dialog's data; a stale ``version`` raises ConflictError; a new price is
    recorded in the price history; a changed ``active`` needs ``ACTIVE_PERMISSION``, as
    ``deactivate`` and ``reactivate`` do."""
    session.require("catalog.edit")
    if data.id is None:
        raise NotFoundError(translate("services.catalog", "Falta la investigación a modificar."))
    with write_transaction():
        current = present(Investigation.get_or_none(Investigation.id == data.id), _missing(data.id))
        clean_data = valid(_normalized(data))
        if bool(current.active) != bool(clean_data.active):
            session.require(ACTIVE_PERMISSION)
        before = _audit_view(data.id)
        if current.active and not clean_data.active:
            _check_can_deactivate(current)
        if clean_data.active and not current.active:
            _check_can_reactivate(current, clean_data.member_ids)
        try:
            updated = update_versioned(
                Investigation, data.id, data.version, **_stored(clean_data), updated_at=now()
            )
        except IntegrityError as exc:
            raise _unique_violation(exc, clean_data.code) from exc
        if not updated:
            raise ConflictError(
                translate(
                    "services.catalog",
                    "Otra persona modificó esta investigación mientras usted la editaba. "
                    "Cierre el diálogo y ábralo de nuevo para ver los datos actuales.",
                )
            )
        if clean_data.price != current.price:
            PriceChange.create(
                investigation=data.id,
                old_price=current.price,
                new_price=clean_data.price,
                changed_by=_who(changed_by),
            )
        if clean_data.member_ids != _member_ids(data.id):
            _write_members(data.id, clean_data.member_ids)
        changes = audit.diff(before, _audit_view(data.id))
        if changes:
            audit.record("update", "investigation", data.id, changes)
        if "price" in changes:
            audit.record("price_change", "investigation", data.id, {"price": changes["price"]})


def set_price(investigation_id: int, price: Any, changed_by: str = "") -> None:
    """Change the price and record it (date, old, new, who). Same price: nothing happens."""
    session.require("catalog.edit")
    try:
        price = parse_price(price)
    except ValueError as exc:
        raise ValidationError({"price": str(exc)}) from exc
    with write_transaction():
        current = Investigation.get_or_none(Investigation.id == investigation_id)
        if current is None:
            raise _missing(investigation_id)
        if current.price == price:
            return
        Investigation.update(
            price=price, updated_at=now(), version=Investigation.version + 1
        ).where(Investigation.id == investigation_id).execute()
        PriceChange.create(
            investigation=investigation_id,
            old_price=current.price,
            new_price=price,
            changed_by=_who(changed_by),
        )
        audit.record(
            "price_change", "investigation", investigation_id, {"price": (current.price, price)}
        )


def _check_can_deactivate(row: Investigation) -> None:
    panels = panels_containing(row.id, active_only=True)
    if panels:
        names = ", ".join(p["code"] for p in panels)
        raise RuleError(
            translate(
                "services.catalog",
                "No se puede desactivar {code}: forma parte de los perfiles activos {panels}. "
                "Quítela primero de esos perfiles (o desactívelos).",
            ).format(code=row.code, panels=names)
        )


def _check_can_reactivate(row: Investigation, member_ids: list[int]) -> None:
    info = details(member_ids)
    inactive = [info[m]["code"] for m in member_ids if m in info and not info[m]["active"]]
    if inactive:
        raise RuleError(
            translate(
                "services.catalog",
                "No se puede reactivar el perfil {code}: sus miembros {members} están "
                "desactivados. Reactívelos primero.",
            ).format(code=row.code, members=", ".join(inactive))
        )


def deactivate(investigation_id: int) -> None:
    """Hide from pickers; kept for history. Refused while an active panel contains it."""
    _set_active(investigation_id, False)


def reactivate(investigation_id: int) -> None:
    """Refused while a member of the panel is inactive."""
    _set_active(investigation_id, True)


def _set_active(investigation_id: int, active: bool) -> None:
    session.require(ACTIVE_PERMISSION)
    with write_transaction():
        row = Investigation.get_or_none(Investigation.id == investigation_id)
        if row is None:
            raise _missing(investigation_id)
        if active:
            _check_can_reactivate(row, _member_ids(investigation_id))
        else:
            _check_can_deactivate(row)
        set_active(Investigation, "investigation", row, active)
