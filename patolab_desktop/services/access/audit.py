"""The audit trail: who did what, when, to which record, and which fields changed.

Rows live in the database table ``audit_log`` only. Nothing here writes to the
``logging`` files: an audit row may hold an id number or clinical text, which must
never reach a plain log file. Services call ``record`` inside the same transaction
as the change, so a change that rolls back leaves no audit row and vice versa.

Conventions (so the viewer's filters work): ``action`` is a verb from
``ACTION_LABELS`` and ``entity`` a noun from ``ENTITY_LABELS``; ``changes`` is
``{field: (old, new)}`` as produced by ``diff(before, after)``.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import json
import logging
import sys
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, ParamSpec

from ...db.models import AuditLog, User, now
from .. import identity, phrases
from ..errors import PermissionDenied
from ..paging import Page, PageRequest, cursor_by, keyset_page
from ..texts import QT_TRANSLATE_NOOP, label, translate
from . import audit_words, permissions, session


def quiet_sql_logging() -> None:
    """peewee logs every statement WITH its parameters at DEBUG: id numbers, clinical text
    and password hashes would reach the log files if anyone switched DEBUG on. Keep that
    logger at INFO whatever the root level is (called at import; idempotent)."""
    logging.getLogger("peewee").setLevel(logging.INFO)


quiet_sql_logging()

ACTION_LABELS: dict[str, str] = {
    "create": QT_TRANSLATE_NOOP("ServiceLabels", "Crear"),
    "update": QT_TRANSLATE_NOOP("ServiceLabels", "Modificar"),
    "deactivate": QT_TRANSLATE_NOOP("ServiceLabels", "Desactivar"),
    "reactivate": QT_TRANSLATE_NOOP("ServiceLabels", "Reactivar"),
    "delete": QT_TRANSLATE_NOOP("ServiceLabels", "Eliminar"),
    "status_change": QT_TRANSLATE_NOOP("ServiceLabels", "Cambio de estado"),
    "cancel": QT_TRANSLATE_NOOP("ServiceLabels", "Cancelar"),
    "add_investigation": QT_TRANSLATE_NOOP("ServiceLabels", "Agregar investigación"),
    "remove_investigation": QT_TRANSLATE_NOOP("ServiceLabels", "Quitar investigación"),
    "discount": QT_TRANSLATE_NOOP("ServiceLabels", "Descuento"),
    "price_change": QT_TRANSLATE_NOOP("ServiceLabels", "Cambio de precio"),
    "export": QT_TRANSLATE_NOOP("ServiceLabels", "Exportar"),
    "import": QT_TRANSLATE_NOOP("ServiceLabels", "Importar"),
    "print": QT_TRANSLATE_NOOP("ServiceLabels", "Imprimir"),
    "login": QT_TRANSLATE_NOOP("ServiceLabels", "Inicio de sesión"),
    "login_failed": QT_TRANSLATE_NOOP("ServiceLabels", "Intento fallido de acceso"),
    "account_locked": QT_TRANSLATE_NOOP("ServiceLabels", "Cuenta bloqueada"),
    "logout": QT_TRANSLATE_NOOP("ServiceLabels", "Cierre de sesión"),
    "password_change": QT_TRANSLATE_NOOP("ServiceLabels", "Cambio de contraseña"),
    "password_reset": QT_TRANSLATE_NOOP("ServiceLabels", "Contraseña restablecida"),
    "account_unlock": QT_TRANSLATE_NOOP("ServiceLabels", "Cuenta desbloqueada"),
    "permission_grant": QT_TRANSLATE_NOOP("ServiceLabels", "Permiso concedido"),
    "permission_revoke": QT_TRANSLATE_NOOP("ServiceLabels", "Permiso retirado"),
    # charging at the desk (issue 17)
    "billing.authorisation.add": QT_TRANSLATE_NOOP("ServiceLabels", "Registrar autorización CAI"),
    "billing.authorisation.edit": QT_TRANSLATE_NOOP("ServiceLabels", "Corregir autorización CAI"),
    "billing.authorisation.end": QT_TRANSLATE_NOOP("ServiceLabels", "Cerrar autorización CAI"),
    "billing.invoice.issue": QT_TRANSLATE_NOOP("ServiceLabels", "Emitir factura"),
    "billing.invoice.void": QT_TRANSLATE_NOOP("ServiceLabels", "Anular factura"),
    "billing.credit_note.issue": QT_TRANSLATE_NOOP("ServiceLabels", "Emitir nota de crédito"),
    "billing.cash.open": QT_TRANSLATE_NOOP("ServiceLabels", "Abrir caja"),
    "billing.cash.close": QT_TRANSLATE_NOOP("ServiceLabels", "Cerrar caja"),
    "billing.cash.confirm": QT_TRANSLATE_NOOP("ServiceLabels", "Confirmar cierre de caja"),
    "billing.credit.set": QT_TRANSLATE_NOOP("ServiceLabels", "Crédito de empresa"),
    "billing.abono": QT_TRANSLATE_NOOP("ServiceLabels", "Abono"),
    "settings_change": QT_TRANSLATE_NOOP("ServiceLabels", "Cambio de configuración"),
    "backup": QT_TRANSLATE_NOOP("ServiceLabels", "Copia de seguridad"),
    "restore": QT_TRANSLATE_NOOP("ServiceLabels", "Restauración"),
}

ENTITY_LABELS: dict[str, str] = {
    "customer": QT_TRANSLATE_NOOP("ServiceLabels", "Paciente/empresa"),
    "referrer": QT_TRANSLATE_NOOP("ServiceLabels", "Remitente"),
    "referrer_type": QT_TRANSLATE_NOOP("ServiceLabels", "Tipo de remitente"),
    "investigation": QT_TRANSLATE_NOOP("ServiceLabels", "Investigación"),
    "branch": QT_TRANSLATE_NOOP("ServiceLabels", "Sucursal"),
    "lab_request": QT_TRANSLATE_NOOP("ServiceLabels", "Solicitud"),
    "user": QT_TRANSLATE_NOOP("ServiceLabels", "Usuario"),
    "role": QT_TRANSLATE_NOOP("ServiceLabels", "Rol"),
    "setting": QT_TRANSLATE_NOOP("ServiceLabels", "Configuración"),
    "database": QT_TRANSLATE_NOOP("ServiceLabels", "Base de datos"),
    "report": QT_TRANSLATE_NOOP("ServiceLabels", "Reporte"),
    "fiscal_document": QT_TRANSLATE_NOOP("ServiceLabels", "Documento fiscal"),
    "fiscal_authorisation": QT_TRANSLATE_NOOP("ServiceLabels", "Autorización CAI"),
    "cash_session": QT_TRANSLATE_NOOP("ServiceLabels", "Caja"),
}

ACTION_LABELS.update(audit_words.MORE_ACTION_LABELS)
ENTITY_LABELS.update(audit_words.MORE_ENTITY_LABELS)

# Field names shown in the viewer (in the active language); unknown names are shown as
# they are. The label dicts hold the Spanish source, translated when a row is read.
FIELD_LABELS: dict[str, str] = {
    "name": QT_TRANSLATE_NOOP("services.audit", "Nombre"),
    "first_name": QT_TRANSLATE_NOOP("services.audit", "Nombres"),
    "last_name": QT_TRANSLATE_NOOP("services.audit", "Apellidos"),
    "id_number": QT_TRANSLATE_NOOP("services.audit", "Identidad/RTN"),
    "type": QT_TRANSLATE_NOOP("services.audit", "Tipo"),
    "gender_id": QT_TRANSLATE_NOOP("services.audit", "Género"),
    "date_of_birth": QT_TRANSLATE_NOOP("services.audit", "Fecha de nacimiento"),
    "age": QT_TRANSLATE_NOOP("services.audit", "Edad"),
    "phone": QT_TRANSLATE_NOOP("services.audit", "Teléfono"),
    "secondary_phone": QT_TRANSLATE_NOOP("services.audit", "Teléfono secundario"),
    "email": QT_TRANSLATE_NOOP("services.audit", "Correo"),
    "department_id": QT_TRANSLATE_NOOP("services.audit", "Departamento"),
    "municipality_id": QT_TRANSLATE_NOOP("services.audit", "Municipio"),
    "address": QT_TRANSLATE_NOOP("services.audit", "Dirección"),
    "address2": QT_TRANSLATE_NOOP("services.audit", "Dirección 2"),
    "postal_code": QT_TRANSLATE_NOOP("services.audit", "Código postal"),
    "country": QT_TRANSLATE_NOOP("services.audit", "País"),
    "external_file": QT_TRANSLATE_NOOP("services.audit", "Expediente externo"),
    "notes": QT_TRANSLATE_NOOP("services.audit", "Notas"),
    "is_blocked": QT_TRANSLATE_NOOP("services.audit", "Bloqueado"),
    "active": QT_TRANSLATE_NOOP("services.audit", "Activo"),
    "institution": QT_TRANSLATE_NOOP("services.audit", "Institución"),
    "type_id": QT_TRANSLATE_NOOP("services.audit", "Tipo"),
    "code": QT_TRANSLATE_NOOP("services.audit", "Código"),
    "sample_type": QT_TRANSLATE_NOOP("services.audit", "Tipo de muestra"),
    "price": QT_TRANSLATE_NOOP("services.audit", "Precio"),
    "is_panel": QT_TRANSLATE_NOOP("services.audit", "Es panel"),
    "member_ids": QT_TRANSLATE_NOOP("services.audit", "Miembros del panel"),
    "status": QT_TRANSLATE_NOOP("services.audit", "Estado"),
    "priority": QT_TRANSLATE_NOOP("services.audit", "Prioridad"),
    "source": QT_TRANSLATE_NOOP("services.audit", "Origen"),
    "doctor_id": QT_TRANSLATE_NOOP("services.audit", "Remitente"),
    "patient_id": QT_TRANSLATE_NOOP("services.audit", "Paciente"),
    "branch_id": QT_TRANSLATE_NOOP("services.audit", "Sucursal"),
    "clinical_info": QT_TRANSLATE_NOOP("services.audit", "Información clínica"),
    "cancellation_reason": QT_TRANSLATE_NOOP("services.audit", "Motivo de cancelación"),
    "discount_percent": QT_TRANSLATE_NOOP("services.audit", "Descuento (%)"),
    "discount_reason": QT_TRANSLATE_NOOP("services.audit", "Motivo del descuento"),
    "total_amount": QT_TRANSLATE_NOOP("services.audit", "Total"),
    "discount_amount": QT_TRANSLATE_NOOP("services.audit", "Descuento"),
    "net_amount": QT_TRANSLATE_NOOP("services.audit", "Neto"),
    "username": QT_TRANSLATE_NOOP("services.audit", "Usuario"),
    "full_name": QT_TRANSLATE_NOOP("services.audit", "Nombre completo"),
    "role": QT_TRANSLATE_NOOP("services.audit", "Rol"),
    "must_change_password": QT_TRANSLATE_NOOP("services.audit", "Debe cambiar contraseña"),
    "description": QT_TRANSLATE_NOOP("services.audit", "Descripción"),
    # billing (issue 17)
    "tax_class": QT_TRANSLATE_NOOP("services.audit", "Clase de impuesto"),
    "number": QT_TRANSLATE_NOOP("services.audit", "Número"),
    "total": QT_TRANSLATE_NOOP("services.audit", "Total"),
    "buyer": QT_TRANSLATE_NOOP("services.audit", "Comprador"),
    "requests": QT_TRANSLATE_NOOP("services.audit", "Solicitudes"),
    "paid": QT_TRANSLATE_NOOP("services.audit", "Pagado"),
    "on_credit": QT_TRANSLATE_NOOP("services.audit", "A crédito"),
    "original": QT_TRANSLATE_NOOP("services.audit", "Factura original"),
    "settlement": QT_TRANSLATE_NOOP("services.audit", "Qué se hizo con el dinero"),
    "opening_float": QT_TRANSLATE_NOOP("services.audit", "Fondo inicial"),
    "difference": QT_TRANSLATE_NOOP("services.audit", "Diferencia"),
    "amount": QT_TRANSLATE_NOOP("services.audit", "Monto"),
    "credit_limit": QT_TRANSLATE_NOOP("services.audit", "Límite de crédito"),
    "days": QT_TRANSLATE_NOOP("services.audit", "Días de crédito"),
    "branch": QT_TRANSLATE_NOOP("services.audit", "Sucursal"),
    "establishment": QT_TRANSLATE_NOOP("services.audit", "Establecimiento"),
    "point": QT_TRANSLATE_NOOP("services.audit", "Punto de emisión"),
    "doc_type": QT_TRANSLATE_NOOP("services.audit", "Tipo de documento"),
    "cai": QT_TRANSLATE_NOOP("services.audit", "CAI"),
    "range_from": QT_TRANSLATE_NOOP("services.audit", "Rango desde"),
    "range_to": QT_TRANSLATE_NOOP("services.audit", "Rango hasta"),
    "deadline": QT_TRANSLATE_NOOP("services.audit", "Fecha límite de emisión"),
}


# Values of these fields are masked for viewers without patients.view_sensitive.
SENSITIVE_FIELDS = frozenset({"id_number", "dui", "dni", "rtn"})

SORTS = {
    "at": lambda: [AuditLog.at],
    "username": lambda: [AuditLog.username, AuditLog.at],
    "action": lambda: [AuditLog.action, AuditLog.at],
    "entity": lambda: [AuditLog.entity, AuditLog.at],
}
_SORT_KEYS = {
    "at": ("at",),
    "username": ("username", "at"),
    "action": ("action", "at"),
    "entity": ("entity", "at"),
}


@dataclass
class AuditFilter:
    user_id: int | None = None  # a User id
    username: str = ""  # or a name without a user row: "cli", "sistema"
    entity: str | None = None
    entity_id: int | None = None
    action: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None  # inclusive


# --- writing --------------------------------------------------------------------------


def _plain(value: object) -> Any:
    """A JSON-friendly form of a field value (Decimal and dates as text)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    if isinstance(value, (set, frozenset)):
        return sorted(_plain(v) for v in value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return str(value)


_WRITERS = ("patolab_desktop.services.", "patolab_desktop.demo.")
_P = ParamSpec("_P")


def _services_only(write: Callable[_P, int]) -> Callable[_P, int]:
    """``write`` refused with ``PermissionDenied`` to a caller outside
    ``patolab_desktop.services`` (or the demo data generator): only the service that did
    the action writes its row (issue 15, point 8), so the GUI or a script cannot forge
    history. ``inspect.unwrap`` gives ``write`` itself back."""

    @functools.wraps(write)
    def guarded(*args: _P.args, **kwargs: _P.kwargs) -> int:
        caller = sys._getframe(1).f_globals.get("__name__", "")
        if not caller.startswith(_WRITERS):
            raise PermissionDenied(
                translate(
                    "services.audit",
                    "Solo el servicio que hizo la acción puede escribir su registro de auditoría.",
                )
            )
        return write(*args, **kwargs)

    return guarded


@_services_only
def record(
    action: str,
    entity: str,
    entity_id: int | None = None,
    changes: dict[str, tuple] | None = None,
    detail: str = "",
    *,
    actor: session.Actor | None = None,
) -> int:
    """Write one audit row for the acting user (``sistema`` when nobody is logged in).

    ``actor``: who did it when it was not the signed-in user, e.g. WhatsApp recording a
    patient's opt-out from the sender's thread (the session's actor is the whole app's:
    acting as someone else there would lend the desk their name and permissions).
    Call it inside the transaction of the change it describes. Returns the row id.
    Only a service may call it (``_services_only``).
    """
    row = _audit_row(action, entity, entity_id, changes, detail, actor)
    return AuditLog.insert(**row).execute()


@_services_only
def record_done(action: str, entity: str, detail: str) -> int:
    """``record`` for what is already done outside the database (a file exported, a
    backup, the WhatsApp token put in this computer's credential store), in a write
    transaction of its own that is not checked (``db.database.write_transaction``): it is
    done whatever an administrator did to the user meanwhile, so its audit row must be
    there too. Such an action read her again as it started (``session.require_now``)."""
    from ...db.database import write_transaction

    with write_transaction(checked=False):
        return record(action, entity, None, detail=detail)


@_services_only
def record_many(action: str, entity: str, changed: Sequence[tuple[int, dict[str, tuple]]]) -> int:
    """``record`` for many rows of one action, ``(entity id, changes)`` each, in multi-row
    inserts (the patient import's updates); returns how many were written."""
    rows = [_audit_row(action, entity, entity_id, changes, "") for entity_id, changes in changed]
    for start in range(0, len(rows), _ROWS_PER_INSERT):
        AuditLog.insert_many(rows[start : start + _ROWS_PER_INSERT]).execute()
    return len(rows)


_ROWS_PER_INSERT = 500  # 8 columns: far below both backends' limits on parameters


def _audit_row(
    action: str,
    entity: str,
    entity_id: int | None,
    changes: dict[str, tuple] | None,
    detail: str,
    actor: session.Actor | None = None,
) -> dict:
    actor = actor or session.current()
    payload = ""
    if changes:
        payload = json.dumps(
            {
                str(k): [_sealed(k, _plain(old)), _sealed(k, _plain(new))]
                for k, (old, new) in changes.items()
            },
            ensure_ascii=False,
            sort_keys=True,
        )
    return {
        "at": now(),
        "user": actor.id if actor is not None and actor.id is not None else None,
        "username": actor.username if actor is not None else "sistema",
        "action": action,
        "entity": entity,
        "entity_id": entity_id,
        "changes": payload,
        "detail": detail or "",
    }


# ``record`` without the caller check (tests seed the viewer's rows with it).
_write = inspect.unwrap(record)


@_services_only
def record_status(
    action: str, entity: str, entity_id: int, old: str, new: str, detail: str = ""
) -> int:
    """``record`` of a status change: its changes are ``{"status": (old, new)}``."""
    return _write(action, entity, entity_id, {"status": (old, new)}, detail)


def diff(
    before: dict,
    after: dict,
    ignore: Collection[str] = ("updated_at", "version", "search_text"),
) -> dict[str, tuple]:
    """``{field: (old, new)}`` for every field whose value differs (missing = None)."""
    out: dict[str, tuple] = {}
    for key in list(before) + [k for k in after if k not in before]:
        if key in ignore:
            continue
        old, new = before.get(key), after.get(key)
        if _plain(old) != _plain(new):
            out[key] = (old, new)
    return out


# --- id numbers -----------------------------------------------------------------------


def format_id_number(digits: str) -> str:
    """0801199012345 → 0801-1990-12345 (DNI); 14-digit RTN → 0801-1990-123456 (a stored
    ciphertext is decrypted first: ``services.identity``)."""
    return identity.format_number(digits)


def mask_id_number(digits: str | None) -> str:
    """Only the last five digits stay visible: 0801199012345 → ``****-****-12345``
    (``services.identity.masked``)."""
    return identity.masked(digits)


def display_id_number(digits: str | None, actor: session.Actor | None = None) -> str:
    """The id number as the acting user (or ``actor``) may see it: full or masked."""
    return identity.shown(digits, actor)


def _sealed(key: str, value: object) -> object:
    """An identity number recorded in an audit row is stored encrypted (issue 15, 13)."""
    if key in SENSITIVE_FIELDS and isinstance(value, str) and value:
        return identity.seal(value)[0]
    return value


# --- reading --------------------------------------------------------------------------


def _changes_of(text: str, reveal: bool) -> dict[str, tuple]:
    if not text:
        return {}
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    out = {}
    for key, pair in data.items():
        old, new = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
        if key in SENSITIVE_FIELDS:
            shown = format_id_number if reveal else mask_id_number
            old = _shown_or_locked(shown, old)
            new = _shown_or_locked(shown, new)
        out[key] = (old, new)
    return out


def _shown_or_locked(shown: Callable[[str], str], value: object) -> object:
    """An audited identity number as it may be shown; a fixed text when this workstation
    has no key (the history stays readable)."""
    if not value:
        return value
    try:
        return shown(str(value))
    except identity.IdentityKeyNeeded:
        return translate("services.audit", "(cifrado)")


def _show(value: object) -> str:
    if value is None or value == "":
        return translate("services.audit", "(vacío)")
    if value is True:
        return translate("services.audit", "Sí")
    if value is False:
        return translate("services.audit", "No")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or translate("services.audit", "(vacío)")
    return str(value)


def _field_label(key: str, entity: str = "", detail: str = "") -> str:
    if key in FIELD_LABELS:
        return translate("services.audit", FIELD_LABELS[key])
    if key in audit_words.MORE_FIELD_LABELS:
        return translate("services.audit", audit_words.MORE_FIELD_LABELS[key])
    if key in permissions.PERMISSIONS:  # role permission grants/revokes
        return permissions.label(key)
    if entity == "setting" and detail:  # a setting's row says which one in its detail
        return phrases.shown(detail)
    return key


def _blank(value: object) -> bool:
    return value is None or value == "" or value == []


def changes_lines(
    changes: dict[str, tuple],
    entity: str = "",
    names: dict | None = None,
    detail: str = "",
    action: str = "",
) -> list[str]:
    """``["Teléfono: +504 9988-7766 → +504 3322-1100", "Estado: Pendiente → Cancelada"]``:
    field labels, record names instead of ids, coded values as words. A field empty
    before and after says nothing and is left out; a new record lists its values."""
    if names is None:
        names = audit_words.names_for([{"entity": entity, "entity_id": None, "changes": changes}])

    def words(key: str, value: object) -> str:
        return audit_words.value_text(entity, key, value, names, _show)

    lines = []
    for key, (old, new) in changes.items():
        if _blank(old) and _blank(new):
            continue
        name = _field_label(key, entity, detail)
        if action == "create" and _blank(old):
            lines.append(f"{name}: {words(key, new)}")
        else:
            lines.append(f"{name}: {words(key, old)} → {words(key, new)}")
    return lines


def changes_text(changes: dict[str, tuple], separator: str = "; ", entity: str = "") -> str:
    """``Teléfono: +50499887766 → +50433221100; Activo: Sí → No``."""
    return separator.join(changes_lines(changes, entity))


def _row(raw: dict, reveal: bool, names: dict | None = None) -> dict:
    changes = _changes_of(raw.get("changes") or "", reveal)
    row = {
        "id": raw["id"],
        "at": raw["at"],
        "user_id": raw["user"],
        "username": raw["username"],
        "action": raw["action"],
        "action_label": label(ACTION_LABELS, raw["action"]),
        "entity": raw["entity"],
        "entity_label": label(ENTITY_LABELS, raw["entity"]),
        "entity_id": raw["entity_id"],
        "changes": changes,
        "detail": phrases.shown(raw["detail"]),  # stored Spanish, shown translated
    }
    if names is None:
        names = audit_words.names_for([row])
    row["record"] = audit_words.record_text(row, names)
    row["changes_lines"] = changes_lines(
        changes, row["entity"], names, raw["detail"] or "", row["action"]
    )
    row["changes_text"] = "; ".join(row["changes_lines"])
    return row


def page(filters: AuditFilter | None, request: PageRequest) -> Page:
    """Audit rows, newest first by default (``request.sort == ""``); needs audit.view."""
    session.require("audit.view")
    filters = filters or AuditFilter()
    reveal = session.has("patients.view_sensitive")
    query = AuditLog.select(
        AuditLog.id,
        AuditLog.at,
        AuditLog.user,
        AuditLog.username,
        AuditLog.action,
        AuditLog.entity,
        AuditLog.entity_id,
        AuditLog.changes,
        AuditLog.detail,
    )
    if filters.user_id is not None:
        query = query.where(AuditLog.user == filters.user_id)
    if filters.username:
        query = query.where(AuditLog.username == filters.username)
    if filters.entity:
        query = query.where(AuditLog.entity == filters.entity)
    if filters.entity_id is not None:
        query = query.where(AuditLog.entity_id == filters.entity_id)
    if filters.action:
        query = query.where(AuditLog.action == filters.action)
    if filters.date_from:
        query = query.where(AuditLog.at >= dt.datetime.combine(filters.date_from, dt.time()))
    if filters.date_to:
        end = dt.datetime.combine(filters.date_to + dt.timedelta(days=1), dt.time())
        query = query.where(AuditLog.at < end)
    sort = request.sort if request.sort in SORTS else ""
    if not sort:  # newest first unless the user clicked a header
        request = replace(request, sort="at", descending=True)
        sort = "at"
    result = keyset_page(query, SORTS[sort](), AuditLog.id, request, cursor_by(_SORT_KEYS[sort]))
    # the names of every record the page points to, one query per kind of record
    rows = [
        {
            "entity": r["entity"],
            "entity_id": r["entity_id"],
            "changes": _changes_of(r["changes"] or "", reveal),
        }
        for r in result.rows
    ]
    names = audit_words.names_for(rows)
    return Page(rows=[_row(r, reveal, names) for r in result.rows], cursor=result.cursor)


def users_for_filter() -> list[dict]:
    """People who can appear in the audit (id, username, full_name), for the filter combo."""
    session.require("audit.view")
    return list(
        User.select(User.id, User.username, User.full_name).order_by(User.username_folded).dicts()
    )


def history(entity: str, entity_id: int, limit: int = 200) -> list[dict]:
    """The newest ``limit`` audit rows of one record (for a record's "Historial")."""
    result = page(AuditFilter(entity=entity, entity_id=entity_id), PageRequest(limit=limit))
    return result.rows


__all__ = [
    "ACTION_LABELS",
    "ENTITY_LABELS",
    "FIELD_LABELS",
    "AuditFilter",
    "record",
    "diff",
    "page",
    "mask_id_number",
    "display_id_number",
    "format_id_number",
    "changes_text",
    "changes_lines",
    "users_for_filter",
    "history",
]
