"""The customer's data classes and vocabulary: the record as the services take and give it,
the list filter and sorts, type labels, field limits."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from types import MappingProxyType

from ...db.models import Customer
from ..texts import QT_TRANSLATE_NOOP, translate

TYPE_LABELS = {
    "cliente": QT_TRANSLATE_NOOP("ServiceLabels", "Paciente"),
    "empresa": QT_TRANSLATE_NOOP("ServiceLabels", "Empresa"),
}
DEFAULT_COUNTRY = "Honduras"
DEFAULT_REGION = "HN"
MAX_AGE = 130
DNI_LENGTH = 13
RTN_LENGTH = 14

# Identity documents (issue 16 D): babies and foreigners have no DNI.
DOCUMENT_TYPES = {
    "dni": QT_TRANSLATE_NOOP("ServiceLabels", "DNI"),
    "rtn": QT_TRANSLATE_NOOP("ServiceLabels", "RTN"),
    "pasaporte": QT_TRANSLATE_NOOP("ServiceLabels", "Pasaporte"),
    "residente": QT_TRANSLATE_NOOP("ServiceLabels", "Carné de residente"),
    "ninguno": QT_TRANSLATE_NOOP("ServiceLabels", "Ninguno"),
}
# How a patient gave WhatsApp consent (NOTIFICATIONS.md: "record who consented, when, how
# and for which messages"). «No registrado» only for the consents recorded before schema
# 22 said how: a consent given or changed now says how it was given.
CONSENT_HOW_LABELS = {
    "in_person": QT_TRANSLATE_NOOP("ServiceLabels", "En persona en la recepción"),
    "written": QT_TRANSLATE_NOOP("ServiceLabels", "Por escrito (formulario firmado)"),
    "phone": QT_TRANSLATE_NOOP("ServiceLabels", "Por teléfono"),
    "whatsapp": QT_TRANSLATE_NOOP("ServiceLabels", "Por WhatsApp"),
    "unknown": QT_TRANSLATE_NOOP("ServiceLabels", "No registrado"),
}
CONSENT_HOW_UNKNOWN = "unknown"
DOCUMENT_MIN, DOCUMENT_MAX = 5, 20  # letters and digits of a passport or residence card
MAX_AGE_MONTHS = 36  # "8m": babies and toddlers
MAX_AGE_DAYS = 366  # "3d": newborns

# translated when raised: ``conflict_message()``
CONFLICT_MESSAGE = QT_TRANSLATE_NOOP(
    "services.customers",
    "Otro usuario modificó este cliente después de que usted lo abrió. "
    "Vuelva a abrirlo para ver los datos actuales.",
)


def conflict_message() -> str:
    return translate("services.customers", CONFLICT_MESSAGE)


_MAX_LENGTHS = {
    "name": 200,
    "first_name": 100,
    "last_name": 100,
    "email": 254,
    "postal_code": 20,
    "country": 60,
    "external_file": 100,
    "address": 500,
    "address2": 500,
    "notes": 4000,
}
# the same limits for a screen's fields (a field shorter than its limit cut a stored
# value that it showed and then saved: an address of 450 characters became 300)
MAX_LENGTHS = MappingProxyType(_MAX_LENGTHS)

# Errors that an ``incomplete`` (imported) record may keep.
_MISSING_OK_WHEN_INCOMPLETE = {
    "id_number",
    "age",
    "gender_id",
    "phone",
    "department_id",
    "municipality_id",
}


@dataclass(slots=True)
class CustomerData:
    """The form's data, for create/update/get."""

    id: int | None = None
    uid: str = ""
    type: str = "cliente"
    name: str = ""
    first_name: str = ""
    last_name: str = ""
    id_number: str = ""  # the user may type dashes; get() returns digits only
    document_type: str = ""  # a key of DOCUMENT_TYPES; "" = told by the number (DNI/RTN)
    gender_id: int | None = None
    date_of_birth: dt.date | None = None
    age: int | None = None  # declared age when there is no date of birth
    # the declared age as typed: "35" (years), "8m" (months), "3d" (days); wins over ``age``
    age_text: str = ""
    phone: str = ""
    secondary_phone: str = ""
    email: str = ""
    department_id: int | None = None
    municipality_id: int | None = None
    address: str = ""
    address2: str = ""
    postal_code: str = ""
    country: str = DEFAULT_COUNTRY
    external_file: str = ""
    notes: str = ""
    is_blocked: bool = False
    # WhatsApp notices (issue 18): "yes", "no" or "" (not asked); when and who recorded it
    whatsapp_consent: str = ""
    consent_at: dt.datetime | None = None
    consent_by: str = ""
    # with "yes": how (a key of CONSENT_HOW_LABELS) and the kinds of message accepted,
    # event codes of services/notify/events.py, comma-separated ("received,ready")
    consent_how: str = ""
    consent_events: str = ""
    active: bool = True
    incomplete: bool = False
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    version: int = 1


# --- lists and search (the SQL is in ``customer_search``) ----------------------------------


@dataclass
class CustomerFilter:
    search: str = ""
    type: str | None = None  # "cliente" | "empresa"
    gender_id: int | None = None
    department_id: int | None = None
    municipality_id: int | None = None
    include_inactive: bool = False  # administrators reactivating
    incomplete_only: bool = False  # "Incompletos" (imported with missing data)


# sort name -> the column the list is ordered by (then by id)
SORTS = {
    "name": Customer.name_folded,
    "created_at": Customer.created_at,
    # the numbers are encrypted (a fresh nonce each): the header sorts by the kind of
    # document, then by registration (db/search.py DOCUMENT_ORDER_INDEX)
    "id_number": Customer.document_type,
    "phone": Customer.phone,
}
DEFAULT_SORT = "name"
COUNT_CAP = 10_000
