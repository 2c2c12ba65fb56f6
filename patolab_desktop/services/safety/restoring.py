"""Restoring an SQLite backup so that history keeps moving forward (issue 15, point 6).

The restored database is first assembled in a STAGING copy beside the live file:

1. the backup is copied into the staging file (SQLite backup API) and migrated; a copy
   taken before the identity numbers were encrypted first takes the live database's
   identity key (``identity.adopt``), so what is carried over stays readable;
2. every number counter is raised to at least what the live database had issued
   (``counters``: request and fiscal numbers);
3. what was done after the backup is compared (``later``): the later history of the
   facturas the copy has is carried over, and every other fiscal number is recorded in
   ``lost_fiscal_document`` (``later_keep``); without ``lose_documents`` a restore that
   would lose a fiscal document or a void is refused before anything changes;
4. the audit rows written in the live database after the backup are carried over;
5. the audit row of the restore itself is written;

and only then is the staging copy copied INTO the live database with the backup API,
which SQLite applies as one transaction. So the restored data, the counters, the
carried-over audit rows and the restore's own audit row arrive together or not at all:
a process killed right after the copy has already audited the restore, and one killed
before it leaves the live database as it was (the staging file is a temporary file of
the ``util.files`` pattern, swept at the next start).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from peewee import ForeignKeyField, SqliteDatabase

from ...db import identity, migrations
from ...db.database import SQLITE_PRAGMAS, db, describe, is_sqlite
from ...db.models import ALL_MODELS, AuditLog, User
from ...util import files
from ...util.faults import pause_point
from ..texts import translate
from . import counters, later_keep
from .errors import BackupError
from .later import Later, compare

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RestoreResult:
    restored_from: Path
    safety_backup: Path
    schema_version: int
    audit_rows_carried: int = 0
    counters_moved: int = 0
    later: Later = Later()  # what the restore undid (and what it carried over)
    new_identity_key: bool = False  # the copy could not take the live database's key


def _error(text: str) -> BackupError:
    return BackupError(text)


def _live_audit_after(max_id: int) -> list[dict]:
    """The live database's audit rows with an id above the backup's last one."""
    columns = [f for f in AuditLog._meta.sorted_fields if f.name != "id"]
    rows = AuditLog.select(*columns).where(AuditLog.id > max_id).order_by(AuditLog.id).dicts()
    return list(rows)


def _carry_audit(rows: list[dict]) -> int:
    """Insert ``rows`` (from the live database) into the bound staging database; a user
    that does not exist there is kept by name only."""
    if not rows:
        return 0
    user_field = AuditLog._meta.fields["user"]
    users = {uid for (uid,) in User.select(User.id).tuples()}
    fk_names = [f.name for f in AuditLog._meta.sorted_fields if isinstance(f, ForeignKeyField)]
    for row in rows:
        for name in fk_names:
            if name == user_field.name and row.get(name) not in users:
                row[name] = None
    for start in range(0, len(rows), 200):
        AuditLog.insert_many(rows[start : start + 200]).execute()
    return len(rows)


def check_restorable() -> None:
    """The open database can be restored into (SQLite file, no change in progress)."""
    if db.obj is None:
        raise _error(translate("services.backups", "No hay una base de datos abierta."))
    if not is_sqlite():
        raise _error(
            translate(
                "services.backups",
                "La base de datos {name} es PostgreSQL: restáurela desde la línea de órdenes, "
                "con todos los puestos cerrados: patolab --db URL restore --user ADMINISTRADOR "
                "COPIA.dump (vea el README). Nunca con pg_restore a mano: los números de "
                "solicitud y de factura se volverían a dar.",
            ).format(name=describe(str(db.obj.database)))
        )
    if str(db.obj.database) in ("", ":memory:"):
        raise _error(
            translate("services.backups", "Una base de datos en memoria no se puede restaurar.")
        )
    if db.in_transaction():
        raise _error(
            translate("services.backups", "Hay un cambio en curso; termínelo antes de restaurar.")
        )


def replace_live(
    path: Path, safety: Path, version: int, lose_documents: bool = False
) -> RestoreResult:
    """Assemble the restored database in a staging copy of the (validated) backup
    ``path`` and copy it into the live database in one transaction (see the module doc).
    ``safety`` is the copy of the state before, already made. ``lose_documents``: go on
    when fiscal documents or voids made after the backup cannot be carried over."""
    from ..access import audit
    from ..bootstrap import close_db, open_db

    check_restorable()
    live = Path(db.obj.database).resolve()
    staging_path = files.temp_path_for(live.with_name(live.stem + "-restaurando.db"))
    try:
        files.create_private_file(staging_path)
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        target = sqlite3.connect(str(staging_path))
        try:
            source.backup(target)
            target.execute("PRAGMA journal_mode=DELETE")
        finally:
            target.close()
            source.close()
        staging = SqliteDatabase(
            str(staging_path), pragmas=[p for p in SQLITE_PRAGMAS if p[0] != "journal_mode"]
        )
        staging.connect()
        try:
            with staging.bind_ctx(ALL_MODELS):
                identity.adopt(staging)  # a copy from before the key takes the live one's
                migrations.upgrade(staging)
                backup_last_audit = (
                    AuditLog.select(AuditLog.id).order_by(AuditLog.id.desc()).scalar() or 0
                )
        except BaseException:
            staging.close()
            raise
        new_key = _new_key(staging)
        for leftover in staging_path.parent.glob(staging_path.stem + ".v*.bak"):
            files.remove_quietly(leftover)  # the migration's own copy of the staging file
        try:
            with _sole_access():  # no other desk writes from here to the copy
                issued = counters.snapshot_all()  # the highest numbers given so far (live)
                carried_rows = _live_audit_after(int(backup_last_audit))  # read from live
                later = compare(staging_path)  # live against the copy, read-only
                if not lose_documents:
                    check_nothing_lost(later)
                earlier_lost = later_keep.lost_rows()  # read from live
                with staging.bind_ctx(ALL_MODELS), staging.atomic():
                    moved = counters.raise_all(issued)
                    later_keep.carry(staging, later)
                    later_keep.record(later, earlier_lost, path.name)
                    carried = _carry_audit(carried_rows)
                    audit.record(
                        "restore",
                        "database",
                        None,
                        detail=_restore_detail(path, safety, carried, later),
                    )
                staging.close()
                _copy_into_live(staging_path, path, safety)
                pause_point("restore-copied")
        finally:
            staging.close()  # (already closed after a copy: closing again does nothing)
    finally:
        for leftover in (staging_path, staging_path.with_name(staging_path.name + "-journal")):
            files.remove_quietly(leftover)
    close_db()
    open_db(live)  # fresh connection and caches (the copy is already migrated)
    log.info("Restored %s (safety copy %s)", path.name, safety.name)
    return RestoreResult(path, safety, version, carried, moved, later, new_key)


def _new_key(staging: SqliteDatabase) -> bool:
    """The restored copy has an identity key other than the live database's (a copy from
    before the key, on a workstation without the live database's key)."""
    live = identity.key_check()
    return bool(live) and identity.key_check(staging) != live


def check_nothing_lost(later: Later) -> None:
    """Refuse a restore that would lose fiscal documents or voids (``later``) the person
    has not accepted to lose: nothing is changed."""
    from .later_text import describe

    if later.fiscal_lost:
        raise _error(
            describe(later)
            + "\n\n"
            + translate(
                "services.backups",
                "No se restauró nada: hay que aceptar expresamente que se pierdan esos "
                "documentos fiscales.",
            )
        )


def _restore_detail(path: Path, safety: Path, carried: int, later: Later) -> str:
    """The restore's audit detail (Spanish, as every detail of the trail)."""
    detail = (
        f"Restaurada la copia {path.name}; estado anterior guardado en {safety.name}; "
        f"{carried} fila(s) de auditoría posteriores a la copia conservadas; contadores de "
        f"números mantenidos hacia adelante."
    )
    if later.requests or later.payments:
        detail += (
            f" Deshechos: {later.requests} solicitud(es) y {later.payments} pago(s) o "
            f"abono(s) posteriores a la copia."
        )
    if later.documents:
        numbers = ", ".join(d.number for d in later.documents)
        detail += (
            f" Documentos fiscales emitidos antes de restaurar, ausentes de la copia: {numbers}."
        )
    if later.voids:
        numbers = ", ".join(d.number for d in later.voids)
        detail += f" Anulaciones ausentes de la copia (facturas vigentes otra vez): {numbers}."
    if later.carried.facturas:
        numbers = ", ".join(later.carried.facturas + later.carried.notes)
        detail += f" Conservadas las anulaciones y notas de crédito posteriores de: {numbers}."
    return detail


@contextmanager
def _sole_access() -> Iterator[None]:
    """This process's connection alone on the live file, from the reading of the counters
    and of the last audit rows to the copy (SQLite's exclusive locking mode keeps the lock
    between transactions): another desk saving meanwhile is made to wait, then told the
    database is busy. Without it a request or a factura saved on another desk while the
    backup was being prepared got its number, and the restore gave it out again (a
    restore never gives a number twice: issue 15).

    ``BackupError`` before anything is changed when another connection keeps the file
    open (another desk, or another program) once the busy timeout has passed."""
    connection = db.obj.connection()
    connection.execute("PRAGMA locking_mode=EXCLUSIVE")
    try:
        try:  # the write lock taken once is kept in this mode, whatever follows
            connection.execute("BEGIN EXCLUSIVE")
            connection.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            raise _error(
                translate(
                    "services.backups",
                    "La base de datos está abierta en otra computadora o en otro programa: "
                    "cierre PatoLab allí y vuelva a restaurar. No se cambió nada.",
                )
            ) from exc
        yield
    finally:
        connection.execute("PRAGMA locking_mode=NORMAL")
        connection.execute("SELECT 1 FROM sqlite_master LIMIT 1")  # lets the lock go


def _copy_into_live(staging_path: Path, path: Path, safety: Path) -> None:
    """One transaction on the live database: the staging copy replaces its content."""
    source = sqlite3.connect(f"file:{staging_path}?mode=ro", uri=True)
    try:
        source.backup(db.obj.connection())
    except sqlite3.Error as exc:
        raise _error(
            translate(
                "services.backups",
                "No se pudo restaurar la copia {name}: {error}. La base de datos actual no se "
                "modificó o puede recuperarse de la copia {safety}.",
            ).format(name=path.name, error=exc, safety=safety)
        ) from exc
    finally:
        source.close()
