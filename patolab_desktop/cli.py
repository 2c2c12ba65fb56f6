"""Command line: ``patolab [--db PATH_OR_URL] [subcommand]``; no subcommand opens the GUI.

Each area keeps its subcommands in ``patolab_desktop.commands.<area>`` with a
``register(subparsers, common)`` function; they all call services, never the db layer.
Exit codes: 0 ok, 1 the action failed (message on stderr), 2 bad arguments.
"""

from __future__ import annotations

import argparse
import sys

from . import __version__
from .commands import (
    bench,
    catalog,
    customers,
    exports,
    imports,
    maintenance,
    printing,
    referrers,
    requests,
    safety,
    users,
)
from .commands.parsing import SpanishArgumentParser
from .services.bootstrap import DatabaseOpenError
from .services.errors import ServiceError

COMMAND_MODULES = (
    maintenance,
    customers,
    imports,
    referrers,
    catalog,
    requests,
    printing,
    bench,
    safety,
    users,
)


def build_parser() -> argparse.ArgumentParser:
    common = SpanishArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        metavar="PATH_OR_URL",
        default=argparse.SUPPRESS,
        help="archivo SQLite o URL postgresql://usuario:clave@host:puerto/base",
    )
    parser = SpanishArgumentParser(
        prog="patolab",
        description="PatoLab Desktop — recepción de laboratorio.",
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"PatoLab Desktop {__version__}",
        help="mostrar la versión y salir",
    )
    parser.add_argument(
        "--db",
        metavar="PATH_OR_URL",
        default=None,
        help="base de datos (por omisión, un archivo en la carpeta de datos del usuario)",
    )
    parser.add_argument(
        "--demo", action="store_true", help="abrir una base de datos de demostración"
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="autoprueba sin pantalla: ventana, búsqueda y PDF en una base temporal",
    )
    parser.add_argument(
        "--self-test-pdf",
        metavar="RUTA",
        default=None,
        help="con --self-test, guardar aquí el PDF de prueba",
    )
    sub = parser.add_subparsers(
        dest="command", metavar="SUBCOMANDO", parser_class=SpanishArgumentParser
    )
    for module in COMMAND_MODULES:
        module.register(sub, common)
    exports.register(sub, common, COMMAND_MODULES)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.self_test:
        from .selftest import run_self_test

        return run_self_test(args.self_test_pdf)
    if args.command is None:
        from .ui.app import run_gui

        return run_gui(db_target=args.db, demo=args.demo)
    from .services.access import session

    try:
        with session.acting_as(session.system_actor("cli")):  # CLI work is audited as "cli"
            return int(args.handler(args) or 0)
    except (ServiceError, DatabaseOpenError) as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    finally:
        from .services.bootstrap import close_db

        close_db()


if __name__ == "__main__":
    sys.exit(main())
