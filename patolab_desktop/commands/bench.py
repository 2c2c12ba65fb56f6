"""bench: measure the targets of PRODUCT.md on a big synthetic database."""

from __future__ import annotations

from . import positive_int


def register(sub, common) -> None:
    bench = sub.add_parser("bench", help="medir rendimiento en una base sintética grande")
    bench.add_argument("--customers", type=positive_int, default=1_000_000, metavar="N")
    bench.add_argument("--requests", type=positive_int, default=2_000_000, metavar="N")
    bench.add_argument("--import-rows", type=positive_int, default=100_000, metavar="N")
    bench.add_argument("--seed", type=int, default=2026)
    bench.add_argument("--json", metavar="FILE", help="guardar todas las cifras en JSON")
    bench.set_defaults(handler=run_bench)


def run_bench(args) -> int:
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from ..bench import runner

    if args.json:  # refused before an hour of measuring, not after
        from ..services.safety import outputs

        outputs.check_output(args.json)

    result = runner.run(
        args.customers,
        args.requests,
        args.seed,
        args.import_rows,
        log=lambda text: print(text, flush=True),
    )
    print()
    print(runner.table(result))
    if args.json:
        runner.save(result, args.json)
        print(f"\nJSON: {args.json}")
    return 0
