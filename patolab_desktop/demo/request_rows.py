"""Writing the demo requests fast: rows as tuples (amounts as integer thousandths, what
``MoneyField`` stores), bulk inserts (``executemany`` on SQLite, ``COPY`` on PostgreSQL,
whose non-unique indexes are rebuilt once after a big load), one transaction per batch
with the ``RequestCounter`` rows it used."""

from __future__ import annotations

from typing import Any

from peewee import fn

from ..db import bulk as bulk_load
from ..db.database import db, is_sqlite
from ..db.models import LabRequest, RequestCounter, RequestEvent, RequestLine
from ..services.requests import numbers as request_numbers

TABLES = ("lab_request", "request_line", "request_event")
REQUEST_COLUMNS = (
    "id",
    "request_number",
    "patient_id",
    "doctor_id",
    "priority",
    "status",
    "source",
    "clinical_info",
    "notes",
    "total_amount",
    "discount_amount",
    "net_amount",
    "discount_percent",
    "discount_kind",
    "discount_reason",
    "branch_id",
    "requested_at",
    "completed_at",
    "cancelled_at",
    "cancellation_reason",
    "created_by",
    "updated_at",
    "version",
    "status_rank",
    "priority_rank",
)
LINE_COLUMNS = (
    "id",
    "lab_request_id",
    "investigation_id",
    "parent_line_id",
    "status",
    "price",
    "discount",
    "net_price",
    "notes",
    "created_at",
)
EVENT_COLUMNS = ("id", "lab_request_id", "at", "action", "detail", "by")

Rows = list[tuple[Any, ...]]


def insert_rows(table: str, columns: tuple[str, ...], rows: Rows) -> None:
    if not rows:
        return
    if is_sqlite():
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" for _ in columns)
        db.cursor().executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)
        return
    bulk_load.copy_rows(db.obj, table, columns, rows)  # COPY (issue 20)


def _next_id(model: Any) -> int:
    return int(model.select(fn.MAX(model.id)).scalar() or 0) + 1


class RequestWriter:
    """Collects the rows of a batch of requests (their lines and history) with the next
    free ids and request numbers, and writes them in one transaction."""

    def __init__(self, branch_codes: dict[int, str], big_load: bool) -> None:
        self.codes = branch_codes
        self.counters: dict[tuple[int, int], int] = {
            (b, y): n
            for b, y, n in RequestCounter.select(
                RequestCounter.branch, RequestCounter.year, RequestCounter.last_number
            ).tuples()
        }
        self.next_request = _next_id(LabRequest)
        self.next_line = _next_id(RequestLine)
        self.next_event = _next_id(RequestEvent)
        self.requests: Rows = []
        self.lines: Rows = []
        self.events: Rows = []
        self.touched: set[tuple[int, int]] = set()
        self.dropped: list[str] = []
        if big_load and not is_sqlite():
            for table in TABLES:
                self.dropped += bulk_load.drop_secondary_indexes(db.obj, table)

    def request_id(self) -> int:
        request_id = self.next_request
        self.next_request += 1
        return request_id

    def line_id(self) -> int:
        line_id = self.next_line
        self.next_line += 1
        return line_id

    def number(self, branch_id: int, year: int) -> str:
        """The next request number of the branch and year (the counter is saved at flush)."""
        key = (branch_id, year)
        sequence = self.counters.get(key, 0) + 1
        self.counters[key] = sequence
        self.touched.add(key)
        return request_numbers.format_number(self.codes[branch_id], year, sequence)

    def add_events(self, request_id: int, events: list[tuple[Any, str, str, str]]) -> None:
        for when_at, action, detail, by in events:
            self.events.append((self.next_event, request_id, str(when_at), action, detail, by))
            self.next_event += 1

    def flush(self) -> None:
        with db.atomic():
            insert_rows("lab_request", REQUEST_COLUMNS, self.requests)
            insert_rows("request_line", LINE_COLUMNS, self.lines)
            insert_rows("request_event", EVENT_COLUMNS, self.events)
            for branch_id, year in self.touched:
                last = self.counters[(branch_id, year)]
                RequestCounter.insert(branch=branch_id, year=year, last_number=last).on_conflict(
                    conflict_target=[RequestCounter.branch, RequestCounter.year],
                    update={RequestCounter.last_number: last},
                ).execute()
        self.requests.clear()
        self.lines.clear()
        self.events.clear()
        self.touched.clear()

    def finish(self) -> None:
        """After the last flush: the indexes back, the line statuses and counts, and on
        PostgreSQL the id sequences and the planner's statistics."""
        bulk_load.recreate_indexes(db.obj, self.dropped)
        from ..db.migrations.notify_v12 import line_statuses_and_counts

        line_statuses_and_counts(db)  # lines with their own status and the "3/8 listas" counts
        if not is_sqlite():
            for table in TABLES:
                db.execute_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
                )
            bulk_load.analyze(db.obj, TABLES)
