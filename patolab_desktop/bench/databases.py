"""The database a benchmark measures: the synthetic SQLite file or PostgreSQL database,
built once per parameter set (in a child process, so its memory is not measured) and
reused afterwards, and a description of the backend for the JSON."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from ..paths import data_dir


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


def tidy_pg_database(url: str, log) -> None:
    """``VACUUM (ANALYZE)`` the reused bench database before measuring it.

    The bench's saves and its 100,000-row import are rolled back; on PostgreSQL that
    leaves their rows dead in the tables and indexes (100,000 per run in ``customer``),
    below autovacuum's threshold of a fifth of the table. The next run then measured index
    scans that visit dead entries and index-only scans that must read the table (the
    pages no longer all-visible), and autovacuum could start in the middle of a run. A
    database in service is vacuumed by autovacuum as its rows are committed."""
    log("VACUUM (ANALYZE) of the reused PostgreSQL database…")
    connection = _server(url)
    try:
        with connection.cursor() as cur:
            cur.execute("VACUUM (ANALYZE)")
    finally:
        connection.close()


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
            url = with_database(server_url, name)
            tidy_pg_database(url, log)
            return url, None
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


SERVER_SETTINGS = (
    "shared_buffers",
    "effective_cache_size",
    "work_mem",
    "random_page_cost",
    "jit",
    "max_parallel_workers_per_gather",
    "fsync",
)


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
    # the server's memory and planner settings: the same data measures differently on a
    # server left at the defaults (shared_buffers 128 MB) and on one set for its machine
    settings = dict(
        database.execute_sql(
            "SELECT name, current_setting(name) FROM pg_settings WHERE name = ANY(%s)",
            [list(SERVER_SETTINGS)],
        ).fetchall()
    )
    return {
        "backend": "postgresql",
        "server_version": row[0],
        "target": describe(url + database.database),
        "bytes": int(row[1]),
        "settings": {name: settings.get(name) for name in SERVER_SETTINGS},
    }


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
