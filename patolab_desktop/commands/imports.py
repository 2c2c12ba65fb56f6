"""``import-patients FILE [--dry-run]`` and ``export patients --out FILE [--search TEXT]``.

``import-patients`` prints the created, updated and rejected counts and every rejected
row with its line and reason. It exits 0 when every row is valid (and then commits,
unless ``--dry-run``) and 1 otherwise, in which case nothing is written.
"""

from __future__ import annotations

import sys

from . import open_from_args, out_path


def register(sub, common) -> None:
    parser = sub.add_parser(
        "import-patients",
        parents=[common],
        help="importar pacientes desde un CSV (nombre, teléfono, correo, identidad…)",
        description="Importa pacientes de un CSV (máx. 5 MB; coma o punto y coma; UTF-8 o "
        "Windows-1252). Si alguna fila es rechazada no se guarda nada.",
    )
    parser.add_argument("file", metavar="ARCHIVO", help="el archivo CSV")
    parser.add_argument(
        "--dry-run", action="store_true", help="solo analizar e informar; no guardar nada"
    )
    parser.set_defaults(handler=run_import_patients)


def register_export(kinds, common) -> None:
    parser = kinds.add_parser(
        "patients",
        parents=[common],
        help="pacientes.csv: Nombre, Teléfono, Email, Registrado",
    )
    parser.add_argument(
        "--out",
        required=True,
        type=out_path,
        metavar="ARCHIVO",
        help="dónde escribir el CSV (p. ej. pacientes.csv)",
    )
    parser.add_argument(
        "--search",
        default="",
        metavar="TEXTO",
        help="solo los que coinciden (nombre, teléfono, correo o identidad)",
    )
    parser.set_defaults(handler=run_export_patients)


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def run_import_patients(args) -> int:
    from ..services.access import session
    from ..services.customers import importing as patient_import

    open_from_args(args)
    with session.acting_as(session.system_actor("cli")):
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
        if plan.rejected:
            print(
                "No se importó nada: "
                f"{_plural(len(plan.rejected), 'fila rechazada', 'filas rechazadas')}."
                " Corrija el archivo y vuelva a intentarlo.",
                file=sys.stderr,
            )
            return 1
        if args.dry_run:
            print("Prueba (--dry-run): no se guardó nada.")
            return 0
        result = patient_import.commit(plan)
    print(
        f"Importación terminada: {result.created} creados, {result.updated} actualizados, "
        f"{result.unchanged} sin cambios, {result.incomplete} incompletos."
    )
    return 0


def run_export_patients(args) -> int:
    from ..services.access import session
    from ..services.customers import CustomerFilter, patient_export

    open_from_args(args)
    with session.acting_as(session.system_actor("cli")):
        count = patient_export.export_patients(CustomerFilter(search=args.search), args.out)
    print(f"{_plural(count, 'paciente exportado', 'pacientes exportados')} a {args.out}")
    return 0
