"""The audit trail in words (issue 16): what an audit row's ids and codes mean to a person.

An audit row stores ids (``patient_id: 12``, ``entity_id: 7``) and codes (``status:
pending``, ``net_amount: 430.000``). The viewer shows instead the request number with the
patient's name, the doctor's and branch's names, «Pendiente → Muestra tomada», «L 430.00».

``names_for(rows)`` looks every id of a page up at once: one query per kind of record,
never one per row. The label dictionaries of the other domains are imported inside the
functions (their ``types`` modules import nothing that records audit rows).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

from ...db.models import (
    Branch,
    Customer,
    Department,
    Gender,
    Investigation,
    LabRequest,
    Municipality,
    Referrer,
    ReferrerType,
    Role,
    User,
)
from ...db.models_notify import Outbox
from ...util.money import format_lempiras
from ..reference import gender_label
from ..texts import QT_TRANSLATE_NOOP, label, translate
from . import session
from .permissions import role_label

# which kind of record an id field (or a row's entity) points to
ID_FIELDS: dict[str, str] = {
    "patient_id": "customer",
    "customer_id": "customer",
    "doctor_id": "referrer",
    "referrer_id": "referrer",
    "branch_id": "branch",
    "type_id": "referrer_type",
    "gender_id": "gender",
    "department_id": "department",
    "municipality_id": "municipality",
    "investigation_id": "investigation",
    "member_ids": "investigation",
    "user_id": "user",
    "role_id": "role",
    "lab_request_id": "lab_request",
    "investigation": "investigation_code",  # add/remove investigation record the code
}
PHONE_FIELDS = frozenset({"phone", "secondary_phone"})
ID_NUMBER_FIELDS = frozenset({"id_number"})
MONEY_FIELDS = frozenset(
    {"price", "old_price", "new_price", "total_amount", "discount_amount", "net_amount"}
)
PERCENT_FIELDS = frozenset({"discount_percent", "age_discount_senior", "age_discount_elder"})

# labels for the fields and actions the services record beyond ``audit``'s own lists
MORE_FIELD_LABELS: dict[str, str] = {
    "request_number": QT_TRANSLATE_NOOP("services.audit", "Número de solicitud"),
    "discount_kind": QT_TRANSLATE_NOOP("services.audit", "Tipo de descuento"),
    "investigation": QT_TRANSLATE_NOOP("services.audit", "Investigación"),
    "investigation_id": QT_TRANSLATE_NOOP("services.audit", "Investigación"),
    "lines": QT_TRANSLATE_NOOP("services.audit", "Investigaciones"),
    "document_type": QT_TRANSLATE_NOOP("services.audit", "Tipo de documento"),
    "incomplete": QT_TRANSLATE_NOOP("services.audit", "Datos incompletos"),
    "whatsapp_consent": QT_TRANSLATE_NOOP("services.audit", "Consentimiento de WhatsApp"),
    "consent_by": QT_TRANSLATE_NOOP("services.audit", "Consentimiento registrado por"),
    "consent_how": QT_TRANSLATE_NOOP("services.audit", "Cómo dio el consentimiento"),
    "consent_events": QT_TRANSLATE_NOOP("services.audit", "Mensajes aceptados"),
    "customer_id": QT_TRANSLATE_NOOP("services.audit", "Paciente"),
    "referrer_id": QT_TRANSLATE_NOOP("services.audit", "Remitente"),
    "user_id": QT_TRANSLATE_NOOP("services.audit", "Usuario"),
    "role_id": QT_TRANSLATE_NOOP("services.audit", "Rol"),
    "lab_request_id": QT_TRANSLATE_NOOP("services.audit", "Solicitud"),
    "old_price": QT_TRANSLATE_NOOP("services.audit", "Precio anterior"),
    "new_price": QT_TRANSLATE_NOOP("services.audit", "Precio nuevo"),
    "requested_at": QT_TRANSLATE_NOOP("services.audit", "Fecha de solicitud"),
    "completed_at": QT_TRANSLATE_NOOP("services.audit", "Fecha de finalización"),
    "cancelled_at": QT_TRANSLATE_NOOP("services.audit", "Fecha de cancelación"),
    "kept_as_balance": QT_TRANSLATE_NOOP("services.audit", "Queda como saldo a favor"),
}
MORE_ACTION_LABELS: dict[str, str] = {
    "start_lines": QT_TRANSLATE_NOOP("ServiceLabels", "Investigaciones en proceso"),
    "release_lines": QT_TRANSLATE_NOOP("ServiceLabels", "Resultados listos"),
    "notify_retry": QT_TRANSLATE_NOOP("ServiceLabels", "Reintentar mensaje"),
    "notify_cancel": QT_TRANSLATE_NOOP("ServiceLabels", "Cancelar mensaje"),
    "notify_open_link": QT_TRANSLATE_NOOP("ServiceLabels", "Abrir en WhatsApp"),
    "notify_token": QT_TRANSLATE_NOOP("ServiceLabels", "Token de WhatsApp"),
    "notify_resume": QT_TRANSLATE_NOOP("ServiceLabels", "Reanudar envíos de WhatsApp"),
}
MORE_ENTITY_LABELS: dict[str, str] = {
    "outbox": QT_TRANSLATE_NOOP("ServiceLabels", "Mensaje de WhatsApp"),
}


# --- names of records ---------------------------------------------------------------------
def _request_names(ids: set[int]) -> dict[int, str]:
    query = (
        LabRequest.select(LabRequest.id, LabRequest.request_number, Customer.name)
        .join(Customer, on=(LabRequest.patient == Customer.id))
        .where(LabRequest.id.in_(ids))
        .tuples()
    )
    return {rid: f"{number} · {name}" for rid, number, name in query}


def _pairs(
    model: Any, *fields: Any, fmt: Callable[..., str] | None = None
) -> Callable[[set[int]], dict[int, str]]:
    """A name look-up for ``model``: ``fields`` of each id, joined by ``fmt`` (or the first
    field as text)."""

    def lookup(ids: set[int]) -> dict[int, str]:
        query = model.select(model.id, *fields).where(model.id.in_(ids)).tuples()
        return {row[0]: (fmt(*row[1:]) if fmt else str(row[1])) for row in query}

    return lookup


def _outbox_names(ids: set[int]) -> dict[int, str]:
    query = (
        Outbox.select(Outbox.id, LabRequest.request_number, Outbox.phone)
        .join(LabRequest, on=(Outbox.lab_request_id == LabRequest.id), join_type="LEFT OUTER")
        .where(Outbox.id.in_(ids))
        .tuples()
    )
    return {
        mid: translate("services.audit", "Mensaje de {number}").format(number=number)
        if number
        else translate("services.audit", "Mensaje a {phone}").format(phone=phone)
        for mid, number, phone in query
    }


def _investigation_codes(codes: set) -> dict:
    query = (
        Investigation.select(Investigation.code, Investigation.name)
        .where(Investigation.code.in_(codes))
        .tuples()
    )
    return {code: f"{code} — {name}" for code, name in query}


RESOLVERS: dict[str, Callable[[set], dict]] = {
    "investigation_code": _investigation_codes,
    "lab_request": _request_names,
    "customer": _pairs(Customer, Customer.name),
    "referrer": _pairs(Referrer, Referrer.name),
    "referrer_type": _pairs(ReferrerType, ReferrerType.name),
    "investigation": _pairs(
        Investigation,
        Investigation.code,
        Investigation.name,
        fmt=lambda code, name: f"{code} — {name}",
    ),
    "branch": _pairs(Branch, Branch.name, Branch.code, fmt=lambda name, code: f"{name} ({code})"),
    "gender": _pairs(Gender, Gender.name, fmt=gender_label),
    "department": _pairs(Department, Department.name),
    "municipality": _pairs(Municipality, Municipality.name),
    "user": _pairs(
        User,
        User.username,
        User.full_name,
        fmt=lambda username, full: f"{username} ({full})" if full else username,
    ),
    "role": _pairs(Role, Role.name, fmt=role_label),
    "outbox": _outbox_names,
}


def _ids(value: object, kind: str = "") -> Iterator[Any]:
    """The record ids (or investigation codes) an audited value holds."""
    values = value if isinstance(value, list) else [value]
    for item in values:
        if kind == "investigation_code":
            if isinstance(item, str) and item:
                yield item
            continue
        if isinstance(item, bool):
            continue
        if isinstance(item, int):
            yield item
        elif isinstance(item, str) and item.isdigit():
            yield int(item)


def names_for(rows: list[dict]) -> dict[tuple[str, int], str]:
    """``{(kind, id): name}`` for every record a page of rows points to (its entity and the
    id fields of its changes); one query per kind. Only for who may read the audit."""
    session.require("audit.view")
    wanted: dict[str, set[int]] = defaultdict(set)
    for row in rows:
        if row.get("entity") in RESOLVERS and row.get("entity_id") is not None:
            wanted[row["entity"]].add(int(row["entity_id"]))
        for key, (old, new) in (row.get("changes") or {}).items():
            kind = ID_FIELDS.get(key)
            if kind is None:
                continue
            for value in (old, new):
                wanted[kind].update(_ids(value, kind))
    names: dict[tuple[str, int], str] = {}
    for kind, ids in wanted.items():
        if ids:
            names.update(((kind, rid), text) for rid, text in RESOLVERS[kind](ids).items())
    return names


def record_text(row: dict, names: dict[tuple[str, int], str]) -> str:
    """«Solicitud LAB-2026-000001 · Sofía Reyes», «Paciente/empresa Sofía Reyes», «Reporte»."""
    entity_id = row.get("entity_id")
    if entity_id is None:
        return row["entity_label"]
    name = names.get((row["entity"], int(entity_id)))
    if name is None:  # the record is gone (a deleted role, a wiped message): say which one
        name = translate("services.audit", "n.º {id}").format(id=entity_id)
    return f"{row['entity_label']} {name}"


# --- values in words ----------------------------------------------------------------------
def _vocabulary(entity: str, key: str) -> dict[str, str]:
    from ..customers import types as customer_types
    from ..notify import events
    from ..requests import types as request_types

    if key == "status":
        return events.STATUS_LABELS if entity == "outbox" else request_types.STATUS_LABELS
    return {
        "priority": request_types.PRIORITY_LABELS,
        "source": request_types.SOURCE_LABELS,
        "discount_kind": request_types.DISCOUNT_KIND_LABELS,
        "type": customer_types.TYPE_LABELS if entity == "customer" else {},
        "document_type": customer_types.DOCUMENT_TYPES,
        "consent_how": customer_types.CONSENT_HOW_LABELS,
    }.get(key, {})


def _date_text(value: str) -> str | None:
    try:
        if len(value) == 10:
            return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
        return dt.datetime.fromisoformat(value).strftime("%d/%m/%Y %H:%M")
    except ValueError:
        return None


def _empty() -> str:
    return translate("services.audit", "(vacío)")


def value_text(
    entity: str,
    key: str,
    value: object,
    names: dict[tuple[str, int], str],
    shown: Callable[[object], str],
) -> str:
    """One stored value as a person reads it."""
    if value is None or value == "" or value == []:
        return _empty()
    kind = ID_FIELDS.get(key)
    if kind is not None and not isinstance(value, bool):
        ids = list(_ids(value, kind))
        if kind == "investigation_code":
            return ", ".join(names.get((kind, code), code) for code in ids)
        if ids:
            return ", ".join(
                names.get((kind, rid), translate("services.audit", "n.º {id}").format(id=rid))
                for rid in ids
            )
    if key == "role" and entity == "user" and isinstance(value, str):
        return role_label(value)
    if key in PHONE_FIELDS and isinstance(value, str):
        from ..customers.formats import format_phone

        return format_phone(value)
    if key in ID_NUMBER_FIELDS and isinstance(value, str) and "*" not in value:
        from ..customers.formats import format_id_number

        return format_id_number(value)
    if key in MONEY_FIELDS:
        try:
            return format_lempiras(Decimal(str(value)))
        except (InvalidOperation, ValueError):
            return str(value)
    if key in PERCENT_FIELDS and not isinstance(value, bool):
        try:
            number = Decimal(str(value)).normalize()
            return f"{number:f} %"
        except (InvalidOperation, ValueError):
            return str(value)
    vocabulary = _vocabulary(entity, key) if isinstance(value, str) else {}
    if value in vocabulary:
        if entity == "outbox":
            return translate("services.notify", vocabulary[value])
        return label(vocabulary, value)
    if isinstance(value, str) and value[:4].isdigit() and value[4:5] == "-":
        date = _date_text(value)
        if date is not None:
            return date
    return shown(value)
