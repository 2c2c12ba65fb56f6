"""Backups and restores of the open database.

SQLite: copies are made with the SQLite backup API (``db.database.backup_sqlite``),
consistent even while the program is writing; a restore validates the copy
(integrity_check, schema version not newer than this program), backs up the current
state first and then copies the backup INTO the live database with the backup API in
the other direction (never a file copy over a live database), and re-opens it.

PostgreSQL: ``backup_now`` runs ``pg_dump -Fc`` when ``pg_dump`` is installed; ``restore``
restores such a file with ``pg_restore`` into a new database and swaps it in, the number
counters kept moving forward (``pg_restoring``).

File names: ``<database>-YYYYmmdd-HHMMSS-<kind>.db`` (``.dump`` for PostgreSQL), kept
``backup_keep_days`` days (machine-local settings) in ``backup_folder``.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ... import local_settings
from ...db import pg_admin
from ...db.database import backup_sqlite, db, is_sqlite
from ...util import files
from ..texts import QT_TRANSLATE_NOOP, translate
from . import outputs
from .errors import BackupError

if TYPE_CHECKING:
    from .later import Later
    from .restoring import RestoreResult

log = logging.getLogger(__name__)

KINDS = {  # kind in the file name -> label (translated by ``BackupInfo.kind_label``)
    "manual": QT_TRANSLATE_NOOP("services.backups", "manual"),
    "inicio": QT_TRANSLATE_NOOP("services.backups", "automática al iniciar"),
    "salida": QT_TRANSLATE_NOOP("services.backups", "automática al salir"),
    "antes-de-restaurar": QT_TRANSLATE_NOOP("services.backups", "antes de restaurar"),
}
_NAME = re.compile(
    r"^(?P<stem>.+)-(?P<stamp>\d{8}-\d{6})(?:-(?P<n>\d+))?-(?P<kind>[a-z-]+)\.(?:db|dump)$"
)


KEEP_NEWEST = 7  # prune never deletes the newest 7 copies, whatever the clock says


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken_at: dt.datetime
    kind: str
    size: int

    @property
    def kind_label(self) -> str:
        return translate("services.backups", KINDS.get(self.kind, self.kind))


# --- where and how long ------------------------------------------------------------------


def backup_folder() -> Path:
    return local_settings.load().resolved_backup_folder()


def keep_days() -> int:
    return local_settings.load().backup_keep_days


def _database_stem() -> str:
    database = db.obj
    if database is None:
        raise BackupError(translate("services.backups", "No hay una base de datos abierta."))
    if is_sqlite(database):
        return Path(database.database).stem or "patolab"
    return re.sub(r"[^A-Za-z0-9_.-]", "_", str(database.database)) or "patolab"


def _is_memory() -> bool:
    return is_sqlite() and str(db.obj.database) in ("", ":memory:")


def _new_path(folder: Path, kind: str, suffix: str, when: dt.datetime) -> Path:
    stem = _database_stem()
    stamp = when.strftime("%Y%m%d-%H%M%S")
    path = folder / f"{stem}-{stamp}-{kind}{suffix}"
    n = 2
    while path.exists():
        path = folder / f"{stem}-{stamp}-{n}-{kind}{suffix}"
        n += 1
    return path


# --- making backups ---------------------------------------------------------------------


def backup_now(
    folder: str | Path | None = None, kind: str = "manual", when: dt.datetime | None = None
) -> Path:
    """Back up the open database now; returns the new file (timestamped name).

    A ``manual`` backup requires ``backups.run`` and is audited; the automatic kinds run
    as the system (start, exit, before a restore)."""
    if kind not in KINDS:
        raise ValueError(kind)
    if kind == "manual":
        from ..access import session

        session.require_now("backups.run")
    if _is_memory():
        raise BackupError(
            translate("services.backups", "Una base de datos en memoria no se puede respaldar.")
        )
    default = backup_folder()
    folder = Path(folder).expanduser() if folder else default
    outputs.check_backup_folder(folder)
    try:
        # 0700 when we create it; the default folder is tightened too (a user-chosen
        # existing folder, e.g. a USB disk, keeps its own permissions).
        files.ensure_private_dir(folder, tighten=folder == default)
    except OSError as exc:
        raise BackupError(
            translate(
                "services.backups",
                "No se pudo crear la carpeta de copias {folder}: {reason}. Elija otra carpeta "
                "para las copias.",
            ).format(folder=folder, reason=files.os_reason(exc))
        ) from exc
    outputs.remember_folder(folder)  # a killed backup's temp file is swept at next start
    when = when or dt.datetime.now()
    if is_sqlite():
        path = outputs.check_new_file(_new_path(folder, kind, ".db", when))
        try:
            backup_sqlite(db.obj, path)  # temp file 0600 beside it, renamed at the end
        except (files.DiskFullError, files.CannotWriteError) as exc:
            raise BackupError(str(exc)) from exc
        except (OSError, sqlite3.Error) as exc:
            raise BackupError(
                translate(
                    "services.backups", "No se pudo escribir la copia de seguridad {path}: {error}"
                ).format(path=path, error=exc)
            ) from exc
        log.info("Backup written: %s", path.name)
        _audit_manual(kind, path)
        return path
    path = _pg_dump(outputs.check_new_file(_new_path(folder, kind, ".dump", when)))
    _audit_manual(kind, path)
    return path


def _audit_manual(kind: str, path: Path) -> None:
    if kind == "manual":
        from ..access import audit

        audit.record_done("backup", "database", Path(path).name)


def pg_dump_available() -> bool:
    return shutil.which("pg_dump") is not None


def _pg_dump(path: Path) -> Path:
    exe = shutil.which("pg_dump")
    if exe is None:
        raise BackupError(
            translate(
                "services.backups",
                "Esta computadora usa una base de datos PostgreSQL y no tiene el programa pg_dump. "
                "Instale las herramientas cliente de PostgreSQL (la misma versión del servidor) o "
                "pida al administrador del servidor que haga las copias con pg_dump.",
            )
        )
    url, env = pg_admin.command_line()
    try:
        with files.atomic_path(path) as part:
            files.create_private_file(part)
            done = subprocess.run(
                [exe, "-Fc", "--no-owner", "-f", str(part), "--dbname", url],
                capture_output=True,
                text=True,
                timeout=3600,
                check=False,
                env=env,
            )
            if done.returncode != 0:
                raise BackupError(
                    translate("services.backups", "pg_dump falló: {error}").format(
                        error=done.stderr.strip() or done.returncode
                    )
                )
    except (files.DiskFullError, files.CannotWriteError) as exc:
        raise BackupError(str(exc)) from exc
    except (OSError, subprocess.SubprocessError) as exc:
        raise BackupError(
            translate("services.backups", "pg_dump no se pudo ejecutar: {error}").format(error=exc)
        ) from exc
    log.info("PostgreSQL backup written: %s", path.name)
    return path


def list_backups(folder: str | Path | None = None, stem: str | None = None) -> list[BackupInfo]:
    """The backups in ``folder`` (of the open database by default), newest first."""
    folder = Path(folder).expanduser() if folder else backup_folder()
    if stem is None and db.obj is not None:
        stem = _database_stem()
    found: list[BackupInfo] = []
    if not folder.is_dir():
        return found
    for path in folder.iterdir():
        match = _NAME.match(path.name)
        if not match or (stem is not None and match["stem"] != stem) or not path.is_file():
            continue
        taken = dt.datetime.strptime(match["stamp"], "%Y%m%d-%H%M%S")
        found.append(BackupInfo(path, taken, match["kind"], path.stat().st_size))
    found.sort(key=lambda b: (b.taken_at, b.path.name), reverse=True)
    return found


def prune(
    folder: str | Path | None = None,
    days: int | None = None,
    today: dt.date | None = None,
    keep: int = KEEP_NEWEST,
) -> list[Path]:
    """Delete this database's backups that are BOTH older than ``days`` days AND not among
    the ``keep`` newest (default 7).

    Safe against a wrong clock: the newest ``keep`` copies (by the date in their names)
    are never deleted whatever today's date says, so a clock set years ahead deletes
    nothing but surplus old copies; a copy dated in the future counts as the newest (it
    sorts first and is younger than any limit), so a clock set back deletes nothing."""
    days = days if days is not None else keep_days()
    today = today or dt.date.today()
    keep = max(1, int(keep))
    limit = dt.datetime.combine(today - dt.timedelta(days=days), dt.time())
    backups = list_backups(folder)  # newest first; future-dated ones come first
    removed = []
    for info in backups[keep:]:
        if info.taken_at < limit:
            try:
                info.path.unlink()
                removed.append(info.path)
            except OSError as exc:
                log.warning("Could not delete old backup %s: %s", info.path.name, exc)
    return removed


def auto_backup_if_due(on_exit: bool = False, now: dt.datetime | None = None) -> Path | None:
    """The automatic backup: at the first start of a day, and on every exit.

    At start a backup is made only when none of this database was made today. On exit
    a backup is always made and replaces the earlier exit backups of the same day (one
    per day, with the latest state). Then old backups are pruned. Returns the new file,
    or None when nothing was due or automatic backups are off. Never raises for a
    PostgreSQL database without ``pg_dump`` (logged instead).
    """
    settings = local_settings.load()
    if not settings.auto_backup or db.obj is None or _is_memory():
        return None
    if not is_sqlite() and not pg_dump_available():
        log.info("Automatic backup skipped: PostgreSQL without pg_dump")
        return None
    now = now or dt.datetime.now()
    folder = settings.resolved_backup_folder()
    existing = list_backups(folder)
    if not on_exit and any(b.taken_at.date() == now.date() for b in existing):
        return None
    path = backup_now(folder, kind="salida" if on_exit else "inicio", when=now)
    if on_exit:
        for info in existing:
            if info.kind == "salida" and info.taken_at.date() == now.date() and info.path != path:
                info.path.unlink(missing_ok=True)
    prune(folder, settings.backup_keep_days, now.date())
    return path


# --- checking and restoring -------------------------------------------------------------


def validate_backup(path: str | Path) -> int:
    """Check a backup file before a restore; returns its schema version.

    Raises BackupError when the file is missing, not an SQLite database, damaged, not a
    PatoLab database or of a newer schema than this program.
    """
    from ...db.migrations import SCHEMA_VERSION

    path = Path(path)

    def refused(message: str, **values: object) -> BackupError:
        """``message`` (translated) with the backup's file name in ``{name}``."""
        return BackupError(message.format(name=path.name, **values))

    if not path.is_file():
        raise BackupError(
            translate("services.backups", "El archivo de copia no existe: {path}").format(path=path)
        )
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise refused(
            translate("services.backups", "No se pudo abrir la copia {name}: {error}"), error=exc
        ) from exc
    try:
        try:
            rows = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
        except sqlite3.DatabaseError as exc:
            raise refused(
                translate(
                    "services.backups",
                    "El archivo {name} no es una copia válida de PatoLab (está dañado o no es una "
                    "base de datos SQLite): {error}",
                ),
                error=exc,
            ) from exc
        if rows != ["ok"]:
            # INFO: the program's log file keeps it; a warning would reach the CLI's stderr
            log.info("Backup %s failed integrity_check:\n%s", path.name, "\n".join(rows))
            raise refused(
                translate(
                    "services.backups",
                    "La copia {name} está dañada y no se puede restaurar. Elija otra copia "
                    "(por ejemplo, una anterior).\n\nDetalle técnico: {problems}",
                ),
                problems=_integrity_hint(rows),
            )
        has_table = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_version'"
        ).fetchone()
        if not has_table:
            raise refused(
                translate(
                    "services.backups", "El archivo {name} no es una base de datos de PatoLab."
                )
            )
        version = int(conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] or 0)
    finally:
        conn.close()
    if version > SCHEMA_VERSION:
        raise refused(
            translate(
                "services.backups",
                "La copia {name} es de una versión más nueva del programa (esquema {version}, este "
                "programa: {current}). Actualice PatoLab Desktop antes de restaurarla.",
            ),
            version=version,
            current=SCHEMA_VERSION,
        )
    return version


HINT_PROBLEMS = 3  # problems of integrity_check quoted in the refusal; the log has them all
HINT_WIDTH = 80


def _integrity_hint(rows: list[str]) -> str:
    """A short technical hint from ``PRAGMA integrity_check``'s report, for the refusal.

    The report can run to a hundred lines (one row may itself hold many lines, under a
    ``*** in database main ***`` heading): quoted whole it made a message box taller than
    the screen. The person needs to know the copy is damaged; the first few problems,
    each cut short, are enough for whoever helps them, and the whole report is logged."""
    problems = [
        line.strip()
        for row in rows
        for line in str(row).splitlines()
        if line.strip() and not line.strip().startswith("***")
    ]
    shown = [
        p if len(p) <= HINT_WIDTH else p[: HINT_WIDTH - 1] + "…" for p in problems[:HINT_PROBLEMS]
    ]
    hint = "; ".join(shown)
    if len(problems) > HINT_PROBLEMS:
        hint += translate("services.backups", " (y {count} problemas más)").format(
            count=len(problems) - HINT_PROBLEMS
        )
    return hint


@dataclass(frozen=True)
class RestorePreview:
    schema_version: int
    later: Later  # what the restore would undo (``later_text.describe`` words it)


def _restorable(path: str | Path) -> tuple[Path, int]:
    """The backup's resolved path and schema version, when the open database can be
    restored from it (``backups.run`` already checked)."""
    from . import restoring

    restoring.check_restorable()
    path = Path(path).expanduser().resolve()
    if path == Path(db.obj.database).resolve():
        raise BackupError(
            translate("services.backups", "Elija un archivo de copia, no la base de datos abierta.")
        )
    return path, validate_backup(path)


def preview_restore(path: str | Path) -> RestorePreview:
    """Before a restore: the backup checked, and what restoring it would undo (the
    requests, fiscal documents, voids and payments made after it), counted by comparing
    the open database with it."""
    from ..access import session
    from .later import compare

    session.require_now("backups.run")
    path, version = _restorable(path)
    return RestorePreview(version, compare(path))


def restore(path: str | Path, lose_documents: bool = False) -> RestoreResult:
    """Replace the open database with the backup ``path`` (PostgreSQL: a ``pg_dump -Fc``
    file, restored by ``pg_restoring.restore_dump``: the live counters, floors and later
    audit carried forward in the same way).

    Validates the file and backs up the current state (kind ``antes-de-restaurar``);
    then ``restoring.replace_live`` assembles the restored database with the number
    counters kept moving forward, the later history of its facturas and the later audit
    rows carried over, the fiscal numbers it lacks recorded, and the restore's own audit
    row, and copies it into the live database in one transaction. Refused (nothing
    changed) when fiscal documents or voids would be lost, unless ``lose_documents``
    (the person saw them in ``preview_restore`` and accepted)."""
    from ..access import session
    from . import restoring

    session.require_now("backups.run")
    if db.obj is not None and not is_sqlite():
        from . import pg_restoring

        dump = pg_restoring.check_dump(path)
        return pg_restoring.restore_dump(dump, backup_now(kind="antes-de-restaurar"))
    path, version = _restorable(path)
    if not lose_documents:  # before the copy of the state before; checked again inside
        from .later import compare

        restoring.check_nothing_lost(compare(path))
    safety = backup_now(kind="antes-de-restaurar")
    return restoring.replace_live(path, safety, version, lose_documents)
