"""Synthetic lab requests for demos and benchmarks (deterministic for a given ``rng``).

Requests are spread over the last two years (busier mornings and weekdays, a slow
growth over time), over the existing active patients (some come back often), referrers
(a few doctors send most patients), investigations (hemograma, glucosa, orina… far more
than rare tests), panels (with their members at price 0) and branches (the default
one busier). Recent requests are still in the workflow; older ones are completed or,
a few, cancelled from pending or sample_collected with a reason. Age discounts follow
the patient's age on the request date and the settings; a few requests carry a manual
discount with its reason; every request has its history (created, each status change,
cancel).

The numbers are the real ones: per branch and year in date order, continuing the
``RequestCounter`` rows, which are updated in the same transaction as each batch, so
the demo data and the next request entered by hand never collide.

Speed: rows are built as tuples (amounts as integer thousandths, exactly what
``MoneyField`` stores) and written with bulk inserts (``executemany`` on SQLite,
``COPY`` on PostgreSQL, whose non-unique indexes are built once after a big load into
empty tables), one transaction per batch of requests; 2,000,000
requests with their ~6 million lines and ~10 million history events took 6.5 minutes on
the development machine (about a third of it in the inserts, the rest building rows).
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
from array import array
from collections.abc import Callable
from decimal import Decimal

from peewee import fn

from ..db import bulk as bulk_load
from ..db.database import db, is_sqlite
from ..db.models import (
    Branch,
    Investigation,
    LabRequest,
    PanelMember,
    Referrer,
    RequestCounter,
    RequestEvent,
    RequestLine,
)
from ..services import settings
from ..services.requests import numbers as request_numbers
from ..services.requests import pricing as request_pricing
from ..services.requests.types import PRIORITY_RANK, STATUS_LABELS, STATUS_RANK
from ..util.text import fold

BATCH = 20_000  # requests per transaction
DAYS = 730
SCALE = 1000  # MoneyField: integer thousandths

CANCEL_REASONS = (
    "Paciente no se presentó a la toma de muestra",
    "Solicitud duplicada",
    "El médico cambió la orden",
    "Paciente desistió por el costo",
    "Error en el registro del paciente",
    "Muestra hemolizada; se registró una nueva solicitud",
    "Paciente trasladado a otro centro",
    "Paciente no cumplió el ayuno requerido",
)
MANUAL_DISCOUNTS = (
    (10, "Convenio con empresa"),
    (15, "Cortesía médica"),
    (20, "Empleado del laboratorio"),
    (25, "Campaña de salud"),
    (50, "Paciente de escasos recursos (trabajo social)"),
)
CLINICAL_INFO = (
    "",
    "",
    "",
    "",
    "",
    "Control anual",
    "Chequeo preoperatorio",
    "Control de diabetes",
    "Control prenatal",
    "Fiebre de 3 días",
    "Sospecha de dengue",
    "Dolor abdominal",
    "Control de hipertensión",
    "Evaluación preempleo",
    "Fatiga y mareos",
    "Infección urinaria recurrente",
    "Control de tiroides",
    "Seguimiento de anemia",
)
NOTES = (
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "Paciente en ayunas",
    "Entregar resultados por WhatsApp",
    "Llamar al médico al tener resultados",
    "Paciente con dificultad para la venopunción",
)
USERS = ("recepcion1", "recepcion2", "recepcion3", "supervisor", "laboratorio")
MOST_POPULAR = ("hemograma", "glucosa", "examen general de orina")
POPULAR = (
    "hemograma",
    "glucosa",
    "orina",
    "heces",
    "creatinina",
    "colesterol",
    "triglic",
    "acido urico",
    "tsh",
    "hba1c",
    "glicosilada",
    "embarazo",
    "dengue",
    "tipeo",
)

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


# --- helpers ---------------------------------------------------------------------------


def _packed(value) -> int:
    """A date (or ISO text) as the integer yyyymmdd; 0 for None."""
    if value is None or value == "":
        return 0
    if isinstance(value, str):
        return int(value[0:4]) * 10000 + int(value[5:7]) * 100 + int(value[8:10])
    return value.year * 10000 + value.month * 100 + value.day


def _cum(weights) -> list[float]:
    return list(itertools.accumulate(weights))


def _pick(rng, items, cum):
    return items[bisect.bisect_left(cum, rng.random() * cum[-1])]


def _percent_parts(percent: Decimal) -> tuple[int, int]:
    """A percentage as an exact fraction ``num / den`` for integer arithmetic."""
    num, den = Decimal(percent).as_integer_ratio()
    return num, den


def _discount(price: int, parts: tuple[int, int]) -> int:
    """price × percent / 100, half-up, in thousandths (integers only)."""
    num, den = parts
    if not num:
        return 0
    return (2 * price * num + 100 * den) // (200 * den)


def _insert(table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    if not rows:
        return
    if is_sqlite():
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" for _ in columns)
        db.cursor().executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)
        return
    bulk_load.copy_rows(db.obj, table, columns, rows)  # COPY (issue 20)


# --- what exists -----------------------------------------------------------------------


class _World:
    """The patients, doctors, catalog and branches the requests are made over."""

    def __init__(self, rng):
        self.ok = False
        # Patients: compact arrays (1,000,000 customers cost a few MB).
        self.patient_ids = array("q")
        self.patient_dob = array("l")
        self.patient_age = array("l")
        self.patient_recorded = array("l")
        self.patient_company = bytearray()
        cursor = db.execute_sql(
            "SELECT id, type, date_of_birth, age, age_recorded_on FROM customer "
            "WHERE active = %s ORDER BY id" % ("1" if is_sqlite() else "TRUE")
        )
        for pid, ctype, dob, age, recorded in cursor:
            self.patient_ids.append(pid)
            self.patient_dob.append(_packed(dob))
            self.patient_age.append(-1 if age is None else int(age))
            self.patient_recorded.append(_packed(recorded))
            self.patient_company.append(1 if ctype == "empresa" else 0)
        n = len(self.patient_ids)
        # Regular patients (chronic controls, pregnancies) come back many times.
        self.regulars = [rng.randrange(n) for _ in range(max(1, n // 20))] if n else []

        doctors = [
            d
            for (d,) in Referrer.select(Referrer.id)
            .where(Referrer.active == True)  # noqa: E712
            .order_by(Referrer.id)
            .tuples()
        ]
        rng.shuffle(doctors)
        self.doctors = doctors
        self.doctor_cum = _cum(1.0 / (i + 1) ** 0.8 for i in range(len(doctors)))

        rows = list(
            Investigation.select(
                Investigation.id, Investigation.name, Investigation.price, Investigation.is_panel
            )
            .where(Investigation.active == True)  # noqa: E712 - a peewee expression, not a truth test
            .order_by(Investigation.id)
            .tuples()
        )  # noqa: E712
        members: dict[int, list[int]] = {}
        for panel, member in (
            PanelMember.select(PanelMember.panel, PanelMember.member)
            .order_by(PanelMember.panel, PanelMember.position, PanelMember.id)
            .tuples()
        ):
            members.setdefault(panel, []).append(member)
        self.members = members
        self.price = {iid: int(price * SCALE) for iid, _name, price, _panel in rows}
        self.is_panel = {iid: bool(panel) for iid, _name, _price, panel in rows}
        weights = []
        rows_sorted = list(rows)
        rng.shuffle(rows_sorted)
        for rank, (_iid, name, _price, panel) in enumerate(rows_sorted):
            weight = 1.0 / (rank + 1) ** 0.6
            folded = fold(name)
            if any(word in folded for word in MOST_POPULAR):
                weight *= 25
            elif any(word in folded for word in POPULAR):
                weight *= 8
            if panel:
                weight *= 6  # profiles are common orders (each brings several lines)
            weights.append(weight)
        self.tests = [r[0] for r in rows_sorted]
        self.test_cum = _cum(weights)

        branches = list(
            Branch.select(Branch.id, Branch.code)
            .where(Branch.active == True)  # noqa: E712
            .order_by(Branch.id)
            .tuples()
        )
        default = settings.get("default_branch_id")
        self.branches = branches
        self.branch_cum = _cum(3.0 if bid == default else 2.0 for bid, _code in branches)

        self.ok = bool(n and doctors and self.tests and branches)

    def patient(self, rng) -> int:
        while True:
            index = (
                rng.choice(self.regulars)
                if rng.random() < 0.25
                else rng.randrange(len(self.patient_ids))
            )
            if not self.patient_company[index] or rng.random() < 0.3:
                return index


# --- generation ------------------------------------------------------------------------


OPEN_HOURS = (6.5, 17.5, 7.5)  # opening, closing and busiest hour (fasting samples)


def _open_fraction(now: dt.datetime) -> float:
    """How much of today's opening hours have gone by."""
    opening, closing, _busy = OPEN_HOURS
    hours = now.hour + now.minute / 60
    return min(1.0, max(0.0, (hours - opening) / (closing - opening)))


def _days(count: int, rng, now: dt.datetime) -> list[tuple[dt.date, int]]:
    """How many requests each of the last ``DAYS`` days gets (sums to ``count``)."""
    today = now.date()
    first = today - dt.timedelta(days=DAYS - 1)
    weights = []
    for i in range(DAYS):
        day = first + dt.timedelta(days=i)
        weekday = (1.0, 1.0, 1.0, 1.0, 0.95, 0.6, 0.12)[day.weekday()]
        growth = 0.8 + 0.4 * i / DAYS
        weights.append(weekday * growth * rng.uniform(0.85, 1.15))
    weights[-1] *= _open_fraction(now)  # today: only the hours already gone by
    total = sum(weights)
    exact = [count * w / total for w in weights]
    counts = [int(x) for x in exact]
    for i in sorted(range(DAYS), key=lambda i: exact[i] - counts[i], reverse=True)[
        : count - sum(counts)
    ]:
        counts[i] += 1
    return [(first + dt.timedelta(days=i), c) for i, c in enumerate(counts)]


def _status_for(rng, age: dt.timedelta) -> str:
    hours = age.total_seconds() / 3600
    r = rng.random()
    if hours < 2:
        return "pending" if r < 0.6 else "sample_collected" if r < 0.96 else "cancelled"
    if hours < 12:
        table = (
            (0.12, "pending"),
            (0.35, "sample_collected"),
            (0.7, "in_progress"),
            (0.85, "partial_result"),
            (0.97, "completed"),
        )
    elif hours < 72:
        table = (
            (0.02, "sample_collected"),
            (0.12, "in_progress"),
            (0.27, "partial_result"),
            (0.96, "completed"),
        )
    else:  # a few stay behind: patients who never came back, send-out tests awaited
        table = (
            (0.002, "pending"),
            (0.003, "sample_collected"),
            (0.005, "partial_result"),
            (0.956, "completed"),
        )
    for limit, status in table:
        if r < limit:
            return status
    return "cancelled"


FLOW = ("pending", "sample_collected", "in_progress", "partial_result", "completed")


def generate(count: int, rng, progress: Callable[[str], None] | None = None) -> int:
    progress = progress or (lambda _text: None)
    if count <= 0:
        return 0
    world = _World(rng)
    if not world.ok:
        progress(
            "Solicitudes: faltan pacientes, médicos, investigaciones o sucursales; no se generaron."
        )
        return 0
    rules = request_pricing.AgeRules.from_settings()  # the same rule as the entry screen
    youngest = min(rules.senior_age, rules.elder_age)
    codes = dict(world.branches)
    counters = {
        (b, y): n
        for b, y, n in RequestCounter.select(
            RequestCounter.branch, RequestCounter.year, RequestCounter.last_number
        ).tuples()
    }
    next_request = (LabRequest.select(fn.MAX(LabRequest.id)).scalar() or 0) + 1
    next_line = (RequestLine.select(fn.MAX(RequestLine.id)).scalar() or 0) + 1
    next_event = (RequestEvent.select(fn.MAX(RequestEvent.id)).scalar() or 0) + 1
    now = dt.datetime.now().replace(microsecond=0)
    today = now.date()
    picks_cum = _cum((20, 30, 25, 15, 10))

    req_rows: list[tuple] = []
    line_rows: list[tuple] = []
    event_rows: list[tuple] = []
    touched: set[tuple[int, int]] = set()
    made = 0

    dropped: list[str] = []
    if not is_sqlite() and count >= BATCH:
        for table in ("lab_request", "request_line", "request_event"):
            dropped += bulk_load.drop_secondary_indexes(db.obj, table)

    def flush() -> None:
        with db.atomic():
            _insert("lab_request", REQUEST_COLUMNS, req_rows)
            _insert("request_line", LINE_COLUMNS, line_rows)
            _insert("request_event", EVENT_COLUMNS, event_rows)
            for branch_id, year in touched:
                RequestCounter.insert(
                    branch=branch_id, year=year, last_number=counters[(branch_id, year)]
                ).on_conflict(
                    conflict_target=[RequestCounter.branch, RequestCounter.year],
                    update={RequestCounter.last_number: counters[(branch_id, year)]},
                ).execute()
        req_rows.clear()
        line_rows.clear()
        event_rows.clear()
        touched.clear()

    opening, closing, busy = OPEN_HOURS
    for day, n in _days(count, rng, now):
        if not n:
            continue
        # Mornings are the busiest (fasting samples); today, nothing after now.
        midnight = dt.datetime.combine(day, dt.time())
        last = closing if day < today else max(opening, min(closing, now.hour + now.minute / 60))
        stamps = sorted(
            min(
                now,
                midnight
                + dt.timedelta(seconds=int(rng.triangular(opening, last, min(busy, last)) * 3600)),
            )
            for _ in range(n)
        )
        for at in stamps:
            request_id = next_request
            next_request += 1
            branch_id = _pick(rng, world.branches, world.branch_cum)[0]
            key = (branch_id, at.year)
            sequence = counters.get(key, 0) + 1
            counters[key] = sequence
            touched.add(key)
            number = request_numbers.format_number(codes[branch_id], at.year, sequence)

            index = world.patient(rng)
            patient_id = world.patient_ids[index]
            doctor_id = _pick(rng, world.doctors, world.doctor_cum)
            source_roll = rng.random()
            source = (
                "walk_in"
                if source_roll < 0.65
                else "external"
                if source_roll < 0.8
                else "in_patient"
                if source_roll < 0.92
                else "emergency"
            )
            prio_roll = rng.random()
            if source == "emergency":
                priority = "stat" if prio_roll < 0.5 else "urgent" if prio_roll < 0.9 else "routine"
            else:
                priority = (
                    "routine" if prio_roll < 0.8 else "urgent" if prio_roll < 0.95 else "stat"
                )

            # Discount: age on the request date, or now and then a manual one.
            packed_day = at.year * 10000 + at.month * 100 + at.day
            age = None
            if not world.patient_company[index]:
                if world.patient_dob[index]:
                    age = (packed_day - world.patient_dob[index]) // 10000
                elif world.patient_age[index] >= 0:
                    recorded = world.patient_recorded[index]
                    age = world.patient_age[index] + (
                        max(0, (packed_day - recorded) // 10000) if recorded else 0
                    )
            kind, parts, percent, reason = "", (0, 1), Decimal(0), ""
            if age is not None and age >= youngest:
                percent = rules.percent_for(age)
                if percent > 0:
                    kind, parts = "age", _percent_parts(percent)
            if rng.random() < 0.015:
                manual, why = rng.choice(MANUAL_DISCOUNTS)
                if manual > percent:
                    kind, parts, percent, reason = "manual", (manual, 1), Decimal(manual), why

            # Investigations: a few picks; panels bring their members at price 0.
            picks = bisect.bisect_left(picks_cum, rng.random() * picks_cum[-1]) + 1
            on_request: dict[int, list] = {}  # investigation → its line
            lines: list[list] = []  # [line_id, investigation, parent_line, price]
            for _ in range(picks):
                inv = _pick(rng, world.tests, world.test_cum)
                if inv in on_request:
                    continue
                line = [next_line, inv, None, world.price[inv]]
                next_line += 1
                on_request[inv] = line
                lines.append(line)
                if world.is_panel[inv]:
                    for member in world.members.get(inv, ()):
                        known = on_request.get(member)
                        if known is None:
                            known = [next_line, member, line[0], 0]
                            next_line += 1
                            on_request[member] = known
                            lines.append(known)
                        elif known[2] is None and not world.is_panel.get(member):
                            known[2], known[3] = line[0], 0  # as the service: now part of the panel
            lines.sort(key=lambda line: line[2] is not None)  # panels before their members (FK)
            if at.date() < today - dt.timedelta(days=365):
                for line in lines:  # last year's price list was about 8 % cheaper
                    line[3] = (line[3] * 92 // 100) // 1000 * 1000

            status = _status_for(rng, now - at)
            user = rng.choice(USERS[:3])
            events = [(at, "created", f"Solicitud {number}", user)]
            completed_at = cancelled_at = cancel_reason = None
            when = at
            reached = FLOW.index(status) if status in FLOW else rng.randint(0, 1)
            for step in range(1, reached + 1):
                when = min(
                    now,
                    when
                    + dt.timedelta(
                        minutes=rng.randint(5, 40) if step == 1 else rng.randint(20, 600)
                    ),
                )
                events.append(
                    (
                        when,
                        "status",
                        f"{STATUS_LABELS[FLOW[step - 1]]} → {STATUS_LABELS[FLOW[step]]}",
                        rng.choice(USERS[3:]),
                    )
                )
            if status == "completed":
                completed_at = when
            if status == "cancelled":
                when = min(now, when + dt.timedelta(minutes=rng.randint(5, 240)))
                cancelled_at, cancel_reason = when, rng.choice(CANCEL_REASONS)
                events.append((when, "cancelled", cancel_reason, user))
            line_status = status

            total = discount = 0
            created = str(at)
            for line_id, inv, parent, price in lines:
                d = _discount(price, parts)
                total += price
                discount += d
                line_rows.append(
                    (
                        line_id,
                        request_id,
                        inv,
                        parent,
                        line_status,
                        price,
                        d,
                        price - d,
                        "",
                        created,
                    )
                )
            req_rows.append(
                (
                    request_id,
                    number,
                    patient_id,
                    doctor_id,
                    priority,
                    status,
                    source,
                    rng.choice(CLINICAL_INFO),
                    rng.choice(NOTES),
                    total,
                    discount,
                    total - discount,
                    int(percent * SCALE),
                    kind,
                    reason,
                    branch_id,
                    created,
                    str(completed_at) if completed_at else None,
                    str(cancelled_at) if cancelled_at else None,
                    cancel_reason,
                    user,
                    str(when),
                    len(events),
                    STATUS_RANK[status],
                    PRIORITY_RANK[priority],
                )
            )
            for when_at, action, detail, by in events:
                event_rows.append((next_event, request_id, str(when_at), action, detail, by))
                next_event += 1
            made += 1
            if len(req_rows) >= BATCH:
                flush()
                progress(f"Solicitudes: {made:,} de {count:,}".replace(",", "."))
    flush()
    bulk_load.recreate_indexes(db.obj, dropped)
    from ..db.migrations.notify_v12 import line_statuses_and_counts

    line_statuses_and_counts(db)  # lines with their own status and the "3/8 listas" counts
    if not is_sqlite():
        for table in ("lab_request", "request_line", "request_event"):
            db.execute_sql(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )
        bulk_load.analyze(db.obj, ("lab_request", "request_line", "request_event"))
    progress(f"Solicitudes: {made:,} creadas.".replace(",", "."))
    return made
