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
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ...db.database import write_transaction
from ...db.models import Branch, Customer, LabRequest, RequestLine, now
from ...util.money import format_lempiras
from ...util.text import clean
from ..access import audit, session
from ..billing.invoices import to_pay_of_draft
from ..catalog import branches
from ..errors import ValidationError
from ..notify import outbox as notify_outbox
from ..texts import translate
from . import numbers as request_numbers
from . import pricing as request_pricing
from . import results
from .checks import (
    _check_choice,
    _check_doctor,
    _check_investigations,
    _check_manual_discount,
    _check_patient,
    _describe_discount,
    _event,
    _investigations,
    _too_long,
    _who,
)
from .counting import investigation_count
from .pricing import CatalogItem, PricedLine, Pricing
from .types import (
    MAX_TEXT,
    PRIORITY_LABELS,
    PRIORITY_RANK,
    SOURCE_LABELS,
    STATUS_RANK,
    RequestDraft,
)

# --- validation ------------------------------------------------------------------------


def _branch(branch_id: int | None) -> tuple[int | None, str | None]:
    """``(id, code)`` of the request's branch: the one chosen, with its code when it is
    active (None when not), else the default branch (``catalog.branches``)."""
    if branch_id:
        active = (Branch.id == branch_id) & (Branch.active == True)  # noqa: E712
        return branch_id, Branch.select(Branch.code).where(active).scalar()
    return branches.default_branch() or (None, None)


def _requested_at(value: dt.date | dt.datetime | None) -> dt.datetime:
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
    branch_code: str | None
    requested_at: dt.datetime
    pricing: Pricing
    manual_percent: Decimal | None
    members: dict[int, list[int]]  # each picked panel's investigations (``load_for``)


def _check_draft(draft: RequestDraft, strict: bool) -> tuple[_Checked, dict[str, str]]:
    errors: dict[str, str] = {}
    patient = _check_patient(draft.patient_id, errors)
    doctor = _check_doctor(draft.doctor_id, errors)
    _check_choice(draft.priority, PRIORITY_LABELS, "priority", errors)
    _check_choice(draft.source, SOURCE_LABELS, "source", errors)
    branch_id, branch_code = _branch(draft.branch_id)
    if not branch_id:
        errors["branch_id"] = translate(
            "services.requests",
            "No hay una sucursal activa; registre una antes de crear solicitudes.",
        )
    elif branch_code is None:
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
    # The entry screen asks for a preview while the form is being filled in (not strict):
    # price what can be priced and leave the other messages to validate()/create().
    if not strict and "investigation_ids" in errors and draft.investigation_ids:
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
    checked = _Checked(
        patient, doctor, branch_id, branch_code, requested_at, pricing, manual, members
    )
    return checked, errors


def _price(
    ids: Iterable[int | str],
    items: dict[int, CatalogItem],
    members: dict[int, list[int]],
    line_notes: dict[int, str] | None,
    patient: Any,
    day: dt.date,
    manual: Decimal | None,
) -> Pricing:
    warnings: list[str] = []
    lines = request_pricing.expand(ids, items, members, line_notes, warnings)
    age, age_percent = request_pricing.age_discount(patient, day)
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
        inner_panels=request_pricing.inner_panels(lines, items),
    )


def validate(draft: RequestDraft) -> dict[str, str]:
    """Field → message for everything wrong with ``draft``; {} when it can be saved."""
    _require_for_draft(draft)
    _checked, errors = _check_draft(draft, strict=True)
    return errors


def preview(draft: RequestDraft) -> Pricing:
    """What the entry screen shows: lines, total, discount, net, and what a factura will
    charge (``charged``: the same amounts to the cent, with the ISV of taxed
    investigations). Writes nothing.

    Tolerates an unfinished form (no patient yet: no age discount; manual discount
    without a reason: shown, refused on save). Raises ValidationError only for
    investigations that cannot be priced (unknown or inactive).
    """
    _require_for_draft(draft)
    checked, _errors = _check_draft(draft, strict=False)
    pricing = checked.pricing
    pricing.charged = to_pay_of_draft(
        (line.investigation_id, line.price, line.discount)
        for line in pricing.lines
        if line.parent_investigation_id is None
    )
    return pricing


# --- create ----------------------------------------------------------------------------


def _insert_lines(request_id: int, lines: list[PricedLine], status: str) -> None:
    """Top-level lines in one INSERT, then the panel members pointing at their panel line."""
    stamp = now()
    top = [line for line in lines if line.parent_investigation_id is None]
    members = [line for line in lines if line.parent_investigation_id is not None]

    def row(line: PricedLine, parent_line_id: int | None = None) -> dict:
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
            "own_price": line.own_price,
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


def _payer_exists(customer_id: int) -> bool:
    return (
        Customer.select()
        .where((Customer.id == customer_id) & (Customer.active == True))  # noqa: E712
        .exists()
    )


# A request is for a patient: whoever registers one must find the patient first, so the
# entry needs ``patients.view`` as well as ``lis.requests.create`` (a role holding only the
# latter was refused on the first letter typed in the patient box).
ENTRY_PERMISSIONS = ("lis.requests.create", "patients.view")


def _require_for_draft(draft: RequestDraft) -> None:
    session.require(*ENTRY_PERMISSIONS)
    if draft.manual_discount_percent not in (None, ""):
        session.require("discounts.manual")


def create(draft: RequestDraft, by: str = "") -> tuple[int, str]:
    """Save a new request; returns ``(id, request_number)``.

    Validation, numbering and every insert happen in one write transaction: a failure
    anywhere rolls everything back, including the number.
    """
    _require_for_draft(draft)
    with write_transaction():
        checked, errors = _check_draft(draft, strict=True)
        if draft.bill_to_id is not None and not _payer_exists(draft.bill_to_id):
            errors["bill_to_id"] = translate(
                "services.requests", "La empresa que paga no existe o está desactivada."
            )
        if errors:
            raise ValidationError(errors)
        pricing = checked.pricing
        assert checked.branch_id is not None  # _check_draft reported a missing branch
        _sequence, number = request_numbers.take_next(
            checked.branch_id, checked.requested_at.year, checked.branch_code
        )
        stamp = now()
        request_id = LabRequest.insert(
            lines_total=results.result_count(pricing.lines, checked.members),
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
            bill_to=draft.bill_to_id,
            requested_at=checked.requested_at,
            created_by=_who(by),
            updated_at=stamp,
            version=1,
        ).execute()
        _insert_lines(request_id, pricing.lines, "pending")
        notify_outbox._queue_for_request("received", request_id, by)
        discount = _describe_discount(
            pricing.discount_kind,
            pricing.discount_percent,
            pricing.patient_age,
            clean(draft.discount_reason),
        )
        _event(
            request_id,
            "created",
            f"Solicitud {number}: {_investigations(investigation_count(pricing.lines))}, "
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
            detail=_investigations(investigation_count(pricing.lines)),
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
