"""The vocabulary of lab requests (statuses, priorities, sources, events) and the data
classes that cross the service boundary: a draft, a filter, a change set, a detail."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from ..texts import LABELS, QT_TRANSLATE_NOOP, translate

# --- vocabulary ------------------------------------------------------------------------
# Spanish labels, stored as they are in the request history; shown through
# ``texts.label``/``texts.service_label`` (context "ServiceLabels") in the active language.

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
    "lines": QT_TRANSLATE_NOOP("ServiceLabels", "Resultados"),
    "invoiced": QT_TRANSLATE_NOOP("ServiceLabels", "Facturada"),
    "credit_note": QT_TRANSLATE_NOOP("ServiceLabels", "Nota de crédito"),
    "invoice_void": QT_TRANSLATE_NOOP("ServiceLabels", "Factura anulada"),
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
    bill_to_id: int | None = None  # a company that pays (issue 17); None: the patient


@dataclass
class RequestFilter:
    search: str = ""  # request number (full, prefix or just the sequence) or patient name/DNI
    status: str | None = None
    priority: str | None = None
    source: str | None = None
    progress: str | None = None  # results: "none", "some" or "all" released (issue 18)
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
    lines_total: int = 0  # result lines (issue 18)
    lines_released: int = 0

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


SORTS = (
    "requested_at",
    "request_number",
    "patient_name",
    "status",
    "priority",
    "net_amount",
    "doctor",
    "source",
    "branch",
    "line_count",
    "progress",  # results released, then result lines (issue 18)
)
