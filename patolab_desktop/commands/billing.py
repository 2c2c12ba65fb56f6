"""Billing at the desk from the command line (issue 17): invoice, void, credit-note,
cash-open, cash-close and cash-confirm (authorisations and reports: ``billing_reports``).
Every command signs in with --user and acts with that user's permissions; a refusal from
the services is a message and exit 1 (``cli.main``), bad arguments exit 2."""

from __future__ import annotations

import argparse
import functools
from collections.abc import Callable, Iterable

from ..services.billing.types import EXEMPT, TAXED15, TAXED18
from ..util.dataclass_rows import values_of
from . import fail, open_from_args, out_path, record_id
from .building import Handler, command, file_option, paper_option, reason_option, switch

PAY_HELP = (
    "pagos separados por coma: efectivo cash:MONTO[:RECIBIDO], tarjeta "
    "card:MONTO:ULTIMOS4:AUTORIZACION, transfer:MONTO:BANCO:REFERENCIA, "
    "cheque:MONTO:BANCO:NUMERO, balance:MONTO (saldo a favor)"
)
# ``credit-note --rate``: the tax class of a partial amount
RATES = {"exento": EXEMPT, "15": TAXED15, "18": TAXED18}


def _statement_path(text: str):
    """``--out`` of ``statement``: a writable path ending in .pdf or .csv."""
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


FORMATS = ("letter", "a4", "roll")


def register(sub, common) -> None:
    invoice = command(
        sub,
        "invoice",
        common,
        run_invoice,
        "emitir la factura de una o más solicitudes",
        aliases=["facturar"],
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
    switch(invoice, "--credit", "lo que no se paga queda a crédito de la empresa")
    switch(invoice, "--consumer-final", "a CONSUMIDOR FINAL (hasta L 10,000.00)")
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
    file_option(invoice, "guardar la factura en PDF", flag="--pdf")
    paper_option(invoice, "--format", FORMATS, "letter", "carta, A4 o rollo de 80 mm")

    void = _invoice_command(
        sub,
        common,
        ("void", "anular"),
        run_void,
        "anular una factura (el número queda usado)",
        "número fiscal EEE-PPP-TT-NNNNNNNN",
    )
    reason_option(void, "motivo de la anulación")

    note = _invoice_command(
        sub,
        common,
        ("credit-note", "nota-credito"),
        run_credit_note,
        "emitir una nota de crédito sobre una factura",
        "número de la factura original",
    )
    what = note.add_mutually_exclusive_group(required=True)
    what.add_argument("--amount", default=None, help="monto a acreditar (antes de ISV)")
    what.add_argument("--whole", action="store_true", help="toda la factura")
    what.add_argument(
        "--investigations",
        default=None,
        metavar="CODIGOS",
        help="códigos de las investigaciones quitadas, separados por coma",
    )
    note.add_argument(
        "--rate",
        choices=list(RATES),
        metavar="TASA",
        default="exento",
        help="tasa del monto de --amount: exento (por omisión), 15 o 18 (%% de ISV)",
    )
    reason_option(note, "motivo")
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
    file_option(note, "guardar la nota en PDF", flag="--pdf")
    paper_option(note, "--format", FORMATS, "letter")

    cash_open = command(sub, "cash-open", common, run_cash_open, "abrir su caja")
    cash_open.add_argument("--float", dest="opening", default="0", help="fondo inicial")
    cash_close = command(sub, "cash-close", common, run_cash_close, "cerrar su caja (cuadre)")
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
    ):
        cash_close.add_argument(f"--{method}", default=None, help=f"total contado en {text}")
    cash_close.add_argument("--note", default="", help="nota (obligatoria si hay diferencia)")
    file_option(cash_close, "guardar el reporte de cierre en PDF", flag="--pdf")
    confirm = command(
        sub,
        "cash-confirm",
        common,
        run_cash_confirm,
        "confirmar el cierre de una caja (supervisor)",
    )
    confirm.add_argument("session", type=record_id, help="número de la caja")


PAPER_NAMES = {"letter": "Letter", "a4": "A4"}


def _invoice_command(
    sub, common, names: tuple[str, str], handler: Handler, help: str, number_help: str
) -> argparse.ArgumentParser:
    """A subcommand (``names``: its name and Spanish alias) about one invoice, named by
    its fiscal ``NUMERO`` argument (read by ``records.find``)."""
    name, alias = names
    parser = command(sub, name, common, handler, help, aliases=[alias])
    parser.add_argument("number", metavar="NUMERO", help=number_help)
    return parser


def _reading(option: str, parse: Callable[[str], object]) -> Callable[[Handler], Handler]:
    """A handler that finds ``args.<option>`` read by ``parse`` (``--pay``, ``--count``): a
    text that does not read is ``Error: …`` and exit 2, before the database is opened."""

    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        def run(args) -> int:
            try:
                setattr(args, option, parse(getattr(args, option)))
            except ValueError as exc:
                return fail(str(exc), 2)
            return handler(args)

        return run

    return decorate


def _issued(view, args, lines: Iterable[str]) -> int:
    """The end of invoice and credit-note: ``lines`` about the issued document ``view``,
    then ``--pdf``, the document on the paper of ``--format``."""
    for line in lines:
        print(line)
    if args.pdf:
        from ..documents import fiscal_document

        paper = fiscal_document.ROLL if args.format == "roll" else PAPER_NAMES[args.format]
        fiscal_document.write_fiscal_document_pdf(args.pdf, view, paper)
        print(f"Guardada en {args.pdf}")
    return 0


@_reading("pay", parse_payments)
def run_invoice(args) -> int:
    from ..services import requests
    from ..services.billing import invoices, records
    from ..services.billing.buyers import BuyerInput

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
            ids, payments=args.pay, buyer=buyer, bill_to_id=args.bill_to, on_credit=args.credit
        )
    )
    view = records.view(doc_id)
    lines = [
        f"Factura {view.number} emitida a {view.buyer_name}: total "
        f"L {view.totals.total:,.2f} ({view.totals.total_words})"
    ]
    for p in view.payments:
        change = f", cambio L {p.change:,.2f}" if p.change else ""
        lines.append(f"  {p.method_label}: L {p.amount:,.2f}{change}")
    return _issued(view, args, lines)


def run_void(args) -> int:
    from ..services.billing import records

    open_from_args(args)
    doc_id = records.find(args.number)
    records.void(doc_id, args.reason)
    print(f"Factura {records.view(doc_id).number} anulada; su número queda usado.")
    return 0


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
            receiver_name=args.receiver,
            settlement=args.settle,
            request_line_ids=line_ids,
            tax_class=RATES[args.rate],
            # the options named as the input's fields
            **values_of(args, ("reason", "receiver_document", "refund_method", "whole", "amount")),
        )
    )
    view = records.view(note_id)
    note = f"Nota de crédito {view.number} sobre {view.original_number}: L {view.totals.total:,.2f}"
    return _issued(view, args, [note])


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


@_reading("count", _denominations)
def run_cash_close(args) -> int:
    from ..services.billing import cash

    open_from_args(args)
    other = {
        m: getattr(args, m) for m in ("card", "transfer", "cheque") if getattr(args, m) is not None
    }
    session_id = cash.close(args.count, other, args.note)
    report = cash.report(session_id)
    for name, amount in report.expected.items():
        counted = report.counted.get(name, amount)
        if amount or counted:
            print(f"  {name}: esperado L {amount:,.2f}, contado L {counted:,.2f}")
    for name, amount in report.not_counted.items():
        print(f"  {name}: L {amount:,.2f} (aplicado; no entra en caja ni se cuenta)")
    print(f"Caja {session_id} cerrada; diferencia L {report.difference:,.2f}.")
    if args.pdf:
        from ..documents.fiscal_document import write_cash_close_pdf

        write_cash_close_pdf(args.pdf, report)
        print(f"Reporte guardado en {args.pdf}")
    return 0


def run_cash_confirm(args) -> int:
    from ..services.billing import cash

    open_from_args(args)
    cash.confirm(args.session)
    print(f"Cierre de la caja {args.session} confirmado.")
    return 0
