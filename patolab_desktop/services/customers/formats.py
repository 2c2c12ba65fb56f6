"""Normalising and showing a customer's values: identity numbers, phones (E.164, region
HN), e-mail addresses, the folded search text, and ages from a date of birth."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import lru_cache
from sys import intern
from typing import Any

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from ...db.models import Customer
from ...util.text import clean, digits, fold
from .. import identity
from ..access import session
from ..texts import translate
from .rows import _missing
from .types import (
    DEFAULT_REGION,
    DNI_LENGTH,
    DOCUMENT_MAX,
    DOCUMENT_MIN,
    DOCUMENT_TYPES,
    MAX_AGE,
    MAX_AGE_DAYS,
    MAX_AGE_MONTHS,
    RTN_LENGTH,
    CustomerData,
)

# --- formatting and normalisation ------------------------------------------------------


def format_id_number(number: str | None) -> str:
    """``0801199012345`` → ``0801-1990-12345``; an RTN → ``0801-1990-123456`` (a stored
    ciphertext is decrypted first: ``services.identity``)."""
    return identity.format_number(number)


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


def spreadsheet_phone(phone: str | None) -> str:
    """A phone the way a spreadsheet shows it, never starting like a formula (issue 16 B):
    Honduran numbers in the national form ``9988-7766``, others with the international
    prefix ``00`` instead of ``+`` (``00 1 202-555-0143``). Importing it gives the same
    E.164 number back. Takes E.164 or the display form."""
    if not phone:
        return ""
    if len(phone) == 12 and phone.startswith("+504") and phone[1:].isdigit():
        return f"{phone[4:8]}-{phone[8:]}"  # stored E.164, the everyday case (fast)
    try:
        e164 = normalise_phone(phone)
    except ValueError:
        return phone.lstrip("+=-@ ")
    if e164.startswith("+504") and len(e164) == 12:
        return f"{e164[4:8]}-{e164[8:]}"
    return "00 " + format_phone(e164).lstrip("+")


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
# ASCII digits only: another script's digits go to phonenumbers, which writes them in ASCII
_HN_LOCAL = re.compile(r"(?:\+504[ -]?)?([2-9]\d{3})[ -]?(\d{4})\Z", re.ASCII)

# the number types phonenumbers tells apart (``_number_type_helper``): a number is valid
# when it has one of them
_NUMBER_TYPES = (
    "premium_rate",
    "toll_free",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
    "fixed_line",
    "mobile",
)


def _valid_local_numbers() -> re.Pattern[str]:
    """The 8-digit Honduran numbers phonenumbers calls valid, from its own metadata: the
    region's general pattern and the pattern of each number type 8 digits long. Matching
    it costs 0.5 µs; ``is_valid_number`` took 30 µs, 7 % of an import's analysis."""
    meta = phonenumbers.PhoneMetadata.metadata_for_region("HN")
    general = meta.general_desc
    kinds = []
    for name in _NUMBER_TYPES:
        desc = getattr(meta, name)
        if desc is None or desc.national_number_pattern is None:
            continue
        lengths = desc.possible_length or general.possible_length
        if 8 in lengths:
            kinds.append(f"(?:{desc.national_number_pattern})")
    if 8 not in general.possible_length or not kinds:
        return re.compile("(?!)")  # nothing: every number goes to phonenumbers
    return re.compile(rf"(?=(?:{general.national_number_pattern})\Z)(?:{'|'.join(kinds)})\Z")


_VALID_LOCAL = _valid_local_numbers()


# An import file of 5 MB has at most ~110,000 rows: its phones all fit, so each is
# validated once where the analysis asks again (a row its checks refuse is keyed by its
# cells; a merge checks the joined row). The import empties the cache when it ends.
PHONE_CACHE = 131_072


@lru_cache(maxsize=PHONE_CACHE)
def normalise_phone(text: str) -> str:
    """A typed phone in E.164 (default region Honduras); ``ValueError`` when not valid.

    ``""`` for an empty text. Remembered: an import may ask for a row's phone again, and
    phonenumbers' validation was a fifth of the analysis.
    """
    text = clean(text)
    if not text:
        return ""
    local = _HN_LOCAL.match(text)
    if local is not None:  # the everyday form: parse it without the generic parser
        digits = local.group(1) + local.group(2)
        if _VALID_LOCAL.match(digits):  # phonenumbers' own patterns decide validity
            return f"+504{digits}"
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


def normalise_document(kind: str, text: str) -> tuple[str, str]:
    """(document type, number to store) of a typed identity document; ``ValueError`` with
    the message when its shape is wrong.

    ``kind`` is a key of ``DOCUMENT_TYPES``, or "" (or "ninguno" with a number) to tell a DNI
    (13 digits) or an RTN (14) by the number (imports and older callers). An empty number
    is ``("ninguno", "")``.
    DNI and RTN are stored as digits; a passport or residence card as upper-case letters
    and digits. Whether a DNI's department and municipality exist is ``validation``'s."""
    kind = (kind or "").strip().lower()
    compact = "".join((text or "").replace("-", "").split())
    if kind and kind not in DOCUMENT_TYPES:
        raise ValueError(translate("services.customers", "Elija el tipo de documento de la lista."))
    if not compact:
        return "ninguno", ""
    if kind == "ninguno":  # a number typed over "none" (a record read back): tell it by shape
        kind = ""
    if kind in ("pasaporte", "residente"):
        number = compact.upper()
        if not (
            number.isalnum() and number.isascii() and DOCUMENT_MIN <= len(number) <= DOCUMENT_MAX
        ):
            raise ValueError(
                translate(
                    "services.customers",
                    "El {document} lleva de {min} a {max} letras y números.",
                ).format(
                    document=translate("ServiceLabels", DOCUMENT_TYPES[kind]).lower(),
                    min=DOCUMENT_MIN,
                    max=DOCUMENT_MAX,
                )
            )
        if not any(ch.isdigit() for ch in number):
            raise ValueError(
                translate("services.customers", "El número del documento no tiene dígitos.")
            )
        return kind, number
    number = normalise_id_number(compact)
    if not kind:
        if len(number) == DNI_LENGTH:
            return "dni", number
        if len(number) == RTN_LENGTH:
            return "rtn", number
        raise ValueError(
            translate(
                "services.customers",
                "La identidad debe tener 13 dígitos (DNI) o 14 (RTN); tiene {count}.",
            ).format(count=len(number))
        )
    wanted = DNI_LENGTH if kind == "dni" else RTN_LENGTH
    if len(number) != wanted:
        raise ValueError(
            translate(
                "services.customers", "El {document} debe tener {wanted} dígitos; tiene {count}."
            ).format(document=DOCUMENT_TYPES[kind], wanted=wanted, count=len(number))
        )
    return kind, number


# the documents a file names before the number, in the words of ``DOCUMENT_TYPES`` (Spanish
# whatever the screen's language: the file is data, like its column names), folded
_FILE_DOCUMENT_WORDS = {
    **{fold(DOCUMENT_TYPES[kind]): kind for kind in ("dni", "rtn", "pasaporte", "residente")},
    "residente": "residente",
    "passport": "pasaporte",
    "residence card": "residente",
}


def document_cell(kind: str | None, shown: str) -> str:
    """The Identidad/RTN cell of a file (the customers export): a DNI or RTN as it is shown
    (``0801-1990-12345``), a passport or residence card with its kind in front, the way a
    person reads it (``Pasaporte A12345678``, ``Carné de residente 123456789``), so the one
    seed column says what the number is and the import reads the same document back
    (``read_document_cell``)."""
    if shown and kind in ("pasaporte", "residente"):
        return f"{DOCUMENT_TYPES[kind]} {shown}"
    return shown


def read_document_cell(text: str) -> tuple[str, str]:
    """(document type, number as written) of an imported Identidad/RTN cell, for
    ``normalise_document``.

    ``Pasaporte A12345678``, ``Carné de residente 123…`` (what ``document_cell`` writes;
    also ``DNI …``, ``RTN …``, the English ``passport`` / ``residence card``, any case or
    accents, a colon after the word allowed) give that type. A bare number is told by its
    shape: digits (with dashes or spaces) are a DNI or RTN as always (type ``""``: told
    by the length); letters and digits only, at least one letter (``A12345678``, typed
    by hand), are a passport, since no DNI or RTN has a letter. Anything else (``8.01E+11``
    from a spreadsheet) stays a DNI/RTN and is refused by its check."""
    words = (text or "").split()
    for size in (3, 2, 1):
        if len(words) > size:
            kind = _FILE_DOCUMENT_WORDS.get(fold(" ".join(words[:size])).rstrip(":").strip())
            if kind is not None:
                return kind, " ".join(words[size:]).lstrip(":").strip()
    compact = "".join(words).replace("-", "")
    if compact.isascii() and compact.isalnum() and not compact.isdigit():
        return "pasaporte", compact
    return "", text or ""


def search_text_for(
    name: str, id_tokens: str | None, phone: str, email: str, name_folded: str | None = None
) -> str:
    """The folded text the full-text index is built from.

    Folded name, the identity number's search tokens, phone national digits, E.164 digits
    and the e-mail (``name_folded``: ``fold(name)`` when the caller has it already).
    ``id_tokens`` is ``identity.search_tokens(number)``: keyed hashes of a DNI's or RTN's
    4- and 8-digit prefixes, never the number (encrypted at rest, schema 14).

    Only the name and the e-mail may hold lower-case letters: a search by words walks an
    index of those two alone on PostgreSQL (``search._name_walk_conditions``; the rule is
    tested in ``tests/unit/test_name_walk_index.py``).
    """
    parts = [
        fold(name) if name_folded is None else name_folded,
        id_tokens or "",
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
    """The age on ``day`` from a date of birth, or from an age declared on ``recorded_on``.

    A declared age is never projected backwards: someone who said "35" on ``recorded_on``
    was, on an earlier day, at least 35 minus the years between (one less when the day is
    not the same day of the year), which is the age given; later days add the whole years
    since. Both are the least age the person can have had, so an age discount is never
    granted on a guess."""
    if isinstance(day, dt.datetime):
        day = day.date()
    if date_of_birth is not None:
        return max(years_between(date_of_birth, day), 0)
    if age is None:
        return None
    if recorded_on is None:
        return age
    if day >= recorded_on:
        return age + years_between(recorded_on, day)
    back = years_between(day, recorded_on)
    same_day = (day.month, day.day) == (recorded_on.month, recorded_on.day)
    return max(age - back - (0 if same_day else 1), 0)


_AGE_UNITS = {
    "": "",
    "a": "",
    "ano": "",
    "anos": "",
    "y": "",
    "m": "m",
    "mes": "m",
    "meses": "m",
    "d": "d",
    "dia": "d",
    "dias": "d",
}
_AGE_TEXT = re.compile(r"(\d{1,3})\s*([a-z]*)\Z")


def parse_age(text: str) -> tuple[int, str] | None:
    """A typed age: ``"35"`` → ``(35, "")`` years, ``"8m"`` → ``(8, "m")`` months, ``"3d"``
    → ``(3, "d")`` days ("años", "meses", "días" spelled out work too); None when empty;
    ``ValueError`` with the message when it is not an age."""
    folded = fold(text or "").strip()
    if not folded:
        return None
    match = _AGE_TEXT.match(folded)
    unit = _AGE_UNITS.get(match.group(2)) if match else None
    if match is None or unit is None:
        raise ValueError(
            translate(
                "services.customers",
                "Escriba la edad en años (35), meses (8m) o días (3d).",
            )
        )
    amount = int(match.group(1))
    limit = {"": MAX_AGE, "m": MAX_AGE_MONTHS, "d": MAX_AGE_DAYS}[unit]
    if amount > limit:
        raise ValueError(
            {
                "": translate("services.customers", "La edad debe estar entre 0 y {max} años."),
                "m": translate(
                    "services.customers", "En meses, la edad llega hasta {max}; use años."
                ),
                "d": translate(
                    "services.customers", "En días, la edad llega hasta {max}; use meses."
                ),
            }[unit].format(max=limit)
        )
    return amount, unit


def age_years(amount: int, unit: str) -> int:
    """Whole years of a declared age in its unit."""
    if unit == "m":
        return amount // 12
    if unit == "d":
        return amount * 10_000 // 3_652_425
    return amount


def declared_age_text(
    age: int | None, declared: str, recorded_on: dt.date | None, day: dt.date
) -> str:
    """The declared age as the desk types it, grown (or shrunk) to ``day``: "36", "10m",
    "5d"; months and days turn into the next unit once they are large."""
    if age is None:
        return ""
    parsed = None
    try:
        # whole years ("35", most patients) need no parsing: the years below
        parsed = parse_age(declared) if declared and not declared.isdigit() else None
    except ValueError:
        parsed = None
    if parsed is None or parsed[1] == "" or recorded_on is None:
        years = age_from(None, age, recorded_on, day)
        return "" if years is None else str(years)
    amount, unit = parsed
    if unit == "m":
        months = max(amount + _months_between(recorded_on, day), 0)
        return f"{months}m" if months < 24 else str(months // 12)
    total = max(amount + (day - recorded_on).days, 0)
    if total < 31:
        return f"{total}d"
    months = total * 120_000 // 3_652_425  # days → whole months (365.2425 days a year)
    return f"{months}m" if months < 24 else str(total * 10_000 // 3_652_425)


def _months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from ``start`` to ``end``; negative (and rounded away from zero, the
    least age) when ``end`` is earlier."""
    if end >= start:
        return (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)
    back = (start.year - end.year) * 12 + start.month - end.month - (start.day < end.day)
    return -back - (end.day != start.day)


def age_label(text: str) -> str:
    """ "35" → "35 años", "8m" → "8 meses", "1d" → "1 día" (in the active language)."""
    try:
        parsed = parse_age(text)
    except ValueError:
        return text
    if parsed is None:
        return ""
    amount, unit = parsed
    if unit == "m":
        if amount == 1:
            return translate("services.customers", "1 mes")
        return translate("services.customers", "{n} meses").format(n=amount)
    if unit == "d":
        if amount == 1:
            return translate("services.customers", "1 día")
        return translate("services.customers", "{n} días").format(n=amount)
    if amount == 1:
        return translate("services.customers", "1 año")
    return translate("services.customers", "{n} años").format(n=amount)


# what ``age_from`` reads of a stored customer, in its order
AGE_COLUMNS = (Customer.date_of_birth, Customer.age, Customer.age_recorded_on)


def age_text(
    date_of_birth: dt.date | None,
    age: int | None,
    declared: str,
    recorded_on: dt.date | None,
    day: dt.date,
    short: bool = False,
) -> str:
    """The age people read on ``day``, from the date of birth or the declared age: «35
    años», «1 año», and a baby's «8 meses» or «3 días» (under a month in days, under two
    years in months, as a declared «8m» or «3d» grows: ``declared_age_text``), never «0
    años». With ``short`` the tube label's «35 a», «8 m», «3 d» (``documents.tube_labels``
    words them in the active language). "" when the age is unknown. The one rule of the
    entry, the request summary and the labels."""
    if isinstance(day, dt.datetime):
        day = day.date()
    typed = _typed_age(date_of_birth, age, declared, recorded_on, day)
    if not short or not typed:
        return age_label(typed)
    parsed = parse_age(typed)
    assert parsed is not None  # typed is not empty
    amount, unit = parsed
    return f"{amount} {unit or 'a'}"


def _typed_age(
    date_of_birth: dt.date | None,
    age: int | None,
    declared: str,
    recorded_on: dt.date | None,
    day: dt.date,
) -> str:
    """``age_text``'s age as the desk types it on ``day``: "35", "8m", "3d" ("" unknown)."""
    if date_of_birth is None:
        return declared_age_text(age, declared or "", recorded_on, day)
    months = _months_between(date_of_birth, day)
    if months < 1:
        return f"{max((day - date_of_birth).days, 0)}d"
    return f"{months}m" if months < 24 else str(years_between(date_of_birth, day))


def age_texts(day: dt.date) -> Callable[[dt.date | None, int | None, str, dt.date | None], str]:
    """``age_text`` on ``day`` for many rows (a list's page): ``(date_of_birth, age,
    declared, recorded_on) -> text``. Each different age is worded once (a page of 200
    rows holds a few dozen ages; wording one costs more than finding it)."""
    words: dict[str, str] = {}

    def text(
        date_of_birth: dt.date | None, age: int | None, declared: str, recorded_on: dt.date | None
    ) -> str:
        typed = _typed_age(date_of_birth, age, declared, recorded_on, day)
        worded = words.get(typed)
        if worded is None:
            worded = words[typed] = intern(age_label(typed))
        return worded

    return text


def age_text_on(customer_id: int, day: dt.date, short: bool = False) -> str:
    """``age_text`` of a stored customer on ``day``."""
    session.require("patients.view")
    row = (
        Customer.select(*AGE_COLUMNS, Customer.age_declared)
        .where(Customer.id == customer_id)
        .tuples()
        .first()
    )
    if row is None:
        raise _missing(customer_id)
    date_of_birth, age, recorded_on, declared = row
    return age_text(date_of_birth, age, declared, recorded_on, day, short)


def age_on(customer_id_or_data: Any, day: dt.date) -> int | None:
    """Age of a customer on ``day``: an id, a ``CustomerData``, a ``Customer`` or a dict."""
    item = customer_id_or_data
    if isinstance(item, int):
        session.require("patients.view")
        row = Customer.select(*AGE_COLUMNS).where(Customer.id == item).dicts().first()
        if row is None:
            raise _missing(item)
        return age_from(row["date_of_birth"], row["age"], row["age_recorded_on"], day)
    if isinstance(item, dict):
        return age_from(
            item.get("date_of_birth"), item.get("age"), item.get("age_recorded_on"), day
        )
    if isinstance(item, CustomerData):
        # a form's age is the age today (see ``get``)
        age = item.age
        if item.age_text and item.date_of_birth is None:
            try:
                parsed = parse_age(item.age_text)
            except ValueError:
                parsed = None
            age = age_years(*parsed) if parsed else age
        return age_from(item.date_of_birth, age, dt.date.today(), day)
    return age_from(
        getattr(item, "date_of_birth", None),
        getattr(item, "age", None),
        getattr(item, "age_recorded_on", None),
        day,
    )
