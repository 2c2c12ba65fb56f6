"""Normalising and showing a customer's values: identity numbers, phones (E.164, region
HN), e-mail addresses, the folded search text, and ages from a date of birth."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Any

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from ...db.models import Customer
from ...util.text import clean, digits, fold
from ..access import session
from ..texts import translate
from .rows import _missing
from .types import DEFAULT_REGION, DNI_LENGTH, RTN_LENGTH, CustomerData

# --- formatting and normalisation ------------------------------------------------------


def format_id_number(number: str | None) -> str:
    """``0801199012345`` → ``0801-1990-12345``; an RTN → ``0801-1990-123456``."""
    number = number or ""
    if len(number) in (DNI_LENGTH, RTN_LENGTH) and number.isdigit():
        return f"{number[:4]}-{number[4:8]}-{number[8:]}"
    return number


def format_phone(e164: str | None) -> str:
    """E.164 → display: ``+50499887766`` → ``+504 9988-7766``; others in international form."""
    if not e164:
        return ""
    if len(e164) == 12 and e164.startswith("+504") and e164[1:].isdigit():
        return f"+504 {e164[4:8]}-{e164[8:]}"
    try:
        number = phonenumbers.parse(e164, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def national_digits(e164: str | None) -> str:
    """The national significant number of an E.164 phone (``+50499887766`` → ``99887766``)."""
    if not e164:
        return ""
    if e164.startswith("+504") and len(e164) == 12:
        return e164[4:]
    try:
        return str(phonenumbers.parse(e164, DEFAULT_REGION).national_number)
    except phonenumbers.NumberParseException:
        return digits(e164)


# "9988-7766", "9988 7766", "99887766", "+504 9988-7766", "+50499887766": the 8-digit
# Honduran national number (no national prefix in Honduras) — what phonenumbers.parse
# would give, at a fifth of the cost; anything else takes the full parser
_HN_LOCAL = re.compile(r"(?:\+504[ -]?)?([2-9]\d{3})[ -]?(\d{4})\Z")


def normalise_phone(text: str) -> str:
    """A typed phone in E.164 (default region Honduras); ``ValueError`` when not valid.

    ``""`` for an empty text.
    """
    text = clean(text)
    if not text:
        return ""
    local = _HN_LOCAL.match(text)
    if local is not None:  # the everyday form: parse it without the generic parser
        number = phonenumbers.PhoneNumber(
            country_code=504, national_number=int(local.group(1) + local.group(2))
        )
        if phonenumbers.is_valid_number(number):  # phonenumbers still decides validity
            return f"+504{local.group(1)}{local.group(2)}"
    try:
        number = phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        raise ValueError(
            translate("services.customers", "El teléfono no es un número válido.")
        ) from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError(
            translate(
                "services.customers",
                "El teléfono no es un número válido (p. ej. 9988-7766 o +504 9988-7766).",
            )
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_PLAIN_EMAIL = re.compile(rf"({_ATEXT}(?:\.{_ATEXT})*)@([A-Za-z0-9.-]+)\Z")  # ASCII dot-atom


@lru_cache(maxsize=4096)
def _valid_email_domain(domain: str) -> str | None:
    """email-validator's normalised domain, or None when it refuses the domain."""
    try:
        return validate_email("a@" + domain, check_deliverability=False).domain
    except EmailNotValidError:
        return None


def normalise_email(text: str) -> str:
    """A validated e-mail in lower case; ``ValueError`` when not valid; ``""`` when empty."""
    text = (text or "").strip()
    if not text:
        return ""
    plain = _PLAIN_EMAIL.match(text)
    if plain is not None and len(plain.group(1)) <= 64 and len(text) <= 254:
        # a plain ASCII address: its local part is valid as it stands, so only the domain
        # needs email-validator, once per domain (an import repeats a few domains)
        domain = _valid_email_domain(plain.group(2))
        if domain is not None:
            return f"{plain.group(1)}@{domain}".lower()
    try:  # everything else, and every refusal, is email-validator's
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        raise ValueError(
            translate(
                "services.customers",
                "El correo electrónico no es válido (p. ej. nombre@correo.com).",
            )
        ) from None
    return result.normalized.lower()


def normalise_id_number(text: str) -> str:
    """Remove dashes and spaces; ``ValueError`` when anything but digits is left."""
    compact = "".join((text or "").replace("-", "").split())
    if compact and not compact.isdigit():
        raise ValueError(
            translate(
                "services.customers", "La identidad/RTN solo puede tener números (y guiones)."
            )
        )
    return compact


def search_text_for(
    name: str, id_number: str | None, phone: str, email: str, name_folded: str | None = None
) -> str:
    """The folded text the full-text index is built from.

    Folded name, id digits, phone national digits, E.164 digits and the e-mail
    (``name_folded``: ``fold(name)`` when the caller has it already).
    """
    parts = [
        fold(name) if name_folded is None else name_folded,
        id_number or "",
        national_digits(phone),
        digits(phone),
        (email or "").lower(),
    ]
    return " ".join(p for p in parts if p)


# --- ages ------------------------------------------------------------------------------


def years_between(start: dt.date, end: dt.date) -> int:
    """Whole years from ``start`` to ``end`` (a birthday on 29 February counts on 1 March)."""
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def age_from(
    date_of_birth: dt.date | None, age: int | None, recorded_on: dt.date | None, day: dt.date
) -> int | None:
    """The age on ``day`` from a date of birth, or from an age declared on ``recorded_on``."""
    if date_of_birth is not None:
        return max(years_between(date_of_birth, day), 0)
    if age is None:
        return None
    if recorded_on is None:
        return age
    return age + max(years_between(recorded_on, day), 0)


def age_on(customer_id_or_data: Any, day: dt.date) -> int | None:
    """Age of a customer on ``day``: an id, a ``CustomerData``, a ``Customer`` or a dict."""
    item = customer_id_or_data
    if isinstance(item, int):
        session.require("patients.view")
        row = (
            Customer.select(Customer.date_of_birth, Customer.age, Customer.age_recorded_on)
            .where(Customer.id == item)
            .dicts()
            .first()
        )
        if row is None:
            raise _missing(item)
        return age_from(row["date_of_birth"], row["age"], row["age_recorded_on"], day)
    if isinstance(item, dict):
        return age_from(
            item.get("date_of_birth"), item.get("age"), item.get("age_recorded_on"), day
        )
    if isinstance(item, CustomerData):
        # a form's age is the age today (see ``get``)
        return age_from(item.date_of_birth, item.age, dt.date.today(), day)
    return age_from(
        getattr(item, "date_of_birth", None),
        getattr(item, "age", None),
        getattr(item, "age_recorded_on", None),
        day,
    )
