"""Several workstations at once: lost updates are refused (optimistic version column) and
request numbers stay unique and gap-free with 4 processes × 100 creations.

Runs on SQLite (one file) and, with PATOLAB_TEST_PG, on PostgreSQL (a fresh database).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from patolab_desktop.db.models import Customer, Investigation, LabRequest, Referrer, RequestCounter
from patolab_desktop.services import catalog, customers, requests
from patolab_desktop.services.catalog import referrers
from patolab_desktop.services.errors import ConflictError
from tests.unit.process_race import race
from tests.unit.requests_fixtures import fields_of, lab  # noqa: F401  (fixture)

PROCESSES = 4
PER_PROCESS = 100


@pytest.fixture(autouse=True)
def _acting_user():
    """Saving requests needs a logged-in user: act as the system user (like the CLI)."""
    from patolab_desktop.services.access import session

    with session.acting_as(session.system_actor("test")) as actor:
        yield actor


# --- lost updates ------------------------------------------------------------------------


def test_customer_stale_save_is_refused(register):
    customer_id = register()
    mine = customers.get(customer_id)  # workstation A opens the form
    theirs = customers.get(customer_id)  # workstation B opens it too …
    customers.update(dataclasses.replace(theirs, phone="3312-4455"))  # … and saves first
    with pytest.raises(ConflictError, match="(?i)otra persona|modific"):
        customers.update(dataclasses.replace(mine, phone="8877-6655"))
    stored = Customer.get_by_id(customer_id)
    assert stored.phone.endswith("33124455") and stored.version == 2  # B's change kept
    # after reloading, A can save
    fresh = customers.get(customer_id)
    customers.update(dataclasses.replace(fresh, phone="8877-6655"))
    assert Customer.get_by_id(customer_id).version == 3


def test_referrer_stale_save_is_refused(database):
    from tests.unit.requests_fixtures import make_doctor

    doctor_id = make_doctor()
    mine, theirs = referrers.get(doctor_id), referrers.get(doctor_id)
    referrers.update(dataclasses.replace(theirs, name="Dr. Carlos Mejía Ramos"))
    with pytest.raises(ConflictError, match="Otra persona modificó este remitente"):
        referrers.update(dataclasses.replace(mine, name="Dr. C. Mejía"))
    assert Referrer.get_by_id(doctor_id).name == "Dr. Carlos Mejía Ramos"


def test_investigation_stale_save_is_refused(lab):  # noqa: F811
    mine, theirs = catalog.get(lab.hem), catalog.get(lab.hem)
    catalog.update(dataclasses.replace(theirs, name="Hemograma (BH)"))
    with pytest.raises(ConflictError, match="Otra persona modificó esta investigación"):
        catalog.update(dataclasses.replace(mine, name="Hemograma otro"))
    assert Investigation.get_by_id(lab.hem).name == "Hemograma (BH)"


@pytest.mark.parametrize(
    "stale_action",
    [
        "add",
        "remove",
        "cancel",
        "advance",
        "discount",
        "update",
    ],
)
def test_request_changes_from_a_stale_detail_are_refused(lab, stale_action):  # noqa: F811
    request_id, number = lab.create(lab.hem, lab.glu)
    shown = requests.get(request_id)  # workstation A shows the detail
    requests.add_investigation(
        request_id, lab.ure, by="b", version=requests.get(request_id).version
    )  # B
    before = LabRequest.get_by_id(request_id)
    actions = {
        "add": lambda v: requests.add_investigation(request_id, lab.lipid, by="a", version=v),
        "remove": lambda v: requests.remove_investigation(request_id, lab.glu, by="a", version=v),
        "cancel": lambda v: requests.cancel(request_id, "Duplicada", by="a", version=v),
        "advance": lambda v: requests.advance(request_id, by="a", version=v),
        "discount": lambda v: requests.set_manual_discount(
            request_id, "10", "Convenio", by="a", version=v
        ),
        "update": lambda v: requests.update(
            request_id, requests.RequestChanges(notes="Ayuno"), by="a", version=v
        ),
    }
    with pytest.raises(ConflictError, match=f"{number} fue modificada por otra persona"):
        actions[stale_action](shown.version)
    kept = ("version", "status", "net_amount", "notes")
    assert fields_of(LabRequest.get_by_id(request_id), kept) == fields_of(before, kept)
    actions[stale_action](requests.get(request_id).version)  # after a reload it works
    assert LabRequest.get_by_id(request_id).version == before.version + 1


# --- request numbers under load ---------------------------------------------------------


def _create(ids: dict, at_the_barrier) -> list[str]:
    from patolab_desktop.services import requests as service
    from patolab_desktop.services.access import session

    draft = service.RequestDraft(
        patient_id=ids["patient"], doctor_id=ids["doctor"], investigation_ids=[ids["hem"]]
    )
    at_the_barrier()
    with session.acting_as(session.system_actor("pc")):
        return [service.create(draft, by="pc")[1] for _ in range(PER_PROCESS)]


def test_four_processes_create_400_unique_gap_free_numbers(db_target):
    from patolab_desktop.services.bootstrap import close_db, open_db
    from tests.unit.requests_fixtures import make_customer, make_doctor, make_investigation

    open_db(db_target)
    ids = {
        "patient": make_customer(),
        "doctor": make_doctor(),
        "hem": make_investigation("HEM", "Hemograma completo", "150"),
    }
    close_db()

    outcomes = race(_create, db_target, [ids] * PROCESSES)
    assert [o[0] for o in outcomes] == ["ok"] * PROCESSES, outcomes
    # the writers really overlapped in time
    assert max(o[2] for o in outcomes) < min(o[3] for o in outcomes)

    year = dt.date.today().year
    numbers = [n for o in outcomes for n in o[1]]
    assert len(numbers) == len(set(numbers)) == PROCESSES * PER_PROCESS
    assert sorted(numbers) == [f"LAB-{year}-{n:06d}" for n in range(1, PROCESSES * PER_PROCESS + 1)]
    for outcome in outcomes:
        assert outcome[1] == sorted(outcome[1])

    open_db(db_target)
    try:
        assert LabRequest.select().count() == PROCESSES * PER_PROCESS
        assert RequestCounter.get().last_number == PROCESSES * PER_PROCESS
    finally:
        close_db()
