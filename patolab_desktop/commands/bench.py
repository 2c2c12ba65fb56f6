"""bench: measure the targets of PRODUCT.md on a big synthetic database."""

from __future__ import annotations

from . import positive_int


def register(sub, common) -> None:
    bench = sub.add_parser(
        "bench", parents=[common], help="medir rendimiento en una base sintética grande"
    )
    bench.add_argument("--customers", type=positive_int, default=1_000_000, metavar="N")
    bench.add_argument("--requests", type=positive_int, default=2_000_000, metavar="N")
    bench.add_argument("--import-rows", type=positive_int, default=100_000, metavar="N")
    bench.add_argument("--seed", type=int, default=2026)
    bench.add_argument("--json", metavar="FILE", help="guardar todas las cifras en JSON")
    bench.add_argument(
        "--existing",
        action="store_true",
        help="medir la base de --db tal como está (sin construir datos sintéticos)",
    )
    bench.add_argument(
        "--notify",
        action="store_true",
        help="solo los avisos: marcar resultados (line_release) y vaciar 1000 mensajes",
    )
    bench.add_argument(
        "--billing",
        action="store_true",
        help="solo la facturación: emitir facturas de 10 investigaciones (invoice_issue_10)",
    )
    bench.add_argument(
        "--cold-runs", type=positive_int, default=5, metavar="N", help="arranques en frío medidos"
    )
    bench.add_argument(
        "--skip-naive",
        action="store_true",
        help="sin el modelo ingenuo en memoria (minutos a un millón de filas)",
    )
    bench.add_argument(
        "--desks",
        type=positive_int,
        metavar="N",
        help="PostgreSQL: N puestos a la vez (procesos) sobre una copia de la base del banco",
    )
    bench.add_argument(
        "--duration", type=positive_int, default=60, metavar="S", help="segundos (con --desks)"
    )
    bench.set_defaults(handler=run_bench)


def run_bench(args) -> int:
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from ..bench import runner

    if args.json:  # refused before an hour of measuring, not after
        from ..services.safety import outputs

        outputs.check_output(args.json)

    if args.notify:
        return run_notify_bench(args)
    if args.billing:
        return run_billing_bench(args)
    from ..bench import billing as billing_bench

    if args.desks:
        return run_desks_bench(args)
    result = runner.run(
        args.customers,
        args.requests,
        args.seed,
        args.import_rows,
        log=lambda text: print(text, flush=True),
        extra_measures=(billing_bench.measure_invoice_issue,),
        db_target=getattr(args, "db", None),
        existing=args.existing,
        cold_runs=args.cold_runs,
        naive=not args.skip_naive,
    )
    print()
    print(runner.table(result))
    if args.json:
        runner.save(result, args.json)
        print(f"\nJSON: {args.json}")
    return 0


def _bench_one_area(args, measure_inside, measure_after=None) -> int:
    """One area's measures on the bench database (built when absent), as the system user;
    ``measure_after`` runs once the database is closed. Prints the JSON, saves --json."""
    import json

    from ..bench.databases import ensure_database
    from ..bench.figures import machine
    from ..bench.runner import save
    from ..services.access import session
    from ..services.bootstrap import close_db, open_db

    log = lambda text: print(text, flush=True)  # noqa: E731
    result: dict = {"machine": machine()}
    path, _ = ensure_database(args.customers, args.requests, args.seed, log)
    result["database"] = str(path)
    open_db(path)
    try:
        with session.acting_as(session.system_actor("bench")):
            measure_inside(result, log)
    finally:
        close_db()
    if measure_after is not None:
        measure_after(result, log)
    print(json.dumps(result, indent=2, default=str))
    if args.json:
        save(result, args.json)
    return 0


def run_notify_bench(args) -> int:
    """Issue 18: ``line_release`` on the bench database, the 1,000-message drain."""
    from ..bench import notify as notify_bench

    return _bench_one_area(args, notify_bench.measure_line_release, notify_bench.measure_drain)


def run_billing_bench(args) -> int:
    """Issue 17: ``invoice_issue_10`` on the bench database."""
    from ..bench import billing as billing_bench

    return _bench_one_area(args, billing_bench.measure_invoice_issue)


def run_desks_bench(args) -> int:
    """Issue 20: ``--desks N`` on a throwaway copy of the PostgreSQL bench database."""
    import json

    from ..bench import desks, runner
    from ..db.database import is_postgres_url

    log = lambda text: print(text, flush=True)  # noqa: E731
    target = getattr(args, "db", None)
    if not target or not is_postgres_url(target):
        print("Error: --desks necesita --db postgresql://…", flush=True)
        return 2
    url, _ = runner.prepare_target(
        target, args.customers, args.requests, args.seed, log, args.existing
    )
    name = url.rsplit("/", 1)[-1]
    copy = f"{name}_desks"
    server = runner._server(target)
    try:
        with server.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{copy}"')
            cur.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{name}"')
        result: dict = {"machine": runner.machine(), "parameters": vars(args) | {"handler": None}}
        copy_url = runner.with_database(target, copy)
        result.update(desks.run_desks(copy_url, args.desks, args.duration, log))
    finally:
        with server.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')
        server.close()
    print(json.dumps(result, indent=2, default=str))
    if args.json:
        runner.save(result, args.json)
    return 0
