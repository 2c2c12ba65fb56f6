"""CLI subcommands of the referrers area: ``export referrers``."""

from __future__ import annotations

from . import open_from_args
from .building import export_command, switch


def register_export(kinds, common) -> None:
    parser = export_command(
        kinds,
        "referrers",
        common,
        run_export_referrers,
        "médicos e instituciones remitentes (CSV UTF-8 con BOM)",
        out_help="archivo CSV a escribir (p. ej. remitentes.csv)",
        search_help="solo los que coinciden con el texto (nombre, institución, teléfono)",
    )
    parser.add_argument(
        "--type", default=None, metavar="TIPO", help="solo un tipo de remitente (p. ej. Doctor)"
    )
    switch(parser, "--include-inactive", "incluir remitentes desactivados")


def run_export_referrers(args) -> int:
    import sys

    from ..services.catalog import referrer_types, referrers

    open_from_args(args)
    type_id = None
    if args.type:
        type_id = referrer_types.find_by_name(args.type)
        if type_id is None:
            names = ", ".join(t["name"] for t in referrer_types.list_all())
            print(
                f"Error: no existe el tipo de remitente «{args.type}». Tipos: {names}.",
                file=sys.stderr,
            )
            return 1
    filters = referrers.ReferrerFilter(
        search=args.search, type_id=type_id, include_inactive=args.include_inactive
    )
    written = referrers.export_referrers(filters, args.out)
    print(f"{written} remitentes exportados a {args.out}")
    return 0
