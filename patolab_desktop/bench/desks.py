"""Several desks on one PostgreSQL server at once (issue 20).

``run_desks(url, desks, seconds)`` starts ``desks`` processes against the same database.
Each one repeats the desk's mix for ``seconds``: a customer search typed letter by letter
(the first page of each), a requests list searched by a patient's name, a request saved
with 3–10 investigations, and now and then an investigation added to the request it just
saved. Every process reports its timings; the parent adds them up (throughput and
percentiles per operation) and checks the data afterwards: every saved request is
there, the numbers of each branch and year are unique and without gaps, and every
added investigation is on its request (no lost update).

The saved requests are real (committed): run it on a copy of the bench database
(``bench --desks`` makes one from it with ``CREATE DATABASE … TEMPLATE``).
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time
from pathlib import Path

NAMES = ["maria", "jose", "fernando", "lopez", "martinez", "carlos", "ana", "munoz", "reyes"]
OPERATIONS = ("customer_keystroke", "requests_search", "request_save", "add_investigation")


def desk(url: str, seconds: float, seed: int) -> dict:
    """One desk's loop; returns its timings (ms) and what it saved."""
    from ..db.models import Customer, Investigation, Referrer
    from ..services import customers, requests
    from ..services.access import session
    from ..services.bootstrap import close_db, open_db
    from ..services.customers import CustomerFilter
    from ..services.paging import PageRequest

    rng = random.Random(seed)
    open_db(url)
    times: dict[str, list[float]] = {op: [] for op in OPERATIONS}
    saved: list[tuple[int, str]] = []
    added: list[tuple[int, int]] = []
    errors: list[str] = []
    try:
        with session.acting_as(session.system_actor(f"desk{seed}")):
            patients = [
                c.id
                for c in Customer.select(Customer.id)
                .where(Customer.active == True, Customer.type == "cliente")  # noqa: E712
                .limit(5000)
            ]
            patients = rng.sample(patients, min(len(patients), 200))
            doctor = Referrer.select(Referrer.id).where(Referrer.active == True).first().id  # noqa: E712
            singles = [
                i.id
                for i in Investigation.select(Investigation.id).where(
                    Investigation.active == True,  # noqa: E712
                    Investigation.is_panel == False,  # noqa: E712
                )
            ]
            end = time.perf_counter() + seconds
            while time.perf_counter() < end:
                word = rng.choice(NAMES)
                for n in range(1, len(word) + 1):
                    start = time.perf_counter()
                    customers.page(CustomerFilter(search=word[:n]), PageRequest(limit=100))
                    times["customer_keystroke"].append((time.perf_counter() - start) * 1000)
                start = time.perf_counter()
                requests.page(
                    requests.RequestFilter(search=f"{word} {rng.choice(NAMES)}"), PageRequest()
                )
                times["requests_search"].append((time.perf_counter() - start) * 1000)
                picked = rng.sample(singles, min(len(singles), rng.randint(3, 10)))
                draft = requests.RequestDraft(
                    patient_id=rng.choice(patients), doctor_id=doctor, investigation_ids=picked
                )
                start = time.perf_counter()
                try:
                    request_id, number = requests.create(draft)
                except Exception as exc:  # noqa: BLE001 - counted, the loop goes on
                    errors.append(f"create: {exc}")
                    continue
                times["request_save"].append((time.perf_counter() - start) * 1000)
                saved.append((request_id, number))
                extra = [i for i in singles if i not in picked]
                if extra and rng.random() < 0.3:
                    investigation = rng.choice(extra)
                    start = time.perf_counter()
                    try:
                        requests.add_investigation(request_id, investigation)
                    except Exception as exc:  # noqa: BLE001
                        errors.append(f"add: {exc}")
                        continue
                    times["add_investigation"].append((time.perf_counter() - start) * 1000)
                    added.append((request_id, investigation))
    finally:
        close_db()
    return {"times": times, "saved": saved, "added": added, "errors": errors[:20]}


def run_desks(url: str, desks: int, seconds: float, log=print) -> dict:
    """Start the desks, wait for them, add up and check."""
    from .figures import stats

    log(f"{desks} desks for {seconds:.0f} s on {url.rsplit('/', 1)[-1]}…")
    root = str(Path(__file__).resolve().parents[2])
    children = [
        subprocess.Popen(
            [sys.executable, "-m", "patolab_desktop.bench.desks", url, str(seconds), str(n + 1)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=root,
        )
        for n in range(desks)
    ]
    reports = []
    for child in children:
        out, err = child.communicate(timeout=seconds + 600)
        if child.returncode != 0:
            raise RuntimeError(f"a desk failed (exit {child.returncode}): {err[-2000:]}")
        reports.append(json.loads(out.strip().splitlines()[-1]))
    result: dict = {"desks": desks, "seconds": seconds, "operations": {}}
    for op in OPERATIONS:
        values = [v for r in reports for v in r["times"][op]]
        result["operations"][op] = {
            **stats(values),
            "per_second": round(len(values) / seconds, 1),
        }
    result["errors"] = [e for r in reports for e in r["errors"]]
    saved = [tuple(s) for r in reports for s in r["saved"]]
    added = [tuple(a) for r in reports for a in r["added"]]
    result["checks"] = check_consistency(url, saved, added)
    return result


def check_consistency(url: str, saved: list[tuple], added: list[tuple]) -> dict:
    """After the run: every saved request exists with its number; per branch and year the
    numbers are unique and gap-free; every added investigation is on its request."""
    from ..db.models import LabRequest, RequestLine
    from ..services.bootstrap import close_db, open_db
    from ..services.requests import numbers

    open_db(url)
    try:
        stored = dict(
            LabRequest.select(LabRequest.id, LabRequest.request_number)
            .where(LabRequest.id.in_([s[0] for s in saved] or [0]))
            .tuples()
        )
        missing = [s for s in saved if stored.get(s[0]) != s[1]]
        by_series: dict[tuple, list[int]] = {}
        for _id, number in saved:
            parsed = numbers.parse_number(number)
            key, sequence = (parsed[0], parsed[1]), parsed[2]
            by_series.setdefault(key, []).append(sequence)
        gaps, duplicates = 0, 0
        for sequences in by_series.values():
            ordered = sorted(sequences)
            duplicates += len(ordered) - len(set(ordered))
            gaps += (ordered[-1] - ordered[0] + 1) - len(set(ordered))
        lost = 0
        for request_id, investigation in added:
            present = (
                RequestLine.select()
                .where(
                    RequestLine.lab_request == request_id,
                    RequestLine.investigation == investigation,
                )
                .exists()
            )
            lost += 0 if present else 1
    finally:
        close_db()
    return {
        "requests_saved": len(saved),
        "requests_missing": len(missing),
        "number_series": len(by_series),
        "number_duplicates": duplicates,
        "number_gaps": gaps,
        "investigations_added": len(added),
        "lost_updates": lost,
    }


if __name__ == "__main__":
    outcome = desk(sys.argv[1], float(sys.argv[2]), int(sys.argv[3]))
    print(json.dumps(outcome, default=str))
