"""A workstation killed with SIGKILL in the middle of an import, an export, a migration step
or a request save leaves the database consistent and the previous data intact.

Each child process (spawn) does the real work and, at the chosen point INSIDE the
operation, tells the parent and waits; the parent kills it with SIGKILL, re-opens the
database and checks it. Runs on SQLite and, with PATOLAB_TEST_PG, on PostgreSQL.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading

import pytest

from patolab_desktop.db.models import ALL_MODELS, Customer, LabRequest, RequestCounter, RequestLine
from patolab_desktop.services.bootstrap import close_db, open_db
from patolab_desktop.services.safety import check as maintenance

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX signals")


@pytest.fixture(autouse=True)
def _acting_user():
    """Saving requests needs a logged-in user: act as the system user (like the CLI)."""
    from patolab_desktop.services.access import session

    with session.acting_as(session.system_actor("test")) as actor:
        yield actor


def _park(queue, message: str) -> None:
    """Tell the parent we are in the middle of the operation, then wait to be killed."""
    queue.put(message)
    threading.Event().wait(600)


def _kill_when_ready(target, args: tuple) -> str:
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    child = ctx.Process(target=target, args=(*args, queue))
    child.start()
    try:
        message = queue.get(timeout=300)
        assert not message.startswith("error"), message
        os.kill(child.pid, signal.SIGKILL)
        child.join(timeout=60)
        assert child.exitcode == -signal.SIGKILL
        return message
    finally:
        if child.is_alive():
            child.kill()


def _counts() -> dict[str, int]:
    return {m._meta.table_name: m.select().count() for m in ALL_MODELS}


def _reopen_and_check(db_target) -> dict[str, int]:
    open_db(db_target)
    report = maintenance.check()
    assert report.ok, report.problems
    return _counts()


# --- import -------------------------------------------------------------------------------


def _import_child(target: str, csv_path: str, queue) -> None:
    try:
        from patolab_desktop.services.access import session
        from patolab_desktop.services.customers import importing as patient_import

        patient_import.INSERT_CHUNK = 500  # several chunks for the 2,000-row file
        open_db(target)
        with session.acting_as(session.system_actor("test")):
            plan = patient_import.analyse(csv_path)

            def progress(done, total):
                if 0 < done < total:  # some chunks inserted, nothing committed
                    _park(queue, f"inserted {done} of {total}")

            patient_import.commit(plan, progress=progress)
        queue.put("error: the import finished before it was killed")
    except Exception as exc:  # noqa: BLE001
        queue.put(f"error: {exc!r}")


def test_kill_during_import_leaves_counts_unchanged(db_target, tmp_path):
    from tests.patient_csv_helpers import write_csv_file
    from tests.unit.requests_fixtures import make_customer

    rows = [["Nombre", "Teléfono"]] + [
        [f"Paciente Número {i}", f"9{i:07d}"] for i in range(1, 2001)
    ]
    csv_path = write_csv_file(tmp_path / "grande.csv", rows)
    open_db(db_target)
    make_customer("Ya Registrada")
    before = _counts()
    snapshot = list(Customer.select().order_by(Customer.id).tuples())
    close_db()

    message = _kill_when_ready(_import_child, (str(db_target), str(csv_path)))
    assert message.startswith("inserted")

    assert _reopen_and_check(db_target) == before
    assert list(Customer.select().order_by(Customer.id).tuples()) == snapshot
    close_db()


# --- export -------------------------------------------------------------------------------


def _export_child(target: str, out_path: str, queue) -> None:
    try:
        from patolab_desktop.services import csvio
        from patolab_desktop.services.access import session
        from patolab_desktop.services.customers import patient_export

        csvio.CHUNK = 50  # flush to the temporary file every 50 rows
        open_db(target)
        with session.acting_as(session.system_actor("test")):

            def progress(done, total):
                if done:
                    _park(queue, f"wrote {done}")

            patient_export.export_patients(None, out_path, progress=progress)
        queue.put("error: the export finished before it was killed")
    except Exception as exc:  # noqa: BLE001
        queue.put(f"error: {exc!r}")


def test_kill_during_export_leaves_no_partial_file_at_the_target(db_target, tmp_path):
    from tests.unit.requests_fixtures import make_customer

    open_db(db_target)
    for i in range(200):
        make_customer(f"Paciente {i}", phone=f"+5049{i:07d}")
    before = _counts()
    close_db()
    target = tmp_path / "pacientes.csv"
    target.write_bytes("exportación anterior\r\n".encode())

    assert _kill_when_ready(_export_child, (str(db_target), str(target))).startswith("wrote")

    assert target.read_bytes() == "exportación anterior\r\n".encode()  # untouched
    assert [p.name for p in tmp_path.glob("*.csv")] == ["pacientes.csv"]  # no half CSV
    assert _reopen_and_check(db_target) == before
    close_db()


# --- migration step -----------------------------------------------------------------------


def _migration_child(target: str, queue) -> None:
    try:
        from patolab_desktop.db import migrations

        def step(database):
            database.execute_sql("ALTER TABLE customer ADD COLUMN nickname VARCHAR(40)")
            database.execute_sql("UPDATE customer SET nickname = 'x'")
            database.execute_sql("DELETE FROM request_event")
            _park(queue, "in the new step")

        following = migrations.SCHEMA_VERSION + 1
        migrations.STEPS[:] = [(following, "paso de prueba", step)]
        migrations.SCHEMA_VERSION = following
        open_db(target)
        queue.put("error: the migration finished before it was killed")
    except Exception as exc:  # noqa: BLE001
        queue.put(f"error: {exc!r}")


def test_kill_during_a_migration_step_keeps_the_old_schema_and_data(db_target):
    from patolab_desktop.db import migrations
    from patolab_desktop.db.database import db
    from tests.unit.requests_fixtures import make_customer

    open_db(db_target)
    make_customer()
    before = _counts()
    close_db()

    assert _kill_when_ready(_migration_child, (str(db_target),)) == "in the new step"

    assert _reopen_and_check(db_target) == before
    assert migrations.current_version(db.obj) == migrations.SCHEMA_VERSION
    assert "nickname" not in [c.name for c in db.get_columns("customer")]
    close_db()


# --- request save -------------------------------------------------------------------------


def _request_child(target: str, ids: dict, queue) -> None:
    try:
        from patolab_desktop.services.requests import entry as requests

        original = requests._insert_lines

        def insert_then_wait(request_id, lines, status):
            original(request_id, lines, status)
            _park(queue, f"request {request_id} inserted with its lines")

        requests._insert_lines = insert_then_wait
        open_db(target)
        from patolab_desktop.services.access import session

        session.set_current(session.system_actor("pc1"))
        requests.create(
            requests.RequestDraft(
                patient_id=ids["patient"],
                doctor_id=ids["doctor"],
                investigation_ids=[ids["hem"], ids["glu"]],
            ),
            by="pc1",
        )
        queue.put("error: the save finished before it was killed")
    except Exception as exc:  # noqa: BLE001
        queue.put(f"error: {exc!r}")


def test_kill_during_a_request_save_leaves_no_request_and_no_gap(db_target):
    import datetime as dt

    from patolab_desktop.services import requests
    from tests.unit.requests_fixtures import make_customer, make_doctor, make_investigation

    open_db(db_target)
    ids = {
        "patient": make_customer(),
        "doctor": make_doctor(),
        "hem": make_investigation("HEM", "Hemograma completo", "150"),
        "glu": make_investigation("GLU", "Glucosa", "80"),
    }
    first = requests.create(
        requests.RequestDraft(
            patient_id=ids["patient"], doctor_id=ids["doctor"], investigation_ids=[ids["hem"]]
        )
    )[1]
    before = _counts()
    close_db()

    assert "inserted" in _kill_when_ready(_request_child, (str(db_target), ids))

    assert _reopen_and_check(db_target) == before
    assert LabRequest.select().count() == 1 and RequestLine.select().count() == 1
    assert RequestCounter.get().last_number == 1
    year = dt.date.today().year
    assert first == f"LAB-{year}-000001"
    _id, number = requests.create(
        requests.RequestDraft(
            patient_id=ids["patient"], doctor_id=ids["doctor"], investigation_ids=[ids["glu"]]
        )
    )
    assert number == f"LAB-{year}-000002"  # the killed save left no gap
    close_db()
