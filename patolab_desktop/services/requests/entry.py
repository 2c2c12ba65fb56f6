"""Lab requests (seed 004): entry, pricing, workflow, cancel, add/remove investigations.

Every rule lives here once; the entry screen, the list, the dialogs, the CLI and the
tests all call these functions.

* Numbers ``CODE-YYYY-000123`` are taken inside the saving transaction
  (:mod:`.request_numbers`); ``preview()`` writes nothing.
* Prices are copied from the catalog at creation; panels bring their members at
  price 0; discounts come from the patient's age on the request date or a manual
  percentage with a reason (:mod:`.request_pricing`).
* Workflow pending → sample_collected → in_progress → partial_result → completed;
  cancel only from pending or sample_collected with a reason; completed and cancelled
  requests are read-only; requests are never deleted (there is no delete function and
  every foreign key to a request is RESTRICT).
* Every change bumps ``version`` (optimistic concurrency: pass the version you showed to
  get a ConflictError instead of overwriting someone else's change) and writes a
  ``RequestEvent`` with who did it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from ...db.database import is_sqlite, write_transaction
from ...db.models import Branch, Customer, LabRequest, Referrer, RequestEvent, RequestLine, now
from ...util.money import ZERO, format_lempiras, to_money
from ...util.text import clean
from ..access import audit, session
from . import numbers as request_numbers, pricing as request_pricing
from .. import settings
from ..errors import ConflictError, NotFoundError, RuleError, ValidationError
from .pricing import PricedLine, Pricing
from ..texts import LABELS, QT_TRANSLATE_NOOP, labels_of, translate

# --- vocabulary ------------------------------------------------------------------------
# Spanish labels, stored as they are in the request history; shown through
# ``texts.label``/``ui.service_labels`` (context "ServiceLabels") in the active language.

STATUS_LABELS = {
    "pending": QT_TRANSLATE_NOOP("ServiceLabels", "Pendiente"),
    "sample_collected": QT_TRANSLATE_NOOP("ServiceLabels", "Muestra tomada"),
    "in_progress": QT_TRANSLATE_NOOP("ServiceLabels", "En proceso"),
    "partial_result": QT_TRANSLATE_NOOP("ServiceLabels", "Resultado parcial"),
    "completed": QT_TRANSLATE_NOOP("ServiceLabels", "Completada"),
    "cancelled": QT_TRANSLATE_NOOP("ServiceLabels", "Cancelada"),
}
PRIORITY_LABELS = {
    "routine": QT_TRANSLATE_NOOP("ServiceLabels", "Rutina"),
    "urgent": QT_TRANSLATE_NOOP("ServiceLabels", "Urgente"),
    "stat": QT_TRANSLATE_NOOP("ServiceLabels", "STAT (inmediato)"),
}
SOURCE_LABELS = {
    "walk_in": QT_TRANSLATE_NOOP("ServiceLabels", "Ambulatorio"),
    "in_patient": QT_TRANSLATE_NOOP("ServiceLabels", "Hospitalizado"),
    "emergency": QT_TRANSLATE_NOOP("ServiceLabels", "Emergencia"),
    "external": QT_TRANSLATE_NOOP("ServiceLabels", "Externo"),
}
CANCELLABLE = {"pending", "sample_collected"}
READ_ONLY = {"completed", "cancelled"}
NEXT_STATUS = {
    "pending": "sample_collected",
    "sample_collected": "in_progress",
    "in_progress": "partial_result",
    "partial_result": "completed",
}
STATUS_ORDER = tuple(STATUS_LABELS)  # workflow order, the list's "status" sort
PRIORITY_ORDER = ("routine", "urgent", "stat")  # descending sort shows STAT first
STATUS_RANK = {s: i for i, s in enumerate(STATUS_ORDER)}
PRIORITY_RANK = {p: i for i, p in enumerate(PRIORITY_ORDER)}
EVENT_LABELS = {
    "created": QT_TRANSLATE_NOOP("ServiceLabels", "Creada"),
    "status": QT_TRANSLATE_NOOP("ServiceLabels", "Cambio de estado"),
    "cancelled": QT_TRANSLATE_NOOP("ServiceLabels", "Cancelada"),
    "line_added": QT_TRANSLATE_NOOP("ServiceLabels", "Investigación agregada"),
    "line_removed": QT_TRANSLATE_NOOP("ServiceLabels", "Investigación quitada"),
    "discount": QT_TRANSLATE_NOOP("ServiceLabels", "Descuento"),
    "updated": QT_TRANSLATE_NOOP("ServiceLabels", "Datos modificados"),
}
DISCOUNT_KIND_LABELS = {
    "": QT_TRANSLATE_NOOP("ServiceLabels", "Sin descuento"),
    "age": QT_TRANSLATE_NOOP("ServiceLabels", "Por edad"),
    "manual": QT_TRANSLATE_NOOP("ServiceLabels", "Manual"),
}
MAX_TEXT = 2000


def can_cancel(status: str | None) -> bool:
    return status in CANCELLABLE


def is_read_only(status: str | None) -> bool:
    return status in READ_ONLY


def status_label(status: str | None) -> str:
    """The Spanish label (as stored in the request history); see ``status_text``."""
    return STATUS_LABELS.get(status or "", status or "")


def status_text(status: str | None) -> str:
    """The label of ``status`` in the active language."""
    return translate(LABELS, status_label(status))


# --- data ------------------------------------------------------------------------------


@dataclass
class RequestDraft:
    patient_id: int | None = None
    doctor_id: int | None = None
    priority: str = "routine"
    source: str = "walk_in"
    branch_id: int | None = None
    clinical_info: str = ""
    notes: str = ""
    investigation_ids: list[int] = field(default_factory=list)  # as picked; panels expand
    line_notes: dict[int, str] = field(default_factory=dict)
    manual_discount_percent: Decimal | None = None
    discount_reason: str = ""
    requested_at: dt.datetime | None = None  # None = now


@dataclass
class RequestFilter:
    search: str = ""  # request number (full, prefix or just the sequence) or patient name/DNI
    status: str | None = None
    priority: str | None = None
    source: str | None = None
    patient_id: int | None = None
    doctor_id: int | None = None
    branch_id: int | None = None
    date_from: dt.date | None = None  # inclusive, by day
    date_to: dt.date | None = None  # inclusive, by day


@dataclass
class RequestChanges:
    """Header changes for :func:`update`; None leaves a field as it is."""

    patient_id: int | None = None  # only while the request is pending
    doctor_id: int | None = None
    priority: str | None = None
    source: str | None = None
    clinical_info: str | None = None
    notes: str | None = None


@dataclass
class RequestDetail:
    id: int
    request_number: str
    patient_id: int
    patient_name: str
    patient_id_number: str
    patient_type: str
    patient_age: int | None  # on the request date
    doctor_id: int
    doctor_name: str
    branch_id: int | None
    branch_code: str
    branch_name: str
    priority: str
    priority_label: str
    status: str
    status_label: str
    source: str
    source_label: str
    clinical_info: str
    notes: str
    total_amount: Decimal
    discount_amount: Decimal
    net_amount: Decimal
    discount_kind: str
    discount_percent: Decimal
    discount_reason: str
    requested_at: dt.datetime
    completed_at: dt.datetime | None
    cancelled_at: dt.datetime | None
    cancellation_reason: str
    created_by: str
    updated_at: dt.datetime | None
    version: int
    # dicts: id, investigation_id, code, name, sample_type, price, discount, net_price
    # (also as "net"), status, status_label, parent (the panel's investigation id or None,
    # also as parent_investigation_id), parent_line_id, is_panel, is_member, notes
    lines: list[dict] = field(default_factory=list)
    # dicts, oldest first: at, action, action_label, detail, by
    events: list[dict] = field(default_factory=list)

    @property
    def read_only(self) -> bool:
        return is_read_only(self.status)

    @property
    def can_cancel(self) -> bool:
        return can_cancel(self.status)

    @property
    def next_status(self) -> str | None:
        return NEXT_STATUS.get(self.status)

    @property
    def next_status_label(self) -> str:
        return status_label(self.next_status) if self.next_status else ""


# --- validation ------------------------------------------------------------------------


def _percent(value) -> Decimal | None:
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


def _patient_row(patient_id):
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


def _doctor_row(doctor_id):
    return (
        Referrer.select(Referrer.id, Referrer.name, Referrer.active)
        .where(Referrer.id == doctor_id)
        .first()
    )


def default_branch_id() -> int | None:
    """The branch from settings (``default_branch_id``), else the first active branch."""
    active = Branch.active == True  # noqa: E712
    wanted = settings.get("default_branch_id")
    if wanted:
        found = Branch.select(Branch.id).where((Branch.id == wanted) & active).scalar()
        if found:
            return int(found)
    first = Branch.select(Branch.id).where(active).order_by(Branch.id).scalar()
    return int(first) if first else None


def _check_patient(patient_id, errors: dict, key: str = "patient_id"):
    if not patient_id:
        errors[key] = translate("services.requests", "Elija el paciente.")
        return None
    patient = _patient_row(patient_id)
    if patient is None:
        errors[key] = translate("services.requests", "El paciente elegido no existe.")
    elif not patient.active:
        errors[key] = translate(
            "services.requests",
            "El paciente «{name}» está inactivo; no se le pueden crear solicitudes.",
        ).format(name=patient.name)
    return patient


def _check_doctor(doctor_id, errors: dict, key: str = "doctor_id"):
    if not doctor_id:
        errors[key] = translate(
            "services.requests", "Elija el médico o la institución que refiere."
        )
        return None
    doctor = _doctor_row(doctor_id)
    if doctor is None:
        errors[key] = translate("services.requests", "El médico elegido no existe.")
    elif not doctor.active:
        errors[key] = translate(
            "services.requests", "El médico «{name}» está inactivo; elija otro."
        ).format(name=doctor.name)
    return doctor


def _check_choice(value, labels: dict, key: str, errors: dict) -> None:
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


def _check_investigations(ids, errors: dict, key: str = "investigation_ids"):
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


def _check_manual_discount(percent, reason, errors: dict) -> Decimal | None:
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


def _requested_at(value) -> dt.datetime:
    if value is None:
        return now()
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(now().hour, now().minute))
    return value.replace(microsecond=0, tzinfo=None)


@dataclass
class _Checked:
    patient: object
    doctor: object
    branch_id: int | None
    requested_at: dt.datetime
    pricing: Pricing
    manual_percent: Decimal | None


def _check_draft(draft: RequestDraft, strict: bool) -> tuple[_Checked, dict[str, str]]:
    errors: dict[str, str] = {}
    patient = _check_patient(draft.patient_id, errors)
    doctor = _check_doctor(draft.doctor_id, errors)
    _check_choice(draft.priority, PRIORITY_LABELS, "priority", errors)
    _check_choice(draft.source, SOURCE_LABELS, "source", errors)
    branch_id = draft.branch_id or default_branch_id()
    active_branch = (Branch.id == branch_id) & (Branch.active == True)  # noqa: E712
    if not branch_id:
        errors["branch_id"] = translate(
            "services.requests",
            "No hay una sucursal activa; registre una antes de crear solicitudes.",
        )
    elif not Branch.select().where(active_branch).exists():
        errors["branch_id"] = translate(
            "services.requests", "La sucursal elegida no existe o está inactiva."
        )
    requested_at = _requested_at(draft.requested_at)
    if requested_at > now() + dt.timedelta(minutes=5):
        errors["requested_at"] = translate(
            "services.requests", "La fecha de la solicitud no puede estar en el futuro."
        )
    for key, text in (("clinical_info", draft.clinical_info), ("notes", draft.notes)):
        if len(text or "") > MAX_TEXT:
            errors[key] = _too_long()
    items, members = _check_investigations(draft.investigation_ids, errors)
    manual = _check_manual_discount(draft.manual_discount_percent, draft.discount_reason, errors)
    if not strict:
        # The entry screen asks for a preview while the form is being filled in: price
        # what can be priced and leave the other messages to validate()/create().
        if "investigation_ids" in errors and draft.investigation_ids:
            raise ValidationError({"investigation_ids": errors["investigation_ids"]})
    pricing = _price(
        draft.investigation_ids if "investigation_ids" not in errors else [],
        items,
        members,
        draft.line_notes,
        patient if patient is not None else None,
        requested_at.date(),
        manual,
    )
    return _Checked(patient, doctor, branch_id, requested_at, pricing, manual), errors


def _price(ids, items, members, line_notes, patient, day: dt.date, manual) -> Pricing:
    warnings: list[str] = []
    lines = request_pricing.expand(ids, items, members, line_notes, warnings)
    age = request_pricing.customer_age_on(patient, day) if patient is not None else None
    ptype = getattr(patient, "type", "cliente") if patient is not None else "cliente"
    age_percent = request_pricing.AgeRules.from_settings().percent_for(age, ptype)
    kind, percent = request_pricing.choose_discount(age_percent, manual)
    request_pricing.apply_percent(lines, percent)
    total, discount, net = request_pricing.totals(lines)
    return Pricing(
        lines=lines,
        total=total,
        discount=discount,
        net=net,
        discount_kind=kind,
        discount_percent=percent,
        patient_age=age,
        warnings=warnings,
    )


def validate(draft: RequestDraft) -> dict[str, str]:
    """Field → message for everything wrong with ``draft``; {} when it can be saved."""
    _checked, errors = _check_draft(draft, strict=True)
    return errors


def preview(draft: RequestDraft) -> Pricing:
    """What the entry screen shows: lines, total, discount and net. Writes nothing.

    Tolerates an unfinished form (no patient yet: no age discount; manual discount
    without a reason: shown, refused on save). Raises ValidationError only for
    investigations that cannot be priced (unknown or inactive).
    """
    _require_for_draft(draft)
    checked, _errors = _check_draft(draft, strict=False)
    return checked.pricing


# --- create ----------------------------------------------------------------------------


def _insert_lines(request_id: int, lines: list[PricedLine], status: str) -> None:
    """Top-level lines in one INSERT, then the panel members pointing at their panel line."""
    stamp = now()
    top = [line for line in lines if line.parent_investigation_id is None]
    members = [line for line in lines if line.parent_investigation_id is not None]

    def row(line: PricedLine, parent_line_id=None) -> dict:
        return {
            "lab_request": request_id,
            "investigation": line.investigation_id,
            "parent_line": parent_line_id,
            "status": status,
            "price": line.price,
            "discount": line.discount,
            "net_price": line.net_price,
            "notes": clean(line.notes),
            "created_at": stamp,
        }

    if top:
        RequestLine.insert_many([row(line) for line in top]).execute()
    if members:
        parent_ids = {line.parent_investigation_id for line in members}
        line_ids = dict(
            RequestLine.select(RequestLine.investigation, RequestLine.id)
            .where(
                (RequestLine.lab_request == request_id)
                & RequestLine.investigation.in_(list(parent_ids))
            )
            .tuples()
        )
        RequestLine.insert_many(
            [row(line, line_ids[line.parent_investigation_id]) for line in members]
        ).execute()


def _require_for_draft(draft: RequestDraft) -> None:
    session.require("lis.requests.create")
    if draft.manual_discount_percent not in (None, ""):
        session.require("discounts.manual")


def _who(by: str) -> str:
    """Who did it: ``by`` when given, else the logged-in user (services/session)."""
    if clean(by):
        return clean(by)[:80]
    try:
        from ..access import session
    except ImportError:  # pragma: no cover
        return ""
    actor = session.current()
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


def create(draft: RequestDraft, by: str = "") -> tuple[int, str]:
    """Save a new request; returns ``(id, request_number)``.

    Validation, numbering and every insert happen in one write transaction: a failure
    anywhere rolls everything back, including the number.
    """
    _require_for_draft(draft)
    with write_transaction():
        checked, errors = _check_draft(draft, strict=True)
        if errors:
            raise ValidationError(errors)
        pricing = checked.pricing
        _sequence, number = request_numbers.take_next(checked.branch_id, checked.requested_at.year)
        stamp = now()
        request_id = LabRequest.insert(
            request_number=number,
            patient=draft.patient_id,
            doctor=draft.doctor_id,
            priority=draft.priority,
            priority_rank=PRIORITY_RANK[draft.priority],
            status="pending",
            status_rank=STATUS_RANK["pending"],
            source=draft.source,
            clinical_info=(draft.clinical_info or "").strip(),
            notes=(draft.notes or "").strip(),
            total_amount=pricing.total,
            discount_amount=pricing.discount,
            net_amount=pricing.net,
            discount_percent=pricing.discount_percent,
            discount_kind=pricing.discount_kind,
            discount_reason=(
                clean(draft.discount_reason) if pricing.discount_kind == "manual" else ""
            ),
            branch=checked.branch_id,
            requested_at=checked.requested_at,
            created_by=_who(by),
            updated_at=stamp,
            version=1,
        ).execute()
        _insert_lines(request_id, pricing.lines, "pending")
        discount = _describe_discount(
            pricing.discount_kind,
            pricing.discount_percent,
            pricing.patient_age,
            clean(draft.discount_reason),
        )
        _event(
            request_id,
            "created",
            f"Solicitud {number}: {_investigations(len(pricing.lines))}, "
            f"total {format_lempiras(pricing.total)}, {discount}, "
            f"neto {format_lempiras(pricing.net)}.",
            by,
        )
        audit.record(
            "create",
            "lab_request",
            request_id,
            {
                "request_number": (None, number),
                "patient_id": (None, draft.patient_id),
                "doctor_id": (None, draft.doctor_id),
                "priority": (None, draft.priority),
                "source": (None, draft.source),
                "branch_id": (None, checked.branch_id),
                "net_amount": (None, pricing.net),
                "discount_kind": (None, pricing.discount_kind),
                "discount_percent": (None, pricing.discount_percent),
            },
            detail=_investigations(len(pricing.lines)),
        )
        if pricing.discount_kind == "manual":
            audit.record(
                "discount",
                "lab_request",
                request_id,
                {"discount_percent": (None, pricing.discount_percent)},
                detail=clean(draft.discount_reason),
            )
    return request_id, number


# --- changes to a saved request --------------------------------------------------------


def _load_for_change(request_id, version: int | None, allow_read_only: bool = False):
    query = LabRequest.select().where(LabRequest.id == request_id)
    if not is_sqlite():
        query = query.for_update()
    request = query.first()
    if request is None:
        raise NotFoundError(translate("services.requests", "La solicitud no existe."))
    if version is not None and int(version) != request.version:
        raise ConflictError(
            translate(
                "services.requests",
                "La solicitud {number} fue modificada por otra persona mientras usted la veía. "
                "Vuelva a abrirla para ver los cambios.",
            ).format(number=request.request_number)
        )
    if not allow_read_only and request.status in READ_ONLY:
        raise RuleError(
            translate(
                "services.requests",
                "La solicitud {number} está {status} y ya no se puede modificar.",
            ).format(number=request.request_number, status=status_text(request.status).lower())
        )
    return request


def _save_header(request, **changes) -> None:
    changes.update(version=request.version + 1, updated_at=now())
    updated = (
        LabRequest.update(**changes)
        .where((LabRequest.id == request.id) & (LabRequest.version == request.version))
        .execute()
    )
    if updated != 1:  # cannot happen under the write lock; guard against silent loss
        raise ConflictError(
            translate(
                "services.requests", "La solicitud {number} cambió mientras se guardaba."
            ).format(number=request.request_number)
        )


def _recalculate(request, percent: Decimal) -> tuple[Decimal, Decimal, Decimal]:
    """Re-apply ``percent`` to every line and return the new (total, discount, net)."""
    lines = list(
        RequestLine.select(
            RequestLine.id, RequestLine.price, RequestLine.discount, RequestLine.net_price
        ).where(RequestLine.lab_request == request.id)
    )
    for line in lines:
        discount = request_pricing.line_discount(line.price, percent)
        net = to_money(line.price - discount)
        if discount != line.discount or net != line.net_price:
            RequestLine.update(discount=discount, net_price=net).where(
                RequestLine.id == line.id
            ).execute()
            line.discount, line.net_price = discount, net
    return request_pricing.totals(lines)


def advance(request_id, by: str = "", version: int | None = None) -> str:
    """Move the request to its next workflow status; returns the new status."""
    session.require("requests.workflow")
    with write_transaction():
        request = _load_for_change(request_id, version)
        new = NEXT_STATUS[request.status]
        changes = {"status": new, "status_rank": STATUS_RANK[new]}
        if new == "completed":
            changes["completed_at"] = now()
        _save_header(request, **changes)
        RequestLine.update(status=new).where(RequestLine.lab_request == request.id).execute()
        _event(request.id, "status", f"{status_label(request.status)} → {status_label(new)}", by)
        audit.record("status_change", "lab_request", request.id, {"status": (request.status, new)})
    return new


def cancel(request_id, reason: str, by: str = "", version: int | None = None) -> None:
    """Cancel a pending or sample-collected request; the reason is required."""
    session.require("requests.cancel")
    session.require("lis.requests.update")
    with write_transaction():
        request = _load_for_change(request_id, version)
        if request.status not in CANCELLABLE:
            raise RuleError(
                translate(
                    "services.requests",
                    "No se puede cancelar la solicitud {number}: está «{status}». Solo se cancelan "
                    "solicitudes pendientes o con la muestra tomada.",
                ).format(number=request.request_number, status=status_text(request.status))
            )
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError(
                {"reason": translate("services.requests", "Escriba el motivo de la cancelación.")}
            )
        if len(reason) > MAX_TEXT:
            raise ValidationError(
                {
                    "reason": translate(
                        "services.requests",
                        "El motivo es demasiado largo (máximo {max} caracteres).",
                    ).format(max=MAX_TEXT)
                }
            )
        _save_header(
            request,
            status="cancelled",
            status_rank=STATUS_RANK["cancelled"],
            cancelled_at=now(),
            cancellation_reason=reason,
        )
        RequestLine.update(status="cancelled").where(
            RequestLine.lab_request == request.id
        ).execute()
        _event(request.id, "cancelled", reason, by)
        audit.record(
            "cancel",
            "lab_request",
            request.id,
            {"status": (request.status, "cancelled")},
            detail="Motivo: " + reason,
        )


def _lines_of(request_id) -> list:
    return list(
        RequestLine.select(
            RequestLine.id, RequestLine.investigation, RequestLine.parent_line, RequestLine.price
        )
        .where(RequestLine.lab_request == request_id)
        .order_by(RequestLine.id)
    )


def add_investigation(
    request_id, investigation_id, notes: str = "", by: str = "", version: int | None = None
) -> None:
    """Add an investigation (a panel brings its members) and recalculate every amount."""
    session.require("lis.requests.update")
    with write_transaction():
        request = _load_for_change(request_id, version)
        errors: dict[str, str] = {}
        items, members = _check_investigations([investigation_id], errors, "investigation_id")
        if errors:
            raise RuleError(errors["investigation_id"])
        item = items[int(investigation_id)]
        lines = _lines_of(request.id)
        by_inv = {line.investigation_id: line for line in lines}
        existing = by_inv.get(item.id)
        if existing is not None:
            if existing.parent_line_id is not None:
                parent = next(x for x in lines if x.id == existing.parent_line_id)
                panel_id = parent.investigation_id
                panel = request_pricing.load_items([panel_id])[panel_id]
                raise RuleError(
                    translate(
                        "services.requests",
                        "{code} {name} ya está en la solicitud como parte del panel {panel_code} "
                        "{panel_name}.",
                    ).format(
                        code=item.code, name=item.name, panel_code=panel.code, panel_name=panel.name
                    )
                )
            raise RuleError(
                translate(
                    "services.requests", "{code} {name} ya está en la solicitud {number}."
                ).format(code=item.code, name=item.name, number=request.request_number)
            )
        percent = request.discount_percent or ZERO
        price = to_money(item.price)
        discount = request_pricing.line_discount(price, percent)
        stamp = now()
        line_id = RequestLine.insert(
            lab_request=request.id,
            investigation=item.id,
            status=_line_status(request.status),
            price=price,
            discount=discount,
            net_price=to_money(price - discount),
            notes=clean(notes),
            created_at=stamp,
        ).execute()
        added, absorbed = [], []
        if item.is_panel:
            new_rows = []
            for member_id in members.get(item.id, []):
                line = by_inv.get(member_id)
                member = items[member_id]
                if line is None:
                    new_rows.append(
                        {
                            "lab_request": request.id,
                            "investigation": member_id,
                            "parent_line": line_id,
                            "status": _line_status(request.status),
                            "price": ZERO,
                            "discount": ZERO,
                            "net_price": ZERO,
                            "notes": "",
                            "created_at": stamp,
                        }
                    )
                    added.append(member.code)
                elif line.parent_line_id is None and not member.is_panel:
                    # Ordered directly before: now comes with the panel (not charged twice).
                    RequestLine.update(
                        parent_line=line_id, price=ZERO, discount=ZERO, net_price=ZERO
                    ).where(RequestLine.id == line.id).execute()
                    absorbed.append(member.code)
            if new_rows:
                RequestLine.insert_many(new_rows).execute()
        total, discount_total, net = _recalculate(request, percent)
        _save_header(request, total_amount=total, discount_amount=discount_total, net_amount=net)
        detail = f"{item.code} {item.name} ({format_lempiras(price)})"
        if added:
            detail += f" con {_investigations(len(added))} del panel"
        if absorbed:
            verb = "pasan" if len(absorbed) > 1 else "pasa"
            detail += f"; {', '.join(absorbed)} {verb} a formar parte del panel"
        _event(request.id, "line_added", detail + f". Neto: {format_lempiras(net)}.", by)
        audit.record(
            "add_investigation",
            "lab_request",
            request.id,
            {"investigation": (None, item.code), "net_amount": (request.net_amount, net)},
        )


def _line_status(request_status: str) -> str:
    """Line statuses follow the request's."""
    return request_status


def remove_investigation(
    request_id, investigation_id, by: str = "", version: int | None = None
) -> None:
    """Remove an investigation (a panel takes its members with it) and recalculate.

    Refused for a panel member (remove the panel) and for the last investigation
    (cancel the request instead).
    """
    session.require("lis.requests.update")
    with write_transaction():
        request = _load_for_change(request_id, version)
        lines = _lines_of(request.id)
        investigation_id = int(investigation_id)
        line = next((x for x in lines if x.investigation_id == investigation_id), None)
        ids = {x.investigation_id for x in lines} | {investigation_id}
        items = request_pricing.load_items(ids)
        item = items.get(investigation_id)
        label = f"{item.code} {item.name}" if item else f"La investigación {investigation_id}"
        if line is None:
            if item is not None:
                message = translate(
                    "services.requests", "{code} {name} no está en la solicitud {number}."
                )
            else:
                message = translate(
                    "services.requests", "La investigación {id} no está en la solicitud {number}."
                )
            raise RuleError(
                message.format(
                    code=item.code if item else "",
                    name=item.name if item else "",
                    id=investigation_id,
                    number=request.request_number,
                )
            )
        if line.parent_line_id is not None:
            parent = next(x for x in lines if x.id == line.parent_line_id)
            panel = items[parent.investigation_id]
            raise RuleError(
                translate(
                    "services.requests",
                    "{code} {name} forma parte del panel {panel_code} {panel_name}; quite el panel "
                    "completo.",
                ).format(
                    code=item.code, name=item.name, panel_code=panel.code, panel_name=panel.name
                )
            )
        top = [x for x in lines if x.parent_line_id is None]
        if len(top) == 1:
            raise RuleError(
                translate(
                    "services.requests",
                    "No se puede quitar la última investigación de la solicitud {number}. "
                    "Si ya no se necesita, cancele la solicitud.",
                ).format(number=request.request_number)
            )
        member_lines = [x for x in lines if x.parent_line_id == line.id]
        kept = _rehome_members(member_lines, [x for x in top if x.id != line.id], items)
        doomed = [x.id for x in member_lines if x.id not in kept] + [line.id]  # members first
        RequestLine.delete().where(RequestLine.id.in_(doomed)).execute()
        total, discount_total, net = _recalculate(request, request.discount_percent or ZERO)
        _save_header(request, total_amount=total, discount_amount=discount_total, net_amount=net)
        detail = f"{label} ({format_lempiras(line.price)})"
        removed_members = len(member_lines) - len(kept)
        if removed_members:
            detail += f" con {_investigations(removed_members)} del panel"
        _event(request.id, "line_removed", detail + f". Neto: {format_lempiras(net)}.", by)
        audit.record(
            "remove_investigation",
            "lab_request",
            request.id,
            {
                "investigation": (item.code if item else investigation_id, None),
                "net_amount": (request.net_amount, net),
            },
        )


def _rehome_members(member_lines, other_top_lines, items) -> set[int]:
    """Members of a removed panel that another panel on the request also includes stay,
    now under that panel. Returns the ids of the member lines kept."""
    other_panels = [
        x
        for x in other_top_lines
        if items.get(x.investigation_id) and items[x.investigation_id].is_panel
    ]
    if not member_lines or not other_panels:
        return set()
    catalog = request_pricing.load_members([x.investigation_id for x in other_panels])
    kept: set[int] = set()
    for member in member_lines:
        for panel_line in other_panels:
            if member.investigation_id in catalog.get(panel_line.investigation_id, []):
                RequestLine.update(parent_line=panel_line.id).where(
                    RequestLine.id == member.id
                ).execute()
                kept.add(member.id)
                break
    return kept


def set_manual_discount(
    request_id, percent, reason: str = "", by: str = "", version: int | None = None
) -> None:
    """Apply (or with ``percent=None`` withdraw) a manual discount and recalculate.

    The percentage replaces the age discount only when larger; a reason is required.
    """
    session.require("discounts.manual")
    session.require("lis.requests.update")
    with write_transaction():
        request = _load_for_change(request_id, version)
        errors: dict[str, str] = {}
        manual = _check_manual_discount(percent, reason, errors)
        if errors:
            raise ValidationError(errors)
        patient = _patient_row(request.patient_id)
        age = request_pricing.customer_age_on(patient, request.requested_at.date())
        age_percent = request_pricing.AgeRules.from_settings().percent_for(age, patient.type)
        if request.discount_kind == "age":
            age_percent = request.discount_percent  # keep the rate in force on the request date
        kind, new_percent = request_pricing.choose_discount(age_percent, manual)
        total, discount_total, net = _recalculate(request, new_percent)
        reason = clean(reason) if kind == "manual" else ""
        _save_header(
            request,
            discount_kind=kind,
            discount_percent=new_percent,
            discount_reason=reason,
            total_amount=total,
            discount_amount=discount_total,
            net_amount=net,
        )
        if manual is None:
            detail = "Descuento manual retirado; " + _describe_discount(kind, new_percent, age)
        elif kind != "manual":
            detail = (
                f"Descuento manual {manual.normalize():f} % no aplicado: el descuento "
                f"por edad ({new_percent.normalize():f} %) es mayor"
            )
        else:
            detail = _describe_discount(kind, new_percent, age, reason)
        detail = detail[0].upper() + detail[1:] + f". Neto: {format_lempiras(net)}."
        _event(request.id, "discount", detail, by)
        audit.record(
            "discount",
            "lab_request",
            request.id,
            {
                "discount_percent": (request.discount_percent, new_percent),
                "net_amount": (request.net_amount, net),
            },
            detail=reason or detail,
        )


def update(request_id, changes: RequestChanges, by: str = "", version: int | None = None) -> None:
    """Change header fields of an active request. The number never changes."""
    session.require("lis.requests.update")
    with write_transaction():
        request = _load_for_change(request_id, version)
        errors: dict[str, str] = {}
        values: dict = {}
        described: list[str] = []
        if changes.patient_id is not None and changes.patient_id != request.patient_id:
            if request.status != "pending":
                raise RuleError(
                    translate(
                        "services.requests",
                        "El paciente solo se puede cambiar mientras la solicitud está pendiente.",
                    )
                )
            patient = _check_patient(changes.patient_id, errors)
            if patient is not None and "patient_id" not in errors:
                values["patient"] = patient.id
                described.append(f"Paciente: {patient.name}")
        if changes.doctor_id is not None and changes.doctor_id != request.doctor_id:
            doctor = _check_doctor(changes.doctor_id, errors)
            if doctor is not None and "doctor_id" not in errors:
                values["doctor"] = doctor.id
                described.append(f"Médico: {doctor.name}")
        if changes.priority is not None and changes.priority != request.priority:
            _check_choice(changes.priority, PRIORITY_LABELS, "priority", errors)
            if "priority" not in errors:
                values.update(
                    priority=changes.priority, priority_rank=PRIORITY_RANK[changes.priority]
                )
                described.append(
                    f"Prioridad: {PRIORITY_LABELS[request.priority]} → "
                    f"{PRIORITY_LABELS[changes.priority]}"
                )
        if changes.source is not None and changes.source != request.source:
            _check_choice(changes.source, SOURCE_LABELS, "source", errors)
            if "source" not in errors:
                values["source"] = changes.source
                described.append(
                    f"Origen: {SOURCE_LABELS.get(request.source, request.source)} → "
                    f"{SOURCE_LABELS[changes.source]}"
                )
        for key, label in (("clinical_info", "Información clínica"), ("notes", "Notas")):
            text = getattr(changes, key)
            if text is None or text.strip() == (getattr(request, key) or ""):
                continue
            if len(text) > MAX_TEXT:
                errors[key] = _too_long()
            else:
                values[key] = text.strip()
                described.append(f"{label} modificada")
        if errors:
            raise ValidationError(errors)
        if not values:
            return
        if "patient" in values and request.discount_kind != "manual":
            patient = _patient_row(values["patient"])
            age = request_pricing.customer_age_on(patient, request.requested_at.date())
            percent = request_pricing.AgeRules.from_settings().percent_for(age, patient.type)
            kind = "age" if percent > 0 else ""
            total, discount_total, net = _recalculate(request, percent)
            values.update(
                discount_kind=kind,
                discount_percent=percent,
                total_amount=total,
                discount_amount=discount_total,
                net_amount=net,
            )
            described.append(_describe_discount(kind, percent, age))
        _save_header(request, **values)
        _event(request.id, "updated", "; ".join(described) + ".", by)
        before = {
            "patient_id": request.patient_id,
            "doctor_id": request.doctor_id,
            "priority": request.priority,
            "source": request.source,
            "clinical_info": request.clinical_info,
            "notes": request.notes,
            "branch_id": request.branch_id,
            "discount_percent": request.discount_percent,
            "net_amount": request.net_amount,
        }
        after = dict(before)
        after.update({k: v for k, v in values.items() if k in after})
        after.update(
            {
                "patient_id": values.get("patient", request.patient_id),
                "doctor_id": values.get("doctor", request.doctor_id),
            }
        )
        changes = audit.diff(before, after)
        if changes:
            audit.record("update", "lab_request", request.id, changes)


# --- reading ---------------------------------------------------------------------------


def get(request_id) -> RequestDetail:
    """The request with its patient, doctor and branch names, lines and history.

    ``patient_id_number`` is masked (``****-****-12345``) without
    ``patients.view_sensitive``."""
    session.require("lis.requests.view")
    from . import queries as request_queries

    detail = request_queries.get_detail(request_id)
    if not session.has("patients.view_sensitive"):
        detail.patient_id_number = audit.mask_id_number(detail.patient_id_number)
    return detail


def find_id(request_number: str) -> int:
    """The id of a request by its number (case-insensitive); NotFoundError when none."""
    session.require("lis.requests.view")
    number = (request_number or "").strip().upper()
    found = LabRequest.select(LabRequest.id).where(LabRequest.request_number == number).scalar()
    if found is None:
        if number:
            raise NotFoundError(
                translate("services.requests", "No existe la solicitud {number}.").format(
                    number=number
                )
            )
        raise NotFoundError(translate("services.requests", "No existe la solicitud (vacía)."))
    return int(found)


def get_by_number(request_number: str) -> RequestDetail:
    return get(find_id(request_number))


def page(filters: RequestFilter, request):
    """One keyset page of the list (see :mod:`.request_queries` for sorts and search)."""
    session.require("lis.requests.view")
    from . import queries as request_queries

    return request_queries.page(filters, request)


def count(filters: RequestFilter, limit: int | None = None) -> int:
    """How many requests match (``limit`` caps the count for speed on huge tables)."""
    session.require("lis.requests.view")
    from . import queries as request_queries

    return request_queries.count(filters, limit)


def export_requests(filters: RequestFilter, path, progress=None, cancelled=None) -> int:
    """CSV of the requests matching ``filters`` (Spanish columns, UTF-8 with BOM).

    Requires ``exports.run``; writes one audit row (file name and row count)."""
    session.require("exports.run")
    from pathlib import Path

    from . import queries as request_queries

    count = request_queries.export_requests(filters, path, progress, cancelled)
    if not (cancelled is not None and cancelled()):
        audit.record(
            "export",
            "lab_request",
            None,
            detail=f"Exportación de solicitudes a {Path(path).name}: {count} filas.",
        )
    return count


SORTS = ("requested_at", "request_number", "patient_name", "status", "priority", "net_amount")

__all__ = [
    "CANCELLABLE",
    "NEXT_STATUS",
    "PRIORITY_LABELS",
    "READ_ONLY",
    "SORTS",
    "SOURCE_LABELS",
    "STATUS_LABELS",
    "PricedLine",
    "Pricing",
    "RequestChanges",
    "RequestDetail",
    "RequestDraft",
    "RequestFilter",
    "add_investigation",
    "advance",
    "can_cancel",
    "cancel",
    "count",
    "create",
    "export_requests",
    "find_id",
    "get",
    "get_by_number",
    "is_read_only",
    "page",
    "preview",
    "remove_investigation",
    "set_manual_discount",
    "update",
    "validate",
]
