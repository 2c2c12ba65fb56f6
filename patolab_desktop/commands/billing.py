"""Billing from the command line (issue 17): authorisations, invoice, void, credit-note,
cash-open, cash-close, cash-confirm, sales-book, unused-numbers, daily-sales, statement
and ``export invoices``. Every command signs in with --user and acts with that user's
permissions; a refusal is a message and exit 1 (bad arguments: exit 2)."""

from __future__ import annotations

import datetime as dt
import sys

from . import open_from_args, out_path, record_id

PAY_HELP = (
    "pagos separados por coma: efectivo cash:MONTO[:RECIBIDO], tarjeta "
    "card:MONTO:ULTIMOS4:AUTORIZACION, transfer:MONTO:BANCO:REFERENCIA, "
    "cheque:MONTO:BANCO:NUMERO, balance:MONTO (saldo a favor)"
)


def _fail(message: str, code: int) -> int:
    print(f"Error: {message}", file=sys.stderr)
    return code


def _guarded(func):
    def wrapper(args) -> int:
        from ..services.errors import NotFoundError, ServiceError, ValidationError

        try:
            return func(args)
        except ValidationError as exc:
            return _fail(str(exc), 2 if getattr(exc, "cli_usage", False) else 1)
        except (NotFoundError, ServiceError) as exc:
            return _fail(str(exc), 1)

    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    return wrapper


def _date(text: str) -> dt.date:
    import argparse

    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"fecha no válida (AAAA-MM-DD): {text!r}") from None


def _statement_path(text: str):
    """``--out`` of ``statement``: a writable path ending in .pdf or .csv."""
    import argparse

    path = out_path(text)
    if path.suffix.lower() not in (".pdf", ".csv"):
        raise argparse.ArgumentTypeError(f"use un archivo .pdf o .csv: {text!r}")
    return path


def parse_payments(text: str):
    """``cash:130:200,card:100:1234:A0099`` → PaymentInput list; ValueError with a message."""
    from ..services.billing.payments import PaymentInput

    names = {
        "cash": "cash",
        "efectivo": "cash",
        "card": "card",
        "tarjeta": "card",
        "transfer": "transfer",
        "transferencia": "transfer",
        "cheque": "cheque",
        "balance": "balance",
        "saldo": "balance",
    }
    found = []
    for part in (p.strip() for p in (text or "").split(",")):
        if not part:
            continue
        fields = part.split(":")
        method = names.get(fields[0].strip().lower())
        if method is None or len(fields) < 2:
            raise ValueError(f"pago no válido: {part!r} ({PAY_HELP})")
        amount = fields[1]
        rest = fields[2:]
        if method == "cash":
            found.append(PaymentInput("cash", amount, received=rest[0] if rest else None))
        elif method == "card":
            if len(rest) < 1:
                raise ValueError("tarjeta: card:MONTO:ULTIMOS4:AUTORIZACION")
            found.append(
                PaymentInput(
                    "card", amount, card_last4=rest[0], auth_code=rest[1] if len(rest) > 1 else ""
                )
            )
        elif method in ("transfer", "cheque"):
            found.append(
                PaymentInput(
                    method,
                    amount,
                    bank=rest[0] if rest else "",
                    reference=rest[1] if len(rest) > 1 else "",
                )
            )
        else:
            found.append(PaymentInput("balance", amount))
    return tuple(found)


def register(sub, common) -> None:
    auth = sub.add_parser(
        "authorisations",
        parents=[common],
        aliases=["autorizaciones"],
        help="autorizaciones fiscales (CAI): agregar, listar, cerrar",
    )
    actions = auth.add_subparsers(dest="action", metavar="ACCION", required=True)
    add = actions.add_parser("add", parents=[common], help="registrar una autorización del SAR")
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
        type=_date,
        metavar="AAAA-MM-DD",
        help="fecha límite de emisión",
    )
    add.set_defaults(handler=run_authorisations_add)
    listing = actions.add_parser("list", parents=[common], help="listar autorizaciones y avisos")
    listing.set_defaults(handler=run_authorisations_list)
    end = actions.add_parser("end", parents=[common], help="cerrar una autorización")
    end.add_argument("id", type=record_id, help="número de la autorización (de «list»)")
    end.add_argument("--reason", required=True, help="motivo")
    end.set_defaults(handler=run_authorisations_end)

    invoice = sub.add_parser(
        "invoice",
        parents=[common],
        aliases=["facturar"],
        help="emitir la factura de una o más solicitudes",
    )
    invoice.add_argument(
        "requests",
        nargs="+",
        metavar="SOLICITUD",
        help="números de solicitud (p. ej. SPS-2026-000123)",
    )
    invoice.add_argument(
        "--bill-to",
        type=record_id,
        default=None,
        metavar="ID",
        help="cliente o empresa que paga (por omisión, el de la solicitud)",
    )
    invoice.add_argument("--pay", default="", metavar="PAGOS", help=PAY_HELP)
    invoice.add_argument(
        "--credit", action="store_true", help="lo que no se paga queda a crédito de la empresa"
    )
    invoice.add_argument(
        "--consumer-final", action="store_true", help="a CONSUMIDOR FINAL (hasta L 10,000.00)"
    )
    invoice.add_argument("--buyer-name", default="", help="nombre del comprador")
    invoice.add_argument("--buyer-document", default="", help="RTN o identidad del comprador")
    invoice.add_argument(
        "--exempt-order", default="", help="comprador exonerado: Orden de Compra Exenta"
    )
    invoice.add_argument(
        "--exonerated-register",
        default="",
        help="comprador exonerado: Constancia del Registro de Exonerados",
    )
    invoice.add_argument("--sag", default="", help="comprador exonerado: registro SAG")
    invoice.add_argument(
        "--pdf", type=out_path, default=None, metavar="ARCHIVO", help="guardar la factura en PDF"
    )
    invoice.add_argument(
        "--format",
        choices=["letter", "a4", "roll"],
        default="letter",
        help="carta, A4 o rollo de 80 mm",
    )
    invoice.set_defaults(handler=run_invoice)

    void = sub.add_parser(
        "void",
        parents=[common],
        aliases=["anular"],
        help="anular una factura (el número queda usado)",
    )
    void.add_argument("number", metavar="NUMERO", help="número fiscal EEE-PPP-TT-NNNNNNNN")
    void.add_argument("--reason", required=True, help="motivo de la anulación")
    void.set_defaults(handler=run_void)

    note = sub.add_parser(
        "credit-note",
        parents=[common],
        aliases=["nota-credito"],
        help="emitir una nota de crédito sobre una factura",
    )
    note.add_argument("number", metavar="NUMERO", help="número de la factura original")
    what = note.add_mutually_exclusive_group(required=True)
    what.add_argument("--amount", default=None, help="monto a acreditar (antes de ISV)")
    what.add_argument("--whole", action="store_true", help="toda la factura")
    what.add_argument(
        "--investigations",
        default=None,
        metavar="CODIGOS",
        help="códigos de las investigaciones quitadas, separados por coma",
    )
    note.add_argument("--reason", required=True, help="motivo")
    note.add_argument("--receiver", required=True, help="nombre de quien recibe la nota")
    note.add_argument("--receiver-document", required=True, help="documento de quien la recibe")
    note.add_argument(
        "--settle",
        choices=["refund", "balance", "debt"],
        default="refund",
        help="devolver el dinero, dejarlo como saldo a favor o rebajar la deuda",
    )
    note.add_argument(
        "--refund-method",
        default="cash",
        choices=["cash", "card", "transfer", "cheque"],
        help="cómo se devuelve",
    )
    note.add_argument(
        "--pdf", type=out_path, default=None, metavar="ARCHIVO", help="guardar la nota en PDF"
    )
    note.add_argument("--format", choices=["letter", "a4", "roll"], default="letter")
    note.set_defaults(handler=run_credit_note)

    cash_open = sub.add_parser("cash-open", parents=[common], help="abrir su caja")
    cash_open.add_argument("--float", dest="opening", default="0", help="fondo inicial")
    cash_open.set_defaults(handler=run_cash_open)
    cash_close = sub.add_parser("cash-close", parents=[common], help="cerrar su caja (cuadre)")
    cash_close.add_argument(
        "--count",
        default="",
        metavar="DENOMINACIONES",
        help="efectivo contado, p. ej. 500=2,100=3,0.50=4",
    )
    for method, text in (
        ("card", "tarjeta"),
        ("transfer", "transferencias"),
        ("cheque", "cheques"),
        ("balance", "saldo a favor"),
    ):
        cash_close.add_argument(f"--{method}", default=None, help=f"total contado en {text}")
    cash_close.add_argument("--note", default="", help="nota (obligatoria si hay diferencia)")
    cash_close.add_argument(
        "--pdf",
        type=out_path,
        default=None,
        metavar="ARCHIVO",
        help="guardar el reporte de cierre en PDF",
    )
    cash_close.set_defaults(handler=run_cash_close)
    confirm = sub.add_parser(
        "cash-confirm", parents=[common], help="confirmar el cierre de una caja (supervisor)"
    )
    confirm.add_argument("session", type=record_id, help="número de la caja")
    confirm.set_defaults(handler=run_cash_confirm)

    book = sub.add_parser(
        "sales-book",
        parents=[common],
        aliases=["libro-ventas"],
        help="libro de ventas de un mes (CSV y texto para el SAR)",
    )
    book.add_argument("--month", required=True, metavar="AAAA-MM")
    book.add_argument(
        "--out",
        type=out_path,
        required=True,
        metavar="ARCHIVO",
        help="archivo CSV, o .txt para el archivo de texto",
    )
    book.set_defaults(handler=run_sales_book)
    unused = sub.add_parser(
        "unused-numbers",
        parents=[common],
        aliases=["numeros-no-usados"],
        help="números no utilizados por autorización (Art. 42)",
    )
    unused.add_argument(
        "--out",
        type=out_path,
        default=None,
        metavar="ARCHIVO",
        help="guardar en CSV (si no, se muestran)",
    )
    unused.set_defaults(handler=run_unused_numbers)
    daily = sub.add_parser(
        "daily-sales",
        parents=[common],
        aliases=["ventas-del-dia"],
        help="ventas de un día por forma de pago y por recepcionista",
    )
    daily.add_argument("--date", type=_date, default=None, metavar="AAAA-MM-DD")
    daily.set_defaults(handler=run_daily_sales)
    statement = sub.add_parser(
        "statement",
        parents=[common],
        aliases=["estado-cuenta"],
        help="estado de cuenta de una empresa con crédito (PDF o CSV)",
    )
    statement.add_argument(
        "--customer", type=record_id, required=True, metavar="ID", help="número del cliente"
    )
    statement.add_argument(
        "--out",
        type=_statement_path,
        required=True,
        metavar="ARCHIVO",
        help="archivo .pdf o .csv (el formato sale de la extensión)",
    )
    statement.add_argument(
        "--format", choices=["letter", "a4"], default="letter", help="papel del PDF"
    )
    statement.set_defaults(handler=run_statement)


def register_export(kinds, common) -> None:
    parser = kinds.add_parser(
        "invoices", parents=[common], aliases=["facturas"], help="facturas y notas de crédito (CSV)"
    )
    parser.add_argument("--out", type=out_path, required=True, metavar="ARCHIVO")
    parser.add_argument("--month", default=None, metavar="AAAA-MM", help="solo este mes")
    parser.set_defaults(handler=run_export_invoices)


@_guarded
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


@_guarded
def run_authorisations_list(args) -> int:
    from ..services.billing import authorisations

    open_from_args(args)
    rows = authorisations.list_all()
    if not rows:
        print("No hay autorizaciones registradas.")
    for r in rows:
        print(
            f"{r['id']:>4}  {r['status']:<7} {r['doc_type_label']:<16} {r['range_text']}  "
            f"usados {r['used']}/{r['size']}  vence {r['deadline']:%d/%m/%Y}  CAI {r['cai']}"
        )
        for warning in r["warnings"]:
            print(f"      ! {warning}")
    return 0


@_guarded
def run_authorisations_end(args) -> int:
    from ..services.billing import authorisations

    open_from_args(args)
    authorisations.end(args.id, args.reason)
    print(f"Autorización {args.id} cerrada.")
    return 0


PAPER_NAMES = {"letter": "Letter", "a4": "A4"}


def _write_pdf(document_id: int, path, paper: str) -> int:
    from ..documents import fiscal_document
    from ..services.billing import records

    name = fiscal_document.ROLL if paper == "roll" else PAPER_NAMES[paper]
    return fiscal_document.write_fiscal_document_pdf(path, records.view(document_id), name)


@_guarded
def run_invoice(args) -> int:
    from ..services import requests
    from ..services.billing import invoices, records
    from ..services.billing.buyers import BuyerInput

    try:
        pays = parse_payments(args.pay)
    except ValueError as exc:
        return _fail(str(exc), 2)
    open_from_args(args)
    ids = tuple(requests.find_id(number) for number in args.requests)
    buyer = BuyerInput(
        consumer_final=args.consumer_final,
        name=args.buyer_name,
        document=args.buyer_document,
        exempt_purchase_order=args.exempt_order,
        exonerated_register=args.exonerated_register,
        sag_register=args.sag,
    )
    doc_id = invoices.issue(
        invoices.InvoiceInput(
            ids, payments=pays, buyer=buyer, bill_to_id=args.bill_to, on_credit=args.credit
        )
    )
    view = records.view(doc_id)
    print(
        f"Factura {view.number} emitida a {view.buyer_name}: total "
        f"L {view.totals.total:,.2f} ({view.totals.total_words})"
    )
    for p in view.payments:
        change = f", cambio L {p.change:,.2f}" if p.change else ""
        print(f"  {p.method_label}: L {p.amount:,.2f}{change}")
    if args.pdf:
        _write_pdf(doc_id, args.pdf, args.format)
        print(f"Guardada en {args.pdf}")
    return 0


@_guarded
def run_void(args) -> int:
    from ..services.billing import records

    open_from_args(args)
    doc_id = records.find(args.number)
    records.void(doc_id, args.reason)
    print(f"Factura {records.view(doc_id).number} anulada; su número queda usado.")
    return 0


@_guarded
def run_credit_note(args) -> int:
    from ..services.billing import credit_notes, records
    from ..services.errors import ValidationError

    open_from_args(args)
    original = records.find(args.number)
    line_ids: tuple[int, ...] = ()
    if args.investigations:
        wanted = {c.strip().upper() for c in args.investigations.split(",") if c.strip()}
        lines = credit_notes.invoice_lines(original)
        line_ids = tuple(x["request_line_id"] for x in lines if x["code"].upper() in wanted)
        missing = wanted - {x["code"].upper() for x in lines}
        if missing:
            raise ValidationError(
                {"lines": "No están en la factura: " + ", ".join(sorted(missing))}
            )
    note_id = credit_notes.issue(
        credit_notes.CreditNoteInput(
            original_id=original,
            reason=args.reason,
            receiver_name=args.receiver,
            receiver_document=args.receiver_document,
            settlement=args.settle,
            refund_method=args.refund_method,
            request_line_ids=line_ids,
            whole=args.whole,
            amount=args.amount,
        )
    )
    view = records.view(note_id)
    print(f"Nota de crédito {view.number} sobre {view.original_number}: L {view.totals.total:,.2f}")
    if args.pdf:
        _write_pdf(note_id, args.pdf, args.format)
        print(f"Guardada en {args.pdf}")
    return 0


@_guarded
def run_cash_open(args) -> int:
    from ..services.billing import cash

    open_from_args(args)
    session_id = cash.open_session(args.opening)
    print(f"Caja {session_id} abierta.")
    return 0


def _denominations(text: str) -> dict:
    found = {}
    for part in (p.strip() for p in (text or "").split(",")):
        if not part:
            continue
        face, _, count = part.partition("=")
        if not count:
            raise ValueError(f"denominación no válida: {part!r} (use VALOR=CANTIDAD)")
        found[face.strip()] = count.strip()
    return found


@_guarded
def run_cash_close(args) -> int:
    from ..services.billing import cash

    try:
        faces = _denominations(args.count)
    except ValueError as exc:
        return _fail(str(exc), 2)
    open_from_args(args)
    other = {
        m: getattr(args, m)
        for m in ("card", "transfer", "cheque", "balance")
        if getattr(args, m) is not None
    }
    session_id = cash.close(faces, other, args.note)
    report = cash.report(session_id)
    for name, amount in report.expected.items():
        counted = report.counted.get(name, amount)
        if amount or counted:
            print(f"  {name}: esperado L {amount:,.2f}, contado L {counted:,.2f}")
    print(f"Caja {session_id} cerrada; diferencia L {report.difference:,.2f}.")
    if args.pdf:
        from ..documents.fiscal_document import write_cash_close_pdf

        write_cash_close_pdf(args.pdf, report)
        print(f"Reporte guardado en {args.pdf}")
    return 0


@_guarded
def run_cash_confirm(args) -> int:
    from ..services.billing import cash

    open_from_args(args)
    cash.confirm(args.session)
    print(f"Cierre de la caja {args.session} confirmado.")
    return 0


@_guarded
def run_sales_book(args) -> int:
    from ..services.billing import reports
    from ..services.csvio import write_csv
    from ..services.safety import outputs

    open_from_args(args)
    if str(args.out).lower().endswith(".txt"):
        text = reports.sales_book_text(args.month)
        with outputs.atomic_output(args.out, encoding="utf-8", newline="") as fh:
            fh.write(text)
        count = text.count("\r\n") - 2
    else:
        rows = reports.sales_book(args.month)
        count = write_csv(args.out, rows[0], rows[1:]) - 1
    print(f"Libro de ventas {args.month}: {count} documento(s) en {args.out}")
    return 0


@_guarded
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


@_guarded
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
    for user, methods in data["per_user"].items():
        print(f"  {user}: " + ", ".join(f"{k} L {v:,.2f}" for k, v in methods.items()))
    return 0


@_guarded
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


@_guarded
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
