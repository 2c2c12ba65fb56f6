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

Speed: rows are built as tuples and written in bulk, one transaction per batch of
requests (``request_rows``); 2,000,000
requests with their ~6 million lines and ~10 million history events took 6.5 minutes on
the development machine (about a third of it in the inserts, the rest building rows).
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from ..services.requests import pricing as request_pricing
from ..services.requests.types import PRIORITY_RANK, STATUS_LABELS, STATUS_RANK
from .request_rows import RequestWriter
from .request_world import SCALE, World, cumulative, pick

BATCH = 20_000  # requests per transaction
DAYS = 730

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
# the empty entries make most requests carry no clinical information or note
CLINICAL_INFO = ("",) * 5 + (
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
NOTES = ("",) * 8 + (
    "Paciente en ayunas",
    "Entregar resultados por WhatsApp",
    "Llamar al médico al tener resultados",
    "Paciente con dificultad para la venopunción",
)
USERS = ("recepcion1", "recepcion2", "recepcion3", "supervisor", "laboratorio")
PICKS_CUM = cumulative((20, 30, 25, 15, 10))  # 1 to 5 investigations picked per request
OPEN_HOURS = (6.5, 17.5, 7.5)  # opening, closing and busiest hour (fasting samples)
FLOW = ("pending", "sample_collected", "in_progress", "partial_result", "completed")

Event = tuple[dt.datetime, str, str, str]  # at, action, detail, by


# --- when ------------------------------------------------------------------------------


def _open_fraction(now: dt.datetime) -> float:
    """How much of today's opening hours have gone by."""
    opening, closing, _busy = OPEN_HOURS
    hours = now.hour + now.minute / 60
    return min(1.0, max(0.0, (hours - opening) / (closing - opening)))


def _days(count: int, rng: random.Random, now: dt.datetime) -> list[tuple[dt.date, int]]:
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


def _moments(count: int, rng: random.Random, now: dt.datetime) -> Iterator[dt.datetime]:
    """The ``count`` request times in order, day by day (each day drawn as it comes)."""
    opening, closing, busy = OPEN_HOURS
    today = now.date()
    for day, n in _days(count, rng, now):
        if not n:
            continue
        # Mornings are the busiest (fasting samples); today, nothing after now.
        midnight = dt.datetime.combine(day, dt.time())
        last = closing if day < today else max(opening, min(closing, now.hour + now.minute / 60))
        yield from sorted(
            min(
                now,
                midnight
                + dt.timedelta(seconds=int(rng.triangular(opening, last, min(busy, last)) * 3600)),
            )
            for _ in range(n)
        )


# --- what ------------------------------------------------------------------------------


def _source_and_priority(rng: random.Random) -> tuple[str, str]:
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
        priority = "routine" if prio_roll < 0.8 else "urgent" if prio_roll < 0.95 else "stat"
    return source, priority


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


class _Discount:
    """The request's discount: by age on the request date, or now and then a manual one."""

    def __init__(
        self, rng: random.Random, age: int | None, rules: request_pricing.AgeRules
    ) -> None:
        self.kind, self.parts, self.percent, self.reason = "", (0, 1), Decimal(0), ""
        if age is not None and age >= min(rules.senior_age, rules.elder_age):
            self.percent = rules.percent_for(age)
            if self.percent > 0:
                self.kind, self.parts = "age", _percent_parts(self.percent)
        if rng.random() < 0.015:
            manual, why = rng.choice(MANUAL_DISCOUNTS)
            if manual > self.percent:
                self.kind, self.parts = "manual", (manual, 1)
                self.percent, self.reason = Decimal(manual), why


def _lines(
    rng: random.Random, world: World, writer: RequestWriter, old_prices: bool
) -> list[list[Any]]:
    """A few picks; panels bring their members at price 0. Each line is
    [line_id, investigation, parent_line, price], panels before their members."""
    picks = bisect.bisect_left(PICKS_CUM, rng.random() * PICKS_CUM[-1]) + 1
    on_request: dict[int, list[Any]] = {}  # investigation → its line
    lines: list[list[Any]] = []
    for _ in range(picks):
        inv = pick(rng, world.tests, world.test_cum)
        if inv in on_request:
            continue
        line: list[Any] = [writer.line_id(), inv, None, world.price[inv]]
        on_request[inv] = line
        lines.append(line)
        if world.is_panel[inv]:
            for member in world.members.get(inv, ()):
                known = on_request.get(member)
                if known is None:
                    known = [writer.line_id(), member, line[0], 0]
                    on_request[member] = known
                    lines.append(known)
                elif known[2] is None and not world.is_panel.get(member):
                    known[2], known[3] = line[0], 0  # as the service: now part of the panel
    lines.sort(key=lambda line: line[2] is not None)  # panels before their members (FK)
    if old_prices:
        for line in lines:  # last year's price list was about 8 % cheaper
            line[3] = (line[3] * 92 // 100) // 1000 * 1000
    return lines


def _status_for(rng: random.Random, age: dt.timedelta) -> str:
    hours = age.total_seconds() / 3600
    r = rng.random()
    if hours < 2:
        return "pending" if r < 0.6 else "sample_collected" if r < 0.96 else "cancelled"
    if hours < 12:
        table: tuple[tuple[float, str], ...] = (
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


class _History:
    """The request's events: created, each status change up to ``status``, the cancel."""

    def __init__(
        self,
        rng: random.Random,
        at: dt.datetime,
        now: dt.datetime,
        status: str,
        number: str,
        user: str,
    ) -> None:
        self.events: list[Event] = [(at, "created", f"Solicitud {number}", user)]
        self.completed_at: dt.datetime | None = None
        self.cancelled_at: dt.datetime | None = None
        self.cancel_reason: str | None = None
        when = at
        reached = FLOW.index(status) if status in FLOW else rng.randint(0, 1)
        for step in range(1, reached + 1):
            minutes = rng.randint(5, 40) if step == 1 else rng.randint(20, 600)
            when = min(now, when + dt.timedelta(minutes=minutes))
            change = f"{STATUS_LABELS[FLOW[step - 1]]} → {STATUS_LABELS[FLOW[step]]}"
            self.events.append((when, "status", change, rng.choice(USERS[3:])))
        if status == "completed":
            self.completed_at = when
        if status == "cancelled":
            when = min(now, when + dt.timedelta(minutes=rng.randint(5, 240)))
            self.cancelled_at, self.cancel_reason = when, rng.choice(CANCEL_REASONS)
            self.events.append((when, "cancelled", self.cancel_reason, user))
        self.last = when


# --- generation ------------------------------------------------------------------------


def _add_request(
    rng: random.Random,
    world: World,
    writer: RequestWriter,
    rules: request_pricing.AgeRules,
    at: dt.datetime,
    now: dt.datetime,
) -> None:
    request_id = writer.request_id()
    branch_id = pick(rng, world.branches, world.branch_cum)[0]
    number = writer.number(branch_id, at.year)
    index = world.patient(rng)
    doctor_id = pick(rng, world.doctors, world.doctor_cum)
    source, priority = _source_and_priority(rng)
    discount = _Discount(rng, world.age_on(index, at.year * 10000 + at.month * 100 + at.day), rules)
    lines = _lines(rng, world, writer, old_prices=at.date() < now.date() - dt.timedelta(days=365))
    status = _status_for(rng, now - at)
    user = rng.choice(USERS[:3])
    history = _History(rng, at, now, status, number, user)

    total = discounted = 0
    created = str(at)
    for line_id, inv, parent, price in lines:
        d = _discount(price, discount.parts)
        total += price
        discounted += d
        writer.lines.append(
            (line_id, request_id, inv, parent, status, price, d, price - d, "", created)
        )
    writer.requests.append(
        (
            request_id,
            number,
            world.patient_ids[index],
            doctor_id,
            priority,
            status,
            source,
            rng.choice(CLINICAL_INFO),
            rng.choice(NOTES),
            total,
            discounted,
            total - discounted,
            int(discount.percent * SCALE),
            discount.kind,
            discount.reason,
            branch_id,
            created,
            str(history.completed_at) if history.completed_at else None,
            str(history.cancelled_at) if history.cancelled_at else None,
            history.cancel_reason,
            user,
            str(history.last),
            len(history.events),
            STATUS_RANK[status],
            PRIORITY_RANK[priority],
        )
    )
    writer.add_events(request_id, history.events)


def generate(count: int, rng: random.Random, progress: Callable[[str], None] | None = None) -> int:
    report = progress or (lambda _text: None)
    if count <= 0:
        return 0
    world = World(rng)
    if not world.ok:
        report(
            "Solicitudes: faltan pacientes, médicos, investigaciones o sucursales; no se generaron."
        )
        return 0
    rules = request_pricing.AgeRules.from_settings()  # the same rule as the entry screen
    writer = RequestWriter(dict(world.branches), big_load=count >= BATCH)
    now = dt.datetime.now().replace(microsecond=0)
    made = 0
    for at in _moments(count, rng, now):
        _add_request(rng, world, writer, rules, at, now)
        made += 1
        if len(writer.requests) >= BATCH:
            writer.flush()
            report(f"Solicitudes: {made:,} de {count:,}".replace(",", "."))
    writer.flush()
    writer.finish()
    report(f"Solicitudes: {made:,} creadas.".replace(",", "."))
    return made
