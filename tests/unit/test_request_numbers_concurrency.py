"""Two workstations saving requests at the same moment get gap-free, unique numbers.

Two real processes (spawn) open the same database — one SQLite file by default, or a
fresh PostgreSQL database when PATOLAB_TEST_PG is set — wait at a barrier and then
each create 50 requests as fast as they can.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing

from tests.unit.process_race import race

PER_PROCESS = 50


def _create(ids: dict, at_the_barrier) -> list[str]:
    from patolab_desktop.services import requests
    from patolab_desktop.services.access import session

    session.set_current(session.system_actor("test"))  # services check permissions (issue 5)
    draft = requests.RequestDraft(
        patient_id=ids["patient"],
        doctor_id=ids["doctor"],
        investigation_ids=[ids["hem"], ids["panel"]],
    )
    at_the_barrier()
    return [
        requests.create(draft, by=f"pc{multiprocessing.current_process().name}")[1]
        for _ in range(PER_PROCESS)
    ]


def test_two_processes_get_unique_gap_free_numbers(db_target):
    from patolab_desktop.db.models import LabRequest, RequestCounter
    from patolab_desktop.services.bootstrap import close_db, open_db
    from tests.unit.requests_fixtures import (
        make_customer,
        make_doctor,
        make_investigation,
        make_panel,
    )

    open_db(db_target)
    member = make_investigation("COL", "Colesterol total", "120")
    ids = {
        "patient": make_customer(),
        "doctor": make_doctor(),
        "hem": make_investigation("HEM", "Hemograma completo", "150"),
        "panel": make_panel("PLIP", "Perfil lipídico", "300", [member]),
    }
    close_db()

    outcomes = race(_create, db_target, [ids, ids], timeout=180, barrier_timeout=60)
    assert [o[0] for o in outcomes] == ["ok", "ok"], outcomes

    # The two writers really overlapped in time (otherwise the test proves nothing).
    (_, first, start1, end1), (_, second, start2, end2) = outcomes
    assert max(start1, start2) < min(end1, end2)

    year = dt.date.today().year
    numbers = first + second
    assert len(first) == len(second) == PER_PROCESS
    assert sorted(numbers) == [f"LAB-{year}-{n:06d}" for n in range(1, 2 * PER_PROCESS + 1)]
    # Each process saw its own numbers increase (no number was handed out twice).
    assert first == sorted(first) and second == sorted(second)

    open_db(db_target)
    try:
        assert LabRequest.select().count() == 2 * PER_PROCESS
        assert RequestCounter.get().last_number == 2 * PER_PROCESS
    finally:
        close_db()
