"""migrate-to: a one-shot copy of an SQLite database into an empty database.

The target is a fresh EMPTY PostgreSQL database when PATOLAB_TEST_PG is set (what the
command is for), otherwise an empty SQLite file (same code path minus the sequences).
"""

from __future__ import annotations

import pytest

from patolab_desktop.db.database import DatabaseOpenError, db
from patolab_desktop.db.models import ALL_MODELS, AuditLog, Customer, LabRequest, RequestLine
from patolab_desktop.services import requests
from patolab_desktop.services.bootstrap import close_db, open_db
from patolab_desktop.services.safety import check as maintenance
from patolab_desktop.services.safety import transfer
from tests.conftest import PG_URL, scratch_pg_database


@pytest.fixture(autouse=True)
def _acting_user():
    """Saving requests needs a logged-in user: act as the system user (like the CLI)."""
    from patolab_desktop.services.access import session

    with session.acting_as(session.system_actor("test")) as actor:
        yield actor


@pytest.fixture
def empty_target(tmp_path):
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'destino.db'}"  # an explicit URL: a path is refused
        return
    with scratch_pg_database("m_") as url:
        yield url


@pytest.fixture
def source(tmp_path):
    from patolab_desktop.demo import fill as demo

    path = tmp_path / "origen.db"
    open_db(path)
    demo.seed_demo(customers=60, requests=80, seed=7)
    yield path
    close_db()


def _counts() -> dict[str, int]:
    return {m._meta.table_name: m.select().count() for m in ALL_MODELS}


def test_copy_every_table_then_work_on_the_target(source, empty_target):
    expected = _counts()
    customer = Customer.select().order_by(Customer.id.desc()).first()
    request_row = LabRequest.select().order_by(LabRequest.id.desc()).first()
    lines = list(
        RequestLine.select()
        .where(RequestLine.lab_request == request_row.id)
        .order_by(RequestLine.id)
        .tuples()
    )

    counts = transfer.migrate_to(empty_target, batch=37)  # odd batch size: many batches

    assert counts == {t: n for t, n in expected.items() if t != "schema_version"}
    close_db()
    open_db(empty_target)
    assert _counts() == {**expected, "audit_log": expected["audit_log"] + 1}  # the copy's row
    assert maintenance.check().ok
    copied = Customer.get_by_id(customer.id)
    assert (copied.name, copied.date_of_birth, copied.active, copied.version) == (
        customer.name,
        customer.date_of_birth,
        customer.active,
        customer.version,
    )
    copied_request = LabRequest.get_by_id(request_row.id)
    assert (
        copied_request.request_number,
        copied_request.net_amount,
        copied_request.requested_at,
    ) == (request_row.request_number, request_row.net_amount, request_row.requested_at)
    assert (
        list(
            RequestLine.select()
            .where(RequestLine.lab_request == request_row.id)
            .order_by(RequestLine.id)
            .tuples()
        )
        == lines
    )
    # the folded search column came along (the FTS5 / pg_trgm index serves it)
    folded = copied.search_text.split()[0]
    assert Customer.select().where(Customer.search_text.contains(folded)).count() >= 1
    # the id sequences moved past the copied ids: new rows insert fine
    new_id, number = requests.create(
        requests.RequestDraft(
            patient_id=customer.id, doctor_id=request_row.doctor_id, investigation_ids=[lines[0][2]]
        )
    )
    assert new_id > request_row.id
    assert LabRequest.select().where(LabRequest.request_number == number).count() == 1
    close_db()


def test_non_empty_target_is_refused_and_left_alone(source, empty_target, tmp_path):
    transfer.migrate_to(empty_target)
    close_db()
    open_db(empty_target)
    copied = _counts()
    close_db()
    open_db(tmp_path / "otro.db")  # another source (the first one is moved now)
    with pytest.raises(transfer.TransferError, match="ya tiene datos"):
        transfer.migrate_to(empty_target)
    close_db()
    open_db(empty_target)
    assert _counts() == copied  # not doubled
    close_db()


def test_the_moved_source_gives_no_number_again(source, empty_target):
    """After migrate-to the SQLite file is marked as moved: a desk that still has it open
    is refused its next save (it gave numbers the new database had given), the file is
    not opened for work again nor copied a second time, and the copy is audited in the
    target too, not only in the file left behind."""
    from patolab_desktop.db.database import describe
    from patolab_desktop.services.bootstrap import DatabaseMovedError
    from patolab_desktop.services.errors import RuleError

    last = LabRequest.select().order_by(LabRequest.id.desc()).first()
    test = RequestLine.select().where(RequestLine.lab_request == last.id).first().investigation
    draft = requests.RequestDraft(
        patient_id=last.patient_id, doctor_id=last.doctor_id, investigation_ids=[test.id]
    )
    where = describe(empty_target)

    transfer.migrate_to(empty_target)

    with pytest.raises(RuleError, match="se trasladaron a") as refused:
        requests.create(draft)
    assert where in str(refused.value)
    with pytest.raises(transfer.TransferError, match="se trasladaron a"):
        transfer.migrate_to(empty_target)
    close_db()
    with pytest.raises(DatabaseMovedError, match="Ya no se guarda nada aquí") as refused:
        open_db(source)
    assert refused.value.target == where
    open_db(empty_target)
    copied = AuditLog.select().order_by(AuditLog.id.desc()).first()
    assert (copied.action, copied.entity) == ("import", "database")
    assert str(source) in copied.detail
    requests.create(draft)  # the work goes on there
    close_db()


def test_a_postgresql_source_is_refused(database):
    if db.obj is not None and hasattr(db.obj, "connect_params") and "host" in db.obj.connect_params:
        with pytest.raises(transfer.TransferError, match="SQLite de origen"):
            transfer.migrate_to("postgresql://x@127.0.0.1:1/x")
    else:  # on SQLite: an unreachable target is a clear error, nothing is written
        with pytest.raises(DatabaseOpenError, match="No se pudo conectar"):
            transfer.migrate_to("postgresql://nadie@127.0.0.1:1/nada")


def test_cli_migrate_to_prints_the_counts(tmp_path, empty_target, capsys):
    from patolab_desktop.cli import main

    src = tmp_path / "cli.db"
    open_db(src)
    close_db()
    from patolab_desktop.services.access import session

    with session.acting_as(None):  # the command acts as the "cli" system user by itself
        assert main(["--db", str(src), "migrate-to", "--to", empty_target]) == 0
    printed = capsys.readouterr()
    assert "municipality" in printed.out and "298" in printed.out
    assert "filas copiadas" in printed.out and f"El archivo {src} queda trasladado" in printed.out
    # The progress of the copy goes to stderr, a line as each table starts.
    assert "municipality: 298 filas" in printed.err and "department: 18 filas" in printed.err
    assert main(["--db", str(src), "migrate-to", "--to", empty_target]) == 1
    assert "se trasladaron a" in capsys.readouterr().err


def test_copy_keeps_indexes_analyzes_and_searches_alike(source, empty_target):
    """Issue 20: on PostgreSQL the rows go in by COPY with the indexes built afterwards and
    the tables ANALYZEd; the target has the same indexes as a database made by the
    migrations, and the customer search answers the same on both sides."""
    from patolab_desktop.db import bulk
    from patolab_desktop.db.database import is_sqlite
    from patolab_desktop.services import customers
    from patolab_desktop.services.customers import CustomerFilter
    from patolab_desktop.services.paging import PageRequest

    terms = ["mar", "lopez", "jo", "0801", "perez 9"]

    def found() -> dict:
        return {
            t: [r["id"] for r in customers.page(CustomerFilter(search=t), PageRequest()).rows]
            for t in terms
        }

    expected = found()
    progress: list[str] = []
    transfer.migrate_to(empty_target, progress=progress.append)
    close_db()
    open_db(empty_target)
    assert found() == expected
    if not is_sqlite():
        indexes = {name for name, _sql in bulk.secondary_indexes(db.obj, "customer")}
        assert "customer_search_trgm" in indexes
        analysed = db.execute_sql(
            "SELECT count(*) FROM pg_stat_user_tables WHERE relname IN "
            "('customer', 'lab_request', 'request_line') AND last_analyze IS NOT NULL"
        ).fetchone()[0]
        assert analysed == 3
        assert any("ANALYZE" in line for line in progress)
        rebuilt = [line for line in progress if line.startswith("Creando índices y claves")]
        total = len(rebuilt) - 1  # told before the first statement and after each
        assert rebuilt[0] == f"Creando índices y claves: 0 de {total}"
        assert rebuilt[-1] == f"Creando índices y claves: {total} de {total}"


# Every value, not only the row counts (issue 20): on PostgreSQL the COPY lines are written
# by SQLite itself, so the escaping of texts, NULLs, booleans, money, dates and a line that
# points at a LATER line of its own table are checked value by value.
AWKWARD = "Tab\there\nnew line\r\nback\\slash \\N \\x00 ñandú «Ü» \U0001f9ea"


def _awkward_values() -> None:
    import datetime as dt
    from decimal import Decimal

    first, second = Customer.select().order_by(Customer.id).limit(2)
    Customer.update(
        notes=AWKWARD, address="\\N", address2="", is_blocked=True, date_of_birth=None
    ).where(Customer.id == first.id).execute()
    Customer.update(notes="\\", address="\t", date_of_birth=dt.date(1930, 2, 28)).where(
        Customer.id == second.id
    ).execute()
    request_row = LabRequest.select().order_by(LabRequest.id).first()
    LabRequest.update(total_amount=Decimal("1234567.891")).where(
        LabRequest.id == request_row.id
    ).execute()
    first_line = RequestLine.select().order_by(RequestLine.id).first()
    last_line = RequestLine.select().order_by(RequestLine.id.desc()).first()
    RequestLine.update(parent_line=last_line.id).where(RequestLine.id == first_line.id).execute()


def _rows(model) -> list[tuple]:
    return list(model.select().order_by(model._meta.primary_key).tuples())


def test_every_value_of_every_table_reads_back_the_same(source, empty_target, monkeypatch):
    _awkward_values()
    before = {model: _rows(model) for model in ALL_MODELS}
    assert AWKWARD in {cell for rows in before.values() for row in rows for cell in row}
    # Batches of 7 rows: many batches per table, read by two threads, copied in order.
    monkeypatch.setattr(transfer, "COPY_BATCH", 7)

    transfer.migrate_to(empty_target, batch=7)

    close_db()
    open_db(empty_target)
    copy_row = AuditLog.select().order_by(AuditLog.id.desc()).first()
    assert (copy_row.action, copy_row.entity) == ("import", "database")  # the copy's own
    copy_row.delete_instance()
    for model in ALL_MODELS:
        if model._meta.table_name != "schema_version":
            assert _rows(model) == before[model], model._meta.table_name
    if PG_URL:  # the constraint dropped for the load is back
        assert db.execute_sql(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = "
            "'request_line'::regclass AND confrelid = conrelid AND contype = 'f'"
        ).fetchall() == [
            ("FOREIGN KEY (parent_line_id) REFERENCES request_line(id) ON DELETE CASCADE",)
        ]


def _schema_objects(database) -> set[tuple[str, str]]:
    """Every constraint, index and trigger of the public schema, as PostgreSQL prints it."""
    return set(
        database.execute_sql(
            "SELECT conrelid::regclass::text, conname || ' ' || pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE connamespace = 'public'::regnamespace "
            "UNION ALL SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = 'public' "
            "UNION ALL SELECT tgrelid::regclass::text, pg_get_triggerdef(oid) FROM pg_trigger "
            "WHERE NOT tgisinternal"
        ).fetchall()
    )


@pytest.mark.skipif(not PG_URL, reason="needs PATOLAB_TEST_PG (make test-pg)")
def test_the_target_gets_back_every_key_index_constraint_and_trigger(source, empty_target):
    """Issue 20: the tables are loaded bare (no foreign key, key or index) and all of it is
    built after the load; the target ends with exactly what the migrations make."""
    from patolab_desktop.db import migrations
    from patolab_desktop.db.database import make_database

    with scratch_pg_database("n_") as fresh_url:
        fresh = make_database(fresh_url)
        fresh.connect()
        with fresh.bind_ctx(ALL_MODELS):
            migrations.upgrade(fresh)
        made = _schema_objects(fresh)
        fresh.close()
    assert any("FOREIGN KEY (patient_id)" in text for _table, text in made)
    assert any("PRIMARY KEY" in text for _table, text in made)
    assert any("CREATE UNIQUE INDEX lab_request_request_number" in text for _t, text in made)

    transfer.migrate_to(empty_target)

    close_db()
    open_db(empty_target)
    assert _schema_objects(db.obj) == made


def test_a_broken_reference_in_the_source_stops_the_copy_and_leaves_nothing(source, empty_target):
    """The foreign keys are checked after the load on PostgreSQL: a request line pointing
    at no request still fails the copy, with a clear message, and nothing is kept."""
    original = db.execute_sql("SELECT lab_request_id FROM request_line WHERE id = 1").fetchone()
    db.execute_sql("PRAGMA foreign_keys = OFF")
    db.execute_sql("UPDATE request_line SET lab_request_id = 999999 WHERE id = 1")
    db.execute_sql("PRAGMA foreign_keys = ON")

    with pytest.raises(transfer.TransferError, match="referencias rotas.*No se guardó nada"):
        transfer.migrate_to(empty_target)

    # Nothing half-copied is left: once the source is mended, the same target takes it.
    db.execute_sql("UPDATE request_line SET lab_request_id = ? WHERE id = 1", original)
    expected = _counts()
    assert transfer.migrate_to(empty_target) == {
        t: n for t, n in expected.items() if t != "schema_version"
    }


@pytest.mark.skipif(not PG_URL, reason="needs PATOLAB_TEST_PG (make test-pg)")
def test_the_copied_pages_are_all_visible_so_index_only_walks_skip_the_table(source, empty_target):
    """Issue 20: the rows are written frozen (``COPY … WITH (FREEZE)`` into tables
    truncated in the load's transaction), so every page of the copy is marked all-visible
    at once. Without it a migrated database had no page marked until a VACUUM: the
    customer search's index-only walk of the name index read the table row of every entry
    (1M customers, «jose martinez»: 22,340 table reads)."""
    transfer.migrate_to(empty_target)

    close_db()
    open_db(empty_target)
    loaded = ("customer", "lab_request", "request_line", "request_event")
    pages = db.execute_sql(
        "SELECT relname, relpages, relallvisible FROM pg_class "
        "WHERE relnamespace = 'public'::regnamespace AND relname IN %s",
        (loaded,),
    ).fetchall()
    assert len(pages) == len(loaded)
    assert all(total > 0 for _name, total, _visible in pages)
    assert [(name, visible) for name, total, visible in pages if visible < total] == []


def test_a_request_copied_without_its_patients_search_text_gets_it(source, empty_target):
    """Issue 20: on PostgreSQL the request's insert trigger (which gives a request without
    the copy its patient's search text) is dropped for the load, so that the COPY batches
    its rows, and created again after; what it would have done is done after the load."""
    from patolab_desktop.db import request_search

    first = LabRequest.select().order_by(LabRequest.id).first()
    db.execute_sql(f"UPDATE lab_request SET {request_search.COLUMN} = NULL WHERE id = {first.id}")
    expected = Customer.get_by_id(first.patient_id).search_text

    transfer.migrate_to(empty_target)

    close_db()
    open_db(empty_target)
    assert LabRequest.get_by_id(first.id).patient_search == expected
    assert LabRequest.select().where(LabRequest.patient_search.is_null()).count() == 0
