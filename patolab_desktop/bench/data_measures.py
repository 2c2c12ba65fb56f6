"""Measures that need no window: requests saved, cancelled and edited, the naive LIKE
scan, the export of every customer and an import of new patients."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from .figures import stats, timed


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


def _import_rolled_back(path: Path, progress=None, cancelled=None) -> tuple[object, float, float]:
    """Analyse and commit an import inside a transaction rolled back at the end: the
    seconds of each step and the outcome."""
    from ..db.database import db
    from ..services.customers import importing as patient_import
    from ..util.release import empty_gradually

    start = time.perf_counter()
    with db.atomic() as txn:
        plan = patient_import.analyse(path, progress, cancelled)
        analysed = time.perf_counter()
        outcome = patient_import.commit(plan, progress, cancelled)
        done = time.perf_counter()
        txn.rollback()
    # as the import dialog lets go of its preview: a slice at a time (``util.release``)
    empty_gradually(plan.row_lists())
    return outcome, analysed - start, done - analysed


def measure_import(result: dict, rows: int, log, stall) -> None:
    """Import ``rows`` new patients into the big database, then roll the import back; in
    a worker thread as the application runs it."""
    log(f"Import of {rows:,} rows…")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "pacientes.csv"
        _write_import_file(path, rows)
        with stall.phase("import"):
            outcome, analyse_s, commit_s = stall.in_worker(_import_rolled_back, path)
        result["import"] = {
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
