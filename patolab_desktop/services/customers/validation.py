"""The rules of a customer record: required fields by type, formats, the municipality of
the department, identity numbers unique among active customers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from ...db.models import CUSTOMER_TYPES, Customer
from ...util.text import clean, fold
from .. import identity, reference
from ..access import audit
from ..notify.events import CONSENT_EVENTS
from ..texts import QT_TRANSLATE_NOOP, translate
from .formats import (
    age_years,
    normalise_document,
    normalise_email,
    normalise_phone,
    parse_age,
    years_between,
)
from .types import (
    _MAX_LENGTHS,
    _MISSING_OK_WHEN_INCOMPLETE,
    CONSENT_HOW_LABELS,
    DEFAULT_COUNTRY,
    DOCUMENT_TYPES,
    MAX_AGE,
    CustomerData,
)

# --- validation ------------------------------------------------------------------------


@dataclass
class _Clean:
    """Normalised values ready to be stored, produced by ``_check``."""

    values: dict
    errors: dict
    missing: set


def _check(
    data: CustomerData,
    today: dt.date | None = None,
    unique: bool | None = None,
    as_new: bool = False,
) -> _Clean:
    """Normalised values, errors and missing fields of ``data``.

    The id_number is checked against the other active customers when ``unique`` (by
    default when ``data.active``), leaving out ``data.id`` unless ``as_new``."""
    today = today or dt.date.today()
    unique = data.active if unique is None else unique
    exclude_id = None if as_new else data.id
    errors: dict[str, str] = {}
    missing: set[str] = set()
    values: dict[str, Any] = {}

    kind = (data.type or "").strip().lower()
    if kind not in CUSTOMER_TYPES:
        errors["type"] = translate("services.customers", "Elija el tipo: paciente o empresa.")
        kind = "cliente"
    patient = kind == "cliente"
    values["type"] = kind

    first = clean(data.first_name) if patient else ""
    last = clean(data.last_name) if patient else ""
    name = clean(f"{first} {last}") if (first or last) else clean(data.name)
    values.update(first_name=first, last_name=last, name=name, name_folded=fold(name))
    if not name:
        errors["name"] = (
            translate("services.customers", "Escriba el nombre o los apellidos del paciente.")
            if patient
            else translate("services.customers", "Escriba el nombre de la empresa.")
        )

    # identity document: DNI, RTN, passport, residence card or none (issue 16 D)
    try:
        document, number = normalise_document(data.document_type, data.id_number)
    except ValueError as exc:
        errors["id_number"] = str(exc)
        document, number = "ninguno", ""
    else:
        if not patient and not number:
            errors["id_number"] = translate(
                "services.customers", "Escriba el RTN de la empresa (14 dígitos)."
            )
            missing.add("id_number")
        elif not patient and document != "rtn":
            errors["id_number"] = translate(
                "services.customers", "Una empresa necesita un RTN de 14 dígitos."
            )
        elif document == "dni":
            place = dni_place_error(number)
            if place:
                errors["id_number"] = place
    values["id_number"] = number or None
    values["document_type"] = document if number else "ninguno"

    # date of birth / age
    born = data.date_of_birth
    if isinstance(born, dt.datetime):
        born = born.date()
    values["date_of_birth"] = born
    values["age"] = None
    values["age_declared"] = ""  # months ("8m") or days ("3d") of a baby's declared age
    if born is not None:
        if born > today:
            errors["date_of_birth"] = translate(
                "services.customers", "La fecha de nacimiento no puede ser futura."
            )
        elif years_between(born, today) > MAX_AGE:
            errors["date_of_birth"] = translate(
                "services.customers", "La fecha de nacimiento da más de {max} años."
            ).format(max=MAX_AGE)
    elif (data.age_text or "").strip():
        try:
            parsed = parse_age(data.age_text)
        except ValueError as exc:
            errors["age"] = str(exc)
        else:
            if parsed is not None:  # None: nothing left once folded (no age given)
                amount, unit = parsed
                values["age"] = age_years(amount, unit)
                values["age_declared"] = f"{amount}{unit}" if unit else ""
    elif data.age is not None and data.age != "":
        try:
            age = int(data.age)
        except (TypeError, ValueError):
            errors["age"] = translate("services.customers", "La edad debe ser un número entero.")
        else:
            if not 0 <= age <= MAX_AGE:
                errors["age"] = translate(
                    "services.customers", "La edad debe estar entre 0 y {max} años."
                ).format(max=MAX_AGE)
            else:
                values["age"] = age
    elif patient:
        errors["age"] = translate("services.customers", "Escriba la edad o la fecha de nacimiento.")
        missing.add("age")

    # gender
    gender_id = data.gender_id
    genders, departments, municipalities = reference.known_ids()
    if gender_id is not None and gender_id not in genders:
        errors["gender_id"] = translate("services.customers", "Elija un género de la lista.")
        gender_id = None
    elif gender_id is None and patient:
        errors["gender_id"] = translate("services.customers", "Elija el género.")
        missing.add("gender_id")
    values["gender"] = gender_id

    # phones and e-mail
    for key, required in (("phone", True), ("secondary_phone", False)):
        try:
            values[key] = normalise_phone(getattr(data, key))
        except ValueError as exc:
            errors[key] = str(exc)
            values[key] = ""
        else:
            if required and not values[key]:
                errors[key] = translate(
                    "services.customers", "Escriba el teléfono (es el número de WhatsApp)."
                )
                missing.add(key)
    try:
        values["email"] = normalise_email(data.email)
    except ValueError as exc:
        errors["email"] = str(exc)
        values["email"] = ""

    # geography
    department_id, municipality_id = data.department_id, data.municipality_id
    if department_id is None:
        errors["department_id"] = translate("services.customers", "Elija el departamento.")
        missing.add("department_id")
    elif department_id not in departments:
        errors["department_id"] = translate(
            "services.customers", "Elija un departamento de la lista."
        )
    if municipality_id is None:
        errors["municipality_id"] = translate("services.customers", "Elija el municipio.")
        missing.add("municipality_id")
    else:
        owner = municipalities.get(municipality_id)
        if owner is None:
            errors["municipality_id"] = translate(
                "services.customers", "Elija un municipio de la lista."
            )
        elif department_id is not None and owner != department_id:
            errors["municipality_id"] = translate(
                "services.customers", "El municipio no pertenece al departamento seleccionado."
            )
    values["department"] = department_id
    values["municipality"] = municipality_id

    # free texts
    values.update(
        address=(data.address or "").strip(),
        address2=(data.address2 or "").strip(),
        postal_code=clean(data.postal_code),
        country=clean(data.country) or DEFAULT_COUNTRY,
        external_file=clean(data.external_file),
        notes=(data.notes or "").strip(),
        is_blocked=bool(data.is_blocked),
        whatsapp_consent=data.whatsapp_consent or "",
    )
    if values["whatsapp_consent"] not in CONSENT_LABELS:
        errors["whatsapp_consent"] = translate(
            "services.customers", "Elija sí, no o no preguntado."
        )
    _check_consent(data, values, errors)
    for key, limit in _MAX_LENGTHS.items():
        value = values.get(key) or ""
        if len(value) > limit and key not in errors:
            errors[key] = translate(
                "services.customers", "Demasiado largo: máximo {max} caracteres."
            ).format(max=limit)

    # unique among active customers (the partial unique index is the last word)
    if values["id_number"] and "id_number" not in errors and unique:
        other = _active_holder(values["id_number"], exclude_id=exclude_id)
        if other is not None:
            errors["id_number"] = _taken_message(values["id_number"], other)

    return _Clean(values=values, errors=errors, missing=missing)


def _check_consent(data: CustomerData, values: dict, errors: dict) -> None:
    """How and for which messages a WhatsApp "yes" was given (NOTIFICATIONS.md: "record
    who consented, when, how and for which messages"): both required with a yes, the
    kinds stored in the order of ``CONSENT_EVENTS``; without a yes both are cleared (a
    "no" or a "not asked" accepts nothing)."""
    if values["whatsapp_consent"] != "yes":
        values.update(consent_how="", consent_events="")
        return
    how = clean(data.consent_how)
    codes = {code.strip() for code in (data.consent_events or "").split(",") if code.strip()}
    if how not in CONSENT_HOW_LABELS:
        errors["consent_how"] = consent_how_missing()
    unknown = sorted(codes - set(CONSENT_EVENTS))
    if unknown:
        errors["consent_events"] = translate(
            "services.customers", "Mensaje desconocido: {codes}."
        ).format(codes=", ".join(unknown))
    elif not codes:
        errors["consent_events"] = translate(
            "services.customers", "Marque al menos un mensaje que acepta."
        )
    values.update(consent_how=how, consent_events=",".join(e for e in CONSENT_EVENTS if e in codes))


def consent_how_missing() -> str:
    """The message of a WhatsApp "yes" that does not say how it was given."""
    return translate("services.customers", "Elija cómo dio el paciente su consentimiento.")


CONSENT_LABELS = {  # WhatsApp notices (issue 18)
    "": QT_TRANSLATE_NOOP("services.customers", "No preguntado"),
    "yes": QT_TRANSLATE_NOOP("services.customers", "Sí, acepta avisos por WhatsApp"),
    "no": QT_TRANSLATE_NOOP("services.customers", "No acepta avisos"),
}


def dni_place_error(number: str) -> str:
    """ "" when a DNI's first two digits are a department (01–18) and the next two a
    municipality of it; else the message."""
    departments, municipalities = reference.dni_places()
    if not departments:  # a database without geography cannot tell
        return ""
    if number[:2] not in departments:
        return translate(
            "services.customers",
            "Un DNI empieza con el código de un departamento (01 a 18); {code} no lo es.",
        ).format(code=number[:2])
    if number[:4] not in municipalities:
        return translate(
            "services.customers",
            "Los dígitos 3 y 4 del DNI deben ser un municipio del departamento {code}; "
            "{municipality} no lo es.",
        ).format(code=number[:2], municipality=number[2:4])
    return ""


def document_label(document_type: str) -> str:
    """ "DNI", "Pasaporte"… in the active language ("Identidad" when not known)."""
    source = DOCUMENT_TYPES.get(document_type or "")
    if source is None or document_type == "ninguno":
        return translate("services.customers", "Identidad")
    return translate("ServiceLabels", source)


def _active_holder(number: str, exclude_id: int | None = None) -> dict | None:
    """The active customer holding ``number`` (typed or stored encrypted): by its keyed
    hash, the number itself being encrypted at rest."""
    query = Customer.select(Customer.id, Customer.name).where(
        (Customer.active == True) & (Customer.id_hash == identity.search_hash(number))  # noqa: E712 - a peewee expression, not a truth test
    )  # noqa: E712
    if exclude_id is not None:
        query = query.where(Customer.id != exclude_id)
    return query.dicts().first()


def _taken_message(number: str, other: dict) -> str:
    return translate(
        "services.customers", "Ya hay un cliente activo con la identidad {id_number}: {name}."
    ).format(id_number=audit.display_id_number(number), name=other["name"])


def _blocking(clean_: _Clean, incomplete: bool) -> dict[str, str]:
    """Errors that refuse the save (missing values are tolerated on incomplete records)."""
    if not incomplete:
        return dict(clean_.errors)
    return {
        k: v
        for k, v in clean_.errors.items()
        if not (k in clean_.missing and k in _MISSING_OK_WHEN_INCOMPLETE)
    }


def validate(data: CustomerData) -> dict[str, str]:
    """Field name (a ``CustomerData`` attribute) → message; ``{}`` when valid.

    A masked identity number (``****-****-12345``, what ``get`` shows a role without
    ``patients.view_sensitive``) is the stored one, which ``update`` keeps: not checked."""
    if "*" in (data.id_number or ""):
        errors = _blocking(_check(replace(data, id_number="", document_type="")), data.incomplete)
        errors.pop("id_number", None)
        return errors
    return _blocking(_check(data), bool(data.incomplete))


def validate_incomplete(data: CustomerData) -> tuple[dict[str, str], set[str]]:
    """For imports: (errors that refuse the record, required fields that are missing).

    Missing required values (all but the name) are tolerated, as for a record saved with
    ``incomplete=True``; values that are present must be valid.
    """
    clean_ = _check(data)
    missing = {k for k in clean_.missing if k in _MISSING_OK_WHEN_INCOMPLETE and k in clean_.errors}
    return _blocking(clean_, True), missing
