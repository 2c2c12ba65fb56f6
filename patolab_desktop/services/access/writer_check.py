"""The check at the start of every write that the signed-in user is still as her actor
was read (``_check_writer``, registered with ``db.database.check_writes_with``): her user
row and her role's version in one query (``_writer_row``), and the reason, in Spanish, a
change an administrator made on another desk refuses the write (``_changed_since_read``).
The listeners told of such a change (``auth.on_changed_elsewhere``) are kept here too.
``auth`` imports what its ``recheck`` and ``change_password`` use."""

from __future__ import annotations

from collections.abc import Callable

from ...db.database import check_writes_with, db
from ...db.models import Role, User
from ..errors import SessionChanged
from ..texts import translate
from . import session
from .session import Actor

_changed_listeners: list[Callable[[], None]] = []


def _tell_changed() -> None:
    for listener in list(_changed_listeners):
        listener()


def _deactivated_or_reset(actor: Actor, active: bool, must_change_password: bool) -> str:
    """Why ``actor`` must sign in again ("" when she need not): her account is now
    ``active`` or not, and must change its password or not."""
    if not active:
        return translate(
            "services.auth",
            "Un administrador desactivó su usuario: no se guardó nada. Consulte a un "
            "administrador.",
        )
    if must_change_password and not actor.must_change_password:
        return translate(
            "services.auth",
            "Un administrador restableció su contraseña: no se guardó nada. Inicie sesión de "
            "nuevo con la contraseña temporal que le dieron.",
        )
    return ""


def _changed_since_read(actor: Actor, row: tuple | None) -> str:
    """Why ``actor`` may no longer write as she was read ("" when she may): ``row`` is
    (active, must_change_password, user version, role version) now; None: deleted."""
    if row is None:
        return _deactivated_or_reset(actor, False, False)
    active, must_change, user_version, role_version = row
    reason = _deactivated_or_reset(actor, active, must_change)
    if reason:
        return reason
    if (user_version, role_version) != (actor.user_version, actor.role_version):
        return translate(
            "services.auth",
            "Un administrador cambió su usuario o los permisos de su rol mientras trabajaba: "
            "no se guardó nada. Vuelva a intentarlo si el menú aún ofrece la acción.",
        )
    return ""


def _refuse(reason: str) -> SessionChanged:
    _tell_changed()
    return SessionChanged(reason)


def _check_writer() -> None:
    """The first statement of every write transaction (``db.database.write_transaction``):
    the acting user's row and her role's version, in one query by primary key, compared
    with what her actor was read from. The screens re-read the user once a minute; a
    write must not wait that long for a deactivation, a reset or a permission withdrawn
    on another desk. Nobody signed in (``require`` refuses) and the system actor (the
    command line, maintenance) are not checked."""
    actor = session.current()
    if actor is None or actor.is_system or actor.id is None:
        return
    reason = _changed_since_read(actor, _writer_row(actor.id))
    if reason:
        raise _refuse(reason)


_writer_sql: dict[type, str] = {}  # the statement of ``_writer_row`` per kind of database


def _writer_row(user_id: int) -> tuple | None:
    """(active, must_change_password, user version, role version) of the user now. The
    statement is composed once per kind of database: composing it with peewee at each
    write took 180 µs on SQLite, the statement itself 5 µs."""
    database = db.obj
    sql = _writer_sql.get(type(database))
    if sql is None:
        query = (
            User.select(User.active, User.must_change_password, User.version, Role.version)
            .join(Role, on=(Role.id == User.role))
            .where(User.id == 0)
        )
        sql = _writer_sql[type(database)] = query.sql()[0]
    return database.execute_sql(sql, (user_id,)).fetchone()


check_writes_with(_check_writer)
