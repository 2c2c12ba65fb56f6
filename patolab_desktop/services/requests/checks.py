"""Checks of request fields and the history helpers shared by entry and workflow."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from ...db.models import Customer, Referrer, RequestEvent, now
from ...util.text import clean
from ..errors import RuleError, ValidationError
from ..texts import QT_TRANSLATE_NOOP, labels_of, translate
from . import pricing as request_pricing
from .types import (
    MAX_TEXT,
)

# --- validation ------------------------------------------------------------------------


def _percent(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ValidationError(
            {
                "manual_discount_percent": translate(
                    "services.requests", "Porcentaje no válido: {value}"
                ).format(value=value)
            }
        ) from None


def _patient_row(patient_id: int | None) -> Any:
    return (
        Customer.select(
            Customer.id,
            Customer.name,
            Customer.type,
            Customer.active,
            Customer.date_of_birth,
            Customer.age,
            Customer.age_recorded_on,
            Customer.id_number,
        )
        .where(Customer.id == patient_id)
        .first()
    )


def _doctor_row(doctor_id: int | None) -> Any:
    return (
        Referrer.select(Referrer.id, Referrer.name, Referrer.active)
        .where(Referrer.id == doctor_id)
        .first()
    )


def _check_active(row: Any, errors: dict, key: str, missing: str, inactive: str) -> Any:
    """The chosen patient's or doctor's ``row``, with an error under ``key`` when it does
    not exist (``missing``) or is inactive (``inactive``, naming it with ``{name}``)."""
    if row is None:
        errors[key] = missing
    elif not row.active:
        errors[key] = inactive.format(name=row.name)
    return row


def _check_patient(patient_id: int | None, errors: dict, key: str = "patient_id") -> Any:
    if not patient_id:
        errors[key] = translate("services.requests", "Elija el paciente.")
        return None
    return _check_active(
        _patient_row(patient_id),
        errors,
        key,
        translate("services.requests", "El paciente elegido no existe."),
        translate(
            "services.requests",
            "El paciente «{name}» está inactivo; no se le pueden crear solicitudes.",
        ),
    )


def _check_doctor(doctor_id: int | None, errors: dict, key: str = "doctor_id") -> Any:
    if not doctor_id:
        errors[key] = translate(
            "services.requests", "Elija el médico o la institución que refiere."
        )
        return None
    return _check_active(
        _doctor_row(doctor_id),
        errors,
        key,
        translate("services.requests", "El médico elegido no existe."),
        translate("services.requests", "El médico «{name}» está inactivo; elija otro."),
    )


def _check_choice(value: Any, labels: dict, key: str, errors: dict) -> None:
    if value not in labels:
        if key == "priority":
            message = translate(
                "services.requests", "Prioridad no válida: {value} (opciones: {options})."
            )
        else:
            message = translate(
                "services.requests", "Origen no válido: {value} (opciones: {options})."
            )
        errors[key] = message.format(
            value=repr(value), options=", ".join(labels_of(labels).values())
        )


def _too_long() -> str:
    return translate(
        "services.requests", "El texto es demasiado largo (máximo {max} caracteres)."
    ).format(max=MAX_TEXT)


def _check_investigations(ids: Any, errors: dict, key: str = "investigation_ids") -> Any:
    """Catalog rows for the picked ids (and panel members); messages for bad ones."""
    ids = [int(i) for i in ids or []]
    if not ids:
        errors[key] = translate("services.requests", "Agregue al menos una investigación.")
        return {}, {}
    items, members = request_pricing.load_for(ids)
    problems = []
    for inv_id in dict.fromkeys(ids):
        item = items.get(inv_id)
        if item is None:
            problems.append(
                translate("services.requests", "La investigación {id} no existe.").format(id=inv_id)
            )
        elif not item.active:
            problems.append(
                translate(
                    "services.requests",
                    "La investigación {code} {name} está inactiva; no se puede solicitar.",
                ).format(code=item.code, name=item.name)
            )
    if problems:
        errors[key] = " ".join(problems)
    return items, members


def _check_manual_discount(percent: Any, reason: str, errors: dict) -> Decimal | None:
    try:
        percent = _percent(percent)
    except ValidationError as exc:
        errors.update(exc.fields)
        return None
    if percent is None:
        return None
    if not (Decimal(0) < percent <= Decimal(100)):
        errors["manual_discount_percent"] = translate(
            "services.requests", "El descuento manual debe ser mayor que 0 y como máximo 100 %."
        )
        return None
    if not clean(reason):
        errors["discount_reason"] = translate(
            "services.requests", "Escriba el motivo del descuento manual."
        )
    # permission: discounts.manual — check the user's permission here once roles exist.
    return percent


def _who(by: str) -> str:
    """Who did it, as a request's history names it: the signed-in user, always (a user
    who typed another name, the CLI's ``--by``, put it in the history while the audit
    log had the user); ``by`` names someone only for the system actor (maintenance, the
    first start), else the system actor's own name."""
    from ..access import session

    actor = session.current()
    if actor is not None and not actor.is_system:
        return actor.username[:80]
    if clean(by):
        return clean(by)[:80]
    return actor.username[:80] if actor is not None else ""


def _event(request_id: int, action: str, detail: str, by: str) -> None:
    RequestEvent.insert(
        lab_request=request_id, at=now(), action=action, detail=detail[:4000], by=_who(by)
    ).execute()


def _investigations(count: int) -> str:
    return f"{count} investigación" if count == 1 else f"{count} investigaciones"


def _describe_discount(kind: str, percent: Decimal, age: int | None, reason: str = "") -> str:
    pct = f"{percent.normalize():f}"
    if kind == "age":
        return f"descuento por edad {pct} % ({age} años)"
    if kind == "manual":
        return f"descuento manual {pct} %: {reason}" if reason else f"descuento manual {pct} %"
    return "sin descuento"


# --- a charged request ---------------------------------------------------------------------

# what may no longer change on a request its valid factura charges
CHARGED_ADD = QT_TRANSLATE_NOOP(
    "services.requests",
    "La solicitud {request} ya está en la factura {number}: no se le agregan "
    "investigaciones. Registre una solicitud nueva para la investigación que falta.",
)
CHARGED_PATIENT = QT_TRANSLATE_NOOP(
    "services.requests",
    "La solicitud {request} ya está en la factura {number}: su paciente no cambia. Si la "
    "factura es de otra persona, un supervisor la anula y se factura de nuevo.",
)
CHARGED_DISCOUNT = QT_TRANSLATE_NOOP(
    "services.requests",
    "La solicitud {request} ya está en la factura {number}: su descuento no cambia. Para "
    "rebajar el importe, un supervisor emite una nota de crédito.",
)


def _refuse_if_charged(request: Any, message: str) -> None:
    """``RuleError`` with ``message`` (``CHARGED_ADD``, ``CHARGED_DISCOUNT``,
    ``CHARGED_PATIENT``) when a valid factura charges ``request``: its amounts are the
    factura's, which never changes, and the request cannot be charged a second time (the
    investigation added after the factura was never billed)."""
    from ..billing.charged import invoice_number_of

    number = invoice_number_of(request.id)
    if number:
        raise RuleError(
            translate("services.requests", message).format(
                request=request.request_number, number=number
            )
        )
