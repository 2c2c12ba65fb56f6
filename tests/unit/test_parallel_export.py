"""Issue 20: a big customers export is written by worker processes, one part each
(``services.parallel_csv``), and gives the file one process writes, byte for byte.

The workers here are real processes (``spawn``) that open this test's database; the
threshold is lowered so that a few dozen customers are cut into parts."""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import pickle
import threading

import pytest

from patolab_desktop.db import identity as db_identity
from patolab_desktop.db.models import AuditLog
from patolab_desktop.services import csvio, customers, identity, parallel_csv
from patolab_desktop.services.access import permissions, session
from patolab_desktop.services.customers import export as exports
from patolab_desktop.services.customers import search as customer_search
from patolab_desktop.services.errors import PermissionDenied, ServiceError
from patolab_desktop.services.safety.outputs import OutputRefused
from patolab_desktop.util import identity_crypto
from tests.conftest import PG_URL
from tests.security_helpers import make_actor

F = customers.CustomerFilter
WAIT = 10  # seconds before a thread that should have ended fails the test (never reached)
NAMES = [
    ("=Suma", "Peligrosa"),
    ("-Menos", "Uno"),
    ("Ana", "Muñoz, de la Paz"),
    ("Ñata", 'Reyes "la Chata"'),
    ("Ángel", "Zúniga"),
    ("Beatriz", "Castillo"),
    ("+Más", "Valle"),
    ("@Arroba", "Sosa"),
]


@pytest.fixture
def many(register, company):
    """40 customers: names that need quotes or a neutralised cell among plain ones, an
    identity number each, one company, one inactive customer."""
    ids = []
    for n in range(39):
        first, last = NAMES[n % len(NAMES)]
        ids.append(
            register(
                first_name=f"{first} {n:02d}",
                last_name=last,
                id_number=f"0801199{n:06d}",
            )
        )
    customers.create(company(name="Inversiones Zúñiga, S. de R.L."))
    customers.deactivate(ids[5])
    return ids


@pytest.fixture
def in_parts(monkeypatch):
    """Exports of any size go to three worker processes."""
    monkeypatch.setattr(exports, "PARALLEL_FROM", 1)
    monkeypatch.setattr(exports, "MAX_PARTS", 3)
    monkeypatch.setattr(exports.os, "cpu_count", lambda: 4)
    parts = []
    real = parallel_csv.export_csv

    def spy(*args, **kwargs):
        if args[3]:  # boundaries: written by workers
            parts.append(len(args[3]) + 1)
        return real(*args, **kwargs)

    monkeypatch.setattr(parallel_csv, "export_csv", spy)
    return parts


def _one_process(tmp_path, filters, name="uno.csv"):
    path = tmp_path / name
    real = exports.PARALLEL_FROM
    exports.PARALLEL_FROM = 10**12
    try:
        count = exports.export_customers(filters, path)
    finally:
        exports.PARALLEL_FROM = real
    return count, path.read_bytes()


def _leftovers(folder):
    return [p.name for p in folder.iterdir() if p.name.startswith(".")]


def test_worker_parts_give_the_one_process_file(tmp_path, many, in_parts, caplog):
    caplog.set_level(logging.WARNING)
    expected = _one_process(tmp_path, F())
    audits = AuditLog.select().where(AuditLog.action == "export").count()
    seen: list[int] = []
    path = tmp_path / "partes.csv"
    count = exports.export_customers(F(), path, progress=seen.append)
    assert in_parts == [3]  # three worker processes wrote it
    assert (count, path.read_bytes()) == expected
    assert count == 39  # 38 active patients and the company
    assert "lost" not in caplog.text  # written by the workers, not by this process
    assert seen[-1] == count
    assert AuditLog.select().where(AuditLog.action == "export").count() == audits + 1
    rows = csvio.read_csv(path)
    assert "'=Suma 00 Peligrosa" in [r[0] for r in rows]
    assert "0801-1990-00001" in [r[1] for r in rows]
    assert _leftovers(tmp_path) == []


def test_filtered_export_in_parts(tmp_path, many, in_parts):
    for filters in (F(type="cliente"), F(search="muñoz"), F(search="zzz-nadie")):
        expected = _one_process(tmp_path, filters)
        path = tmp_path / "partes.csv"
        assert (exports.export_customers(filters, path), path.read_bytes()) == expected
    assert len(in_parts) >= 2  # the empty search has no keys to cut at: one process


def test_no_worker_starts_for_whoever_may_not_see_the_numbers(tmp_path, many, in_parts):
    """The file carries the full numbers: a role without patients.view_sensitive is
    refused before any worker process starts, and no file (no masked one) is left."""
    granted = (permissions.ALL - {"patients.view_sensitive"}) | {"exports.run"}
    clerk = make_actor("exportador", "Exportador", "Exportación", granted)
    audits = AuditLog.select().where(AuditLog.action == "export").count()
    path = tmp_path / "partes.csv"
    with (
        session.acting_as(clerk),
        pytest.raises(PermissionDenied, match="números de identidad completos"),
    ):
        exports.export_customers(F(), path)
    assert in_parts == []
    assert not path.exists() and _leftovers(tmp_path) == []
    assert AuditLog.select().where(AuditLog.action == "export").count() == audits


def test_a_cancelled_export_in_parts_leaves_nothing(tmp_path, many, in_parts):
    audits = AuditLog.select().where(AuditLog.action == "export").count()
    path = tmp_path / "partes.csv"
    assert exports.export_customers(F(), path, cancelled=lambda: True) == 0
    assert in_parts == [3]
    assert not path.exists() and _leftovers(tmp_path) == []
    assert AuditLog.select().where(AuditLog.action == "export").count() == audits


def _failing_rows(filters, after, upto):
    """Rows of the export; in a worker (a part after a boundary) it fails."""
    if after is not None:
        raise ValueError("fila dañada en la parte")
    return exports.customer_rows(filters, after, upto)


def _dying_rows(filters, after, upto):
    """Rows of the export; a worker process dies outright (killed, out of memory)."""
    if after is not None:
        os._exit(3)
    return exports.customer_rows(filters, after, upto)


def _in_two(tmp_path, rows_of, **kwargs):
    keys = customer_search.export_sample(F(), 1000)[1]
    path = tmp_path / "partes.csv"
    count = parallel_csv.export_csv(
        path,
        exports.CUSTOMER_COLUMNS,
        functools.partial(rows_of, F()),
        [keys[len(keys) // 2]],
        entity="customer",
        what="de clientes",
        text_columns=exports.TEXT_COLUMNS,
        **kwargs,
    )
    return count, path


def test_a_failing_worker_is_a_clear_message_and_no_file(tmp_path, many):
    with pytest.raises(ServiceError, match="fila dañada en la parte"):
        _in_two(tmp_path, _failing_rows)
    assert list(tmp_path.glob("*.csv")) == [] and _leftovers(tmp_path) == []


def test_a_worker_that_dies_leaves_the_rows_to_this_process(tmp_path, many, caplog):
    expected = _one_process(tmp_path, F())
    count, path = _in_two(tmp_path, _dying_rows)
    assert (count, path.read_bytes()) == expected
    assert "lost" in caplog.text
    assert _leftovers(tmp_path) == []
    with pytest.raises(ServiceError, match="no arrancaron"):  # the packaged self-test's way
        _in_two(tmp_path, _dying_rows, in_process_if_lost=False)


def test_a_small_export_starts_no_process(tmp_path, many, monkeypatch):
    monkeypatch.setattr(exports.os, "cpu_count", lambda: 4)

    def no_pool(*args, **kwargs):
        raise AssertionError("a worker process was started")

    monkeypatch.setattr(parallel_csv.concurrent.futures, "ProcessPoolExecutor", no_pool)
    path = tmp_path / "clientes.csv"
    assert exports.export_customers(F(), path) == 39


def test_the_sample_estimates_the_rows_and_keeps_the_export_order(many):
    estimate, keys = customer_search.export_sample(F(), 10_000)
    assert estimate == len(keys) == 39  # every id probed: exact
    listed = [row[:2] for row in _export_keys()]
    assert keys == listed
    estimate, keys = customer_search.export_sample(F(type="empresa"), 10_000)
    assert estimate == len(keys) == 1


def _export_keys():
    from patolab_desktop.db.models import Customer

    query = Customer.select(Customer.name_folded, Customer.id).where(Customer.active == True)  # noqa: E712
    return list(query.order_by(Customer.name_folded, Customer.id).tuples())


def test_identity_keys_are_handed_over_only_as_their_data_key(database, register):
    register(id_number="0801199012345")  # the database has its key now
    keys = db_identity.current_keys()
    token = keys.encrypt("0801199012345")
    with pytest.raises(TypeError):
        pickle.dumps(keys)  # never written out by accident (a pickle, a deep copy)
    key = identity.handover()
    assert identity_crypto.IdentityKeys(key).decrypt(token) == "0801199012345"
    with pytest.raises(identity.IdentityKeyNeeded):  # a foreign key is refused
        identity.take_over(identity_crypto.new_key())
    with session.acting_as(None), pytest.raises(PermissionDenied):
        identity.handover()


def test_workers_use_the_key_handed_to_them(tmp_path, many, in_parts):
    """The credential store forgets the key after this process read it: the workers
    still show every number, with the key they were handed."""
    expected = _one_process(tmp_path, F())
    identity_crypto.forget_key(db_identity.database_id())
    path = tmp_path / "partes.csv"
    assert (exports.export_customers(F(), path), path.read_bytes()) == expected
    assert in_parts == [3]


def test_part_files_are_private_and_cut_between_equal_names(tmp_path, register, in_parts):
    """30 customers with the same name: the parts are cut inside the run of equal names
    (by name and id), and each part file is readable by its owner only."""
    for n in range(30):
        register(first_name="Ana", last_name="Muñoz", id_number=f"0801199{n:06d}")
    expected = _one_process(tmp_path, F())
    modes = []
    real = csvio.append_part

    lines = []

    def append(fh, part):
        modes.append(os.stat(part).st_mode & 0o777)
        with open(part, encoding="utf-8") as written:
            lines.append(sum(1 for _ in written))
        return real(fh, part)

    path = tmp_path / "partes.csv"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(csvio, "append_part", append)
        assert (exports.export_customers(F(), path), path.read_bytes()) == expected
    assert in_parts == [3]
    assert sum(lines) == 30 and all(lines), lines  # cut by (name, id): no part left empty
    if os.name == "posix":
        assert modes == [0o600] * 3


def test_a_refused_destination_starts_no_worker(tmp_path, many, in_parts, monkeypatch):
    def no_pool(*args, **kwargs):
        raise AssertionError("a worker process was started")

    monkeypatch.setattr(parallel_csv.concurrent.futures, "ProcessPoolExecutor", no_pool)
    with pytest.raises(OutputRefused, match="no existe"):
        exports.export_customers(F(), tmp_path / "no-hay" / "clientes.csv")


def test_a_worker_ends_when_the_export_process_ends():
    """The worker's watcher returns (and ends the worker) once the export's process is
    gone: here the other end of a pipe, closed."""
    import multiprocessing

    mine, theirs = multiprocessing.Pipe()
    ended = []
    watcher = threading.Thread(target=parallel_csv._exit_with, args=(mine, ended.append))
    watcher.start()
    assert ended == []
    theirs.close()
    watcher.join(WAIT)
    assert ended == [1]


def test_a_worker_handed_no_key_shows_numbers_locked(register):
    stored_id = register(id_number="0801199012345")
    from patolab_desktop.db.models import Customer

    stored = Customer.get_by_id(stored_id).id_number
    assert identity.shower()(stored) == "0801-1990-12345"
    identity.take_over(None)
    try:
        assert identity.shower()(stored) == identity.LOCKED
    finally:
        db_identity.clear_cache()


def test_the_export_shower_shows_each_kind_of_stored_number(register, monkeypatch):
    """The full-number path of an export (``identity.shower`` for a holder of
    ``patients.view_sensitive``): encrypted numbers grouped, plaintext ones (before schema
    14) passed through, a damaged value locked; without a key every encrypted number is
    locked after ONE look-up of the key."""
    from patolab_desktop.db.models import Customer

    stored = Customer.get_by_id(register(id_number="0801199012345")).id_number
    damaged = stored[:-4] + ("AAAA" if not stored.endswith("AAAA") else "BBBB")
    show = identity.shower()
    assert [show(value) for value in (stored, "08011990123456", "AB12345", "", None)] == [
        "0801-1990-12345",
        "0801-1990-123456",
        "AB12345",
        "",
        "",
    ]
    assert show(damaged) == identity.LOCKED
    looked_up = []

    def no_key():
        looked_up.append(1)
        raise identity.IdentityKeyNeeded()

    monkeypatch.setattr(identity, "_keys", no_key)
    show = identity.shower()
    assert [show(stored), show(stored), show("0801199012345")] == [
        identity.LOCKED,
        identity.LOCKED,
        "0801-1990-12345",
    ]
    assert looked_up == [1]


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL-only (make test-pg)")
def test_every_part_reads_the_moment_the_export_began(tmp_path, many, in_parts, monkeypatch):
    """PostgreSQL: a customer renamed by another desk after the export took its snapshot,
    before the workers read, is written as it was (once), as in one process."""
    import psycopg2

    from patolab_desktop.db import streaming
    from patolab_desktop.db.database import db
    from patolab_desktop.db.models import Customer

    expected = _one_process(tmp_path, F())
    active = Customer.select().where(Customer.active == True)  # noqa: E712
    last = active.order_by(Customer.name_folded.desc()).get()  # moves to the first part
    real = streaming.shared_snapshot

    @contextlib.contextmanager
    def renamed_meanwhile():
        with real() as snapshot:
            other = psycopg2.connect(**_connection_params(db))
            with other, other.cursor() as cursor:  # another desk commits a rename
                cursor.execute(
                    "UPDATE customer SET name = %s, name_folded = %s WHERE id = %s",
                    ("Aaron Primero", "aaron primero", last.id),
                )
            other.close()
            yield snapshot

    monkeypatch.setattr(streaming, "shared_snapshot", renamed_meanwhile)
    path = tmp_path / "partes.csv"
    assert (exports.export_customers(F(), path), path.read_bytes()) == expected
    assert in_parts == [3]


def _connection_params(database) -> dict:
    params = dict(database.obj.connect_params)
    params.pop("options", None)
    return {"dbname": database.obj.database, **params}
