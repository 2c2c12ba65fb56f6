"""Command line: ``patolab [--db PATH_OR_URL] [subcommand]``; no subcommand opens the GUI.

Each area keeps its subcommands in ``patolab_desktop.commands.<area>`` with a
``register(subparsers, common)`` function (and its ``export`` kind with
``register_export``); they all call services, never the db layer.
Exit codes: 0 ok, 1 the action failed (message on stderr), 2 bad arguments.
"""

from __future__ import annotations

import argparse
import contextlib
import sys

from . import __version__
from .commands import (
    bench,
    billing,
    billing_reports,
    catalog,
    customers,
    exports,
    fail,
    identity,
    imports,
    maintenance,
    notify,
    printing,
    referrers,
    requests,
    safety,
    users,
    workstation,
)
from .commands.building import switch
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
    notify,
    billing,
    billing_reports,
    workstation,
    identity,
)


def build_parser() -> argparse.ArgumentParser:
    common = SpanishArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        metavar="PATH_OR_URL",
        default=argparse.SUPPRESS,
        help="archivo SQLite o URL postgresql://usuario:clave@host:puerto/base",
    )
    common.add_argument(
        "--user",
        metavar="USUARIO",
        default=argparse.SUPPRESS,
        help="actuar como este usuario (contraseña pedida, o PATOLAB_PASSWORD)",
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
        "--user",
        metavar="USUARIO",
        default=None,
        help="usuario con el que actúa el subcomando (contraseña pedida, o la variable "
        "PATOLAB_PASSWORD en scripts); sin él solo se atiende una base nueva sin usuarios",
    )
    parser.add_argument(
        "--recovery-key",
        metavar="CLAVE",
        default=None,
        help="clave de recuperación de los números de identidad de esta base de datos, en "
        "una computadora que aún no la tiene (antes del subcomando; '-' la pide en pantalla)",
    )
    switch(parser, "--demo", "abrir una base de datos de demostración")
    switch(
        parser,
        "--self-test",
        "autoprueba sin pantalla: ventana, búsqueda y PDF en una base temporal",
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
        register = getattr(module, "register", None)
        if register is not None:  # an area with only an export kind has none
            register(sub, common)
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
    from .ui.errors import shutdown_logging

    _log_to_the_app_log()
    try:
        _sweep_leftovers()
        # nobody acts until the command signs in (commands.sign_in): deny by default
        with session.acting_as(None):
            return int(args.handler(args) or 0)
    except (ServiceError, DatabaseOpenError) as exc:
        from .services.identity import IdentityKeyNeeded

        if isinstance(exc, IdentityKeyNeeded):
            return fail(
                f"{exc} Con la línea de comandos: patolab --recovery-key CLAVE SUBCOMANDO … "
                "(o --recovery-key - para escribirla sin que quede en el historial)."
            )
        return fail(str(exc))
    except Exception as exc:  # noqa: BLE001 - a message, never a traceback (issue 15)
        return fail(_describe_failure(exc))
    finally:
        from .services.bootstrap import close_db

        # closing must not turn a message into a traceback
        with contextlib.suppress(Exception):
            close_db()
        shutdown_logging()


def _log_to_the_app_log() -> None:
    """The command logs to the app's rotating log (0600, ``ui.errors.setup_logging``): a
    library's warning and a failure's traceback go there, stderr keeps the Spanish
    messages. A log folder that cannot be written never stops the command."""
    from .ui import errors

    with contextlib.suppress(OSError):
        errors.setup_logging()


def _sweep_leftovers() -> None:
    """Temporary files a killed run left behind go before anything else is written."""
    from .services.safety import outputs

    with contextlib.suppress(Exception):  # housekeeping never stops a command
        outputs.sweep_leftovers()


def _describe_failure(exc: Exception) -> str:
    """One line for an unexpected failure; the traceback goes to the log only."""
    import logging

    from peewee import DatabaseError

    from .db.database import friendly_error
    from .services.errors import database_refusal
    from .util import files

    if logging.getLogger().handlers:  # a log file is set up (never a traceback on stderr)
        logging.getLogger("patolab.cli").error("Command failed", exc_info=exc)
    if isinstance(exc, files.CannotWriteError | files.DiskFullError):
        return str(exc)  # already in Spanish, naming the file the person chose
    refused = database_refusal(exc)  # locked, disk full, read-only: what to do
    if refused is not None:
        return f"No se guardó nada: {refused}"
    if files.is_disk_full(exc):
        return files.disk_full_message(getattr(exc, "filename", None) or "")
    if isinstance(exc, DatabaseError):
        return friendly_error(exc)
    if isinstance(exc, OSError):
        # in Spanish, and never the name of a temporary file nobody typed
        name = files.named_file(exc)
        where = f" ({name})" if name else ""
        return f"No se pudo leer o escribir el archivo: {files.os_reason(exc)}{where}."
    if isinstance(exc, (OverflowError, ValueError)):
        return f"valor no válido: {exc}"
    return f"{type(exc).__name__}: {exc}"


if __name__ == "__main__":
    sys.exit(main())
