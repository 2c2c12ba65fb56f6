"""``patolab users list | reset-password | unlock | create-admin | reset-admin``.

Like every command that reads or changes lab data, ``list``, ``reset-password``,
``unlock`` and ``create-admin`` act as the user named by ``--user`` (an administrator:
``users.manage``); ``create-admin`` on a brand-new SQLite database creates the first
administrator without one.

``reset-admin`` is the documented physical-access recovery for a lab whose only
administrator forgot the password: it works without ``--user`` ONLY on a local SQLite
file (whoever can open that file can already read everything in it, see the README),
never on PostgreSQL. It gives the named user the Administrador role (creating the user
when missing), a temporary password to change at the next sign-in, and unlocks and
reactivates the account; it is audited as ``recuperacion``.

Passwords are read with ``getpass`` (or one line of stdin with ``--password-stdin``),
never from the command line where other users could see them.
"""

from __future__ import annotations

import argparse
import sys

from . import open_from_args, read_secret
from .building import Handler, command, switch


def register(sub, common) -> None:
    parser = sub.add_parser(
        "users", parents=[common], help="usuarios: listar, restablecer contraseña, desbloquear"
    )
    kinds = parser.add_subparsers(dest="users_command", metavar="ACCIÓN", required=True)
    command(kinds, "list", common, run_list, "usuarios con su rol y estado")

    def on_user(name: str, handler: Handler, help: str) -> argparse.ArgumentParser:
        """A subcommand about the user named by its ``USUARIO`` argument."""
        action = command(kinds, name, common, handler, help)
        action.add_argument("username", metavar="USUARIO")
        return action

    reset = on_user(
        "reset-password", run_reset_password, "contraseña temporal (se cambia al iniciar sesión)"
    )
    switch(reset, "--password-stdin", "leer la contraseña temporal de la entrada estándar")
    on_user("unlock", run_unlock, "desbloquear una cuenta bloqueada por intentos fallidos")
    admin = on_user(
        "create-admin", run_create_admin, "crear un administrador (el primero, o uno de emergencia)"
    )
    admin.add_argument("--full-name", required=True, metavar="NOMBRE")
    switch(admin, "--password-stdin", "leer la contraseña de la entrada estándar")
    recovery = on_user(
        "reset-admin",
        run_reset_admin,
        "recuperación con acceso físico (solo archivo SQLite local): administrador "
        "con contraseña temporal",
    )
    recovery.add_argument("--full-name", default="", metavar="NOMBRE")
    switch(recovery, "--password-stdin", "leer la contraseña temporal de la entrada estándar")


def _read_password(args) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    nothing_read = (
        "No se leyó ninguna contraseña (fin de la entrada). Escríbala cuando se pida, o en "
        "scripts pásela con --password-stdin."
    )
    first = read_secret("Contraseña: ", nothing_read)
    second = read_secret("Repita la contraseña: ", nothing_read)
    if first != second:
        from ..services.errors import ValidationError

        raise ValidationError({"password": "Las dos contraseñas no coinciden."})
    return first


def _user_id(username: str) -> int:
    from ..db.models import User
    from ..services.errors import NotFoundError
    from ..util.text import fold

    user = User.get_or_none(User.username_folded == fold(username))
    if user is None:
        raise NotFoundError(f"No existe el usuario «{username}».")
    return user.id


def run_list(args) -> int:
    from ..services.access import session, users

    open_from_args(args)
    with session.acting_as(session.current()):  # the signed-in user (commands.sign_in)
        rows = users.list_users()
    for row in rows:
        print(f"{row['username']:<20} {row['full_name']:<30} {row['role']:<15} {row['status']}")
    return 0


def run_reset_password(args) -> int:
    from ..services.access import session, users

    open_from_args(args)
    with session.acting_as(session.current()):
        user_id = _user_id(args.username)
        users.reset_password(user_id, _read_password(args))
    print(f"Contraseña temporal asignada a {args.username}: deberá cambiarla al iniciar sesión.")
    return 0


def run_unlock(args) -> int:
    from ..services.access import session, users

    open_from_args(args)
    with session.acting_as(session.current()):
        users.unlock(_user_id(args.username))
    print(f"Cuenta {args.username} desbloqueada.")
    return 0


def run_create_admin(args) -> int:
    from ..db.database import is_sqlite
    from ..services.access import auth, permissions, session, users
    from ..services.access.users import UserData

    open_from_args(args, sign_in_needed=False, create=True)  # the first start
    if not (auth.needs_first_admin() and is_sqlite()):
        from . import sign_in

        sign_in(args)  # an administrator creates another one
    password = _read_password(args)
    if auth.needs_first_admin():
        auth.create_first_admin(args.username, args.full_name, password)
        session.set_current(None)
        print(f"Administrador {args.username} creado.")
        return 0
    with session.acting_as(session.current()):
        role_id = next(r["id"] for r in users.roles() if r["name"] == permissions.ROLE_ADMIN)
        users.create(
            UserData(username=args.username, full_name=args.full_name, role_id=role_id), password
        )
    print(f"Administrador {args.username} creado: deberá cambiar la contraseña al iniciar sesión.")
    return 0


def run_reset_admin(args) -> int:
    from ..db.database import is_sqlite
    from ..db.models import User
    from ..services.access import permissions, session, users
    from ..services.access.users import UserData
    from ..services.errors import PermissionDenied
    from ..util.text import fold

    open_from_args(args, sign_in_needed=False)
    if not is_sqlite():
        raise PermissionDenied(
            "reset-admin solo funciona sobre un archivo SQLite local (acceso físico al "
            "equipo). En PostgreSQL, inicie sesión con otro administrador (--user) o pida "
            "al administrador del servidor que restablezca el acceso."
        )
    password = _read_password(args)
    with session.acting_as(session.system_actor("recuperacion")):
        admin_role = next(r["id"] for r in users.roles() if r["name"] == permissions.ROLE_ADMIN)
        user = User.get_or_none(User.username_folded == fold(args.username))
        if user is None:
            users.create(
                UserData(
                    username=args.username,
                    full_name=args.full_name or args.username,
                    role_id=admin_role,
                ),
                password,
            )
        else:
            data = users.get(user.id)
            data.role_id, data.active = admin_role, True
            if args.full_name:
                data.full_name = args.full_name
            users.update(data)
            users.reset_password(user.id, password)
    print(
        f"{args.username} es administrador con una contraseña temporal: deberá cambiarla "
        "al iniciar sesión."
    )
    return 0
