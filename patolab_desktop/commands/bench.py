"""bench: measure the targets of PRODUCT.md on a big synthetic database."""

from __future__ import annotations

from . import positive_int
from .building import command, switch


def register(sub, common) -> None:
    bench = command(
        sub, "bench", common, run_bench, "medir rendimiento en una base sintética grande"
    )
    bench.add_argument("--customers", type=positive_int, default=1_000_000, metavar="N")
    bench.add_argument("--requests", type=positive_int, default=2_000_000, metavar="N")
    bench.add_argument("--import-rows", type=positive_int, default=100_000, metavar="N")
    bench.add_argument("--seed", type=int, default=2026)
    bench.add_argument("--json", metavar="FILE", help="guardar todas las cifras en JSON")
    switch(
        bench,
        "--existing",
        "medir la base de --db tal como está (sin construir datos sintéticos)",
    )
    switch(
        bench,
        "--notify",
        "solo los avisos: marcar resultados (line_release) y vaciar 1000 mensajes",
    )
    switch(
        bench,
        "--billing",
        "solo la facturación: emitir facturas de 10 investigaciones (invoice_issue_10)",
    )
    bench.add_argument(
        "--cold-runs", type=positive_int, default=5, metavar="N", help="arranques en frío medidos"
    )
    switch(bench, "--skip-naive", "sin el modelo ingenuo en memoria (minutos a un millón de filas)")
    bench.add_argument(
        "--desks",
        type=positive_int,
        metavar="N",
        help="PostgreSQL: N puestos a la vez (procesos) sobre una copia de la base del banco",
    )
    bench.add_argument(
        "--duration", type=positive_int, default=60, metavar="S", help="segundos (con --desks)"
    )


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
        log=_log,
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


def _log(text: str) -> None:
    print(text, flush=True)


def _report(result: dict, args) -> int:
    """The figures as JSON on stdout, and in ``--json`` when given."""
    import json

    from ..bench import runner

    print(json.dumps(result, indent=2, default=str))
    if args.json:
        runner.save(result, args.json)
    return 0


def _measure_on_bench_database(args, measure) -> dict:
    """Build (or reuse) the bench database and run ``measure(result, log)`` on it as the
    system actor ``bench``; the database is closed again afterwards."""
    from ..bench.databases import ensure_database
    from ..bench.figures import machine
    from ..services.access import session
    from ..services.bootstrap import close_db, open_db

    result: dict = {"machine": machine()}
    path, _ = ensure_database(args.customers, args.requests, args.seed, _log)
    result["database"] = str(path)
    open_db(path)
    try:
        with session.acting_as(session.system_actor("bench")):
            measure(result, _log)
    finally:
        close_db()
    return result


def run_notify_bench(args) -> int:
    """Issue 18: ``line_release`` on the bench database, the 1,000-message drain."""
    from ..bench import notify as notify_bench

    result = _measure_on_bench_database(args, notify_bench.measure_line_release)
    notify_bench.measure_drain(result, _log)
    return _report(result, args)


def run_billing_bench(args) -> int:
    """Issue 17: ``invoice_issue_10`` on the bench database."""
    from ..bench import billing as billing_bench

    return _report(_measure_on_bench_database(args, billing_bench.measure_invoice_issue), args)


def run_desks_bench(args) -> int:
    """Issue 20: ``--desks N`` on a throwaway copy of the PostgreSQL bench database."""
    from ..bench import databases, desks
    from ..bench.figures import machine
    from ..db.database import is_postgres_url

    target = getattr(args, "db", None)
    if not target or not is_postgres_url(target):
        print("Error: --desks necesita --db postgresql://…", flush=True)
        return 2
    url, _ = databases.prepare_target(
        target, args.customers, args.requests, args.seed, _log, args.existing
    )
    name = url.rsplit("/", 1)[-1]
    copy = f"{name}_desks"
    server = databases._server(target)
    try:
        with server.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{copy}"')
            cur.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{name}"')
        result: dict = {"machine": machine(), "parameters": vars(args) | {"handler": None}}
        copy_url = databases.with_database(target, copy)
        result.update(desks.run_desks(copy_url, args.desks, args.duration, _log))
    finally:
        with server.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')
        server.close()
    return _report(result, args)
