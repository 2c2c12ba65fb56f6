"""Child process of the benchmark: build the synthetic data in a PostgreSQL database.

``python -m patolab_desktop.bench.seed URL CUSTOMERS REQUESTS SEED`` opens (and migrates)
the database at URL, fills it with ``demo.fill.seed_demo`` (COPY on PostgreSQL: see
``db.bulk``) acting as the system actor, and VACUUMs / ANALYZEs it. A separate process, so that
its memory does not count in the benchmark's peak RSS.
"""

from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    from ..db import bulk
    from ..db.database import db
    from ..demo import fill
    from ..services.access import session
    from ..services.bootstrap import close_db, open_db

    url, customers, requests, seed = argv[0], int(argv[1]), int(argv[2]), int(argv[3])
    open_db(url)
    try:
        with session.acting_as(session.system_actor("demo")):
            summary = fill.seed_demo(
                customers=customers,
                requests=requests,
                seed=seed,
                progress=lambda text: print(text, flush=True),
            )
        print(summary, flush=True)
        if bulk.is_postgres(db.obj):
            # VACUUM too: it marks the pages all-visible, so index-only scans (the walk of
            # the covering name index) read no table row, as on a database in service
            print("VACUUM ANALYZE…", flush=True)
            db.execute_sql("VACUUM (ANALYZE)")
    finally:
        close_db()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
