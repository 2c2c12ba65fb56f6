"""The growth curve (issue 20): search and save at several sizes, measured back to back.

``python -m patolab_desktop.bench.growth OUT.json TARGET…`` opens each database (the
bench databases of several sizes, SQLite paths or PostgreSQL URLs) in turn and measures
only what must stay flat as the lab grows: the 200 search terms through the real model
(keystroke to model), the first page of the requests list searched by a patient's name,
and a request saved with 10 investigations (rolled back). The searches run twice, cold
(the first pass reads the file's pages from disk) and then as a desk in use. A few minutes
for all sizes, so the machine's load is about the same for each (the full ``bench`` takes
much longer).
"""

from __future__ import annotations

import sys
import time


def measure(target: str) -> dict:
    from ..services import customers, requests
    from ..services.access import session
    from ..services.bootstrap import close_db, open_db
    from ..services.customers import CustomerFilter
    from ..services.paging import PageRequest
    from ..ui.app import create_application
    from ..ui.customers.customer_columns import customer_columns
    from ..ui.models.paged_table import FIRST_PAGE_SIZE, PagedTableModel
    from .data_measures import measure_requests
    from .databases import describe_backend
    from .figures import stats
    from .terms import build_terms

    create_application()
    open_db(target)
    result: dict = {"database": describe_backend()}
    try:
        with session.acting_as(session.system_actor("bench")):
            result["customers"] = customers.count(CustomerFilter(), cap=10**9)
            model = PagedTableModel(customer_columns(), customers.page)
            model.set_filters(CustomerFilter())
            terms = build_terms(200)
            names = ("perez", "maria lopez", "karla banegas", "jose martinez", "munoz")
            # the page the requests window asks for first: newest first, 100 rows
            first_page = PageRequest(sort="requested_at", descending=True, limit=FIRST_PAGE_SIZE)
            # as the full bench: a first pass finds the file's pages on disk ("_cold"),
            # the second is a desk in use, and the curve is read on the second
            for suffix in ("_cold", ""):
                times = []
                for term in terms:
                    start = time.perf_counter()
                    model.set_filters(CustomerFilter(search=term))
                    times.append((time.perf_counter() - start) * 1000)
                result["search" + suffix] = stats(times)
                times = []
                for name in names:
                    for _ in range(3):
                        start = time.perf_counter()
                        requests.page(requests.RequestFilter(search=name), first_page)
                        times.append((time.perf_counter() - start) * 1000)
                result["requests_search" + suffix] = stats(times)
            measure_requests(result, lambda _t: None)
    finally:
        close_db()
    return result


def main(argv: list[str]) -> int:
    from .figures import machine
    from .runner import save

    out, targets = argv[0], argv[1:]
    report = {"machine": machine(), "sizes": []}
    for target in targets:
        print(f"Measuring {target}…", flush=True)
        report["sizes"].append(measure(target))
        report["sizes"][-1]["load_average"] = machine()["load_average"]
    save(report, out)
    for size in report["sizes"]:
        print(
            f"{size['customers']:>9,} customers: search p95 {size['search']['p95']:.1f} ms, "
            f"requests search p95 {size['requests_search']['p95']:.1f} ms, "
            f"save p95 {size['request_save_10']['p95']:.1f} ms",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
