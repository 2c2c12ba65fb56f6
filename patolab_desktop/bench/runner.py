"""Runs every measurement and returns one dict (printed as a table, saved as JSON)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from .cold_start import measure_cold_start
from .data_measures import measure_export, measure_import, measure_like_scan, measure_requests
from .databases import describe_backend, prepare_target
from .figures import machine
from .gui_measures import measure_gui

# The targets of ../shared/PRODUCT.md ("Targets"), raised by issue 20: the same on SQLite
# and PostgreSQL, at 1,000,000 customers and 2,000,000 requests.
TARGETS_MS = {
    "search_p95_ms": 15,
    "requests_search_p95_ms": 15,
    "keystroke_window_p95_ms": 50,
    "customers_window_open_p95_ms": 100,
    "requests_window_open_p95_ms": 100,
    "fetch_more_page_p95_ms": 8,
    "request_save_10_p95_ms": 15,
    "invoice_issue_10_p95_ms": 30,
    "cold_start_to_login_ms": 400,
    "peak_rss_mb": 200,
    "export_customers_s": 5,
    "import_100k_s": 8,
    "gui_stall_max_ms": 50,
}


RESULT_KEYS = (
    "started_at",
    "parameters",
    "machine",
    "targets",
    "database",
    "backend",
    "cold_start_to_login_ms",
    "cold_start_bytecode",
    "customers_window_open_ms",
    "search_cold",
    "search",
    "keystroke_window",
    "keystroke_count",
    "scrolled_rows",
    "fetch_more_page",
    "fetch_more_page_search_mar",
    "header_sort_ms",
    "window_header_sort_ms",
    "requests_window_open_ms",
    "requests_search_cold",
    "requests_search",
    "peak_rss_mb",
    "rss_now_mb",
    "rows_browsed",
    "naive_proxy",
    "naive_like_scan",
    "request_save_10",
    "request_cancel",
    "request_add_investigation",
    "request_remove_investigation",
    "export_customers",
    "import",
    "import_updates",
    "gui_stall",
    "verdict",
)


def run(
    customers: int,
    requests: int,
    seed: int,
    import_rows: int,
    log=print,
    cold_runs: int = 5,
    extra_measures=(),
    db_target: str | None = None,
    existing: bool = False,
    naive: bool = True,
) -> dict:
    from ..services.access import session
    from ..services.bootstrap import close_db, open_db
    from ..ui.app import create_application
    from .stall import StallMeter
    from .terms import build_terms

    result: dict = {
        "started_at": dt.datetime.now().isoformat(timespec="seconds"),
        "parameters": {
            "customers": customers,
            "requests": requests,
            "seed": seed,
            "import_rows": import_rows,
        },
        "machine": machine(),
        "targets": TARGETS_MS,
    }
    target, build_s = prepare_target(db_target, customers, requests, seed, log, existing)
    measure_cold_start(result, target, log, cold_runs)
    open_db(target, create=not existing)
    result["database"] = describe_backend()
    result["database"]["build_seconds"] = (
        round(build_s, 1) if build_s else ("existing" if existing else "reused")
    )
    result["backend"] = result["database"]["backend"]
    if existing:  # the sizes of the database measured, not the defaults of the options
        from ..db.database import db

        for key, table in (("customers", "customer"), ("requests", "lab_request")):
            result["parameters"][key] = db.execute_sql(f"SELECT count(*) FROM {table}").fetchone()[
                0
            ]
    # the in-process measurements act as the system user (the login is not what is measured)
    acting = session.acting_as(session.system_actor("bench"))
    acting.__enter__()
    try:
        terms = build_terms(200)
        stall = StallMeter(create_application())
        measure_gui(result, terms, log, stall, naive)
        measure_like_scan(result)
        measure_requests(result, log)
        for measure in extra_measures:  # other areas' measures (billing: invoice_issue_10)
            measure(result, log)
        measure_export(result, log, stall)
        measure_import(result, import_rows, log, stall)
        result["gui_stall"] = stall.result()
    finally:
        acting.__exit__(None, None, None)
        close_db()
    result["verdict"] = verdict(result)
    return result


def verdict(result: dict) -> dict:
    def get(path: list[str]):
        value = result
        for key in path:
            if not isinstance(value, dict) or key not in value:
                return None
            value = value[key]
        return value

    measured = {
        "search_p95_ms": get(["search", "p95"]),
        "requests_search_p95_ms": get(["requests_search", "p95"]),
        "keystroke_window_p95_ms": get(["keystroke_window", "p95"]),
        "customers_window_open_p95_ms": get(["customers_window_open_ms", "p95"]),
        "requests_window_open_p95_ms": get(["requests_window_open_ms", "p95"]),
        "fetch_more_page_p95_ms": get(["fetch_more_page", "p95"]),
        "request_save_10_p95_ms": get(["request_save_10", "p95"]),
        "invoice_issue_10_p95_ms": get(["invoice_issue_10", "p95"]),
        "cold_start_to_login_ms": get(["cold_start_to_login_ms", "p50"]),
        "peak_rss_mb": get(["peak_rss_mb"]),
        "export_customers_s": get(["export_customers", "seconds"]),
        "import_100k_s": _per_100k(get(["import", "seconds"]), get(["import", "rows"])),
        "gui_stall_max_ms": get(["gui_stall", "max_ms"]),
    }
    return {
        key: {
            "measured": value,
            "target": TARGETS_MS[key],
            "met": value is not None and value <= TARGETS_MS[key],
        }
        for key, value in measured.items()
    }


def _per_100k(seconds: float | None, rows: int | None) -> float | None:
    """An import of another size, scaled to 100,000 rows (the target's size)."""
    if seconds is None or not rows:
        return None
    return round(seconds * 100_000 / rows, 2)


def table(result: dict) -> str:
    backend = result.get("database", {})
    lines = [
        f"PatoLab Desktop benchmark ({backend.get('backend', 'sqlite')} "
        f"{backend.get('server_version', '')}) — "
        f"{result['parameters']['customers']:,} customers, "
        f"{result['parameters']['requests']:,} requests — {result['machine']['cpu']} "
        f"({result['machine']['cores']} cores)",
        "",
    ]
    lines.append(f"{'measure':34} {'measured':>12} {'target':>10}  ok")
    for key, row in result["verdict"].items():
        measured = "—" if row["measured"] is None else f"{row['measured']:.1f}"
        lines.append(
            f"{key:34} {measured:>12} {row['target']:>10}  {'yes' if row['met'] else 'NO'}"
        )
    naive = result.get("naive_proxy", {})
    if naive and not naive.get("skipped"):
        lines.append("")
        lines.append(
            f"naive proxy over {naive['rows_loaded']:,} rows in memory: load "
            f"{naive['load_s']} s, filter keystroke p50 "
            f"{naive['filter_keystroke_ms']['p50']:.0f} ms, sort {naive['sort_ms']:.0f} ms "
            f"(×{naive['ratio_keystroke_vs_ours_p95']} our search p95)"
        )
    like = result.get("naive_like_scan", {})
    if like:
        lines.append(
            f"naive LIKE '%term%' scan: p50 {like['p50']:.0f} ms, p95 {like['p95']:.0f} ms "
            f"(p95 ×{like['ratio_vs_ours_p95']} our search p95)"
        )
    return "\n".join(lines)


def save(result: dict, path: str | Path) -> None:
    from ..services.safety import outputs

    with outputs.atomic_output(path) as fh:
        fh.write(json.dumps(result, indent=2, ensure_ascii=False, default=str))
