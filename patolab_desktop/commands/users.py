"""``patolab users list | reset-password | unlock | create-admin``: access recovery.

Whoever can run these against the database file can already read everything in it
(see the README): they exist so a lab whose only administrator forgot the password is
not locked out. They act as the system user ``cli`` and every change is audited.
Passwords are read with ``getpass`` (or one line of stdin with ``--password-stdin``),
never from the command line where other users could see them.
"""

from __future__ import annotations

import getpass
import sys

from . import open_from_args


def register(sub, common) -> None:
    parser = sub.add_parser(
        "users", parents=[common], help="usuarios: listar, restablecer contraseña, desbloquear"
    )
    kinds = parser.add_subparsers(dest="users_command", metavar="ACCIÓN", required=True)
    listing = kinds.add_parser("list", parents=[common], help="usuarios con su rol y estado")
    listing.set_defaults(handler=run_list)
    reset = kinds.add_parser(
        "reset-password", parents=[common], help="contraseña temporal (se cambia al iniciar sesión)"
    )
    reset.add_argument("username", metavar="USUARIO")
    reset.add_argument(
        "--password-stdin",
        action="store_true",
        help="leer la contraseña temporal de la entrada estándar",
    )
    reset.set_defaults(handler=run_reset_password)
    unlock = kinds.add_parser(
        "unlock", parents=[common], help="desbloquear una cuenta bloqueada por intentos fallidos"
    )
    unlock.add_argument("username", metavar="USUARIO")
    unlock.set_defaults(handler=run_unlock)
    admin = kinds.add_parser(
        "create-admin",
        parents=[common],
        help="crear un administrador (el primero, o uno de emergencia)",
    )
    admin.add_argument("username", metavar="USUARIO")
    admin.add_argument("--full-name", required=True, metavar="NOMBRE")
    admin.add_argument(
        "--password-stdin", action="store_true", help="leer la contraseña de la entrada estándar"
    )
    admin.set_defaults(handler=run_create_admin)


def _read_password(args) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Contraseña: ")
    second = getpass.getpass("Repita la contraseña: ")
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
    with session.acting_as(session.system_actor("cli")):
        rows = users.list_users()
    for row in rows:
        print(f"{row['username']:<20} {row['full_name']:<30} {row['role']:<15} {row['status']}")
    return 0


def run_reset_password(args) -> int:
    from ..services.access import session, users

    open_from_args(args)
    with session.acting_as(session.system_actor("cli")):
        user_id = _user_id(args.username)
        users.reset_password(user_id, _read_password(args))
    print(f"Contraseña temporal asignada a {args.username}: deberá cambiarla al iniciar sesión.")
    return 0


def run_unlock(args) -> int:
    from ..services.access import session, users

    open_from_args(args)
    with session.acting_as(session.system_actor("cli")):
        users.unlock(_user_id(args.username))
    print(f"Cuenta {args.username} desbloqueada.")
    return 0


def run_create_admin(args) -> int:
    from ..services.access import auth, permissions, session, users
    from ..services.access.users import UserData

    open_from_args(args)
    password = _read_password(args)
    if auth.needs_first_admin():
        auth.create_first_admin(args.username, args.full_name, password)
        session.set_current(None)
        print(f"Administrador {args.username} creado.")
        return 0
    with session.acting_as(session.system_actor("cli")):
        role_id = next(r["id"] for r in users.roles() if r["name"] == permissions.ROLE_ADMIN)
        users.create(
            UserData(username=args.username, full_name=args.full_name, role_id=role_id), password
        )
    print(f"Administrador {args.username} creado: deberá cambiar la contraseña al iniciar sesión.")
    return 0
