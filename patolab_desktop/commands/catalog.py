"""CLI subcommands of the catalog area: ``import-catalog FILE`` and ``export catalog``."""

from __future__ import annotations

from pathlib import Path

from . import open_from_args
from .building import command, export_command, switch


def register(sub, common) -> None:
    parser = command(
        sub,
        "import-catalog",
        common,
        run_import_catalog,
        "importar investigaciones desde CSV (todo o nada)",
        description=(
            "Crea o actualiza investigaciones desde un CSV con las columnas code,name,price "
            "y, opcionalmente, sample_type, panel_members (miembros separados por ';'), "
            "active (1/0) y tax_class (exento, gravado15 o gravado18). Una columna que el "
            "archivo no trae deja ese dato de las investigaciones existentes como está. Si "
            "alguna fila tiene errores no se guarda nada y se listan todas las filas "
            "rechazadas con su número de línea."
        ),
    )
    parser.add_argument("file", type=Path, metavar="ARCHIVO")
    switch(parser, "--dry-run", "solo revisar el archivo, sin guardar")


def register_export(kinds, common) -> None:
    parser = export_command(
        kinds,
        "catalog",
        common,
        run_export_catalog,
        "catálogo de investigaciones en el formato de importación",
    )
    switch(parser, "--active-only", "solo investigaciones activas")


def run_import_catalog(args) -> int:
    from ..services import catalog

    open_from_args(args)
    report = catalog.import_catalog(args.file, dry_run=args.dry_run)  # by the signed-in user
    for line in report.lines():  # the report is the output, on stdout even with errors
        print(line)
    return 0 if report.ok else 1


def run_export_catalog(args) -> int:
    from ..services import catalog

    open_from_args(args)
    filters = catalog.CatalogFilter(include_inactive=not args.active_only)
    written = catalog.export_catalog(filters, args.out)
    print(f"{written} investigaciones exportadas a {args.out}")
    return 0
