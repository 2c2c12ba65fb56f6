"""Writing files safely: one temporary-file pattern, atomic replacement, private modes.

Every file the program writes (CSV, PDF, backups, settings, JSON) is first written to a
temporary file IN THE SAME FOLDER whose name follows one pattern::

    .patolab-tmp-<pid>-<8 hex>-<target name>.tmp

then flushed, fsynced and renamed over the target with ``os.replace`` (atomic on one
file system), so a reader sees the old file or the new one, never half of one. A failure
removes the temporary file; a process killed half-way leaves one behind, which
``sweep`` removes at the next start (the pid in the name tells a live writer's file from
a dead one's).

Pure helpers (no database, no services): the service-level guard that refuses writing
over a database is ``services/safety/outputs.py``.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import stat
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from .exceptions import chain
from .faults import pause_point
from .translation import translate

TEMP_PREFIX = ".patolab-tmp-"
TEMP_RE = re.compile(r"^\.patolab-tmp-(?P<pid>\d+)-(?P<token>[0-9a-f]{8})-")
# What older versions left behind: ``.name.1a2b3c4d.part``, ``.name.part``, ``x.db.part``,
# ``local_settings.json.part``.
# The hidden ones (exports, PDFs) may be in any folder the user exported to; the others
# (backups, settings) only in the program's own folders - a browser's ``x.pdf.part``
# download in the same folder is never touched.
LEGACY_HIDDEN_RE = re.compile(r"^\..+\.part$")
LEGACY_APP_RE = re.compile(r"^.+\.(db|dump|json)\.part$")
STALE_AFTER_S = 24 * 3600  # a temp file this old is stale whoever wrote it
SQLITE_HEADER = b"SQLite format 3\x00"
PG_DUMP_HEADER = b"PGDMP"
DISK_FULL_ERRNOS = frozenset(
    e for e in (getattr(errno, n, None) for n in ("ENOSPC", "EDQUOT", "EFBIG")) if e is not None
)
PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
POSIX = os.name == "posix"


class DiskFullError(OSError):
    """The disk (or the quota, or the file size limit) is full; the message says so."""

    def __str__(self) -> str:  # the message alone, without "[Errno 28]"
        return str(self.strerror)


class CannotWriteError(OSError):
    """The folder refused the file (no permission, read-only, missing, …); the message
    names the file the person chose, never the temporary one, and says why in Spanish."""

    def __str__(self) -> str:
        return str(self.strerror)


def temp_path_for(target: str | os.PathLike) -> Path:
    """A fresh temporary name beside ``target`` (same folder, same file system)."""
    target = Path(target)
    name = target.name[-80:]
    return target.with_name(f"{TEMP_PREFIX}{os.getpid()}-{secrets.token_hex(4)}-{name}.tmp")


def is_temp_name(name: str) -> bool:
    return bool(TEMP_RE.match(name))


def named_file(exc: OSError) -> str:
    """The file an OS error names, for a person to read: "" when it names none or names
    one of our temporary files (a name nobody typed)."""
    name = exc.filename if isinstance(exc.filename, str) else ""
    return name if name and not is_temp_name(Path(name).name) else ""


def file_header(path: str | os.PathLike, size: int = 16) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read(size)
    except OSError:
        return b""


def is_sqlite_file(path: str | os.PathLike) -> bool:
    """True when ``path`` is an existing file that starts with the SQLite header."""
    return file_header(path) == SQLITE_HEADER


def is_disk_full(exc: BaseException) -> bool:
    """``exc`` or an error that led to it (a failed clean-up hides the first) says the
    disk, the quota or the file size limit is full."""
    for error in chain(exc):
        if isinstance(error, OSError) and error.errno in DISK_FULL_ERRNOS:
            return True
        text = str(error).lower()
        if "disk is full" in text or "no space left" in text or "file too large" in text:
            return True
    return False


def disk_full_message(path: str | os.PathLike) -> str:
    return translate(
        "util.files",
        "No hay espacio suficiente en el disco para guardar {path}. Libere espacio (o elija "
        "otra carpeta) y vuelva a intentarlo. No se guardó nada: el archivo anterior, si "
        "existía, quedó como estaba, y la base de datos no se modificó.",
    ).format(path=os.fspath(path))


def os_reason(exc: OSError) -> str:
    """Why the operating system refused, in Spanish (its own ``strerror`` is English)."""
    code = exc.errno
    if code in (errno.EACCES, errno.EPERM):
        return translate(
            "util.files",
            "no tiene permiso para escribir en esa carpeta, o otro programa (por ejemplo, "
            "Excel) tiene abierto el archivo",
        )
    if code == errno.EROFS:
        return translate(
            "util.files", "la carpeta es de solo lectura (por ejemplo, una memoria USB protegida)"
        )
    if code in (errno.ENOENT, errno.ENOTDIR):
        return translate("util.files", "la carpeta no existe o no admite archivos nuevos")
    if code in DISK_FULL_ERRNOS:
        return translate("util.files", "el disco está lleno")
    if code == errno.ENAMETOOLONG:
        return translate("util.files", "el nombre o la ruta es demasiado largo")
    return translate("util.files", "el sistema no lo permitió ({code})").format(
        code=errno.errorcode.get(code or 0, code)
    )


def cannot_write_message(path: str | os.PathLike, exc: OSError) -> str:
    return translate(
        "util.files",
        "No se pudo guardar {path}: {reason}. Elija otra carpeta (por ejemplo, Documentos) y "
        "vuelva a intentarlo. No se guardó nada.",
    ).format(path=os.fspath(path), reason=os_reason(exc))


def remove_quietly(path: str | os.PathLike) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def private_file(path: str | os.PathLike) -> None:
    """chmod 0600 on POSIX (no-op elsewhere: Windows profiles are per-user already)."""
    if POSIX:
        with contextlib.suppress(OSError):
            os.chmod(path, PRIVATE_FILE)


def create_private_file(path: str | os.PathLike) -> None:
    """Create ``path`` empty with mode 0600 when it does not exist (before SQLite or a
    log handler opens it, so it is never readable by others, not even for a moment)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(os.fspath(path), flags, PRIVATE_FILE)
    except FileExistsError:
        return
    os.close(fd)


def ensure_private_dir(path: str | os.PathLike, tighten: bool = True) -> Path:
    """mkdir -p with mode 0700; ``tighten`` also chmods an existing folder to 0700."""
    path = Path(path)
    existed = path.is_dir()
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    if POSIX and (tighten or not existed):
        with contextlib.suppress(OSError):
            if stat.S_IMODE(path.stat().st_mode) != PRIVATE_DIR:
                os.chmod(path, PRIVATE_DIR)
    return path


def fsync_dir(folder: str | os.PathLike) -> None:
    """Make a rename durable (POSIX; Windows has no directory handles for this)."""
    if not POSIX:
        return
    with contextlib.suppress(OSError):
        fd = os.open(os.fspath(folder), os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _open_temp(temp: Path, binary: bool, encoding: str | None, newline: str | None) -> IO[Any]:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    fd = os.open(os.fspath(temp), flags, PRIVATE_FILE)
    try:
        if binary:
            return os.fdopen(fd, "wb")
        return os.fdopen(fd, "w", encoding=encoding or "utf-8", newline=newline)
    except BaseException:
        os.close(fd)
        raise


def write_private_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` into the NEW file ``path`` (mode 0600) and flush it: the temporary
    file of ``atomic_path`` for a writer that renders in memory (a PDF)."""
    with _open_temp(Path(path), True, None, None) as fh:
        fh.write(data)
        fh.flush()


def commit_temp(temp: str | os.PathLike, target: str | os.PathLike) -> None:
    """fsync ``temp`` (already closed) and rename it over ``target``."""
    fd = os.open(os.fspath(temp), os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temp, target)
    fsync_dir(Path(target).parent)


def _is_path(value: object) -> bool:
    return isinstance(value, (str, os.PathLike))


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``target`` for a writer that opens files itself
    (QPdfWriter, SQLite's backup API, pg_dump); on success it is fsynced and renamed
    over ``target``; on any failure it (and SQLite's journal beside it) is removed."""
    target = Path(target)
    temp = temp_path_for(target)
    try:
        yield temp
        pause_point("atomic-commit")
        if not temp.exists():
            raise OSError(errno.ENOENT, "the writer produced no file", str(target))
        commit_temp(temp, target)
    except BaseException as exc:
        leftovers = (temp, *(temp.with_name(temp.name + s) for s in ("-journal", "-wal")))
        for leftover in leftovers:
            remove_quietly(leftover)
        if is_disk_full(exc) and not isinstance(exc, DiskFullError):
            raise DiskFullError(errno.ENOSPC, disk_full_message(target)) from exc
        # the OS refusing our temporary file or the rename names the hidden temporary
        # name and says why in English: say it of the file the person chose, in Spanish
        ours = {os.fspath(p) for p in (*leftovers, target)}
        if (
            isinstance(exc, OSError)
            and not isinstance(exc, (DiskFullError, CannotWriteError))
            and {os.fspath(f) for f in (exc.filename, exc.filename2) if _is_path(f)} & ours
        ):
            raise CannotWriteError(exc.errno, cannot_write_message(target, exc)) from exc
        raise


@contextlib.contextmanager
def atomic_output(
    target: str | os.PathLike,
    binary: bool = False,
    encoding: str | None = "utf-8",
    newline: str | None = None,
) -> Iterator[IO[Any]]:
    """``with atomic_output(path) as fh: fh.write(...)``: the target is replaced only
    when the block finishes without error (temp file, flush, fsync, rename); a failure
    removes the temporary file and leaves the target as it was. A full disk raises
    ``DiskFullError`` with a message for the user."""
    with atomic_path(target) as temp:
        fh = _open_temp(temp, binary, encoding, newline)
        try:
            yield fh
            fh.flush()
        finally:
            fh.close()


def write_bytes_atomic(target: str | os.PathLike, data: bytes) -> Path:
    with atomic_output(target, binary=True) as fh:
        fh.write(data)
    return Path(target)


def write_text_atomic(target: str | os.PathLike, text: str, encoding: str = "utf-8") -> Path:
    with atomic_output(target, encoding=encoding) as fh:
        fh.write(text)
    return Path(target)


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if not POSIX:
        return True  # unknown on Windows without extra APIs: the age rule decides
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def sweep(
    folders: Iterable[str | os.PathLike[str] | None],
    now: float | None = None,
    own_folders: bool = True,
) -> list[Path]:
    """Remove the temporary files a killed writer left in ``folders``; returns them.

    A file of ours (``TEMP_RE``) goes when its writer's process is gone or it is older
    than a day; the hidden ``.part`` files of older versions go too, and in the program's
    own folders (``own_folders``) also their ``x.db.part`` / ``x.json.part``."""
    now = time.time() if now is None else now
    removed: list[Path] = []
    seen: set[str] = set()
    for folder in folders:
        if folder is None:
            continue
        folder = Path(folder)
        key = os.path.normcase(os.path.abspath(folder))
        if key in seen:
            continue
        seen.add(key)
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            match = TEMP_RE.match(entry.name)
            stale = False
            if match:
                try:
                    age = now - entry.stat(follow_symlinks=False).st_mtime
                except OSError:
                    continue
                stale = age > STALE_AFTER_S or not _pid_alive(int(match["pid"]))
            elif LEGACY_HIDDEN_RE.match(entry.name) or (
                own_folders and LEGACY_APP_RE.match(entry.name)
            ):
                stale = True
            if stale and entry.is_file(follow_symlinks=False):
                try:
                    os.unlink(entry.path)
                    removed.append(Path(entry.path))
                except OSError:
                    pass
    return removed
