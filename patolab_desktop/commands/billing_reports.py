"""Billing administration and reports from the command line (issue 17): the CAI
authorisations, the libro de ventas, the unused numbers, the daily sales, a company's
statement of account and ``export invoices``. Same sign-in and exit codes as
``commands/billing.py``."""

from __future__ import annotations

import datetime as dt

from . import open_from_args, parse_day, record_id
from .billing import PAPER_NAMES, _statement_path
from .building import command, export_command, file_option, paper_option, reason_option


def register(sub, common) -> None:
    auth = sub.add_parser(
        "authorisations",
        parents=[common],
        aliases=["autorizaciones"],
        help="autorizaciones fiscales (CAI): agregar, listar, cerrar",
    )
    actions = auth.add_subparsers(dest="action", metavar="ACCION", required=True)
    add = command(
        actions, "add", common, run_authorisations_add, "registrar una autorización del SAR"
    )
    add.add_argument("--branch", required=True, metavar="CODIGO", help="código de la sucursal")
    add.add_argument(
        "--establishment",
        default="000",
        metavar="EEE",
        help="establecimiento (3 dígitos; 000 = casa matriz)",
    )
    add.add_argument("--point", required=True, metavar="PPP", help="punto de emisión (3 dígitos)")
    add.add_argument(
        "--type",
        required=True,
        choices=["01", "06", "07"],
        help="01 Factura, 06 Nota de Crédito, 07 Nota de Débito",
    )
    add.add_argument("--cai", required=True, help="el CAI tal como lo dio el SAR")
    add.add_argument(
        "--from",
        dest="range_from",
        required=True,
        metavar="N",
        help="primer correlativo autorizado",
    )
    add.add_argument(
        "--to", dest="range_to", required=True, metavar="N", help="último correlativo autorizado"
    )
    add.add_argument(
        "--deadline",
        required=True,
        type=parse_day,
        metavar="AAAA-MM-DD",
        help="fecha límite de emisión",
    )
    command(actions, "list", common, run_authorisations_list, "listar autorizaciones y avisos")
    end = command(actions, "end", common, run_authorisations_end, "cerrar una autorización")
    end.add_argument("id", type=record_id, help="número de la autorización (de «list»)")
    reason_option(end, "motivo")

    book = command(
        sub,
        "sales-book",
        common,
        run_sales_book,
        "libro de ventas de un mes (CSV y texto para el SAR)",
        aliases=["libro-ventas"],
    )
    book.add_argument("--month", required=True, metavar="AAAA-MM")
    file_option(book, "archivo CSV, o .txt para el archivo de texto", required=True)
    unused = command(
        sub,
        "unused-numbers",
        common,
        run_unused_numbers,
        "números no utilizados por autorización (Art. 42)",
        aliases=["numeros-no-usados"],
    )
    file_option(unused, "guardar en CSV (si no, se muestran)")
    daily = command(
        sub,
        "daily-sales",
        common,
        run_daily_sales,
        "ventas de un día por forma de pago y por recepcionista",
        aliases=["ventas-del-dia"],
    )
    daily.add_argument("--date", type=parse_day, default=None, metavar="AAAA-MM-DD")
    statement = command(
        sub,
        "statement",
        common,
        run_statement,
        "estado de cuenta de una empresa con crédito (PDF o CSV)",
        aliases=["estado-cuenta"],
    )
    statement.add_argument(
        "--customer", type=record_id, required=True, metavar="ID", help="número del cliente"
    )
    file_option(
        statement,
        "archivo .pdf o .csv (el formato sale de la extensión)",
        required=True,
        type=_statement_path,
    )
    paper_option(statement, "--format", ("letter", "a4"), "letter", "papel del PDF")


def register_export(kinds, common) -> None:
    invoices = export_command(
        kinds,
        "invoices",
        common,
        run_export_invoices,
        "facturas y notas de crédito (CSV)",
        aliases=["facturas"],
    )
    invoices.add_argument("--month", default=None, metavar="AAAA-MM", help="solo este mes")


def run_authorisations_add(args) -> int:
    from ..services.billing import authorisations
    from ..services.catalog import branches

    open_from_args(args)
    branch = branches.get_by_code(args.branch)
    new_id = authorisations.add(
        authorisations.AuthorisationInput(
            branch_id=branch.id,
            establishment=args.establishment,
            point=args.point,
            doc_type=args.type,
            cai=args.cai,
            range_from=args.range_from,
            range_to=args.range_to,
            deadline=args.deadline,
        )
    )
    row = next(r for r in authorisations.list_all() if r["id"] == new_id)
    print(
        f"Autorización {new_id} registrada: {row['doc_type_label']} {row['range_text']}, "
        f"vence el {row['deadline']:%d/%m/%Y}"
    )
    return 0


def run_authorisations_list(args) -> int:
    from ..services.billing import authorisations

    open_from_args(args)
    rows = authorisations.list_all()
    if not rows:
        print("No hay autorizaciones registradas.")
    for r in rows:
        print(
            f"{r['id']:>4}  {r['status_label']:<7} {r['doc_type_label']:<16} {r['range_text']}  "
            f"usados {r['used']}/{r['size']}  vence {r['deadline']:%d/%m/%Y}  CAI {r['cai']}"
        )
        for warning in r["warnings"]:
            print(f"      ! {warning}")
    return 0


def run_authorisations_end(args) -> int:
    from ..services.billing import authorisations

    open_from_args(args)
    authorisations.end(args.id, args.reason)
    print(f"Autorización {args.id} cerrada.")
    return 0


def run_sales_book(args) -> int:
    from ..services.billing import reports

    open_from_args(args)
    as_text = str(args.out).lower().endswith(".txt")
    count = reports.export_sales_book(args.out, args.month, as_text=as_text)
    print(f"Libro de ventas {args.month}: {count} documento(s) en {args.out}")
    return 0


def run_unused_numbers(args) -> int:
    from ..services.billing import reports
    from ..services.csvio import write_csv

    open_from_args(args)
    rows = reports.unused_rows()
    if args.out:
        write_csv(args.out, rows[0], rows[1:])
        print(f"{len(rows) - 1} fila(s) en {args.out}")
        return 0
    if len(rows) == 1:
        print("No hay números sin usar.")
    for row in rows[1:]:
        print(f"{row[1]} {row[2]} ({row[3]}): {row[4]} a {row[5]} — {row[6]}")
    return 0


def run_daily_sales(args) -> int:
    from ..services.billing import reports

    open_from_args(args)
    data = reports.daily_sales(args.date or dt.date.today())
    print(
        f"Ventas del {data['day']:%d/%m/%Y}: {data['documents']} documento(s), "
        f"{data['voided']} anulado(s); facturado L {data['invoiced']:,.2f}, "
        f"notas de crédito L {data['credited']:,.2f}"
    )
    for name, amount in data["per_method"].items():
        print(f"  {name}: L {amount:,.2f}")
    print(f"  Total cobrado: L {data['total']:,.2f}")
    if data["balance_applied"]:
        print(f"  Saldo a favor aplicado (no es dinero): L {data['balance_applied']:,.2f}")
    if data["balance_kept"]:
        print(f"  Notas de crédito dejadas como saldo a favor: L {data['balance_kept']:,.2f}")
    for user, methods in data["per_user"].items():
        print(f"  {user}: " + ", ".join(f"{k} L {v:,.2f}" for k, v in methods.items()))
    return 0


def run_statement(args) -> int:
    from ..services import settings
    from ..services.billing import statements
    from ..services.csvio import write_csv

    open_from_args(args)
    if args.out.suffix.lower() == ".csv":
        rows = statements.statement_rows(args.customer)
        count = write_csv(args.out, rows[0], rows[1:])
        print(f"Estado de cuenta: {count} factura(s) en {args.out}")
        return 0
    from ..documents.account_statement import write_statement_pdf

    data = statements.statement(args.customer)
    pages = write_statement_pdf(
        args.out, data, PAPER_NAMES[args.format], lab_name=settings.get("lab_name")
    )
    print(
        f"Estado de cuenta de {data['customer_name']}: {len(data['rows'])} factura(s), "
        f"saldo L {data['balance']:,.2f}, vencido L {data['overdue']:,.2f}; "
        f"{pages} página(s) en {args.out}"
    )
    return 0


def run_export_invoices(args) -> int:
    from ..services.billing import reports
    from ..services.csvio import write_csv

    open_from_args(args)
    start = end = None
    if args.month:
        start, end = reports.month_range(args.month)
    rows = reports.documents_rows(start, end)
    header = next(rows)
    count = write_csv(args.out, header, rows)
    print(f"{count} documento(s) exportado(s) a {args.out}")
    return 0
