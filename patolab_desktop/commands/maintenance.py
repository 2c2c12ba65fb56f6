"""check, seed-demo."""

from __future__ import annotations

from . import open_from_args, positive_int
from .building import command


def register(sub, common) -> None:
    command(sub, "check", common, run_check, "integridad y versión del esquema")

    seed = command(
        sub,
        "seed-demo",
        common,
        run_seed_demo,
        "llenar una base de datos con datos sintéticos hondureños",
    )
    seed.add_argument("--customers", type=positive_int, default=2000, metavar="N")
    seed.add_argument(
        "--requests",
        type=positive_int,
        default=None,
        metavar="N",
        help="solicitudes de laboratorio (por omisión, 2 por cliente hasta 4000)",
    )
    seed.add_argument("--seed", type=int, default=2026, help="semilla (mismo valor, mismos datos)")


def run_check(args) -> int:
    from ..services.bootstrap import open_db
    from ..services.safety import check as maintenance
    from . import db_target

    # Read only: a missing file is reported (never created), nothing is migrated or repaired.
    open_db(db_target(args), migrate=False, create=False)
    report = maintenance.check()
    for line in report.lines():
        print(line)
    return 0 if report.ok else 1


def run_seed_demo(args) -> int:
    from ..demo import fill as demo

    open_from_args(args, create=True)  # fills a new database too
    summary = demo.seed_demo(
        customers=args.customers,
        requests=args.requests,
        seed=args.seed,
        progress=lambda text: print(text, flush=True),
    )
    print(summary)
    return 0
