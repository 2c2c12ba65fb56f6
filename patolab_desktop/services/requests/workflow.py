"""Changes to a saved lab request: advance through the workflow, cancel with a reason,
a manual discount, header edits (adding or removing an investigation: ``investigations``).
Each change checks the version it was shown (optimistic lock), bumps it and writes a
RequestEvent and an audit row."""

from __future__ import annotations

from decimal import Decimal

from ...db.database import write_transaction
from ...db.models import LabRequest, now
from ...util.money import format_lempiras
from ...util.text import clean
from ..access import audit, session
from ..errors import RuleError, ValidationError
from ..notify import outbox as notify_outbox
from ..texts import translate
from . import pricing as request_pricing
from . import results
from .checks import (
    CHARGED_DISCOUNT,
    CHARGED_PATIENT,
    _check_choice,
    _check_doctor,
    _check_manual_discount,
    _check_patient,
    _describe_discount,
    _event,
    _patient_row,
    _refuse_if_charged,
    _too_long,
)
from .investigations import _recalculate
from .locking import _load_for_change, _save_header
from .types import (
    CANCELLABLE,
    MAX_TEXT,
    NEXT_STATUS,
    PRIORITY_LABELS,
    PRIORITY_RANK,
    SOURCE_LABELS,
    STATUS_RANK,
    RequestChanges,
    status_label,
    status_text,
)

# --- changes to a saved request --------------------------------------------------------


def advance(request_id: int, by: str = "", version: int | None = None) -> str:
    """Move the request to its next workflow status; returns the new status."""
    session.require("requests.workflow")
    with write_transaction():
        request = _load_for_change(request_id, version)
        new = NEXT_STATUS[request.status]
        # Lines follow a manual step (issue 18): in progress starts the pending lines,
        # completed releases every line left; the derivation then keeps the counts.
        if new == "in_progress":
            results._start_all(request.id, by)
        elif new == "completed":
            results._release_all(request.id, by)
        changes = results.derive(request, by=by)
        changes.update(status=new, status_rank=STATUS_RANK[new])
        if new == "completed":
            changes["completed_at"] = now()
        _save_header(request, **changes)
        _event(request.id, "status", f"{status_label(request.status)} → {status_label(new)}", by)
        audit.record_status("status_change", "lab_request", request.id, request.status, new)
    return new


def cancel(request_id: int, reason: str, by: str = "", version: int | None = None) -> None:
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
        _cancel(request, reason, by)


def _cancel(request: LabRequest, reason: str, by: str) -> None:
    """Cancel ``request`` (loaded for change, inside the write transaction) with ``reason``:
    its lines, its header, the patient's news, its history and the audit row. Also when a
    credit note takes off its last investigation (``credited``)."""
    results._cancel_all(request.id, by)
    changes = results.derive(request, by=by)  # every line cancelled: 0 results to wait for
    changes.update(
        status="cancelled",
        status_rank=STATUS_RANK["cancelled"],
        cancelled_at=now(),
        cancellation_reason=reason,
    )
    _save_header(request, **changes)
    notify_outbox._queue_for_request("cancelled", request.id, by)
    _event(request.id, "cancelled", reason, by)
    audit.record_status(
        "cancel", "lab_request", request.id, request.status, "cancelled", "Motivo: " + reason
    )


def set_manual_discount(
    request_id: int,
    percent: Decimal | str | None,
    reason: str = "",
    by: str = "",
    version: int | None = None,
) -> None:
    """Apply (or with ``percent=None`` withdraw) a manual discount and recalculate.

    The percentage replaces the age discount only when larger; a reason is required.
    """
    session.require("discounts.manual")
    session.require("lis.requests.update")
    with write_transaction():
        request = _load_for_change(request_id, version)
        _refuse_if_charged(request, CHARGED_DISCOUNT)
        errors: dict[str, str] = {}
        manual = _check_manual_discount(percent, reason, errors)
        if errors:
            raise ValidationError(errors)
        patient = _patient_row(request.patient_id)
        age, age_percent = request_pricing.age_discount(patient, request.requested_at.date())
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


def update(
    request_id: int, changes: RequestChanges, by: str = "", version: int | None = None
) -> None:
    """Change header fields of an active request. The number never changes."""
    session.require("lis.requests.update")
    with write_transaction():
        request = _load_for_change(request_id, version)
        errors: dict[str, str] = {}
        values: dict = {}
        described: list[str] = []
        if changes.patient_id is not None and changes.patient_id != request.patient_id:
            # the patient sets the age discount: on a charged request, the factura's
            _refuse_if_charged(request, CHARGED_PATIENT)
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
        if "patient" in values:
            # the new patient's age discount, chosen against a manual one as at entry
            # (pricing.choose_discount: the manual one stays only when larger)
            patient = _patient_row(values["patient"])
            age, age_percent = request_pricing.age_discount(patient, request.requested_at.date())
            manual = request.discount_percent if request.discount_kind == "manual" else None
            kind, percent = request_pricing.choose_discount(age_percent, manual)
            total, discount_total, net = _recalculate(request, percent)
            values.update(
                discount_kind=kind,
                discount_percent=percent,
                discount_reason=request.discount_reason if kind == "manual" else "",
                total_amount=total,
                discount_amount=discount_total,
                net_amount=net,
            )
            described.append(_describe_discount(kind, percent, age, values["discount_reason"]))
        _save_header(request, **values)
        if "patient" in values:  # its queued notices go to the new patient, if they may
            notify_outbox._request_moved(request.id, by)
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
        diff = audit.diff(before, after)
        if diff:
            audit.record("update", "lab_request", request.id, diff)
