"""What the request entry's pickers show: a patient, a doctor, an investigation, and
the new-patient form filled from what was typed in the patient field."""

from __future__ import annotations

from collections.abc import Callable

from ...i18n import translate
from ...services import customers as customers_service
from ...services.catalog import referrers as referrers_service
from ...services.paging import PageRequest
from ...util.money import format_lempiras
from ..widgets.lookup_edit import LookupEdit

PATIENT_LIMIT = 20
DOCTOR_LIMIT = 20


# --- pickers' text ---------------------------------------------------------------------
def describe_patient(row: dict) -> str:
    parts = [row.get("name") or ""]
    extra = []
    if row.get("id_number"):
        extra.append(str(row["id_number"]))
    if row.get("age_label"):  # "35 años", a baby's "3 meses" (customers.age_text)
        extra.append(row["age_label"])
    if row.get("gender"):
        extra.append(str(row["gender"]))
    if row.get("phone"):
        extra.append(str(row["phone"]))
    if extra:
        parts.append(" · ".join(extra))
    return "  —  ".join(parts)


def patient_details(row: dict) -> str:
    extra = []
    if row.get("id_number"):
        extra.append(
            translate("requests.request_entry", "Identidad {id_number}").format(
                id_number=row["id_number"]
            )
        )
    extra.append(
        row.get("age_label")  # "35 años", a baby's "8 meses" or "3 días" (customers.age_text)
        or translate("requests.request_entry", "edad desconocida")
    )
    if row.get("gender"):
        extra.append(str(row["gender"]))
    if row.get("phone"):
        extra.append(str(row["phone"]))
    return " · ".join(extra)


def describe_doctor(row: dict) -> str:
    """A picker's line; a deactivated doctor (a list's filter offers them) says so."""
    name = str(row.get("name", ""))
    if row.get("active") is False:
        name += translate("requests.request_entry", " (inactivo)")
    extra = [str(row[k]) for k in ("type", "institution", "phone") if row.get(k)]
    return f"{name}  —  {' · '.join(extra)}" if extra else name


def doctor_row(referrer_id: int) -> dict:
    """A referrer as the doctor picker gives it (name, type, institution, phone)."""
    data = referrers_service.get(referrer_id)
    return {
        "id": data.id,
        "name": data.name,
        "type": data.type_name,
        "type_id": data.type_id,
        "institution": data.institution,
        "phone": referrers_service.format_phone(data.phone),
        "email": data.email,
        "active": data.active,
    }


def doctor_details(row: dict) -> str:
    return " · ".join(str(row[k]) for k in ("type", "institution", "phone") if row.get(k))


def describe_investigation(row: dict) -> str:
    panel = translate("requests.request_entry", "  [panel]") if row.get("is_panel") else ""
    sample = f" · {row['sample_type']}" if row.get("sample_type") else ""
    price = format_lempiras(row.get("price"))
    return f"{row.get('code', '')}  {row.get('name', '')}{panel}{sample} · {price}"


def initial_customer(typed: str) -> customers_service.CustomerData:
    """What the receptionist already typed in the patient field, for the new-patient form."""
    data = customers_service.CustomerData(type="cliente")
    digits = "".join(ch for ch in typed if ch.isdigit())
    if digits and len(digits) >= len(typed.replace("-", "").replace(" ", "")) - 1:
        if len(digits) in (13, 14):
            data.id_number = digits
        else:
            data.phone = digits
        return data
    words = typed.split()
    if len(words) >= 2:
        half = len(words) // 2 if len(words) != 3 else 1
        data.first_name, data.last_name = " ".join(words[:half]), " ".join(words[half:])
    else:
        data.first_name = typed
    return data


def search_patients(text: str) -> list[dict]:
    page = customers_service.page(
        customers_service.CustomerFilter(search=text), PageRequest(limit=PATIENT_LIMIT)
    )
    return page.rows


def search_doctors(
    text: str, type_id: int | None = None, include_inactive: bool = False
) -> list[dict]:
    return referrers_service.search(
        text, limit=DOCTOR_LIMIT, type_id=type_id, include_inactive=include_inactive
    )


# --- the pickers -----------------------------------------------------------------------
def patient_lookup(placeholder: str) -> LookupEdit:
    """A patient picker: name, identity or phone (from 2 characters)."""
    return LookupEdit(
        search_patients,
        describe_patient,
        placeholder,
        display=lambda r: r.get("name", ""),
        min_chars=2,
    )


def doctor_lookup(
    placeholder: str,
    type_of: Callable[[], int | None] | None = None,
    include_inactive: bool = False,
) -> LookupEdit:
    """A referring doctor or institution picker; ``type_of()``: only referrers of that
    type (None: every type); ``include_inactive``: deactivated ones too, marked (a
    filter over past requests, not a new request's doctor)."""
    return LookupEdit(
        lambda text: search_doctors(
            text, type_of() if type_of is not None else None, include_inactive
        ),
        describe_doctor,
        placeholder,
        display=lambda r: r.get("name", ""),
    )
