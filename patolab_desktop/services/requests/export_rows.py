"""The requests CSV: its rows for the current filters, streamed, and the file."""

from __future__ import annotations

from peewee import JOIN, Tuple

from ...db.database import db
from ...db.models import (
    Branch,
    Customer,
    LabRequest,
    Referrer,
)
from .queries import (
    EXPORT_BATCH,
    EXPORT_COLUMNS,
    EXPORT_TEXT_COLUMNS,
    _check_filters,
    _date_text,
    _money_text,
    _where,
)
from .types import (
    PRIORITY_LABELS,
    SOURCE_LABELS,
    STATUS_LABELS,
    RequestFilter,
)


def export_rows(filters: RequestFilter):
    """Rows for the CSV, newest first, in keyset batches (never all in memory).

    Raw values straight from the cursor (no model conversion per cell): a 2,000,000-row
    export spends its time reading, not building Decimals and datetimes.
    """
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


def export_requests(filters: RequestFilter, path, progress=None, cancelled=None) -> int:
    from .. import csvio

    filters = filters or RequestFilter()
    _check_filters(filters)  # bad filters fail before a file is touched
    return csvio.write_csv(
        path,
        EXPORT_COLUMNS,
        export_rows(filters),
        text_columns=EXPORT_TEXT_COLUMNS,
        progress=progress,
        cancelled=cancelled,
    )
