"""Data for printed documents: request summary, period report, tube labels (no Qt here).

Every function returns plain dicts of already-formatted facts (Decimal amounts, labels,
masked id numbers) so the painters in ``ui/printing`` only lay them out, and the CLI,
the GUI and the tests print the same thing.

The period report aggregates in SQL (GROUP BY over ``lab_request``); ``MoneyField``
stores integer thousandths, so ``SUM`` is exact and is turned into Decimal here.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from peewee import JOIN, Case, ColumnBase, Field, Function, ModelSelect, fn

from ...db.models import Branch, Customer, LabRequest, Referrer
from ...util.lookups import present
from ...util.money import PLACES, ZERO
from .. import customers as customers_service
from .. import identity
from ..access import audit, session
from ..billing import request_charges
from ..billing.amounts import CENT
from ..billing.invoices import to_pay
from ..errors import NotFoundError, RuleError, ValidationError
from ..texts import translate
from . import reading
from . import types as request_types
from .counting import investigation_count
from .print_setup import (
    LAB_HEADER_KEYS,
    LABEL_HEIGHT_RANGE,
    LABEL_MAX_MM,
    LABEL_SIZES,
    LABEL_WIDTH_RANGE,
    LOGO_SUFFIXES,
    MAX_COPIES,
    PAPER_SIZES,
    PRINT_KEYS,
    lab_header,
    label_settings,
    paper_size,
    save_lab_header,
    save_print_settings,
    save_print_setup,
    validate_lab_header,
    validate_print_settings,
)

MAX_REPORT_DAYS = 3660  # ten years; longer ranges are almost always a typo


# --- formatting helpers -------------------------------------------------------------------
def format_datetime(value: dt.datetime | None) -> str:
    return value.strftime("%d/%m/%Y %H:%M") if value else ""


def format_date(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _money(thousandths: int | None) -> Decimal:
    """An SQL SUM over a MoneyField (integer thousandths) as an exact Decimal."""
    return (Decimal(int(thousandths or 0)) / 1000).quantize(PLACES)


# --- request summary ----------------------------------------------------------------------
def _id_number_text(digits: str, show_full_id: bool | None) -> str:
    """Full (``0801-1990-12345``) only for who may see it, else ``****-****-12345``.

    A number this workstation cannot read (no identity key: ``identity.LOCKED``) stops the
    paper with the way to the recovery key, as the exports do (``identity.shower``'s rule
    for a file): «****-****-*****» printed looked masked on purpose."""
    if digits == identity.LOCKED:
        raise identity.IdentityKeyNeeded()
    if "*" in str(digits or ""):  # already masked by requests.get for this user
        return str(digits)
    if show_full_id is None:
        show_full_id = session.has("patients.view_sensitive")
    digits = "".join(ch for ch in str(digits or "") if ch.isdigit())
    if show_full_id:
        return customers_service.format_id_number(digits)
    return audit.mask_id_number(digits)


def _discount_text(kind: str, percent: Decimal | None) -> str:
    rate = Decimal(percent or 0)
    if not kind or rate <= 0:
        return ""
    shown = f"{rate.normalize():f}".rstrip(".")
    return f"{'por edad' if kind == 'age' else 'manual'} {shown} %"


def request_summary_data(
    request_id: int,
    show_full_id: bool | None = None,
    printed_by: str = "",
    printed_at: dt.datetime | None = None,
) -> dict:
    """Everything the request summary prints (from ``requests.get``).

    The patient's id number is masked (``****-****-12345``) unless ``show_full_id``; with
    ``None`` the acting user's ``patients.view_sensitive`` permission decides. Lines keep
    the request's order with panel members right after their panel (``member`` True).
    ``payer_name``: the company that pays (``bill_to``), "" when the patient pays: the
    paper says who «Neto a pagar» is for.
    """
    session.require_now("prints.run")
    detail = reading.get(request_id)
    patient = customers_service.summary(detail.patient_id)
    doctor_institution = (
        Referrer.select(Referrer.institution).where(Referrer.id == detail.doctor_id).scalar() or ""
    )
    payer_name = (
        Customer.select(Customer.name)
        .join(LabRequest, on=(LabRequest.bill_to == Customer.id))
        .where(LabRequest.id == request_id)
        .scalar()
    )
    printed_at = printed_at or dt.datetime.now().replace(microsecond=0)
    cancelled = detail.status == "cancelled"
    totals = charge_totals(detail)
    return {
        "lab": lab_header(),
        "id": detail.id,
        "request_number": detail.request_number,
        "status": detail.status,
        "status_label": detail.status_label,
        "priority": detail.priority,
        "priority_label": detail.priority_label,
        "source": detail.source,
        "source_label": detail.source_label,
        "branch_text": (
            f"{detail.branch_name} ({detail.branch_code})" if detail.branch_name else ""
        ),
        "requested_at": detail.requested_at,
        "requested_at_text": format_datetime(detail.requested_at),
        "completed_at_text": format_datetime(detail.completed_at),
        "cancelled": cancelled,
        "cancelled_at_text": format_datetime(detail.cancelled_at) if cancelled else "",
        "cancellation_reason": (detail.cancellation_reason or "").strip() if cancelled else "",
        "clinical_info": (detail.clinical_info or "").strip(),
        "notes": (detail.notes or "").strip(),
        "patient": {
            "id": detail.patient_id,
            "name": detail.patient_name,
            "id_number": _id_number_text(detail.patient_id_number, show_full_id),
            # whole years on the request date (None: no age known), read with the request
            "age": detail.patient_age,
            # what the summary prints, the one rule of the papers (customers.age_text): «35
            # años», a baby's «8 meses» (not «0 años»); "" when no age is known
            "age_text": customers_service.age_text_on(
                detail.patient_id, detail.requested_at.date()
            ),
            "gender": patient.get("gender") or "",
        },
        "payer_name": payer_name or "",
        "doctor": {
            "id": detail.doctor_id,
            "name": detail.doctor_name,
            "institution": doctor_institution,
        },
        "lines": _summary_lines(detail.lines),
        "totals": totals,
        "factura": _factura_of(detail.id, cancelled, totals["net"]),
        "discount_text": _discount_text(detail.discount_kind, detail.discount_percent),
        "investigation_count": investigation_count(detail.lines),
        "discount_kind": detail.discount_kind or "",  # "age", "manual" or ""
        "discount_percent": Decimal(detail.discount_percent or 0),
        "discount_reason": (detail.discount_reason or "").strip()
        if detail.discount_kind == "manual"
        else "",
        "printed_by": printed_by,
        "printed_at": printed_at,
        "printed_at_text": format_datetime(printed_at),
    }


def _factura_of(request_id: int, cancelled: bool, net: Decimal) -> dict:
    """The valid factura that charges the request, for its summary: ``number`` ("" none),
    ``total`` (all its requests), ``shared`` (it charges others too: «Neto a pagar» is
    this request's share, which may differ by centavos), ``credited`` (its credit notes
    for this request) and ``net_after_credits``. A cancelled request is charged
    nothing."""
    found = request_charges.OnFactura() if cancelled else request_charges.on_factura(request_id)
    return {
        "number": found.number,
        "total": found.total,
        "shared": found.shared,
        "credited": found.credited,
        "net_after_credits": net - found.credited,
    }


def charge_totals(detail: request_types.RequestDetail) -> dict:
    """What the summary and the request's detail show: total, discount, the ISV of taxed
    investigations and «Neto a pagar» as its factura charges them (``billing.invoices.to_pay``:
    before, a taxed investigation's ISV was left out of the net, and a price with a third
    decimal could make it a centavo off the factura). A cancelled request keeps its
    amounts (nothing is charged)."""
    session.require("lis.requests.view")
    totals = {
        "total": detail.total_amount,
        "discount": detail.discount_amount,
        "isv15": ZERO,
        "isv18": ZERO,
        "net": detail.net_amount,
    }
    if detail.status != "cancelled":
        charged = to_pay(detail.id)
        totals.update(
            total=charged.subtotal,  # the same cents: total − discount + ISV = net
            discount=charged.discounts,
            isv15=charged.isv15,
            isv18=charged.isv18,
            net=charged.total,
        )
    return totals


def _summary_lines(lines: list[dict]) -> list[dict]:
    """The lines as ``requests.get`` orders them: each panel followed by its members."""
    return [
        {
            "code": line.get("code") or "",
            "name": line.get("name") or "",
            "sample_type": line.get("sample_type") or "",
            "price": line["price"],
            "discount": line["discount"],
            "net_price": line["net_price"],
            "is_panel": bool(line.get("is_panel")),
            "member": bool(line.get("parent_line_id")),
            "notes": (line.get("notes") or "").strip(),
        }
        for line in lines
    ]


# --- tube labels --------------------------------------------------------------------------
def label_data(request_id: int, per_sample_type: bool = True) -> list[dict]:
    """One label per distinct sample type of the request's lines (or one label in all).

    Each label: request_number, patient_name, age_sex ("45 a · Mujer", a baby's "8 m ·
    Mujer"), date (dd/mm/yyyy), sample_type and codes (the investigations drawn into that
    tube). Panels are labelled through their members; a line without a sample type goes on
    a label without one. A cancelled request has no tubes to label (RuleError).
    """
    session.require_now("prints.run")
    detail = reading.get(request_id)
    if detail.status == "cancelled":
        raise RuleError(
            translate(
                "services.reports",
                "La solicitud {number} está cancelada: no se imprimen etiquetas de tubos.",
            ).format(number=detail.request_number)
        )
    patient = customers_service.summary(detail.patient_id)
    # «45 a», a baby's «8 m» or «3 d» (it printed «0 a»)
    age = customers_service.age_text_on(detail.patient_id, detail.requested_at.date(), short=True)
    sex = patient.get("gender") or ""
    age_sex = " · ".join(part for part in (age, sex) if part)
    base = {
        "request_number": detail.request_number,
        "patient_name": detail.patient_name,
        "age_sex": age_sex,
        "date": format_date(detail.requested_at.date()),
        "priority": detail.priority,
        "priority_label": detail.priority_label,
    }
    panels_with_members = {
        line["parent_line_id"] for line in detail.lines if line.get("parent_line_id")
    }
    tubes: dict[str, list[str]] = {}
    for line in detail.lines:
        if line.get("is_panel") and line["id"] in panels_with_members:
            continue  # its members say which tubes are needed
        sample = (line.get("sample_type") or "").strip()
        key = sample if per_sample_type else ""
        codes = tubes.setdefault(key, [])
        if line.get("code") and line["code"] not in codes:
            codes.append(line["code"])
    if not tubes:
        tubes[""] = []
    if not per_sample_type:
        samples = sorted({(line.get("sample_type") or "").strip() for line in detail.lines} - {""})
        return [{**base, "sample_type": ", ".join(samples), "codes": tubes[""]}]
    return [
        {**base, "sample_type": sample, "codes": codes}
        for sample, codes in sorted(tubes.items(), key=lambda kv: (kv[0] == "", kv[0].lower()))
    ]


def record_print(entity: str, entity_id: int | None, detail: str) -> None:
    """Audit a print, a preview or a saved PDF (``entity``: lab_request or report)."""
    from ...db.database import write_transaction

    session.require("prints.reports" if entity == "report" else "prints.run")

    with write_transaction():
        audit.record("print", entity, entity_id, detail=detail)


# --- period report ------------------------------------------------------------------------
def _day_bounds(date_from: dt.date, date_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    if date_from is None or date_to is None:
        raise ValidationError(
            {"date": translate("services.reports", "Indique la fecha inicial y la final.")}
        )
    if date_to < date_from:
        raise ValidationError(
            {"date_to": translate("services.reports", "La fecha final es anterior a la inicial.")}
        )
    if (date_to - date_from).days > MAX_REPORT_DAYS:
        raise ValidationError(
            {"date_to": translate("services.reports", "El período no puede pasar de diez años.")}
        )
    start = dt.datetime.combine(date_from, dt.time.min)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min)
    return start, end


def _amount_columns(active_only: bool = False) -> tuple[ColumnBase, ...]:
    """Count and sums; with ``active_only`` cancelled requests add nothing (issue 16 B)."""
    if not active_only:
        return (
            fn.COUNT(LabRequest.id).alias("count"),
            fn.SUM(LabRequest.total_amount).coerce(False).alias("total"),
            fn.SUM(LabRequest.discount_amount).coerce(False).alias("discount"),
            fn.SUM(LabRequest.net_amount).coerce(False).alias("net"),
        )
    active = LabRequest.status != "cancelled"

    def only_active(value: object) -> Function:
        return fn.SUM(Case(None, [(active, value)], 0)).coerce(False)

    return (
        only_active(1).alias("count"),
        only_active(LabRequest.total_amount).alias("total"),
        only_active(LabRequest.discount_amount).alias("discount"),
        only_active(LabRequest.net_amount).alias("net"),
    )


def _amounts(row: dict) -> dict:
    return {
        "count": int(row.get("count") or 0),
        "total": _money(row.get("total")),
        "discount": _money(row.get("discount")),
        "net": _money(row.get("net")),
    }


def _zero_amounts() -> dict:
    return {"count": 0, "total": ZERO, "discount": ZERO, "net": ZERO}


def _add(a: dict, b: dict) -> dict:
    return {key: a[key] + b[key] for key in ("count", "total", "discount", "net")}


def _sub(a: dict, b: dict) -> dict:
    return {key: a[key] - b[key] for key in ("count", "total", "discount", "net")}


def _by_branch(start: dt.datetime, end: dt.datetime, branch_id: int | None) -> list[dict]:
    """The requests that stand, per branch (PRODUCT: "requests by status, priority and
    branch"): every active branch, by name, with zero rows too, so a branch with no work
    in the period shows; a branch closed since then appears when it had requests. One
    query: the branches, each joined to its requests of the period."""
    stands = (
        (LabRequest.branch == Branch.id)
        & (LabRequest.requested_at >= start)
        & (LabRequest.requested_at < end)
        & (LabRequest.status != "cancelled")
    )
    shown = (Branch.active == True) | LabRequest.id.is_null(False)  # noqa: E712 - peewee
    if branch_id is not None:
        shown = Branch.id == branch_id
    query = (
        Branch.select(Branch.id, Branch.name, Branch.code, *_amount_columns())
        .join(LabRequest, JOIN.LEFT_OUTER, on=stands)
        .where(shown)
        .group_by(Branch.id, Branch.name, Branch.code)
        .order_by(Branch.name, Branch.id)
    )
    return [
        {"key": row["id"], "label": f"{row['name']} ({row['code']})", **_amounts(row)}
        for row in query.dicts()
    ]


def period_report_data(
    date_from: dt.date,
    date_to: dt.date,
    branch_id: int | None = None,
    printed_by: str = "",
    printed_at: dt.datetime | None = None,
) -> dict:
    """Requests whose ``requested_at`` falls in [date_from, date_to] (whole days).

    Returns ``by_status``, ``by_priority``, ``by_source`` (every known key, in workflow order,
    zero rows included, then any unknown key found), ``by_branch`` (every active branch by
    name, zero rows included, and an inactive one that had requests; only ``branch_id``'s
    when given; its label is «name (CODE)»), ``per_day`` (days with requests),
    ``cancelled`` (every cancelled request with its reason), ``totals`` (all requests),
    ``cancelled_totals`` and ``active_totals`` (without cancelled). ``by_status`` covers
    every request (its cancelled row is the cancelled ones); ``by_priority``, ``by_source``,
    ``by_branch`` and the amounts and ``count`` of ``per_day`` leave cancelled requests out
    (they add up to ``active_totals``; ``per_day`` keeps a ``cancelled`` count apart). Each
    group row has key, label, count, total, discount, net (Decimal). Aggregation is done in
    SQL.
    """
    session.require_now("prints.reports")
    start, end = _day_bounds(date_from, date_to)
    branch = None
    if branch_id is not None:
        branch_row = present(
            Branch.get_or_none(Branch.id == branch_id),
            NotFoundError(
                translate("services.reports", "No existe la sucursal {id}.").format(id=branch_id)
            ),
        )
        branch = {"id": branch_row.id, "code": branch_row.code, "name": branch_row.name}

    def scoped(query: ModelSelect) -> ModelSelect:
        query = query.where((LabRequest.requested_at >= start) & (LabRequest.requested_at < end))
        if branch_id is not None:
            query = query.where(LabRequest.branch == branch_id)
        return query

    def grouped(field: Field, labels: dict, active_only: bool = True) -> list[dict]:
        query = scoped(
            LabRequest.select(field.alias("key"), *_amount_columns(active_only))
        ).group_by(field)
        found = {row["key"]: _amounts(row) for row in query.dicts()}
        rows = []
        for key in list(labels) + sorted(k for k in found if k not in labels):
            amounts = found.get(key, _zero_amounts())
            rows.append({"key": key, "label": labels.get(key, str(key)), **amounts})
        return rows

    # every status (the cancelled row shows what was cancelled); priority, source and day
    # count and sum the requests that stand (without cancelled ones)
    by_status = grouped(LabRequest.status, request_types.STATUS_LABELS, active_only=False)
    by_priority = grouped(LabRequest.priority, request_types.PRIORITY_LABELS)
    by_source = grouped(LabRequest.source, request_types.SOURCE_LABELS)
    by_branch = _by_branch(start, end, branch_id)

    totals = _zero_amounts()
    for row in by_status:
        totals = _add(totals, row)
    cancelled_totals = next(
        (
            {k: r[k] for k in ("count", "total", "discount", "net")}
            for r in by_status
            if r["key"] == "cancelled"
        ),
        _zero_amounts(),
    )
    active_totals = _sub(totals, cancelled_totals)
    # the money of the requests that stand, from their facturas (the legal truth) and
    # their credit notes, so it compares with the sales book
    charges = request_charges.charges_of(
        scoped(LabRequest.select(LabRequest.id).where(LabRequest.status != "cancelled"))
    )

    day = fn.DATE(LabRequest.requested_at)
    cancelled_count = fn.SUM(Case(None, [(LabRequest.status == "cancelled", 1)], 0)).coerce(False)
    per_day_query = (
        scoped(
            LabRequest.select(
                day.alias("day"), *_amount_columns(True), cancelled_count.alias("cancelled")
            )
        )
        .group_by(day)
        .order_by(day)
    )
    per_day = []
    for row in per_day_query.dicts():
        value = row["day"]
        if isinstance(value, str):
            value = dt.date.fromisoformat(value[:10])
        elif isinstance(value, dt.datetime):
            value = value.date()
        per_day.append(
            {
                "day": value,
                "day_text": format_date(value),
                "cancelled": int(row["cancelled"] or 0),
                **_amounts(row),
            }
        )

    cancelled_query = (
        scoped(
            LabRequest.select(
                LabRequest.id,
                LabRequest.request_number,
                LabRequest.requested_at,
                LabRequest.cancelled_at,
                LabRequest.cancellation_reason,
                LabRequest.net_amount,
                Customer.name.alias("patient_name"),
            ).join(Customer, JOIN.LEFT_OUTER, on=(LabRequest.patient == Customer.id))
        )
        .where(LabRequest.status == "cancelled")
        .order_by(LabRequest.requested_at, LabRequest.id)
    )
    cancelled = [
        {
            "id": row["id"],
            "request_number": row["request_number"],
            "requested_at": row["requested_at"],
            "requested_at_text": format_datetime(row["requested_at"]),
            "cancelled_at": row["cancelled_at"],
            "cancelled_at_text": format_datetime(row["cancelled_at"]),
            "patient_name": row["patient_name"] or "",
            "reason": (row["cancellation_reason"] or "").strip(),
            "net": row["net_amount"] if row["net_amount"] is not None else ZERO,
        }
        for row in cancelled_query.dicts()
    ]

    printed_at = printed_at or dt.datetime.now().replace(microsecond=0)
    return {
        "lab": lab_header(),
        "date_from": date_from,
        "date_to": date_to,
        "period_text": f"{format_date(date_from)} al {format_date(date_to)}",
        "branch": branch,
        "branch_text": f"{branch['name']} ({branch['code']})" if branch else "Todas las sucursales",
        "by_status": by_status,
        "by_priority": by_priority,
        "by_source": by_source,
        "by_branch": by_branch,
        "per_day": per_day,
        "cancelled": cancelled,
        "totals": totals,
        "cancelled_totals": cancelled_totals,
        # the tables add the requests before ISV. «Neto a pagar» with ISV is what their
        # facturas charge (a factura of requests outside the report: their shares, said
        # by ``by_request_shares``), the rest as each summary says; ``not_invoiced`` of it
        # has no factura yet. Their credit notes («Notas de crédito») are taken off in
        # ``net_after_credits``, what compares with the sales book.
        "isv": charges.isv,
        "net_to_pay": charges.to_pay,
        "credited": charges.credited,
        "net_after_credits": charges.to_pay - charges.credited,
        "not_invoiced": charges.not_invoiced,
        "by_request_shares": charges.shares,
        # the facturas round each one's ISV: their net before ISV can differ by centavos
        # from the tables' sum of the requests
        "centavos_apart": charges.shares
        or charges.to_pay - charges.isv != active_totals["net"].quantize(CENT),
        "active_totals": active_totals,
        "printed_by": printed_by,
        "printed_at": printed_at,
        "printed_at_text": format_datetime(printed_at),
    }


# The lab header and print settings live in ``print_setup``; the printing code reads them
# here too.
__all__ = [
    "LABEL_HEIGHT_RANGE",
    "LABEL_MAX_MM",
    "LABEL_SIZES",
    "LABEL_WIDTH_RANGE",
    "LAB_HEADER_KEYS",
    "LOGO_SUFFIXES",
    "MAX_COPIES",
    "MAX_REPORT_DAYS",
    "PAPER_SIZES",
    "PRINT_KEYS",
    "format_date",
    "format_datetime",
    "lab_header",
    "label_data",
    "label_settings",
    "paper_size",
    "period_report_data",
    "record_print",
    "request_summary_data",
    "save_lab_header",
    "save_print_settings",
    "save_print_setup",
    "validate_lab_header",
    "validate_print_settings",
]
