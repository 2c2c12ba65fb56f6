"""CLI of the lab-requests area; every action goes through ``services/requests``.

* ``patolab request-status NUMBER [--advance] [--by NAME]`` shows the status of a request,
  or moves it to the next workflow status;
* ``patolab cancel-request NUMBER --reason TEXT [--by NAME]`` cancels it (only from
  pending or sample_collected);

  the request's history and its lines («released by») name the signed-in user (``--user``,
  as the audit log does); ``--by NAME`` only names someone where no user signs in (a new
  database's first start);
* ``patolab export requests --db PATH --out FILE [--search TEXT] [--status S]
  [--priority P] [--source O] [--patient ID] [--doctor ID] [--branch ID|CODE]
  [--from YYYY-MM-DD] [--to YYYY-MM-DD]`` writes the same CSV as the menu.

Statuses, priorities and sources are accepted as codes (``sample_collected``) or as the
Spanish labels (``"Muestra tomada"``), case and accents ignored.
Exit codes: 0 done, 1 refused by a rule (e.g. cancelling a completed request) or not
found, 2 bad arguments (with a message on stderr).
"""

from __future__ import annotations

import argparse
import sys

from ..util.text import clean, fold
from . import MAX_INT, open_from_args, parse_day, record_id
from .building import command, export_command, period_options, switch

EXIT_BAD_ARGUMENTS = 2


# --- argument types --------------------------------------------------------------------


def _choice(kind: str):
    def parse(text: str) -> str:
        from ..services import requests

        labels = {
            "status": requests.STATUS_LABELS,
            "priority": requests.PRIORITY_LABELS,
            "source": requests.SOURCE_LABELS,
        }[kind]
        wanted = fold(text).replace(" ", "_")
        for code, label in labels.items():
            if wanted in (code, fold(label).replace(" ", "_")):
                return code
        options = ", ".join(f"{code} ({label})" for code, label in labels.items())
        what = {"status": "estado", "priority": "prioridad", "source": "origen"}[kind]
        raise argparse.ArgumentTypeError(f"{what} no válido: {text!r}; use uno de: {options}")

    parse.__name__ = kind
    return parse


def _id(text: str) -> int:
    return record_id(text)


def _request_number(text: str) -> str:
    from ..services.requests import numbers as request_numbers

    if request_numbers.parse_number(text) is None:
        raise argparse.ArgumentTypeError(
            f"número de solicitud no válido: {text!r} (por ejemplo SPS-2026-000123)"
        )
    return text.strip().upper()


def _reason(text: str) -> str:
    if not clean(text):
        raise argparse.ArgumentTypeError("el motivo de la cancelación no puede estar vacío")
    return text.strip()


# --- subcommands -----------------------------------------------------------------------


def register(sub, common) -> None:
    status = command(
        sub,
        "request-status",
        common,
        run_status,
        "ver el estado de una solicitud o avanzarla en el flujo",
    )
    status.add_argument(
        "number",
        type=_request_number,
        metavar="NÚMERO",
        help="número de la solicitud, p. ej. SPS-2026-000123",
    )
    switch(status, "--advance", "pasar al siguiente estado (pendiente → muestra tomada → …)")
    status.add_argument(
        "--by",
        default="",
        metavar="USUARIO",
        help="quién hace el cambio (historial) sin usuario, en la primera puesta en marcha; "
        "con --user, siempre ese usuario",
    )

    cancel = command(
        sub,
        "cancel-request",
        common,
        run_cancel,
        "cancelar una solicitud pendiente o con muestra tomada",
    )
    cancel.add_argument("number", type=_request_number, metavar="NÚMERO")
    cancel.add_argument(
        "--reason",
        type=_reason,
        required=True,
        metavar="MOTIVO",
        help="motivo de la cancelación (obligatorio)",
    )
    cancel.add_argument(
        "--by",
        default="",
        metavar="USUARIO",
        help="quién cancela (historial) sin usuario, en la primera puesta en marcha; "
        "con --user, siempre ese usuario",
    )


def run_status(args) -> int:
    from ..services import requests

    open_from_args(args)
    detail = requests.get_by_number(args.number)
    if not args.advance:
        print(f"{detail.request_number}: {detail.status_label}")
        return 0
    new = requests.advance(detail.id, by=args.by, version=detail.version)
    print(f"{detail.request_number}: {detail.status_label} → {requests.STATUS_LABELS[new]}")
    return 0


def run_cancel(args) -> int:
    from ..services import requests

    open_from_args(args)
    detail = requests.get_by_number(args.number)
    requests.cancel(detail.id, args.reason, by=args.by, version=detail.version)
    print(f"{detail.request_number}: cancelada ({args.reason})")
    return 0


# --- export ----------------------------------------------------------------------------


def register_export(kinds, common) -> None:
    parser = export_command(
        kinds,
        "requests",
        common,
        run_export_requests,
        "solicitudes de laboratorio (CSV UTF-8 con BOM)",
        out_help="archivo CSV a escribir (p. ej. solicitudes.csv)",
        search_help="número de solicitud o nombre/identidad del paciente",
        aliases=["solicitudes"],
    )
    parser.add_argument("--status", type=_choice("status"), default=None, metavar="ESTADO")
    parser.add_argument("--priority", type=_choice("priority"), default=None, metavar="PRIORIDAD")
    parser.add_argument("--source", type=_choice("source"), default=None, metavar="ORIGEN")
    parser.add_argument("--patient", type=_id, default=None, metavar="ID", help="id del paciente")
    parser.add_argument(
        "--doctor", type=_id, default=None, metavar="ID", help="id del médico remitente"
    )
    parser.add_argument(
        "--branch", default=None, metavar="ID|CÓDIGO", help="sucursal (id o código, p. ej. SPS)"
    )
    period_options(
        parser,
        parse_day,
        "AAAA-MM-DD",
        ("desde este día (incluido)", "hasta este día (incluido)"),
    )


def _bad(message: str) -> int:
    print(f"patolab export requests: error: {message}", file=sys.stderr)
    return EXIT_BAD_ARGUMENTS


def _branch_id(text: str) -> int | None:
    from ..db.models import Branch

    text = text.strip()
    if text.isdigit():
        if int(text) > MAX_INT:
            return None
        return Branch.select(Branch.id).where(Branch.id == int(text)).scalar()
    return Branch.select(Branch.id).where(Branch.code == text.upper()).scalar()


def run_export_requests(args) -> int:
    from ..services import requests
    from ..services.errors import ValidationError

    if args.date_from and args.date_to and args.date_from > args.date_to:
        return _bad(
            f"--from ({args.date_from:%Y-%m-%d}) es posterior a --to ({args.date_to:%Y-%m-%d})"
        )
    open_from_args(args)
    branch_id = None
    if args.branch:
        branch_id = _branch_id(args.branch)
        if branch_id is None:
            return _bad(f"sucursal desconocida: {args.branch!r}")
    filters = requests.RequestFilter(
        search=args.search or "",
        status=args.status,
        priority=args.priority,
        source=args.source,
        patient_id=args.patient,
        doctor_id=args.doctor,
        branch_id=branch_id,
        date_from=args.date_from,
        date_to=args.date_to,
    )
    try:
        written = requests.export_requests(filters, args.out)
    except ValidationError as exc:
        return _bad(str(exc))
    noun = "solicitud exportada" if written == 1 else "solicitudes exportadas"
    print(f"{written:,} {noun} a {args.out}".replace(",", "."))
    return 0
