"""CLI subcommands, one module per area; each has ``register(subparsers, common)``."""

from __future__ import annotations

from pathlib import Path

from ..local_settings import database_target


def db_target(args) -> str:
    """The database chosen with --db, else this computer's saved connection, else the
    user's default file (``local_settings.database_target``)."""
    return database_target(getattr(args, "db", None))


def open_from_args(args, *, sign_in_needed: bool = True):
    """Open the database and act as the signed-in user (``sign_in``). Commands that only
    read the health of the database (``check``, ``backups``) pass ``sign_in_needed=False``
    and then act as nobody: every service that reads or changes lab data refuses."""
    from ..services.bootstrap import open_db

    database = open_db(db_target(args))
    if sign_in_needed:
        sign_in(args)
    return database


PASSWORD_ENV = "PATOLAB_PASSWORD"


def sign_in(args):
    """The CLI cannot escalate (issue 15, point 5): a command acts with the permissions of
    the user named by ``--user``, whose password is asked with ``getpass`` (or read from
    ``PATOLAB_PASSWORD`` in scripts), with the same lock-out and audit as the GUI.

    Without ``--user`` only a brand-new SQLite database (no user at all yet) is served,
    as the system actor ``cli`` — the command-line twin of the first start. Never on
    PostgreSQL: a server database is reached only by a signed-in user.
    """
    import getpass
    import os

    from ..db.database import is_sqlite
    from ..services.access import auth, session
    from ..services.errors import PermissionDenied

    username = getattr(args, "user", None)
    if username:
        password = os.environ.get(PASSWORD_ENV)
        if password is None:
            password = getpass.getpass(f"Contraseña de {username}: ")
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


def positive_int(text: str) -> int:
    import argparse

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"no es un número entero: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"debe ser 0 o mayor: {value}")
    return value


def out_path(text: str) -> Path:
    import argparse

    path = Path(text)
    if not path.parent.exists() if str(path.parent) else False:
        raise argparse.ArgumentTypeError(f"la carpeta no existe: {path.parent}")
    return path
