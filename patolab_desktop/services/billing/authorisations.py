"""Fiscal authorisations (CAI) and the numbers they give (issue 17, points 1 and 2).

An administrator registers each SAR authorisation: CAI, establecimiento (tied to a
branch), punto de emisión, document type, range and fecha límite (at most one year).
One is active per (establecimiento, punto, type); its fields are locked once a number
is used. SAR's renewal (asked within the two months before the deadline, or when the
range runs out: Art. 59) can be registered while the current one is still usable when
its range starts right after the current one's: it is kept «waiting» (one per point and
type), and ``take_number`` makes it the active one, without a gap, as soon as the current
one is used up or expired (that one is closed; what it did not use is reported, Art. 42).
``take_number`` runs inside the issuing transaction and locks the authorisation rows
(SQLite: the transaction is ``BEGIN IMMEDIATE``; PostgreSQL: a lock on the point and
type, ``_one_at_a_time``, then ``SELECT … FOR UPDATE``): numbers are consecutive, never
reused, never skipped. The lock, the renewal waiting and the handover to it are in
``fiscal_handover``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ...db.database import db, locked, update_versioned, write_transaction
from ...db.models import Branch
from ...db.models_billing import FiscalAuthorisation, FiscalDocument, now
from ...util.money import without_thousands
from ...util.text import clean
from .. import workstation
from ..access import audit, session
from ..errors import RuleError, ValidationError, stale
from ..safety import counters
from ..texts import translate
from .fiscal_handover import (
    WAITING,
    _advance,
    _end,
    _get_to_change,
    _locked_active,
    _one_at_a_time,
    _renewal_of,
    _usable,
)
from .types import AUTHORISATION_STATUS_LABELS, DOC_TYPE_LABELS, label

CONTEXT = "services.billing"
CAI_RE = re.compile(r"^[0-9A-F-]+$")
MAX_CORRELATIVE = 99_999_999
WARN_USED = 0.80  # warn at 80 % of the range used
WARN_DAYS = 60  # and two months before the deadline (Art. 59: when to ask SAR again)


def today() -> dt.date:
    """The date issuing is checked against (tests move it)."""
    return dt.date.today()


def format_number(establishment: str, point: str, doc_type: str, correlative: int) -> str:
    """``000-001-01-00000123``."""
    return f"{establishment}-{point}-{doc_type}-{int(correlative):08d}"


def range_text(row: FiscalAuthorisation, translated: bool = True) -> str:
    """«000-001-01-00000001 al 000-001-01-00005000»; ``translated`` False for the text an
    issued document keeps (its legends are Spanish whatever the interface's language: a
    factura issued with English active printed «… to …» for good)."""
    template = (
        translate("services.billing", "{first} al {last}") if translated else "{first} al {last}"
    )
    return template.format(
        first=format_number(row.establishment, row.point, row.doc_type, row.range_from),
        last=format_number(row.establishment, row.point, row.doc_type, row.range_to),
    )


@dataclass
class AuthorisationInput:
    branch_id: int | None = None
    establishment: str = ""
    point: str = ""
    doc_type: str = "01"
    cai: str = ""
    range_from: int | str = ""
    range_to: int | str = ""
    deadline: dt.date | str | None = None


def _three_digits(value: str, field: str, errors: dict) -> str:
    text = clean(str(value or ""))
    if not re.fullmatch(r"\d{3}", text):
        errors[field] = translate(
            "services.billing", "Debe tener exactamente 3 dígitos (por ejemplo 001)."
        )
    return text


def _correlative(value: object, field: str, errors: dict) -> int:
    try:  # "5,000" is 5000; "50,00" is no number
        text = without_thousands(clean(str(value if value is not None else "")))
    except ValueError:
        text = ""
    if not text.isdigit() or not 1 <= int(text) <= MAX_CORRELATIVE:
        errors[field] = translate("services.billing", "Debe ser un correlativo entre 1 y 99999999.")
        return 0
    return int(text)


def _date(value: object, errors: dict) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(clean(str(value or "")))
    except ValueError:
        errors["deadline"] = translate(
            "services.billing", "Escriba la fecha límite como AAAA-MM-DD."
        )
        return None


def validate(data: AuthorisationInput) -> dict:
    """The cleaned values, or ``ValidationError`` with one message per field."""
    errors: dict[str, str] = {}
    cai = clean(str(data.cai or "")).upper()
    if not cai:
        errors["cai"] = translate("services.billing", "Escriba el CAI tal como lo entregó el SAR.")
    elif not CAI_RE.match(cai) or len(cai) > 60:
        errors["cai"] = translate(
            "services.billing",
            "El CAI solo lleva dígitos, letras A–F y guiones (como lo da el SAR).",
        )
    establishment = _three_digits(data.establishment, "establishment", errors)
    point = _three_digits(data.point, "point", errors)
    doc_type = clean(str(data.doc_type or ""))
    if doc_type not in DOC_TYPE_LABELS:
        errors["doc_type"] = translate(
            "services.billing",
            "Tipo de documento: 01 Factura, 06 Nota de Crédito o 07 Nota de Débito.",
        )
    first = _correlative(data.range_from, "range_from", errors)
    last = _correlative(data.range_to, "range_to", errors)
    if first and last and first > last:
        errors["range_to"] = translate("services.billing", "El rango termina antes de empezar.")
    deadline = _date(data.deadline, errors)
    if deadline is not None:
        if deadline < today():
            errors["deadline"] = translate(
                "services.billing", "La fecha límite de emisión ya pasó."
            )
        elif deadline > _one_year_after(today()):
            errors["deadline"] = translate(
                "services.billing", "La fecha límite de emisión es de un año como máximo."
            )
    if data.branch_id is None or Branch.get_or_none(Branch.id == data.branch_id) is None:
        errors["branch_id"] = translate(
            "services.billing", "Elija la sucursal (establecimiento) de la autorización."
        )
    if errors:
        raise ValidationError(errors)
    return {
        "branch": data.branch_id,
        "establishment": establishment,
        "point": point,
        "doc_type": doc_type,
        "cai": cai,
        "range_from": first,
        "range_to": last,
        "deadline": deadline,
    }


def _one_year_after(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def counter_key(establishment: str, point: str, doc_type: str) -> str:
    """The natural key of a number sequence (survives a restore)."""
    return f"{establishment}-{point}-{doc_type}"


def add(data: AuthorisationInput) -> int:
    """Register an authorisation; it becomes the active one of its point and type, or,
    while the active one is still usable, the renewal waiting after it when its range
    starts right after the active one's (BILLING.md: it continues the numbering)."""
    session.require("billing.authorisations")
    values = validate(data)
    with write_transaction():
        _one_at_a_time((values["point"], values["doc_type"]))
        status, last_used = _place(values)
        actor = session.current()
        row = FiscalAuthorisation.create(
            **values,
            last_used=last_used,
            status=status,
            created_at=now(),
            created_by=actor.username if actor else "",
        )
        audit.record(
            "billing.authorisation.add",
            "fiscal_authorisation",
            row.id,
            {k: (None, v) for k, v in values.items()},
        )
    return row.id


def _place(values: dict, correcting: FiscalAuthorisation | None = None) -> tuple[str, int]:
    """(status, last_used) of the authorisation ``values`` describe among the others of
    its point and type, whether registered (``add``) or corrected (``update``, the row
    ``correcting``): a correction is held to the rules of a registration. A used-up or
    expired active one first hands over to its waiting renewal, or is closed; a second
    active one, a range crossing another's (its numbers may be printed: the database's
    unique index then failed every factura) and a CAI given twice are refused. The
    counter starts before the range, or after the last number issued before a restore
    (``counters.floor``). Inside the write transaction, the point and type locked."""
    same = FiscalAuthorisation.select().where(
        (FiscalAuthorisation.establishment == values["establishment"])
        & (FiscalAuthorisation.point == values["point"])
        & (FiscalAuthorisation.doc_type == values["doc_type"])
    )
    if correcting is not None:
        same = same.where(FiscalAuthorisation.id != correcting.id)
    for row in list(locked(same.where(FiscalAuthorisation.status == "active"))):
        _advance(row, today())  # a used-up one hands over to its waiting renewal first
    status = "active"
    for row in same:
        if row.status == "active":
            if _usable(row, today()):
                renewal = same.where(FiscalAuthorisation.status == WAITING).exists()
                if values["range_from"] != row.range_to + 1 or renewal:
                    raise RuleError(
                        translate(
                            "services.billing",
                            "Ya hay una autorización activa para {key} (CAI {cai}, "
                            "{used} de {size} números usados). Su renovación se registra "
                            "antes si su rango empieza en {next}, justo después (queda en "
                            "espera, una sola); si no, ciérrela primero o espere a que se "
                            "agote o venza.",
                        ).format(
                            key=counter_key(row.establishment, row.point, row.doc_type),
                            cai=row.cai,
                            used=row.last_used - row.range_from + 1,
                            size=row.range_to - row.range_from + 1,
                            next=row.range_to + 1,
                        )
                    )
                status = WAITING
            else:
                _end(
                    row,
                    translate("services.billing", "reemplazada por una nueva autorización"),
                )
        if row.range_from <= values["range_to"] and values["range_from"] <= row.range_to:
            raise ValidationError(
                {
                    "range_from": translate(
                        "services.billing",
                        "El rango se cruza con el de otra autorización del mismo punto y "
                        "tipo ({first}–{last}): la numeración continúa, no se repite.",
                    ).format(first=row.range_from, last=row.range_to)
                }
            )
        if row.cai == values["cai"]:
            raise ValidationError(
                {"cai": translate("services.billing", "Ese CAI ya está registrado.")}
            )
    start = values["range_from"] - 1
    floor_value = counters.floor(
        "fiscal", counter_key(values["establishment"], values["point"], values["doc_type"])
    )
    if floor_value > start:
        start = min(floor_value, values["range_to"])
    return status, start


def end(authorisation_id: int, reason: str, expected_version: int | None = None) -> None:
    """Close an authorisation (e.g. SAR gave a new one early); the numbers it did not use
    are reported as unused (Art. 42)."""
    session.require("billing.authorisations")
    reason = clean(reason)
    if not reason:
        raise ValidationError(
            {"reason": translate("services.billing", "Escriba el motivo del cierre.")}
        )
    with write_transaction():
        row = _get_to_change(authorisation_id)
        if expected_version is not None and row.version != expected_version:
            raise stale(translate("services.billing", "la autorización"))
        if row.status not in ("active", WAITING):
            raise RuleError(translate("services.billing", "La autorización ya estaba cerrada."))
        if row.status == "active" and _renewal_of(row) is not None:
            _advance(row, today(), reason)  # its renewal, waiting, takes over the numbering
            return
        _end(row, reason)
        audit.record_status(
            "billing.authorisation.end", "fiscal_authorisation", row.id, row.status, "ended",
            reason,
        )  # fmt: skip


def update(authorisation_id: int, data: AuthorisationInput, expected_version: int) -> None:
    """Correct a typo in an authorisation that has not given any number yet. It is placed
    again among the authorisations of its (corrected) point and type by the rules that
    register one (``_place``): moved onto a point that has an active one, or given a
    range that crosses numbers already printed, it crashed, then every factura did."""
    session.require("billing.authorisations")
    values = validate(data)
    with write_transaction():
        row = _get_to_change(authorisation_id, (values["point"], values["doc_type"]))
        if row.version != expected_version:
            raise stale(translate("services.billing", "la autorización"))
        if (
            row.last_used >= row.range_from
            or FiscalDocument.select().where(FiscalDocument.authorisation == row.id).exists()
        ):
            raise RuleError(
                translate(
                    "services.billing",
                    "La autorización ya emitió números: sus datos no se pueden cambiar.",
                )
            )
        if row.status not in ("active", WAITING):
            raise RuleError(
                translate(
                    "services.billing",
                    "La autorización está cerrada: sus datos no se pueden cambiar. Registre "
                    "la autorización correcta.",
                )
            )
        same_key = (values["establishment"], values["point"], values["doc_type"]) == (
            row.establishment,
            row.point,
            row.doc_type,
        )
        if row.status == WAITING and same_key and values["range_from"] != row.range_from:
            raise ValidationError(
                {
                    "range_from": translate(
                        "services.billing",
                        "Una renovación en espera empieza justo después de la autorización "
                        "activa ({first}): ese inicio no se cambia.",
                    ).format(first=row.range_from)
                }
            )
        renewal = _renewal_of(row) if row.status == "active" else None
        if renewal is not None and (not same_key or renewal.range_from != values["range_to"] + 1):
            raise ValidationError(
                {
                    "range_to": translate(
                        "services.billing",
                        "La renovación en espera (CAI {cai}) continúa esta numeración desde "
                        "{next}: ciérrela antes de cambiar el punto, el tipo o el final del "
                        "rango.",
                    ).format(cai=renewal.cai, next=renewal.range_from)
                }
            )
        status, last_used = _place(values, correcting=row)
        before = {k: getattr(row, k if k != "branch" else "branch_id") for k in values}
        update_versioned(
            FiscalAuthorisation, row.id, row.version, **values, status=status, last_used=last_used
        )
        audit.record(
            "billing.authorisation.edit",
            "fiscal_authorisation",
            row.id,
            audit.diff({**before, "status": row.status}, {**values, "status": status}),
        )


def list_all() -> list[dict]:
    """Every authorisation, newest first, with its use and its warnings."""
    if not session.has("billing.authorisations"):
        session.require("billing.issue")
    rows = []
    branches = dict(Branch.select(Branch.id, Branch.name).tuples())
    for row in FiscalAuthorisation.select().order_by(FiscalAuthorisation.id.desc()):
        rows.append(_describe(row, branches.get(row.branch_id, "")))
    return rows


def _describe(row: FiscalAuthorisation, branch_name: str) -> dict:
    size = row.range_to - row.range_from + 1
    used = max(0, row.last_used - row.range_from + 1)
    return {
        "id": row.id,
        "branch_id": row.branch_id,
        "branch": branch_name,
        "establishment": row.establishment,
        "point": row.point,
        "doc_type": row.doc_type,
        "doc_type_label": label(DOC_TYPE_LABELS, row.doc_type),
        "cai": row.cai,
        "range_from": row.range_from,
        "range_to": row.range_to,
        "range_text": range_text(row),
        "deadline": row.deadline,
        "used": used,
        "size": size,
        "remaining": size - used,
        "next_number": (
            format_number(row.establishment, row.point, row.doc_type, row.last_used + 1)
            if row.last_used < row.range_to
            else ""
        ),
        "status": row.status,
        "status_label": label(AUTHORISATION_STATUS_LABELS, row.status),
        "ended_reason": row.ended_reason,
        "version": row.version,
        "warnings": _warnings(row),
    }


def _warnings(row: FiscalAuthorisation) -> list[str]:
    """Ask SAR again, or it can no longer issue: nothing once its renewal is registered
    (it continues the numbering), nor for the renewal waiting."""
    if row.status != "active" or _renewal_of(row, lock=False) is not None:
        return []
    size = row.range_to - row.range_from + 1
    used = max(0, row.last_used - row.range_from + 1)
    key = counter_key(row.establishment, row.point, row.doc_type)
    days = (row.deadline - today()).days
    found = []
    if days < 0:
        found.append(
            translate(
                "services.billing", "La autorización {key} venció el {date}: no se puede emitir."
            ).format(key=key, date=row.deadline.strftime("%d/%m/%Y"))
        )
    elif days <= WARN_DAYS:
        found.append(
            translate(
                "services.billing",
                "La autorización {key} vence el {date} (en {days} días): pida una nueva al SAR.",
            ).format(key=key, date=row.deadline.strftime("%d/%m/%Y"), days=days)
        )
    if used >= size:
        found.append(
            translate(
                "services.billing", "La autorización {key} agotó su rango: no se puede emitir."
            ).format(key=key)
        )
    elif used >= WARN_USED * size:
        found.append(
            translate(
                "services.billing",
                "La autorización {key} ya usó {used} de {size} números ({percent} %): pida una "
                "nueva al SAR.",
            ).format(key=key, used=used, size=size, percent=int(used * 100 / size))
        )
    return found


def warnings() -> list[str]:
    """Warnings of the active authorisations (screen and start-up banner); read by anyone
    signed in, since the desk must know before it can no longer invoice."""
    session.require_login()
    found: list[str] = []
    for row in FiscalAuthorisation.select().where(FiscalAuthorisation.status == "active"):
        found.extend(_warnings(row))
    return found


def issuing_point() -> tuple[int | None, str]:
    """(branch id, punto de emisión) this workstation issues from (``services.workstation``:
    set on this computer, else the lab's settings)."""
    return workstation.issuing()


@dataclass(frozen=True)
class Allocation:
    authorisation_id: int
    number: str
    correlative: int
    cai: str
    range_text: str
    deadline: dt.date
    branch_id: int


def take_number(doc_type: str) -> Allocation:
    """The next number of ``doc_type`` at this workstation's point, inside the issuing
    transaction (the counter moves or rolls back with the document)."""
    if db.transaction_depth() == 0:
        raise RuntimeError("fiscal numbers are taken only inside the issuing transaction")
    branch_id, point = issuing_point()
    _one_at_a_time((point, doc_type))
    row = _locked_active(branch_id, point, doc_type)
    if row is not None:
        row = _advance(row, today())  # used up or expired: its renewal continues the numbering
    kind = label(DOC_TYPE_LABELS, doc_type)
    if row is None:
        raise RuleError(
            translate(
                "services.billing",
                "No hay una autorización (CAI) activa para emitir {kind} en el punto de emisión "
                "{point} de esta sucursal. Un administrador debe registrarla en "
                "el menú Facturación → Autorizaciones fiscales (CAI).",
            ).format(kind=kind, point=point)
        )
    if row.deadline < today():
        raise RuleError(
            translate(
                "services.billing",
                "La autorización de {kind} (CAI {cai}) venció el {date}: no se puede emitir "
                "con ella. Registre la nueva autorización del SAR.",
            ).format(kind=kind, cai=row.cai, date=row.deadline.strftime("%d/%m/%Y"))
        )
    if row.last_used >= row.range_to:
        raise RuleError(
            translate(
                "services.billing",
                "La autorización de {kind} (CAI {cai}) agotó su rango (hasta {last}): no se "
                "puede emitir con ella. Registre la nueva autorización del SAR.",
            ).format(
                kind=kind,
                cai=row.cai,
                last=format_number(row.establishment, row.point, row.doc_type, row.range_to),
            )
        )
    correlative = row.last_used + 1
    FiscalAuthorisation.update(last_used=correlative).where(
        FiscalAuthorisation.id == row.id
    ).execute()
    return Allocation(
        authorisation_id=row.id,
        number=format_number(row.establishment, row.point, row.doc_type, correlative),
        correlative=correlative,
        cai=row.cai,
        range_text=range_text(row, translated=False),
        deadline=row.deadline,
        branch_id=row.branch_id,
    )


# --- restore: a number printed on a factura is never given again -----------------------


def _snapshot() -> dict[str, int]:
    values: dict[str, int] = {}
    if not FiscalAuthorisation.table_exists():
        return values
    for row in FiscalAuthorisation.select():
        key = counter_key(row.establishment, row.point, row.doc_type)
        values[key] = max(values.get(key, 0), int(row.last_used))
    return values


def _raise_to(values: dict[str, int]) -> dict[str, int]:
    unplaced: dict[str, int] = {}
    if not FiscalAuthorisation.table_exists():
        return dict(values)
    for key, last in values.items():
        establishment, point, doc_type = key.split("-")
        rows = list(
            FiscalAuthorisation.select().where(
                (FiscalAuthorisation.establishment == establishment)
                & (FiscalAuthorisation.point == point)
                & (FiscalAuthorisation.doc_type == doc_type)
            )
        )
        placed = False
        for row in rows:
            if row.range_from <= last <= row.range_to or last > row.range_to:
                if row.last_used < min(last, row.range_to):
                    FiscalAuthorisation.update(last_used=min(last, row.range_to)).where(
                        FiscalAuthorisation.id == row.id
                    ).execute()
                placed = placed or row.range_from <= last <= row.range_to
        if not placed:
            unplaced[key] = last
    return unplaced


counters.register(counters.Counter("fiscal", _snapshot, _raise_to))
