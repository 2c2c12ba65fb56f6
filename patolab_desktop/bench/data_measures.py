"""Measures that need no window: requests saved, cancelled and edited, the naive LIKE
scan, the export of every customer and an import of new patients."""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

from .figures import process_status_mb, stats, timed


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


def measure_export(result: dict, log, stall) -> None:
    """Every active customer to CSV, in a worker thread as the application runs it."""
    from ..services.customers import CustomerFilter
    from ..services.customers import export as exports

    log("Export of every active customer…")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "clientes_patolab.csv"

        def export(progress=None, cancelled=None) -> tuple[int, float]:
            start = time.perf_counter()
            rows = exports.export_customers(CustomerFilter(), out, progress, cancelled)
            return rows, time.perf_counter() - start

        with stall.phase("export"):
            rows, seconds = stall.in_worker(export)
        result["export_customers"] = {
            "rows": rows,
            "seconds": round(seconds, 2),
            "bytes": out.stat().st_size,
        }


def _import_once(path: Path, keep: bool, progress=None, cancelled=None) -> tuple:
    """Analyse and commit an import as the application does; unless ``keep``, inside a
    transaction rolled back at the end. The outcome and the seconds of each step."""
    from ..db.database import db
    from ..services.customers import importing as patient_import
    from ..util.release import empty_gradually

    start = time.perf_counter()
    with nullcontext() if keep else db.atomic() as txn:
        plan = patient_import.analyse(path, progress, cancelled)
        analysed = time.perf_counter()
        outcome = patient_import.commit(plan, progress, cancelled, skip_rejected=True)
        done = time.perf_counter()
        if txn is not None:
            txn.rollback()
    # as the import dialog lets go of its preview: a slice at a time (``util.release``)
    empty_gradually(plan.row_lists())
    return outcome, analysed - start, done - analysed


@contextmanager
def _import_target(folder: str, log) -> Iterator[bool]:
    """Where the import is measured; True when it is committed there.

    SQLite: a copy of the bench database, opened in its place, committed as the
    application commits and then deleted. Run inside a transaction that is rolled back
    instead, the import's own transaction became a savepoint, and SQLite kept a copy of
    every page it changed for it in memory (``temp_store=memory``): 2.5 GB and 2 s more
    at 1,000,000 customers, neither of which the application pays.
    PostgreSQL: the bench database, the import rolled back (a savepoint there is a
    subtransaction, with no copy of the pages)."""
    from ..db.database import db, is_sqlite
    from ..services.bootstrap import close_db, open_db

    if not is_sqlite():
        yield False
        return
    original = Path(db.database)
    copy = Path(folder) / original.name
    log("Copying the database for the import (it is committed there, then deleted)…")
    close_db()  # folds the WAL into the file first
    shutil.copyfile(original, copy)
    open_db(copy, create=False)
    try:
        yield True
    finally:
        close_db()
        open_db(original, create=False)


def _peak_rss_since_reset() -> Callable[[], float | None]:
    """Linux: reset the process's peak resident memory (``clear_refs``) and return a
    reader of the peak reached since, in MB (None where the system has no such reset)."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:
        return lambda: None

    return lambda: process_status_mb({"VmHWM": "peak"}).get("peak")


def measure_import(result: dict, rows: int, log, stall) -> None:
    """Import ``rows`` new patients into the big database (SQLite: a copy of it), in a
    worker thread as the application runs it, then a tenth as many updates of registered
    patients (at most ``UPDATE_ROWS``); the database measured is left as it was."""
    log(f"Import of {rows:,} rows…")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "pacientes.csv"
        _write_import_file(path, rows)
        with _import_target(tmp, log) as committed:
            peak = _peak_rss_since_reset()
            with stall.phase("import"):
                outcome, analyse_s, commit_s = stall.in_worker(_import_once, path, committed)
            peak_mb = peak()
            result["import"] = _import_figures(path, rows, outcome, analyse_s, commit_s)
            result["import"].update(committed=committed, peak_rss_mb=peak_mb)
            # a second file: patients already registered, each given an e-mail (a list
            # imported again from another program): every row an update
            updates = Path(tmp) / "actualizaciones.csv"
            count = _write_update_file(updates, max(1, min(UPDATE_ROWS, rows // 10)))
            log(f"Import of {count:,} updates…")
            with stall.phase("import_updates"):
                outcome, analyse_s, commit_s = stall.in_worker(_import_once, updates, committed)
            result["import_updates"] = _import_figures(updates, count, outcome, analyse_s, commit_s)


UPDATE_ROWS = 10_000


def _import_figures(path: Path, rows: int, outcome, analyse_s: float, commit_s: float) -> dict:
    return {
        "rows": rows,
        "bytes": path.stat().st_size,
        "analyse_s": round(analyse_s, 2),
        "commit_s": round(commit_s, 2),
        "seconds": round(analyse_s + commit_s, 2),
        "outcome": {
            "created": outcome.created,
            "updated": outcome.updated,
            "unchanged": outcome.unchanged,
            "rejected": outcome.rejected,
            "incomplete": outcome.incomplete,
        },
    }


def _write_update_file(path: Path, rows: int) -> int:
    """Up to ``rows`` registered patients spread over the table, as a file that gives each
    a new e-mail (name and phone as stored: the import finds them by both); how many."""
    import csv

    from ..db.database import db

    total = db.execute_sql("SELECT count(*) FROM customer WHERE active").fetchone()[0]
    step = max(1, total // max(rows, 1))
    found = db.execute_sql(
        "SELECT name, phone FROM customer WHERE active AND phone <> '' "
        f"AND id - (id / {step}) * {step} = 0 "  # no "%": PostgreSQL's driver reads it
        f"ORDER BY id LIMIT {int(rows)}"
    ).fetchall()
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["Nombre", "Teléfono", "Email"])
        for n, (name, phone) in enumerate(found):
            writer.writerow([name, phone, f"actualizado{n}@correo.hn"])
    return len(found)


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
