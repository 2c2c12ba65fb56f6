"""``import-patients FILE [--dry-run] [--skip-rejected]`` and ``export patients --out FILE
[--search TEXT]``.

``import-patients`` prints the created, updated and rejected counts and every rejected
row with its line and reason. It exits 0 when every row is valid (and then commits,
unless ``--dry-run``) and 1 otherwise, in which case nothing is written; with
``--skip-rejected`` the other rows are imported, as the window does once confirmed (the
rule is the service's ``importing.refusal``).
"""

from __future__ import annotations

import sys

from . import open_from_args
from .building import command, export_command, switch


def register(sub, common) -> None:
    parser = command(
        sub,
        "import-patients",
        common,
        run_import_patients,
        "importar pacientes desde un CSV (nombre, teléfono, correo, identidad…)",
        description="Importa pacientes de un CSV (máx. 5 MB; coma o punto y coma; UTF-8 o "
        "Windows-1252). Si alguna fila es rechazada no se guarda nada, salvo con "
        "--skip-rejected.",
    )
    parser.add_argument("file", metavar="ARCHIVO", help="el archivo CSV")
    switch(parser, "--dry-run", "solo analizar e informar; no guardar nada")
    switch(parser, "--skip-rejected", "importar las filas válidas aunque haya rechazadas")


def register_export(kinds, common) -> None:
    export_command(
        kinds,
        "patients",
        common,
        run_export_patients,
        "pacientes.csv: Nombre, Teléfono, Email, Registrado",
        out_help="dónde escribir el CSV (p. ej. pacientes.csv)",
        search_help="solo los que coinciden (nombre, teléfono, correo o identidad)",
    )


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def run_import_patients(args) -> int:
    from ..services.access import session
    from ..services.customers import importing as patient_import

    open_from_args(args)
    with session.acting_as(session.current()):  # the signed-in user (sign_in)
        plan = patient_import.analyse(args.file)
        print(f"Archivo: {args.file} ({plan.encoding}, separador «{plan.delimiter}»)")
        if plan.ignored_columns:
            print("Columnas ignoradas: " + ", ".join(plan.ignored_columns))
        print(f"Nuevos: {len(plan.created)}")
        print(f"Actualizados: {len(plan.updated)} ({plan.unchanged_count} sin cambios)")
        print(f"Rechazados: {len(plan.rejected)}")
        print(f"Incompletos: {plan.incomplete_count}")
        for row in plan.rejected:
            name = " ".join(row.name.split())
            print(f"  Línea {row.line}: {name + ' — ' if name else ''}{row.reason}")
        refused = patient_import.refusal(plan, args.skip_rejected)
        if refused is not None:
            print(refused, file=sys.stderr)
            return 1
        if args.dry_run:
            print("Prueba (--dry-run): no se guardó nada.")
            return 0
        result = patient_import.commit(plan, skip_rejected=args.skip_rejected)
    print(
        f"Importación terminada: {result.created} creados, {result.updated} actualizados, "
        f"{result.unchanged} sin cambios, {result.incomplete} incompletos."
    )
    return 0


def run_export_patients(args) -> int:
    from ..services.access import session
    from ..services.customers import CustomerFilter, patient_export

    open_from_args(args)
    with session.acting_as(session.current()):  # the signed-in user (sign_in)
        count = patient_export.export_patients(CustomerFilter(search=args.search), args.out)
    print(f"{_plural(count, 'paciente exportado', 'pacientes exportados')} a {args.out}")
    return 0
