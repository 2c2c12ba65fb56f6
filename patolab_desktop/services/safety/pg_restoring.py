"""Restoring a ``pg_dump -Fc`` backup of a PostgreSQL database so that history keeps
moving forward, as ``restoring`` does for SQLite (issue 15, point 6).

``pg_restore --clean`` over the live database put back the counters of the backup: the
next request and factura took numbers already printed after it. Here the backup is
restored into a NEW database of the same server (``<base>__restaurando``), never over
the live one:

1. ``pg_restore`` fills the staging database, which is migrated to this program's schema;
2. the live database is renamed ``<base>__anterior``: PostgreSQL refuses while any other
   session is connected to it (another desk, another program), and once renamed no desk
   can connect to it, so its numbers cannot move any more;
3. its counters (``counters``: request numbers, fiscal authorisations, floors) and its
   audit rows written after the backup are read, and written into the staging database
   with the audit row of the restore itself, in one transaction;
4. the staging database takes the live name, and the previous one is dropped (the
   ``antes-de-restaurar`` backup holds it).

A failure before step 4 renames the previous database back and drops the staging one: the
live database is left as it was. A process killed between steps 2 and 4 leaves the
database under the name ``<base>__anterior`` (no desk can open it, so no number is given
twice); the README says how to name it back.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import subprocess
from pathlib import Path

from peewee import DatabaseError

from ...db import migrations, pg_admin
from ...db.database import db, friendly_error
from ...db.models import ALL_MODELS, AuditLog
from ...util.faults import pause_point
from ..access import session
from ..texts import translate
from . import counters, forward
from .errors import BackupError
from .restoring import RestoreResult, _live_audit_after

log = logging.getLogger(__name__)

NAME_ROOM = 40  # characters of the live name kept in the two others (PostgreSQL: 63 bytes)
STAGING = "__restaurando"
PREVIOUS = "__anterior"
TIMEOUT_S = 4 * 3600


def _names(live: str) -> tuple[str, str]:
    """(staging, previous) database names of the live database ``live``."""
    return live[:NAME_ROOM] + STAGING, live[:NAME_ROOM] + PREVIOUS


def _pg_restore() -> str:
    exe = shutil.which("pg_restore")
    if exe is None:
        raise BackupError(
            translate(
                "services.backups",
                "Esta computadora no tiene el programa pg_restore. Instale las herramientas "
                "cliente de PostgreSQL (la misma versión del servidor) y vuelva a restaurar.",
            )
        )
    return exe


def check_dump(path: str | Path) -> Path:
    """``path`` is a ``pg_dump -Fc`` file of a PatoLab database; returns it resolved."""
    session.require("backups.run")
    path = Path(path).expanduser().resolve()
    if not path.is_file():
        raise BackupError(
            translate("services.backups", "El archivo de copia no existe: {path}").format(path=path)
        )
    done = subprocess.run(
        [_pg_restore(), "--list", str(path)], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BackupError(
            translate(
                "services.backups",
                "El archivo {name} no es una copia de PostgreSQL (pg_dump -Fc, archivo .dump): "
                "{error}",
            ).format(name=path.name, error=done.stderr.strip()[:300])
        )
    if " schema_version " not in done.stdout:
        raise BackupError(
            translate(
                "services.backups", "El archivo {name} no es una base de datos de PatoLab."
            ).format(name=path.name)
        )
    return path


def restore_dump(path: Path, safety: Path) -> RestoreResult:
    """Replace the open PostgreSQL database with the checked dump ``path`` (module doc);
    ``safety`` is the backup of the state before, already made."""
    from ..bootstrap import reconnect

    session.require("backups.run")

    live = str(db.obj.database)
    staging, previous = _names(live)
    server = _server()
    try:
        if server.exists(previous):
            raise BackupError(
                translate(
                    "services.backups",
                    "En el servidor quedó la base de datos {previous} de una restauración "
                    "interrumpida. Revísela con el administrador del servidor y bórrela (o "
                    "devuélvale el nombre {live} si {live} no existe) antes de restaurar. No "
                    "se cambió nada.",
                ).format(previous=previous, live=live)
            )
        server.drop(staging)  # a killed restore's staging copy: never used by any desk
        _create(server, staging, live)
        try:
            version, last_audit = _load(server, path, staging, server.owner(live))
            moved, carried = _swap(server, (live, staging, previous), path, safety, last_audit)
        except BaseException:
            with contextlib.suppress(DatabaseError):
                server.drop(staging)
            raise
    finally:
        server.close()
        reconnect()
    log.info("Restored %s into PostgreSQL (safety copy %s)", path.name, safety.name)
    return RestoreResult(path, safety, version, carried, moved)


def _server() -> pg_admin.Server:
    try:
        return pg_admin.Server()
    except DatabaseError as exc:
        raise _failed(exc) from exc


def _failed(exc: BaseException) -> BackupError:
    return BackupError(
        translate(
            "services.backups",
            "No se pudo restaurar en el servidor PostgreSQL: {error}. La base de datos actual "
            "no se modificó.",
        ).format(error=friendly_error(exc))
    )


def _create(server: pg_admin.Server, staging: str, live: str) -> None:
    try:
        server.create_like(staging, live)
    except DatabaseError as exc:
        user = server.scalar("SELECT current_user")
        raise BackupError(
            translate(
                "services.backups",
                "El usuario {user} no puede crear la base de datos {name} en el servidor "
                "({error}). Restaure con el usuario dueño de la base de datos, con permiso "
                "CREATEDB (ALTER ROLE {user} CREATEDB), o con el administrador del servidor: "
                "patolab --db postgresql://administrador@servidor/base restore ARCHIVO. No "
                "se cambió nada.",
            ).format(user=user, name=staging, error=str(exc).strip().splitlines()[0][:200])
        ) from exc


def _load(server: pg_admin.Server, path: Path, staging: str, owner: str) -> tuple[int, int]:
    """pg_restore into ``staging`` and migrate it; (its schema version, last audit id)."""
    url, env = pg_admin.command_line(staging)
    command = [_pg_restore(), "--no-owner", "--exit-on-error", "--dbname", url, str(path)]
    if owner != server.scalar("SELECT current_user"):
        command[1:1] = ["--role", owner]  # the restored tables belong to the base's owner
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=TIMEOUT_S, check=False, env=env
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise BackupError(
            translate("services.backups", "pg_restore no se pudo ejecutar: {error}").format(
                error=exc
            )
        ) from exc
    if done.returncode != 0:
        raise BackupError(
            translate(
                "services.backups",
                "pg_restore falló: {error}. La base de datos actual no se modificó.",
            ).format(error=done.stderr.strip()[-500:] or done.returncode)
        )
    database = pg_admin.sibling(staging)
    database.connect()
    try:
        with database.bind_ctx(ALL_MODELS):
            try:
                version = migrations.upgrade(database)
            except migrations.MigrationError as exc:  # a newer program's backup
                raise BackupError(str(exc)) from exc
            last_audit = AuditLog.select(AuditLog.id).order_by(AuditLog.id.desc()).scalar() or 0
    finally:
        database.close()
    return version, int(last_audit)


def _swap(
    server: pg_admin.Server,
    database_names: tuple[str, str, str],
    path: Path,
    safety: Path,
    last_audit: int,
) -> tuple[int, int]:
    """Steps 2 to 4 of the module doc; (counters moved, audit rows carried)."""
    from ..bootstrap import close_db

    live, staging, previous = database_names
    close_db()  # this program's connection to the live database
    try:
        server.rename(live, previous)
    except DatabaseError as exc:
        if pg_admin.sqlstate(exc) == pg_admin.OBJECT_IN_USE:
            raise BackupError(
                translate(
                    "services.backups",
                    "La base de datos {name} está abierta en otra computadora o en otro "
                    "programa: cierre PatoLab en las demás computadoras y vuelva a restaurar. "
                    "No se cambió nada.",
                ).format(name=live)
            ) from exc
        raise _failed(exc) from exc
    try:
        pause_point("pg-restore-renamed")
        issued, rows = _read_previous(previous, last_audit)
        moved, carried = _write_forward(staging, issued, rows, path, safety)
        server.rename(staging, live)
    except BaseException:
        with contextlib.suppress(DatabaseError):
            server.rename(previous, live)  # back as it was
        raise
    try:
        server.drop(previous)  # the ``antes-de-restaurar`` backup holds it
    except DatabaseError as exc:
        log.warning("Could not drop the previous database %s: %s", previous, exc)
    return moved, carried


def _read_previous(previous: str, last_audit: int) -> tuple[dict, list[dict]]:
    """The counters of the database being replaced, and its audit rows after the backup."""
    database = pg_admin.sibling(previous)
    database.connect()
    try:
        with database.bind_ctx(ALL_MODELS):
            return counters.snapshot_all(), _live_audit_after(last_audit)
    finally:
        database.close()


def _write_forward(
    staging: str, issued: dict, rows: list[dict], path: Path, safety: Path
) -> tuple[int, int]:
    database = pg_admin.sibling(staging)
    database.connect()
    try:
        with database.bind_ctx(ALL_MODELS), database.atomic():
            return forward.write_forward(issued, rows, path, safety, " (PostgreSQL)")
    finally:
        database.close()
