"""The one guard in front of every file the program writes.

``check_output(path)`` refuses (``OutputRefused``, a ``RuleError`` with a message for the
user; the CLI exits with 1) when ``path`` is:

* the open database or its ``-wal`` / ``-shm`` / ``-journal`` files;
* any existing SQLite file (by its header, whatever its name) or the side file of one;
* a backup of ours (by name, by pg_dump header, or anything inside the backup folder);
* a folder, or a path whose folder does not exist.

``atomic_output`` / ``atomic_path`` then write through a temporary file beside the
target (``util.files``), so an ordinary file is replaced atomically or left as it was,
a full disk becomes ``DiskFull`` with one clear message, and a folder that refuses the
file (no permission, read-only, missing) an ``OutputRefused`` that names the file and says
why. Callers: CSV exports (``services.csvio``), PDFs (``documents.layout``), backups, the
benchmark JSON, the GUI save dialogs (``ui.prompts.save_file``) and the CLI.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from ... import local_settings, paths
from ...db.database import db, is_sqlite
from ...util import files
from ..errors import RuleError
from ..texts import translate

SIDE_SUFFIXES = ("-wal", "-shm", "-journal")
# Our backups: ``<db>-YYYYmmdd-HHMMSS[-n]-<kind>.db|.dump`` and the migration copies
# ``<db>.v<version>.<stamp>.bak``.
_BACKUP_NAME = re.compile(
    r"^.+-\d{8}-\d{6}(?:-\d+)?-[a-z-]+\.(?:db|dump)$|^.+\.v\d+\.\d{8}-\d{6}\.bak$"
)
TEMP_FOLDERS_FILE = "temp-folders.txt"
MAX_REMEMBERED_FOLDERS = 50


class OutputRefused(RuleError):
    """Writing there would destroy something (a database, a backup) or is impossible."""


class DiskFull(RuleError):
    """The disk filled up while writing; nothing was changed."""


def _same(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:
        pass
    return os.path.normcase(str(a.resolve())) == os.path.normcase(str(b.resolve()))


def open_database_file() -> Path | None:
    """The SQLite file of the open database (None for PostgreSQL or in memory)."""
    database = db.obj
    if database is None or not is_sqlite(database):
        return None
    name = str(database.database or "")
    if name in ("", ":memory:"):
        return None
    return Path(name).expanduser()


def _refuse(message: str, path: Path) -> OutputRefused:
    return OutputRefused(message.format(path=path))


def check_output(path: str | os.PathLike) -> Path:
    """Return ``path`` (expanded) when it may be written, else raise ``OutputRefused``."""
    if path is None or not str(path).strip():
        raise OutputRefused(translate("services.outputs", "Falta el nombre del archivo."))
    if "\x00" in str(path):
        raise OutputRefused(
            translate("services.outputs", "El nombre del archivo no es válido: {path}").format(
                path=repr(str(path))
            )
        )
    path = Path(path).expanduser()
    if path.is_dir():
        raise _refuse(
            translate(
                "services.outputs",
                "{path} es una carpeta: escriba el nombre del archivo a guardar dentro de ella.",
            ),
            path,
        )
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise _refuse(
            translate("services.outputs", "La carpeta de {path} no existe."),
            path,
        )
    if _is_open_database(path):
        raise _refuse(
            translate(
                "services.outputs",
                "{path} es la base de datos abierta (o uno de sus archivos). No se "
                "escribió nada: elija otro nombre de archivo.",
            ),
            path,
        )
    header = files.file_header(path)
    if header == files.SQLITE_HEADER:
        raise _refuse(
            translate(
                "services.outputs",
                "{path} es una base de datos SQLite. No se escribe sobre una base de datos: "
                "elija otro nombre de archivo.",
            ),
            path,
        )
    for suffix in SIDE_SUFFIXES:
        if path.name.endswith(suffix) and files.is_sqlite_file(str(path)[: -len(suffix)]):
            raise _refuse(
                translate(
                    "services.outputs",
                    "{path} pertenece a una base de datos SQLite. Elija otro nombre de archivo.",
                ),
                path,
            )
    if (
        header.startswith(files.PG_DUMP_HEADER)
        or _BACKUP_NAME.match(path.name)
        or _inside_backup_folder(path)
    ):
        raise _refuse(
            translate(
                "services.outputs",
                "{path} es (o estaría entre) las copias de seguridad de PatoLab. No se escribe "
                "sobre las copias: elija otra carpeta o nombre.",
            ),
            path,
        )
    return path


def _is_open_database(path: Path) -> bool:
    """``path`` is the open SQLite database file or one of its side files."""
    live = open_database_file()
    return live is not None and any(
        _same(path, Path(str(live) + suffix)) for suffix in ("", *SIDE_SUFFIXES)
    )


def _inside_backup_folder(path: Path) -> bool:
    with contextlib.suppress(OSError, ValueError):
        folder = local_settings.load().resolved_backup_folder()
        if folder.is_dir():
            parent = path.parent if str(path.parent) else Path(".")
            return _same(parent, folder)
    return False


def check_backup_folder(folder: str | os.PathLike) -> Path:
    """The backup folder may be created or exist as a folder; never the database, an
    existing file or a path inside one."""
    folder = Path(folder).expanduser()
    if _is_open_database(folder):
        raise OutputRefused(
            translate(
                "services.outputs",
                "La carpeta de copias {path} es la base de datos abierta. Elija una carpeta.",
            ).format(path=folder)
        )
    probe = folder
    while not probe.exists() and probe.parent != probe:
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        raise OutputRefused(
            translate(
                "services.outputs",
                "La carpeta de copias {path} no es una carpeta ({file} es un archivo). Elija "
                "una carpeta.",
            ).format(path=folder, file=probe)
        )
    return folder


def check_new_file(path: str | os.PathLike) -> Path:
    """For writers that must create a NEW file (backups): never replace anything."""
    path = Path(path)
    if path.exists() or path.is_symlink():
        raise _refuse(
            translate("services.outputs", "{path} ya existe: no se reemplaza."),
            path,
        )
    return path


def _disk_full(path: str | os.PathLike, exc: OSError) -> DiskFull:
    return DiskFull(files.disk_full_message(path))


def _cannot_write(exc: files.CannotWriteError) -> OutputRefused:
    """The folder refused the file: the Spanish message of ``util.files`` (it names the
    file the person chose and what to do), as a refusal every screen and the CLI show."""
    return OutputRefused(str(exc))


def remember_folder(folder: str | os.PathLike) -> None:
    """Note a folder that gets temporary files, so the start-up sweep looks there too
    (an export killed half-way leaves its temporary file in the user's folder)."""
    with contextlib.suppress(OSError):
        line = os.path.abspath(os.fspath(folder)) + "\n"
        if "\n" in line[:-1]:
            return
        record = paths.data_dir() / TEMP_FOLDERS_FILE
        known = record.read_text(encoding="utf-8").splitlines() if record.exists() else []
        if line[:-1] in known:
            return
        fd = os.open(record, os.O_WRONLY | os.O_CREAT | os.O_APPEND, files.PRIVATE_FILE)
        try:
            os.write(fd, line.encode("utf-8"))
        finally:
            os.close(fd)


@contextlib.contextmanager
def atomic_output(
    path: str | os.PathLike, *, encoding: str = "utf-8", newline: str | None = None
) -> Iterator[IO[Any]]:
    """``check_output`` then ``util.files.atomic_output`` of a text file (every output a
    person asks for is text; binary files are written through ``atomic_path``); a full
    disk → ``DiskFull``."""
    target = check_output(path)
    remember_folder(target.parent if str(target.parent) else Path("."))
    try:
        with files.atomic_output(target, encoding=encoding, newline=newline) as fh:
            yield fh
    except files.DiskFullError as exc:
        raise _disk_full(target, exc) from exc
    except files.CannotWriteError as exc:
        raise _cannot_write(exc) from exc


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, *, backup: bool = False) -> Iterator[Path]:
    """``check_output`` then ``util.files.atomic_path`` (for writers that open the file).

    ``backup=True`` (our own backups, in the backup folder): the folder is checked with
    ``check_backup_folder`` and the file must be new; it is never the open database."""
    if backup:
        target = check_new_file(Path(path).expanduser())
        check_backup_folder(target.parent)
        live = open_database_file()
        if live is not None and _same(target, live):
            raise _refuse(
                translate("services.outputs", "{path} es la base de datos abierta."), target
            )
    else:
        target = check_output(path)
    remember_folder(target.parent if str(target.parent) else Path("."))
    try:
        with files.atomic_path(target) as temp:
            yield temp
    except files.DiskFullError as exc:
        raise _disk_full(target, exc) from exc
    except files.CannotWriteError as exc:
        raise _cannot_write(exc) from exc


def sweep_folders() -> tuple[list[Path], list[Path]]:
    """The folders where our temporary files can be: the program's own (data, config,
    logs, backups, the database's folder) and the ones remembered by ``remember_folder``
    (where the user exported)."""
    own = [paths.data_dir(), paths.config_dir(), paths.log_dir()]
    with contextlib.suppress(Exception):
        settings = local_settings.load()
        own.append(settings.resolved_backup_folder())
        target = settings.database
        if target and "://" not in target:
            own.append(Path(target).expanduser().parent)
    live = open_database_file()
    if live is not None:
        own.append(live.parent)
    remembered_folders: list[Path] = []
    record = paths.data_dir() / TEMP_FOLDERS_FILE
    with contextlib.suppress(OSError):
        remembered = record.read_text(encoding="utf-8").splitlines()
        existing = [line for line in dict.fromkeys(remembered) if line and Path(line).is_dir()]
        existing = existing[-MAX_REMEMBERED_FOLDERS:]
        remembered_folders = [Path(line) for line in existing]
        if existing != remembered:
            files.write_text_atomic(record, "".join(f"{line}\n" for line in existing))
    return own, remembered_folders


def sweep_leftovers(extra: Iterable[str | os.PathLike] = ()) -> list[Path]:
    """Remove the temporary files that killed writers left behind (app and CLI start)."""
    import logging

    own, remembered = sweep_folders()
    removed = files.sweep([*own, *extra]) + files.sweep(remembered, own_folders=False)
    if removed:
        logging.getLogger(__name__).info("Removed %d leftover temporary file(s)", len(removed))
    return removed
