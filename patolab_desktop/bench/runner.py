"""Runs every measurement and returns one dict (printed as a table, saved as JSON)."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from .. import __version__
from ..paths import data_dir

TARGETS_MS = {
    "search_p95_ms": 50,
    "customers_window_open_ms": 150,
    "requests_window_open_ms": 150,
    "fetch_more_page_p95_ms": 16,
    "request_save_10_p95_ms": 30,
    "invoice_issue_10_p95_ms": 30,
    "cold_start_to_login_ms": 1500,
    "peak_rss_mb": 300,
    "export_customers_s": 15,
    "import_100k_s": 20,
}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def timed(fn: Callable, *args, **kwargs) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return (time.perf_counter() - start) * 1000.0, result


def stats(values: list[float]) -> dict:
    return {
        "n": len(values),
        "p50": round(percentile(values, 0.5), 3),
        "p95": round(percentile(values, 0.95), 3),
        "max": round(max(values), 3) if values else None,
        "mean": round(statistics.fmean(values), 3) if values else None,
    }


def machine() -> dict:
    from PySide6 import __version__ as pyside_version

    mem_kb = 0
    try:
        with open("/proc/meminfo") as fh:
            mem_kb = int(fh.readline().split()[1])
    except OSError:
        pass
    cpu = platform.processor()
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next(
                (ln.split(":", 1)[1].strip() for ln in fh if ln.startswith("model name")), cpu
            )
    except OSError:
        pass
    return {
        "platform": platform.platform(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "cpu_count": os.cpu_count(),
        # the machine is shared: the load when the run started says how quiet it was
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "python": sys.version.split()[0],
        "pyside6": pyside_version,
        "sqlite": sqlite3.sqlite_version,
        "patolab": __version__,
    }


def bench_db_path(customers: int, requests: int, seed: int) -> Path:
    folder = Path(os.environ.get("PATOLAB_BENCH_DIR") or data_dir() / "bench")
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"bench-c{customers}-r{requests}-s{seed}.db"


def bench_pg_name(customers: int, requests: int, seed: int) -> str:
    """The database the benchmark builds on a PostgreSQL server for one parameter set."""
    return f"patolab_bench_c{customers}_r{requests}_s{seed}"


def with_database(url: str, name: str) -> str:
    """``url`` naming database ``name`` on the same server (same user, host, port)."""
    from urllib.parse import urlparse

    return urlparse(url)._replace(path="/" + name).geturl()


def _server(url: str):
    """An autocommit psycopg2 connection to the URL's database (CREATE / RENAME DATABASE)."""
    import psycopg2

    from ..db.database import parse_postgres_url

    params = parse_postgres_url(url)
    params["dbname"] = params.pop("database")
    connection = psycopg2.connect(**{k: v for k, v in params.items() if v is not None})
    connection.autocommit = True
    return connection


def _pg_exists(connection, name: str) -> bool:
    with connection.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
        return cur.fetchone() is not None


def _run_child(command: list[str], log) -> None:
    with subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=str(Path(__file__).resolve().parents[2]),
    ) as child:
        for line in child.stdout:
            log(line.rstrip())
    if child.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:4])}… failed (exit {child.returncode})")


def ensure_pg_database(
    server_url: str, customers: int, requests: int, seed: int, log
) -> tuple[str, float | None]:
    """The PostgreSQL twin of ``ensure_database``: database ``bench_pg_name(…)`` on the
    server of ``server_url``, built once (in ``…_building``, renamed when complete, so an
    interrupted build is never measured) and reused afterwards. The rows are the same as
    on SQLite (same generator, same seed), written with COPY."""
    name = bench_pg_name(customers, requests, seed)
    building = name + "_building"
    connection = _server(server_url)
    try:
        if _pg_exists(connection, name):
            log(f"Reusing PostgreSQL database {name}")
            return with_database(server_url, name), None
        with connection.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{building}"')
            cur.execute(f'CREATE DATABASE "{building}"')
        log(f"Building PostgreSQL database {name} ({customers:,} customers, {requests:,} …)")
        start = time.perf_counter()
        _run_child(
            [
                sys.executable,
                "-m",
                "patolab_desktop.bench.seed",
                with_database(server_url, building),
                str(customers),
                str(requests),
                str(seed),
            ],
            log,
        )
        with connection.cursor() as cur:
            cur.execute(f'ALTER DATABASE "{building}" RENAME TO "{name}"')
        return with_database(server_url, name), time.perf_counter() - start
    finally:
        connection.close()


def ensure_database(
    customers: int, requests: int, seed: int, log, path: Path | None = None
) -> tuple[Path, float | None]:
    """Build the synthetic database once per parameter set; reuse it afterwards.

    The build runs in a child process (``main.py seed-demo``): its memory must not count in
    this process's peak RSS, which the benchmark reports for browsing."""
    path = Path(path) if path else bench_db_path(customers, requests, seed)
    if path.exists():
        log(f"Reusing {path}")
        return path, None
    partial = path.with_suffix(".building")
    for stale in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        if stale.exists():
            stale.unlink()
    log(f"Building {path} ({customers:,} customers, {requests:,} requests)…")
    start = time.perf_counter()
    main = Path(__file__).resolve().parents[2] / "main.py"
    command = [
        sys.executable,
        str(main),
        "--db",
        str(partial),
        "seed-demo",
        "--customers",
        str(customers),
        "--requests",
        str(requests),
        "--seed",
        str(seed),
    ]
    _run_child(command, log)
    partial.replace(path)
    return path, time.perf_counter() - start


def describe_backend(database=None) -> dict:
    """The open database's backend, its version and its size."""
    from ..db.database import db, describe, is_sqlite

    database = database or db.obj
    if is_sqlite(database):
        path = Path(database.database)
        return {
            "backend": "sqlite",
            "server_version": sqlite3.sqlite_version,
            "target": str(path),
            "bytes": path.stat().st_size if path.exists() else None,
        }
    row = database.execute_sql(
        "SELECT current_setting('server_version'), pg_database_size(current_database())"
    ).fetchone()
    params = database.connect_params
    url = f"postgresql://{params.get('user') or ''}@{params.get('host')}:{params.get('port')}/"
    return {
        "backend": "postgresql",
        "server_version": row[0],
        "target": describe(url + database.database),
        "bytes": int(row[1]),
    }


def _process_events(app, rounds: int = 3) -> None:
    for _ in range(rounds):
        app.processEvents()


def measure_gui(result: dict, terms: list[str], log, naive: bool = True) -> None:
    from PySide6.QtCore import QSortFilterProxyModel, Qt

    from ..services import customers
    from ..services.customers import CustomerFilter
    from ..ui.app import create_application
    from ..ui.customers.customer_columns import customer_columns
    from ..ui.customers.customers_window import CustomersWindow
    from ..ui.models.paged_table import PagedTableModel
    from ..ui.requests.requests_window import RequestsWindow

    app = create_application()

    log("Customers window open…")
    opens = []
    for _ in range(5):
        ms, window = timed(lambda: CustomersWindow())
        start = time.perf_counter()
        window.resize(1200, 700)
        window.show()
        _process_events(app)
        window.grab()  # force a full paint
        opens.append(ms + (time.perf_counter() - start) * 1000)
        window.close()
        window.deleteLater()
        _process_events(app)
    result["customers_window_open_ms"] = stats(opens)

    log("Search-as-you-type through the real model…")
    model = PagedTableModel(customer_columns(), customers.page)
    model.set_filters(CustomerFilter())
    searches = []
    per_term = {}
    for term in terms:
        ms, _ = timed(model.set_filters, CustomerFilter(search=term))
        searches.append(ms)
        per_term[term] = round(ms, 3)
    result["search"] = stats(searches)
    result["search"]["slowest_terms"] = sorted(per_term.items(), key=lambda kv: -kv[1])[:10]

    measure_keystrokes(result, terms, app, log)

    log("fetchMore pages and header sorts…")
    pages = []
    model.set_filters(CustomerFilter())
    for _ in range(50):
        ms, _ = timed(model.fetchMore)
        pages.append(ms)
    result["fetch_more_page"] = stats(pages)
    pages = []
    model.set_filters(CustomerFilter(search="mar"))
    for _ in range(20):
        if not model.canFetchMore():
            break
        ms, _ = timed(model.fetchMore)
        pages.append(ms)
    result["fetch_more_page_search_mar"] = stats(pages)
    sorts = {}
    for column in range(model.columnCount()):
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            ms, _ = timed(model.sort, column, order)
            title = model.headerData(column, Qt.Orientation.Horizontal)
            descending = order == Qt.SortOrder.DescendingOrder  # (an enum is always truthy)
            sorts[f"{title} {'desc' if descending else 'asc'}"] = round(ms, 3)
    result["header_sort_ms"] = sorts

    log("Requests window open…")
    opens = []
    for _ in range(5):
        ms, window = timed(lambda: RequestsWindow())
        start = time.perf_counter()
        window.resize(1200, 700)
        window.show()
        _process_events(app)
        window.grab()
        opens.append(ms + (time.perf_counter() - start) * 1000)
        window.close()
        window.deleteLater()
        _process_events(app)
    result["requests_window_open_ms"] = stats(opens)

    # Browse a while, then read the peak RSS.
    model.set_filters(CustomerFilter())
    for _ in range(100):
        model.fetchMore()
    for term in terms[:50]:
        model.set_filters(CustomerFilter(search=term))
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    result["rss_now_mb"] = _rss_breakdown()
    result["rows_browsed"] = 100 * 200

    if not naive:  # --skip-naive: the in-memory peer does not depend on the backend
        result["naive_proxy"] = {"skipped": True}
        return
    # The naive approach, side by side: every row in memory behind a proxy model.
    log("Naive: QSortFilterProxyModel over rows loaded in memory…")
    from ..db.database import db

    start = time.perf_counter()
    rows = db.execute_sql(
        "SELECT name, phone, email, id_number FROM customer WHERE active"
    ).fetchall()
    load_s = time.perf_counter() - start
    naive = _naive_model(rows)
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(naive)
    proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    proxy.setFilterKeyColumn(-1)
    naive_terms = ["mar", "9988"]  # ~40 s a keystroke at a million rows: two are enough
    filter_ms = []
    for term in naive_terms:
        ms, _ = timed(proxy.setFilterFixedString, term)
        filter_ms.append(ms)
    proxy.setFilterFixedString("")
    sort_ms, _ = timed(proxy.sort, 0, Qt.SortOrder.AscendingOrder)
    result["naive_proxy"] = {
        "rows_loaded": len(rows),
        "load_s": round(load_s, 3),
        "filter_keystroke_ms": stats(filter_ms),
        "sort_ms": round(sort_ms, 1),
        "rss_after_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    result["naive_proxy"]["ratio_keystroke_vs_ours_p95"] = round(
        result["naive_proxy"]["filter_keystroke_ms"]["p50"] / max(result["search"]["p95"], 0.001), 1
    )
    del proxy, naive, rows


def measure_keystrokes(result: dict, terms: list[str], app, log, words: int = 30) -> None:
    """Issue 20: the cost of one keystroke in the real customers window, typed letter by
    letter (the debounce skipped with ``flush``): the model's new first page, the count
    of matches, the label, and a repaint of the table. ``keystroke_count`` is the count
    alone, the part of it that is not the list."""
    from ..services import customers
    from ..ui.customers.customers_window import CustomersWindow

    log("Keystrokes in the customers window…")
    window = CustomersWindow()
    window.resize(1200, 700)
    window.show()
    _process_events(app)
    box = window.search_box
    model_before = window.model
    whole, counting = [], []
    for word in [t for t in terms if len(t) >= 3][:words]:
        for end in range(1, len(word) + 1):
            start = time.perf_counter()
            box.setText(word[:end])
            box.flush()
            app.processEvents()
            window.view.viewport().repaint()
            whole.append((time.perf_counter() - start) * 1000)
            ms, _ = timed(customers.count, window.model.filters)
            counting.append(ms)
        box.clear()
        box.flush()
    result["keystroke_window"] = stats(whole)
    result["keystroke_count"] = stats(counting)
    result["keystroke_window"]["model_recreated"] = window.model is not model_before
    window.close()
    window.deleteLater()
    _process_events(app)


def _rss_breakdown() -> dict:
    """Linux: the resident memory now, split into anonymous (the heap: Python, Qt, SQLite's
    page cache) and file-backed pages (shared libraries and SQLite's memory-mapped file)."""
    wanted = {"VmRSS": "total", "RssAnon": "anon", "RssFile": "file", "RssShmem": "shmem"}
    out = {}
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                key, _, value = line.partition(":")
                if key in wanted:
                    out[wanted[key]] = round(int(value.split()[0]) / 1024, 1)
    except OSError:
        pass
    return out


def _naive_model(rows):
    from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

    root = QModelIndex()

    class NaiveModel(QAbstractTableModel):
        def rowCount(self, parent=root):  # noqa: N802
            return 0 if parent.isValid() else len(rows)

        def columnCount(self, parent=root):  # noqa: N802
            return 4

        def data(self, index, role=Qt.ItemDataRole.DisplayRole):
            if role == Qt.ItemDataRole.DisplayRole:
                return rows[index.row()][index.column()]
            return None

    return NaiveModel()


def measure_like_scan(result: dict) -> None:
    from ..db.database import db

    times = []
    mark = db.param
    for term in ("mar", "perez", "9988", "0801"):
        ms, _ = timed(
            lambda t=term: db.execute_sql(
                f"SELECT id FROM customer WHERE active AND (name LIKE {mark} OR phone LIKE "
                f"{mark} OR email LIKE {mark} OR id_number LIKE {mark}) "
                "ORDER BY name_folded LIMIT 200",
                (f"%{t}%",) * 4,
            ).fetchall()
        )
        times.append(ms)
    result["naive_like_scan"] = stats(times)
    # p95 against p95: a LIKE '%term%' with LIMIT stops early for common terms, the
    # rare ones (phone digits) scan the whole table
    result["naive_like_scan"]["ratio_vs_ours_p95"] = round(
        result["naive_like_scan"]["p95"] / max(result["search"]["p95"], 0.001), 1
    )


def measure_requests(result: dict, log) -> None:
    """Save / cancel / add / remove, inside a transaction rolled back at the end."""
    from ..db.database import db
    from ..db.models import Customer, Investigation, Referrer
    from ..services import requests

    log("Requests: save with 10 investigations, cancel, add/remove…")
    patients = [
        c.id
        for c in Customer.select(Customer.id)
        .where(Customer.active == True, Customer.type == "cliente")  # noqa: E712 - a peewee expression, not a truth test
        .limit(60)
    ]  # noqa: E712
    doctor = Referrer.select(Referrer.id).where(Referrer.active == True).first().id  # noqa: E712
    singles = [
        i.id
        for i in Investigation.select(Investigation.id).where(
            Investigation.active == True,  # noqa: E712 - a peewee expression
            Investigation.is_panel == False,  # noqa: E712 - a peewee expression, not a truth test
        )
    ]  # noqa: E712
    saves, cancels, adds, removes = [], [], [], []
    with db.atomic() as txn:
        for n, patient in enumerate(patients[:50]):
            draft = requests.RequestDraft(
                patient_id=patient, doctor_id=doctor, investigation_ids=singles[:10]
            )
            ms, (request_id, _number) = timed(requests.create, draft)
            saves.append(ms)
            extra = singles[10 + n % max(1, len(singles) - 10)] if len(singles) > 10 else None
            if extra is not None:
                ms, _ = timed(requests.add_investigation, request_id, extra)
                adds.append(ms)
                ms, _ = timed(requests.remove_investigation, request_id, extra)
                removes.append(ms)
            ms, _ = timed(requests.cancel, request_id, "Medición del benchmark")
            cancels.append(ms)
        txn.rollback()
    result["request_save_10"] = stats(saves)
    result["request_cancel"] = stats(cancels)
    result["request_add_investigation"] = stats(adds)
    result["request_remove_investigation"] = stats(removes)


def measure_export(result: dict, log) -> None:
    from ..services.customers import CustomerFilter
    from ..services.customers import export as exports

    log("Export of every active customer…")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "clientes_patolab.csv"
        start = time.perf_counter()
        rows = exports.export_customers(CustomerFilter(), out)
        result["export_customers"] = {
            "rows": rows,
            "seconds": round(time.perf_counter() - start, 2),
            "bytes": out.stat().st_size,
        }


def measure_import(result: dict, rows: int, log) -> None:
    """Import ``rows`` new patients into the big database, then roll the import back."""
    from ..db.database import db
    from ..services.customers import importing as patient_import

    log(f"Import of {rows:,} rows…")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "pacientes.csv"
        _write_import_file(path, rows)
        start = time.perf_counter()
        with db.atomic() as txn:
            plan = patient_import.analyse(path)
            analysed = time.perf_counter()
            outcome = patient_import.commit(plan)
            done = time.perf_counter()
            txn.rollback()
        result["import"] = {
            "rows": rows,
            "bytes": path.stat().st_size,
            "analyse_s": round(analysed - start, 2),
            "commit_s": round(done - analysed, 2),
            "seconds": round(done - start, 2),
            "outcome": {
                "created": outcome.created,
                "updated": outcome.updated,
                "unchanged": outcome.unchanged,
                "rejected": outcome.rejected,
                "incomplete": outcome.incomplete,
            },
        }


def _write_import_file(path: Path, rows: int) -> None:
    """A realistic patients file (seed 001 columns plus DNI) that stays within the import's
    5 MB limit at 100,000 rows: every row a distinct phone, most with a DNI, some with an
    e-mail, accents in the names."""
    import csv
    import random

    rng = random.Random(99)
    first = [
        "María",
        "José",
        "Ana",
        "Luis",
        "Karla",
        "Óscar",
        "Iris",
        "Néstor",
        "Sofía",
        "Raúl",
        "Dania",
        "Elvin",
    ]
    last = ["Muñoz", "Pérez", "Núñez", "Zúñiga", "Ordóñez", "Reyes", "Cruz", "Mejía", "Lara", "Paz"]
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["Nombre", "Teléfono", "Email", "DNI"])
        for n in range(rows):
            given, surname, second = rng.choice(first), rng.choice(last), rng.choice(last)
            phone = f"{rng.choice('3789')}{n:07d}"  # distinct for every row
            email = f"{fold_ascii(given)}.{fold_ascii(surname)}{n}@correo.hn" if n % 5 < 2 else ""
            dni = (
                f"{rng.choice(['0801', '0501', '1801'])}{1950 + n % 60:04d}{n % 100000:05d}"
                if n % 10 < 7
                else ""
            )
            writer.writerow([f"{given} {surname} {second}", phone, email, dni])


def fold_ascii(text: str) -> str:
    import unicodedata

    return "".join(
        c for c in unicodedata.normalize("NFD", text.lower()) if not unicodedata.combining(c)
    )


def _without_auto_backup(home: str) -> None:
    from .. import local_settings

    previous = os.environ.get("PATOLAB_HOME")
    os.environ["PATOLAB_HOME"] = home
    try:
        local_settings.update(auto_backup=False)
    finally:
        if previous is None:
            os.environ.pop("PATOLAB_HOME", None)
        else:
            os.environ["PATOLAB_HOME"] = previous


def measure_cold_start(result: dict, db_path: str | Path, log, runs: int = 5) -> None:
    """A new process until the login window is shown (PATOLAB_EXIT_WHEN_SHOWN)."""
    log("Cold start to the login window (separate process)…")
    env = dict(
        os.environ,
        QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
        PATOLAB_EXIT_WHEN_SHOWN="1",
    )
    # A home of its own, with the automatic backup off: on PostgreSQL the start-of-day
    # backup is a pg_dump in the background that outlived each measured start (ended with
    # os._exit), five dumps of the big database fighting the measurement for the CPU.
    home = tempfile.mkdtemp(prefix="patolab-bench-home-")
    env["PATOLAB_HOME"] = home
    _without_auto_backup(home)
    times = []
    main = Path(__file__).resolve().parents[2] / "main.py"
    for _ in range(runs):
        start = time.perf_counter()
        completed = subprocess.run(
            [sys.executable, str(main), "--db", str(db_path)],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        elapsed = (time.perf_counter() - start) * 1000
        if completed.returncode != 0:
            result["cold_start_to_login_ms"] = {"error": completed.stderr[-2000:]}
            return
        times.append(elapsed)
    result["cold_start_to_login_ms"] = stats(times)


# every figure a run writes (the CI smoke test checks them all)
RESULT_KEYS = (
    "started_at",
    "parameters",
    "machine",
    "targets",
    "database",
    "backend",
    "cold_start_to_login_ms",
    "customers_window_open_ms",
    "search",
    "keystroke_window",
    "keystroke_count",
    "fetch_more_page",
    "fetch_more_page_search_mar",
    "header_sort_ms",
    "requests_window_open_ms",
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
    "verdict",
)


def prepare_target(
    db_target: str | None,
    customers: int,
    requests: int,
    seed: int,
    log,
    existing: bool = False,
) -> tuple[str, float | None]:
    """Where the benchmark measures: (target, build seconds or None when reused).

    No ``db_target``: the SQLite file of the bench folder. A path: that SQLite file (built
    there when absent). A ``postgresql://`` URL: the bench database on that server (built
    with COPY when absent). ``existing``: the given database as it is, nothing built."""
    from ..db.database import is_postgres_url

    if existing:
        if not db_target:
            raise ValueError("--existing needs --db")
        return db_target, None
    if db_target and is_postgres_url(db_target):
        return ensure_pg_database(db_target, customers, requests, seed, log)
    path, build_s = ensure_database(
        customers, requests, seed, log, Path(db_target) if db_target else None
    )
    return str(path), build_s


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
    # the in-process measurements act as the system user (the login is not what is measured)
    acting = session.acting_as(session.system_actor("bench"))
    acting.__enter__()
    try:
        terms = build_terms(200)
        measure_gui(result, terms, log, naive)
        measure_like_scan(result)
        measure_requests(result, log)
        for measure in extra_measures:  # other areas' measures (billing: invoice_issue_10)
            measure(result, log)
        measure_export(result, log)
        measure_import(result, import_rows, log)
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
        "customers_window_open_ms": get(["customers_window_open_ms", "p50"]),
        "requests_window_open_ms": get(["requests_window_open_ms", "p50"]),
        "fetch_more_page_p95_ms": get(["fetch_more_page", "p95"]),
        "request_save_10_p95_ms": get(["request_save_10", "p95"]),
        "invoice_issue_10_p95_ms": get(["invoice_issue_10", "p95"]),
        "cold_start_to_login_ms": get(["cold_start_to_login_ms", "p50"]),
        "peak_rss_mb": get(["peak_rss_mb"]),
        "export_customers_s": get(["export_customers", "seconds"]),
        "import_100k_s": get(["import", "seconds"]),
    }
    return {
        key: {
            "measured": value,
            "target": TARGETS_MS[key],
            "met": value is not None and value <= TARGETS_MS[key],
        }
        for key, value in measured.items()
    }


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
