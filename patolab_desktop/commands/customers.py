"""CLI of the customers area: ``export customers``.

``patolab export customers --db PATH --out FILE [--search TEXT] [--type T] [--department D]
[--municipality M] [--gender G]`` writes the same CSV as the menu Exportar → Clientes (CSV).
Departments and municipalities are given by name or code (case and accents ignored).
Bad values: a message on stderr and exit code 2.
"""

from __future__ import annotations

import sys

from . import open_from_args
from .building import export_command

EXIT_BAD_ARGUMENTS = 2


def register_export(kinds, common) -> None:
    parser = export_command(
        kinds,
        "customers",
        common,
        run_export_customers,
        "clientes y empresas activos (clientes_patolab.csv, UTF-8 con BOM)",
        out_help="archivo CSV a escribir (p. ej. clientes_patolab.csv)",
        search_help="solo los que coinciden (nombre, identidad, teléfono, correo)",
        aliases=["clientes"],
    )
    parser.add_argument("--type", default=None, metavar="TIPO", help="cliente (paciente) o empresa")
    parser.add_argument(
        "--department",
        default=None,
        metavar="DEPARTAMENTO",
        help="nombre o código del departamento (p. ej. Cortés o 05)",
    )
    parser.add_argument(
        "--municipality",
        default=None,
        metavar="MUNICIPIO",
        help="nombre o código del municipio (p. ej. 0501)",
    )
    parser.add_argument("--gender", default=None, metavar="GÉNERO", help="Mujer, Hombre u Otro")


def run_export_customers(args) -> int:
    from ..services import customers
    from ..services.customers import export as exports
    from ..services.errors import ValidationError

    open_from_args(args)
    filters = customers.CustomerFilter(search=args.search or "")
    try:
        if args.type:
            filters.type = customers.resolve_type(args.type)
        if args.department:
            filters.department_id = customers.resolve_department(args.department)
        if args.municipality:
            filters.municipality_id = customers.resolve_municipality(
                args.municipality, filters.department_id
            )
        if args.gender:
            filters.gender_id = customers.resolve_gender(args.gender)
    except ValidationError as exc:
        print(f"patolab export customers: error: {exc}", file=sys.stderr)
        return EXIT_BAD_ARGUMENTS
    written = exports.export_customers(filters, args.out)
    noun = "cliente exportado" if written == 1 else "clientes exportados"
    print(f"{written:,} {noun} a {args.out}")
    return 0
