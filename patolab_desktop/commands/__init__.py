"""CLI subcommands, one module per area; each has ``register(subparsers, common)``, or
only ``register_export(kinds, common)`` when its sole command is an ``export`` kind."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..local_settings import database_target


def db_target(args) -> str:
    """The database chosen with --db, else this computer's saved connection, else the
    user's default file (``local_settings.database_target``)."""
    return database_target(getattr(args, "db", None))


def fail(message: str, code: int = 1) -> int:
    """``Error: message`` on stderr; returns the exit code (1 the action failed, 2 bad
    arguments)."""
    import sys

    print(f"Error: {message}", file=sys.stderr)
    return code


def read_secret(prompt: str, nothing_read: str) -> str:
    """``getpass`` with ``prompt``. End of input (Ctrl+D, Ctrl+Z and Enter, a script that
    pipes nothing) ends the prompt's line and refuses with ``nothing_read``, a sentence
    for the person, instead of the bare «EOFError» the catch-all would print."""
    import getpass
    import sys

    from ..services.errors import RuleError

    try:
        return getpass.getpass(prompt)
    except EOFError:
        print(file=sys.stderr)  # the prompt left the line open
        raise RuleError(nothing_read) from None


OUTPUT_OPTIONS = ("out", "pdf", "json")
MAX_INT = 2**63 - 1  # the largest id or count a database column holds


def open_from_args(args, *, sign_in_needed: bool = True, create: bool = False):
    """Open the database and act as the signed-in user (``sign_in``). Commands that only
    read the health of the database (``check``, ``backups``) pass ``sign_in_needed=False``
    and then act as nobody: every service that reads or changes lab data refuses.

    An output file (``--out``, ``--pdf``, ``--json``) that is the open database, any SQLite
    file, a backup or a folder is refused before any work (``services.safety.outputs``).
    A missing SQLite file is an error («no existe… no se creó ningún archivo»), never a new
    empty database a mistyped ``--db`` would fill with nothing: only the commands of the
    first start (``users create-admin``, ``seed-demo``) pass ``create=True``."""
    from ..services.bootstrap import open_db
    from ..services.safety import outputs

    database = open_db(db_target(args), create=create)
    for option in OUTPUT_OPTIONS:
        value = getattr(args, option, None)
        if value:
            outputs.check_output(value)
    if sign_in_needed:
        sign_in(args)
        unlock_identity(args)
    return database


def unlock_identity(args) -> None:
    """A workstation without this database's identity key (a new PC, a restore from
    another PC) takes the recovery key from ``--recovery-key`` (``-``: asked on screen,
    also when the option is missing and a person is at the terminal). Without it the
    command still runs; reading or saving an identity number then says what to do."""
    import sys

    from ..services import identity_keys

    if identity_keys.status() != "missing":
        return
    text = getattr(args, "recovery_key", None)
    if text == "-" or (text is None and sys.stdin is not None and sys.stdin.isatty()):
        print(
            "Esta computadora no tiene la clave de los números de identidad de esta base de "
            "datos. Escriba la clave de recuperación de 56 caracteres (Enter para seguir "
            "sin ella).",
            file=sys.stderr,
        )
        text = read_secret(
            "Clave de recuperación: ",
            "No se leyó ninguna clave de recuperación (fin de la entrada). Escríbala cuando "
            "se pida, o use --recovery-key CLAVE.",
        ).strip()
    if text:
        identity_keys.unlock(text)
        print("Clave de recuperación aceptada: guardada en esta computadora.", file=sys.stderr)


PASSWORD_ENV = "PATOLAB_PASSWORD"


def sign_in(args):
    """The CLI cannot escalate (issue 15, point 5): a command acts with the permissions of
    the user named by ``--user``, whose password is asked with ``getpass`` (or read from
    ``PATOLAB_PASSWORD`` in scripts), with the same lock-out and audit as the GUI.

    Without ``--user`` only a brand-new SQLite database (no user at all yet) is served,
    as the system actor ``cli`` — the command-line twin of the first start. Never on
    PostgreSQL: a server database is reached only by a signed-in user.
    """
    import os

    from ..db.database import is_sqlite
    from ..services.access import auth, session
    from ..services.errors import PermissionDenied

    username = getattr(args, "user", None)
    if username:
        password = os.environ.get(PASSWORD_ENV)
        if password is None:
            password = read_secret(
                f"Contraseña de {username}: ",
                "No se leyó ninguna contraseña (fin de la entrada). Escríbala cuando se pida, "
                f"o en scripts póngala en la variable {PASSWORD_ENV}.",
            )
        return auth.login(username, password)
    if is_sqlite() and auth.needs_first_admin():
        actor = session.system_actor("cli")
        session.set_current(actor)
        return actor
    raise PermissionDenied(
        "Este comando necesita un usuario: agregue --user USUARIO (la contraseña se pide "
        f"en pantalla, o se toma de la variable {PASSWORD_ENV} en scripts). Actúa con los "
        "permisos de ese usuario y queda en la auditoría a su nombre."
    )


def whole_number(text: str, not_a_number: str = "no es un número entero") -> int:
    """``text`` as an int; an ``argparse`` error ``not_a_number: 'text'`` when it is not one
    (the range is for the caller to check)."""
    import argparse

    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{not_a_number}: {text!r}") from None


def positive_int(text: str) -> int:
    import argparse

    value = whole_number(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"debe ser 0 o mayor: {value}")
    if value > MAX_INT:
        raise argparse.ArgumentTypeError(f"número demasiado grande: {text}")
    return value


def record_id(text: str) -> int:
    """An id given on the command line: a whole number from 1 to 2⁶³-1."""
    import argparse

    value = whole_number(text, "no es un número de registro")
    if not 1 <= value <= MAX_INT:
        raise argparse.ArgumentTypeError(f"no es un número de registro válido: {text}")
    return value


DAY_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y")


def parse_day(text: str) -> dt.date:
    """A day typed on the command line (``--from``, ``--to``, ``--date``, ``--deadline``):
    ``dd/mm/aaaa`` as the lab writes it, or ``aaaa-mm-dd``. One that does not exist, or
    whose year is outside FIRST_YEAR..LAST_YEAR (a report «del 01/01/1», a range that
    cannot end after 31/12/9999), is a bad argument, refused in Spanish."""
    import argparse

    from ..util.formatting import FIRST_YEAR, LAST_YEAR

    value = (text or "").strip()
    for form in DAY_FORMATS:
        try:
            day = dt.datetime.strptime(value, form).date()
        except ValueError:
            continue
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise argparse.ArgumentTypeError(
                f"fecha fuera de rango: {text!r} (el año debe estar entre {FIRST_YEAR} y "
                f"{LAST_YEAR})"
            )
        return day
    raise argparse.ArgumentTypeError(
        f"fecha no válida: {text!r} (use dd/mm/aaaa o aaaa-mm-dd, p. ej. 31/03/2026)"
    )


def out_path(text: str) -> Path:
    import argparse

    if "\x00" in text or not text.strip():
        raise argparse.ArgumentTypeError(f"nombre de archivo no válido: {text!r}")
    path = Path(text).expanduser()
    if not path.parent.exists() if str(path.parent) else False:
        raise argparse.ArgumentTypeError(f"la carpeta no existe: {path.parent}")
    return path


def existing_folder(text: str) -> Path:
    """A folder to read from (``backups --folder``): one that does not exist is a typing
    mistake, refused like a bad argument, not a folder with nothing in it."""
    import argparse

    path = Path(text).expanduser()
    if "\x00" in text or not text.strip() or not path.is_dir():
        raise argparse.ArgumentTypeError(f"la carpeta no existe: {text}")
    return path
