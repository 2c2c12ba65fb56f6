"""``db.database.planner_off``: planner methods off for a block, then back as they were."""

from __future__ import annotations

import pytest

from patolab_desktop.db.database import db, planner_off
from tests.conftest import PG_URL
from tests.unit import sql_spy

pytestmark = pytest.mark.skipif(not PG_URL, reason="PostgreSQL-only (make test-pg)")


def _setting(name):
    return db.execute_sql(f"SELECT current_setting('{name}')").fetchone()[0]


def test_settings_come_back_as_they_were_when_blocks_nest(database):
    with planner_off("enable_seqscan", "enable_sort"):
        assert (_setting("enable_seqscan"), _setting("enable_sort")) == ("off", "off")
        with planner_off("enable_seqscan", "enable_bitmapscan"):
            assert _setting("enable_bitmapscan") == "off"
        # the inner block put back what it found: seqscan still off, bitmapscan on
        assert (_setting("enable_seqscan"), _setting("enable_bitmapscan")) == ("off", "on")
    assert (_setting("enable_seqscan"), _setting("enable_sort")) == ("on", "on")


def test_a_setting_off_before_the_block_stays_off(database):
    db.execute_sql("SET enable_sort = off")
    try:
        with planner_off("enable_sort"):
            pass
        assert _setting("enable_sort") == "off"
    finally:
        db.execute_sql("SET enable_sort = on")


def test_only_setting_names_are_accepted(database):
    with pytest.raises(ValueError), planner_off("enable_sort = on; DROP TABLE customer"):
        pass


def test_the_blocks_own_error_reaches_the_caller_inside_a_transaction(database):
    """A failed statement leaves the transaction refusing every other one: putting the
    settings back then would replace the real error with "current transaction is
    aborted". The rollback undoes them instead."""
    with (
        pytest.raises(Exception, match="division by zero"),
        db.atomic(),
        planner_off("enable_seqscan"),
    ):
        db.execute_sql("SELECT 1 / 0")
    assert _setting("enable_seqscan") == "on"


def test_a_value_set_for_the_transaction_only_does_not_outlive_it(database):
    with db.atomic():
        db.execute_sql("SET LOCAL enable_sort = off")
        with planner_off("enable_sort"):
            assert _setting("enable_sort") == "off"
        assert _setting("enable_sort") == "off"
    assert _setting("enable_sort") == "on"


def test_outside_a_transaction_a_statement_and_its_settings_are_one_round_trip(
    database, monkeypatch
):
    """Issue 20: outside a transaction the block sends no statement of its own; each of
    its statements goes with the settings before it, in one message, whose implicit
    transaction undoes them (two round trips less per block, 0.8-2 ms of a search)."""
    sent = sql_spy.statements(monkeypatch)
    with planner_off("enable_seqscan", "enable_sort"):
        inside = (_setting("enable_seqscan"), _setting("enable_sort"))
    after = (_setting("enable_seqscan"), _setting("enable_sort"))
    assert (inside, after) == (("off", "off"), ("on", "on"))
    assert sent == [
        f"SELECT current_setting('{name}')" for name in ["enable_seqscan", "enable_sort"] * 2
    ]


def test_outside_a_transaction_a_failed_statement_leaves_the_settings_as_they_were(database):
    with pytest.raises(Exception, match="division by zero"), planner_off("enable_seqscan"):
        db.execute_sql("SELECT 1 / 0")
    assert _setting("enable_seqscan") == "on"


def test_a_transaction_begun_inside_the_block_runs_without_the_prefix(database):
    """Its first statement may have to be first (``SET TRANSACTION``): sent after the
    settings it failed, and the settings would have outlived the block."""
    with planner_off("enable_seqscan"), db.atomic():
        db.execute_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        assert _setting("enable_seqscan") == "on"


def test_on_a_plain_postgresql_database_the_block_sets_the_values_itself(database):
    """A database without the one-message prefix (not ``_PostgresDatabase``) gets the
    settings by statements of the block's own, as inside a transaction."""
    from peewee import PostgresqlDatabase

    app = db.obj
    plain = PostgresqlDatabase(app.database, **app.connect_params)
    db.initialize(plain)
    try:
        with planner_off("enable_seqscan"):
            assert _setting("enable_seqscan") == "off"
        assert _setting("enable_seqscan") == "on"
    finally:
        plain.close()
        db.initialize(app)


def test_a_worker_process_database_sends_the_prefix_too(database):
    from patolab_desktop.db.database import _PostgresDatabase, from_worker_spec, worker_spec

    app = db.obj
    worker = from_worker_spec(worker_spec())
    try:
        assert isinstance(worker, _PostgresDatabase)
    finally:
        worker.close()
        db.initialize(app)
