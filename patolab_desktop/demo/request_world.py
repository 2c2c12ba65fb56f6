"""What the demo requests are made over: the active patients, doctors, investigations
and branches, with the weights that make some of them far more common than others."""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random
from array import array
from collections.abc import Iterable, Sequence
from typing import TypeVar

from ..db.database import db, is_sqlite
from ..db.models import Branch, Investigation, PanelMember, Referrer
from ..services import settings
from ..util.text import fold

T = TypeVar("T")

SCALE = 1000  # MoneyField: integer thousandths
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


def packed_date(value: dt.date | str | None) -> int:
    """A date (or ISO text) as the integer yyyymmdd; 0 for None."""
    if value is None or value == "":
        return 0
    if isinstance(value, str):
        return int(value[0:4]) * 10000 + int(value[5:7]) * 100 + int(value[8:10])
    return value.year * 10000 + value.month * 100 + value.day


def cumulative(weights: Iterable[float]) -> list[float]:
    return list(itertools.accumulate(weights))


def pick(rng: random.Random, items: Sequence[T], cum: list[float]) -> T:
    """One of ``items``, as likely as its weight (``cum``: the running sums of the weights)."""
    return items[bisect.bisect_left(cum, rng.random() * cum[-1])]


class World:
    """The patients, doctors, catalog and branches the requests are made over."""

    def __init__(self, rng: random.Random) -> None:
        self.ok = False
        self._load_patients(rng)
        doctors = [
            d
            for (d,) in Referrer.select(Referrer.id)
            .where(Referrer.active == True)  # noqa: E712
            .order_by(Referrer.id)
            .tuples()
        ]
        rng.shuffle(doctors)
        self.doctors: list[int] = doctors
        self.doctor_cum = cumulative(1.0 / (i + 1) ** 0.8 for i in range(len(doctors)))
        self._load_catalog(rng)
        branches = list(
            Branch.select(Branch.id, Branch.code)
            .where(Branch.active == True)  # noqa: E712
            .order_by(Branch.id)
            .tuples()
        )
        default = settings.get("default_branch_id")
        self.branches: list[tuple[int, str]] = branches
        self.branch_cum = cumulative(3.0 if bid == default else 2.0 for bid, _code in branches)
        self.ok = bool(self.patient_ids and doctors and self.tests and branches)

    def _load_patients(self, rng: random.Random) -> None:
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
            self.patient_dob.append(packed_date(dob))
            self.patient_age.append(-1 if age is None else int(age))
            self.patient_recorded.append(packed_date(recorded))
            self.patient_company.append(1 if ctype == "empresa" else 0)
        n = len(self.patient_ids)
        # Regular patients (chronic controls, pregnancies) come back many times.
        self.regulars = [rng.randrange(n) for _ in range(max(1, n // 20))] if n else []

    def _load_catalog(self, rng: random.Random) -> None:
        rows = list(
            Investigation.select(
                Investigation.id, Investigation.name, Investigation.price, Investigation.is_panel
            )
            .where(Investigation.active == True)  # noqa: E712 - a peewee expression, not a truth test
            .order_by(Investigation.id)
            .tuples()
        )
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
        self.tests: list[int] = [r[0] for r in rows_sorted]
        self.test_cum = cumulative(weights)

    def patient(self, rng: random.Random) -> int:
        """The index of a patient (regulars often; a company now and then)."""
        while True:
            index = (
                rng.choice(self.regulars)
                if rng.random() < 0.25
                else rng.randrange(len(self.patient_ids))
            )
            if not self.patient_company[index] or rng.random() < 0.3:
                return index

    def age_on(self, index: int, packed_day: int) -> int | None:
        """The patient's age in whole years on ``packed_day`` (yyyymmdd); None for a
        company or a patient of unknown age."""
        if self.patient_company[index]:
            return None
        if self.patient_dob[index]:
            return (packed_day - self.patient_dob[index]) // 10000
        if self.patient_age[index] >= 0:
            recorded = self.patient_recorded[index]
            return self.patient_age[index] + (
                max(0, (packed_day - recorded) // 10000) if recorded else 0
            )
        return None
