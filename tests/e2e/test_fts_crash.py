"""Issue 15, point 7: search-index rebuilds are crash-safe, and the checks see the index.

``seed-demo`` (20,000 customers: the bulk path that drops the triggers) is SIGKILLed
inside the rebuild (``PATOLAB_PAUSE_AT=fts-rebuild`` parks it there, deterministically).
The rebuild marker, written before the triggers were dropped, makes ``check`` report it
and the next open redo it; the start-up (quick) check and ``check`` both verify the FTS
integrity and the presence of the triggers.
"""

from __future__ import annotations

import signal
import sqlite3

import pytest

from patolab_desktop.db import search
from patolab_desktop.db.database import db
from patolab_desktop.db.models import Customer
from patolab_desktop.services.bootstrap import close_db, open_db
from patolab_desktop.services.customers import search as customer_search
from patolab_desktop.services.customers.types import CustomerFilter
from patolab_desktop.services.paging import PageRequest
from patolab_desktop.services.safety import check
from tests.safety_helpers import kill_at, make_lab, run_process

pytestmark = [
    pytest.mark.sqlite_only,
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX signals"),
]


def _triggers(path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'")}
    finally:
        conn.close()


def test_seed_demo_killed_during_the_rebuild_is_reported_then_redone(tmp_path):
    path = tmp_path / "demo.db"
    printed = kill_at(
        "fts-rebuild", "--db", path, "seed-demo", "--customers", "20000", "--requests", "0"
    )
    assert "Reconstruyendo el índice" in printed

    # what the kill left: no triggers (the rebuild's transaction rolled back) + the marker
    assert not set(search.TRIGGERS) & _triggers(path)
    conn = sqlite3.connect(path)
    try:
        marker = conn.execute(f"SELECT name FROM {search.MARKER_TABLE}").fetchall()
    finally:
        conn.close()
    assert marker == [(search.REBUILD_MARKER,)]
    done = run_process("--db", path, "check")
    assert done.returncode == 1, done
    assert "índice de búsqueda" in done.stdout and "Traceback" not in done.stderr

    open_db(path)  # the next start redoes the rebuild
    try:
        assert not search.rebuild_pending(db.obj) and search.missing_parts(db.obj) == []
        assert check.check().ok
        someone = Customer.select().order_by(Customer.id.desc()).first()
        word = someone.name.split()[-1]
        found = customer_search.page(CustomerFilter(search=word), PageRequest(limit=500)).rows
        assert someone.id in {r["id"] for r in found}
        Customer.update(search_text="zzqqxx unico").where(Customer.id == someone.id).execute()
        found = customer_search.page(CustomerFilter(search="zzqqxx"), PageRequest()).rows
        assert [r["id"] for r in found] == [someone.id]  # the triggers work again
    finally:
        close_db()
    assert run_process("--db", path, "check").returncode == 0


@pytest.mark.parametrize("quick", [True, False])
def test_checks_report_a_missing_trigger_and_a_damaged_index(tmp_path, quick):
    path = make_lab(tmp_path / "lab.db", customers=10, requests=0)
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER customer_fts_au")
    conn.commit()
    conn.close()
    open_db(path, migrate=False)  # as the check sees it, before any repair
    try:
        report = check.check(quick=quick)  # quick: the start-up check
        assert not report.ok and any("customer_fts_au" in p for p in report.problems)
    finally:
        close_db()
    conn = sqlite3.connect(path)
    conn.execute(
        "CREATE TRIGGER IF NOT EXISTS customer_fts_au AFTER UPDATE ON customer BEGIN SELECT 1; END"
    )
    # the index no longer matches a row: FTS5's integrity check must see it
    conn.execute("UPDATE customer SET search_text = 'otra cosa' WHERE id = 1")
    conn.commit()
    conn.close()
    open_db(path, migrate=False)
    try:
        report = check.check(quick=False)
        assert not report.ok and any("integrity-check" in p for p in report.problems)
    finally:
        close_db()
