"""The requests CSV: its rows for the current filters, streamed, and the file (audited)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator

from peewee import JOIN, Tuple

from ...db.database import db
from ...db.models import (
    Branch,
    Customer,
    LabRequest,
    Referrer,
)
from ..access import session
from .filters import _check_filters, _check_records, _where
from .types import (
    PRIORITY_LABELS,
    SOURCE_LABELS,
    STATUS_LABELS,
    RequestFilter,
)

EXPORT_COLUMNS = [
    "Número",
    "Fecha",
    "Paciente",
    "Médico",
    "Sucursal",
    "Prioridad",
    "Estado",
    "Origen",
    "Total",
    "Descuento",
    "Neto",
    "Cancelada el",
    "Motivo de cancelación",
]
EXPORT_TEXT_COLUMNS = [0, 2, 3, 4, 5, 6, 7, 12]
EXPORT_BATCH = 5000
# The rows are the requests list's (patient, doctor, amounts): writing them needs the
# permission that reads that list, as the customers', referrers' and catalogue's CSVs
# need theirs; exporting alone let a role that sees no request take them all away.
EXPORT_PERMISSIONS = ("exports.run", "lis.requests.view")


def _money_text(raw: int | str | None) -> str:
    """A stored amount (integer thousandths) as ``1234.50`` (2 places, half-up, as
    ``util.money.shown_amount`` rounds)."""
    if raw is None:
        return ""
    raw = int(raw)
    if raw < 0:
        return "-" + _money_text(-raw)
    cents = (raw + 5) // 10
    return f"{cents // 100}.{cents % 100:02d}"


def _date_text(raw: str | dt.datetime | None) -> str:
    """A stored timestamp as ``dd/mm/yyyy HH:MM`` (text on SQLite, datetime on PostgreSQL)."""
    if raw is None or raw == "":
        return ""
    if isinstance(raw, str):
        return f"{raw[8:10]}/{raw[5:7]}/{raw[0:4]} {raw[11:16]}"
    return raw.strftime("%d/%m/%Y %H:%M")


def export_rows(filters: RequestFilter) -> Iterator[list[str]]:
    """Rows for the CSV, newest first, in keyset batches (never all in memory).

    Raw values straight from the cursor (no model conversion per cell): a 2,000,000-row
    export spends its time reading, not building Decimals and datetimes.
    """
    session.require(*EXPORT_PERMISSIONS)
    base = _where(
        LabRequest.select(
            LabRequest.request_number,
            LabRequest.requested_at,
            Customer.name,
            Referrer.name,
            Branch.code,
            LabRequest.priority,
            LabRequest.status,
            LabRequest.source,
            LabRequest.total_amount,
            LabRequest.discount_amount,
            LabRequest.net_amount,
            LabRequest.cancelled_at,
            LabRequest.cancellation_reason,
            LabRequest.id,
        )
        .join(Customer, on=(LabRequest.patient == Customer.id))
        .switch(LabRequest)
        .join(Referrer, on=(LabRequest.doctor == Referrer.id))
        .switch(LabRequest)
        .join(Branch, JOIN.LEFT_OUTER, on=(LabRequest.branch == Branch.id)),
        filters,
    )
    after = None
    while True:
        query = base
        if after is not None:
            query = query.where(Tuple(LabRequest.requested_at, LabRequest.id) < Tuple(*after))
        sql, params = (
            query.order_by(LabRequest.requested_at.desc(), LabRequest.id.desc())
            .limit(EXPORT_BATCH)
            .sql()
        )
        rows = db.execute_sql(sql, params).fetchall()
        for (
            number,
            requested_at,
            patient,
            doctor,
            branch,
            priority,
            status,
            source,
            total,
            discount,
            net,
            cancelled_at,
            reason,
            _id,
        ) in rows:
            yield [
                number,
                _date_text(requested_at),
                patient,
                doctor,
                branch or "",
                PRIORITY_LABELS.get(priority, priority),
                STATUS_LABELS.get(status, status),
                SOURCE_LABELS.get(source, source),
                _money_text(total),
                _money_text(discount),
                _money_text(net),
                _date_text(cancelled_at),
                reason or "",
            ]
        if len(rows) < EXPORT_BATCH:
            return
        after = (rows[-1][1], rows[-1][-1])


def export_requests(
    filters: RequestFilter,
    path: str | os.PathLike[str],
    progress: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> int:
    """CSV of the requests matching ``filters`` (Spanish columns, UTF-8 with BOM).

    Requires ``EXPORT_PERMISSIONS``; writes one audit row (file name and row count)."""
    session.require_now(*EXPORT_PERMISSIONS)
    from .. import csvio

    filters = filters or RequestFilter()
    _check_filters(filters)  # bad filters fail before a file is touched
    _check_records(filters)
    return csvio.export_csv(
        path,
        EXPORT_COLUMNS,
        export_rows(filters),
        entity="lab_request",
        what="de solicitudes",
        text_columns=EXPORT_TEXT_COLUMNS,
        progress=progress,
        cancelled=cancelled,
    )
