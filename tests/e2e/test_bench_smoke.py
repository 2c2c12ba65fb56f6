"""The benchmark harness still works end to end (tiny scale, no timing assertions)."""

from __future__ import annotations

import json
import sqlite3
import sys

import pytest

from patolab_desktop.bench import databases, runner


def test_tiny_benchmark_writes_every_figure(tmp_path, monkeypatch, qapp):
    monkeypatch.setenv("PATOLAB_BENCH_DIR", str(tmp_path / "bench"))
    lines: list[str] = []
    from patolab_desktop.bench import billing

    result = runner.run(
        customers=300,
        requests=300,
        seed=5,
        import_rows=200,
        log=lines.append,
        cold_runs=1,
        extra_measures=(billing.measure_invoice_issue,),
    )
    out = tmp_path / "bench.json"
    runner.save(result, out)
    data = json.loads(out.read_text(encoding="utf-8"))

    missing = [key for key in runner.RESULT_KEYS if key not in data]
    assert missing == []
    assert "error" not in data["cold_start_to_login_ms"], data["cold_start_to_login_ms"]
    assert data["cold_start_bytecode"] == "compiled before the runs"
    assert set(data["verdict"]) == set(runner.TARGETS_MS)
    assert all(row["measured"] is not None for row in data["verdict"].values()), data["verdict"]
    assert data["search"]["n"] == 200
    assert data["invoice_issue_10"]["n"] > 0
    assert data["import"]["outcome"]["created"] + data["import"]["outcome"]["updated"] == 200
    assert data["import"]["outcome"]["rejected"] == 0
    # then registered patients given an e-mail: every row of that file updates one
    updates = data["import_updates"]
    assert updates["rows"] == 20 and updates["outcome"]["updated"] == 20, updates
    # SQLite: committed, as the application commits, in a copy; the bench database is
    # left as it was (the customers exported before the import are all it has)
    assert data["import"]["committed"] is True
    if sys.platform == "linux":
        assert data["import"]["peak_rss_mb"] > 0
    with sqlite3.connect(data["database"]["target"]) as check:
        active = check.execute("SELECT count(*) FROM customer WHERE active").fetchone()[0]
    assert active == data["export_customers"]["rows"]
    assert data["export_customers"]["rows"] > 0
    assert data["naive_proxy"]["rows_loaded"] > 0
    assert data["database"]["build_seconds"] != "reused"
    assert "search_p95_ms" in runner.table(data)


def test_the_database_is_reused_for_the_same_parameters(tmp_path, monkeypatch):
    from patolab_desktop.demo import fill as demo

    monkeypatch.setenv("PATOLAB_BENCH_DIR", str(tmp_path / "bench"))
    # built in a child process: the build's memory stays out of this process's peak RSS
    monkeypatch.setattr(demo, "seed_demo", lambda *a, **k: pytest.fail("built in-process"))
    lines: list[str] = []
    first, built = databases.ensure_database(120, 100, 3, log=lines.append)
    assert any("120" in line for line in lines)  # the child's progress reaches the log
    again, reused = databases.ensure_database(120, 100, 3, log=lambda _t: None)
    other, _ = databases.ensure_database(121, 100, 3, log=lambda _t: None)
    assert built is not None and reused is None
    assert again == first and other != first
    assert str(tmp_path / "bench") in str(first)
