"""``print-summary``, ``report`` and ``labels``: the printed documents as PDF files.

    patolab print-summary LAB-2026-000123 --db lab.db --pdf resumen.pdf
    patolab report --from 01/03/2026 --to 31/03/2026 [--branch SPS] --db lab.db --pdf marzo.pdf
    patolab labels LAB-2026-000123 --db lab.db --pdf etiquetas.pdf [--copies 2]

Exit codes: 0 written, 1 the request or branch does not exist (or the file could not be
written), 2 bad arguments (dates, copies, folder). Fonts and painting need a
QGuiApplication: one is created offscreen when there is no display.
"""

from __future__ import annotations

import argparse
import getpass

from . import fail, open_from_args, parse_day, whole_number
from .building import Handler, command, file_option, paper_option, period_options, switch
from .parsing import SpanishArgumentParser

PAPERS = ("A4", "Letter")


def copies(text: str) -> int:
    from ..services.requests.reports import MAX_COPIES

    value = whole_number(text)
    if not 1 <= value <= MAX_COPIES:
        raise argparse.ArgumentTypeError(f"las copias deben estar entre 1 y {MAX_COPIES}: {value}")
    return value


def _printer_name(args) -> str:
    """The footer's «Impreso por»: ``--by``, else the signed-in user (``--user``: a
    supervisor's report said «Impreso por root»), else the system's user name."""
    from ..services.access import session

    if args.by:
        return args.by
    actor = session.current()
    if actor is not None and not actor.is_system:
        return actor.display_name
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in the environment
        return "cli"


def register(sub, common) -> None:
    output = SpanishArgumentParser(add_help=False)
    file_option(output, "archivo PDF a escribir", flag="--pdf", required=True)
    output.add_argument(
        "--by",
        default="",
        metavar="NOMBRE",
        help="quién imprime (pie de página); por omisión, el usuario de --user",
    )

    def request_pdf(name: str, handler: Handler, help: str) -> argparse.ArgumentParser:
        """A subcommand that writes a PDF of one request, given by its number."""
        parser = command(sub, name, common, handler, help, parents=[output])
        parser.add_argument("request_number", metavar="NUMERO_SOLICITUD")
        return parser

    summary = request_pdf("print-summary", run_print_summary, "resumen de una solicitud en PDF")
    paper_option(
        summary, "--paper", PAPERS, None, "tamaño de papel (por omisión, el de la configuración)"
    )
    switch(summary, "--full-id", "mostrar la identidad completa (por omisión, enmascarada)")

    report = command(
        sub,
        "report",
        common,
        run_report,
        "resumen por período para supervisores en PDF",
        parents=[output],
    )
    period_options(
        report,
        parse_day,
        "FECHA",
        ("primer día (dd/mm/aaaa)", "último día, inclusive (dd/mm/aaaa)"),
        required=True,
    )
    report.add_argument(
        "--branch",
        default=None,
        metavar="CODIGO",
        help="solo una sucursal (por código, p. ej. SPS)",
    )
    paper_option(report, "--paper", PAPERS, None)

    labels = request_pdf("labels", run_labels, "etiquetas de tubos de una solicitud en PDF")
    labels.add_argument(
        "--copies",
        type=copies,
        default=None,
        metavar="N",
        help="copias de cada etiqueta (por omisión, las de la configuración)",
    )


def _as_cli(func):
    """Run with the CLI acting as the system user (for the audit trail) and map errors."""

    def wrapper(args) -> int:
        from ..services.access import session
        from ..services.errors import NotFoundError, ServiceError, ValidationError

        actor = session.current()  # the signed-in user (commands.sign_in)
        try:
            with session.acting_as(actor):
                return func(args)
        except NotFoundError as exc:
            return fail(str(exc), 1)
        except ValidationError as exc:
            return fail(str(exc), 2)
        except ServiceError as exc:  # a rule forbids it (e.g. labels of a cancelled request)
            return fail(str(exc), 1)
        except OSError as exc:
            return fail(f"no se pudo escribir {args.pdf}: {exc}", 1)

    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    return wrapper


@_as_cli
def run_print_summary(args) -> int:
    from ..documents.request_summary import write_summary_pdf
    from ..services import requests
    from ..services.requests import reports

    open_from_args(args)
    request_id = requests.find_id(args.request_number)
    data = reports.request_summary_data(
        request_id, show_full_id=args.full_id, printed_by=_printer_name(args)
    )
    pages = write_summary_pdf(args.pdf, data, args.paper or reports.paper_size())
    reports.record_print(
        "lab_request",
        request_id,
        f"Resumen {data['request_number']} guardado en PDF (línea de comandos)",
    )
    print(f"Resumen de {data['request_number']} guardado en {args.pdf} ({pages} página(s))")
    return 0


@_as_cli
def run_report(args) -> int:
    from ..documents.period_report import write_period_report_pdf
    from ..services.catalog import branches
    from ..services.requests import reports

    if args.date_to < args.date_from:
        return fail("la fecha final (--to) es anterior a la inicial (--from)", 2)
    open_from_args(args)
    branch_id = branches.id_by_code(args.branch) if args.branch else None
    data = reports.period_report_data(
        args.date_from, args.date_to, branch_id, printed_by=_printer_name(args)
    )
    pages = write_period_report_pdf(args.pdf, data, args.paper or reports.paper_size())
    reports.record_print(
        "report",
        None,
        f"Resumen del {data['period_text']} "
        f"({data['branch_text']}) guardado en PDF (línea de comandos)",
    )
    totals = data["totals"]
    print(
        f"Resumen del {data['period_text']} ({data['branch_text']}): {totals['count']} "
        f"solicitud(es), guardado en {args.pdf} ({pages} página(s))"
    )
    return 0


@_as_cli
def run_labels(args) -> int:
    from ..documents.tube_labels import write_labels_pdf
    from ..services import requests
    from ..services.requests import reports

    open_from_args(args)
    request_id = requests.find_id(args.request_number)
    labels = reports.label_data(request_id)
    size = reports.label_settings()
    count = args.copies or size["copies"]
    pages = write_labels_pdf(args.pdf, labels, size["width_mm"], size["height_mm"], count)
    number = labels[0]["request_number"]
    reports.record_print(
        "lab_request",
        request_id,
        f"{pages} etiqueta(s) de {number} guardadas en PDF (línea de comandos)",
    )
    print(
        f"{pages} etiqueta(s) de {number} ({size['width_mm']} × {size['height_mm']} mm) "
        f"guardadas en {args.pdf}"
    )
    return 0
