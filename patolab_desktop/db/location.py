"""Is an SQLite file on a network share? SQLite's locking is unreliable there.

Several workstations must share a PostgreSQL server instead; an SQLite file must sit on
a local disk. Detection:

* Windows: UNC paths (``\\\\server\\share\\...``) and mapped drive letters whose
  ``GetDriveTypeW`` is ``DRIVE_REMOTE``.
* Linux: the mount holding the path (longest mount-point prefix in ``/proc/mounts``)
  has a network file system type (NFS, CIFS/SMB, sshfs, ...).
* macOS: the same with the output of ``mount`` (``//user@server/share on /Volumes/x (smbfs, ...)``).
* VM shared folders (vboxsf, vmhgfs, Parallels), FUSE shares (sshfs, s3fs, rclone,
  macFUSE/osxfuse) by their file-system type.
* Cloud-synced folders (OneDrive, Dropbox, Google Drive, iCloud Drive) by folder name,
  OneDrive's environment variables and Dropbox's ``info.json``.

Every input (platform, mount table, drive-type function) can be injected, so the tests
run on any machine with fake mount tables and fake UNC paths.
"""

from __future__ import annotations

import ntpath
import os
import posixpath
import re
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ..util.translation import translate

DRIVE_REMOTE = 4  # GetDriveTypeW

NETWORK_FS_TYPES = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb",
        "smbfs",
        "smb2",
        "smb3",
        "sshfs",
        "fuse.sshfs",
        "afpfs",
        "webdav",
        "davfs",
        "fuse.davfs2",
        "ncpfs",
        "9p",
        "glusterfs",
        "fuse.glusterfs",
        "ceph",
        "fuse.ceph",
        "fuse.rclone",
        "lustre",
        "gfs2",
        "ocfs2",
        # VM shared folders, FUSE file systems over a network or a cloud, macFUSE
        "vboxsf",
        "vmhgfs",
        "vmhgfs-fuse",
        "fuse.vmhgfs-fuse",
        "s3fs",
        "fuse.s3fs",
        "fuse.goofys",
        "fuse.gcsfuse",
        "macfuse",
        "osxfuse",
        "fusefs",
        "fuse.onedriver",
        "fuse.google-drive-ocamlfuse",
        "prl_fs",  # Parallels shared folders
    }
)
# Folders that a sync client copies to the cloud (and back) behind SQLite's back: a
# database there is uploaded half-written and can come back as a "conflicted copy".
SYNC_SERVICES = (
    ("onedrive", "OneDrive"),
    ("dropbox", "Dropbox"),
    ("google drive", "Google Drive"),
    ("googledrive", "Google Drive"),
    ("my drive", "Google Drive"),
    ("mi unidad", "Google Drive"),
    ("icloud drive", "iCloud Drive"),
    ("mobile documents", "iCloud Drive"),
)
SYNC_ENV_VARS = ("OneDrive", "OneDriveCommercial", "OneDriveConsumer")


@dataclass(frozen=True)
class Mount:
    source: str
    mount_point: str
    fs_type: str


def _unescape(field: str) -> str:
    """/proc/mounts escapes spaces, tabs, newlines and backslashes as octal (``\\040``)."""
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), field)


def parse_proc_mounts(text: str) -> list[Mount]:
    """Lines of ``/proc/mounts``: ``source mount_point fs_type options 0 0``."""
    mounts = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 3:
            mounts.append(Mount(_unescape(parts[0]), _unescape(parts[1]), parts[2].lower()))
    return mounts


_MAC_LINE = re.compile(r"^(?P<source>.+?) on (?P<point>.+) \((?P<type>[^,)]+)[^)]*\)\s*$")


def parse_mount_output(text: str) -> list[Mount]:
    """Lines printed by macOS/BSD ``mount``: ``source on /point (type, options)``."""
    mounts = []
    for line in text.splitlines():
        match = _MAC_LINE.match(line.strip())
        if match:
            mounts.append(Mount(match["source"], match["point"], match["type"].strip().lower()))
    return mounts


def mount_for(path: str, mounts: list[Mount]) -> Mount | None:
    """The mount holding ``path``: the longest mount point that is a prefix of it."""
    best = None
    for mount in mounts:
        point = mount.mount_point.rstrip("/") or "/"
        inside = path == point or path.startswith(point if point == "/" else point + "/")
        if inside and (best is None or len(point) > len(best.mount_point.rstrip("/") or "/")):
            best = mount
    return best


def is_network_fs(fs_type: str) -> bool:
    fs_type = fs_type.lower()
    return fs_type in NETWORK_FS_TYPES or fs_type.startswith(
        ("nfs", "smb", "cifs", "fuse.sshfs", "vmhgfs", "fuse.s3", "macfuse", "osxfuse")
    )


def _sync_service_of_component(component: str) -> str | None:
    name = component.strip().lower()
    for needle, service in SYNC_SERVICES:
        # "OneDrive", "OneDrive - Empresa", "Dropbox (Personal)", "GoogleDrive-x@y.com"
        if name == needle or name.startswith((needle + " ", needle + "-", needle + " (")):
            return service
    return None


def _dropbox_roots(home: str) -> list[str]:
    """Dropbox writes its folders to ``info.json`` (``~/.dropbox``, %APPDATA%, %LOCALAPPDATA%)."""
    import json

    candidates = [os.path.join(home, ".dropbox", "info.json")]
    for var in ("APPDATA", "LOCALAPPDATA"):
        if os.environ.get(var):
            candidates.append(os.path.join(os.environ[var], "Dropbox", "info.json"))
    roots = []
    for candidate in candidates:
        try:
            with open(candidate, encoding="utf-8") as fh:
                data = json.load(fh)
        except (OSError, ValueError):
            continue
        if isinstance(data, dict):
            for account in data.values():
                if isinstance(account, dict) and isinstance(account.get("path"), str):
                    roots.append(account["path"])
    return roots


def synced_folder(
    path: str | os.PathLike[str],
    *,
    environ: Mapping[str, str] | None = None,
    dropbox_roots: list[str] | None = None,
) -> str | None:
    """The cloud-sync service (OneDrive, Dropbox, Google Drive, iCloud Drive) whose folder
    holds ``path``, else None. By folder names along the path (also macOS
    ``~/Library/CloudStorage/OneDrive-…``), OneDrive's environment variables and Dropbox's
    own list of its folders; ``environ`` and ``dropbox_roots`` can be injected."""
    text = os.fspath(path)
    separators = re.compile(r"[\\/]+")
    for component in separators.split(text):
        service = _sync_service_of_component(component)
        if service:
            return service
    env: Mapping[str, str] = os.environ if environ is None else environ
    roots: list[tuple[str, str]] = [(env[var], "OneDrive") for var in SYNC_ENV_VARS if env.get(var)]
    if dropbox_roots is None:
        dropbox_roots = _dropbox_roots(os.path.expanduser("~"))
    roots += [(root, "Dropbox") for root in dropbox_roots]
    folded = os.path.normcase(os.path.abspath(text)) if text else ""
    for root, service in roots:
        base = os.path.normcase(os.path.abspath(root)).rstrip("\\/")
        if base and (folded == base or folded.startswith(base + os.sep)):
            return service
    return None


def is_unc(path: str) -> bool:
    r"""``\\server\share\...`` or ``//server/share/...`` (but not ``\\?\C:\...``/``\\.\``)."""
    text = str(path)
    if text.startswith(("\\\\?\\UNC\\", "//?/UNC/")):
        return True
    if text.startswith(("\\\\?\\", "\\\\.\\", "//?/", "//./")):
        return False
    return text.startswith(("\\\\", "//")) and len(text) > 2 and text[2] not in "\\/"


def _windows_drive_type(root: str) -> int:
    if sys.platform != "win32":
        raise OSError(f"GetDriveTypeW is only on Windows (asked for {root})")
    import ctypes

    return int(ctypes.windll.kernel32.GetDriveTypeW(ctypes.c_wchar_p(root)))


def _read_proc_mounts() -> list[Mount]:
    try:
        with open("/proc/mounts", encoding="utf-8", errors="replace") as fh:
            return parse_proc_mounts(fh.read())
    except OSError:
        return []


def _run_mount() -> list[Mount]:
    try:
        out = subprocess.run(["mount"], capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return []
    return parse_mount_output(out.stdout)


def network_share(
    path: str | os.PathLike,
    *,
    platform: str | None = None,
    mounts: list[Mount] | None = None,
    drive_type: Callable[[str], int] | None = None,
) -> str | None:
    """A short description of the network share holding ``path`` (None when local).

    ``platform`` defaults to ``sys.platform``; ``mounts`` to the machine's mount table;
    ``drive_type(root)`` to ``GetDriveTypeW`` on Windows.
    """
    platform = platform or sys.platform
    text = os.fspath(path)
    if platform.startswith("win"):
        if is_unc(text):
            return translate("db.location", "ruta de red {path}").format(path=text)
        drive, _rest = ntpath.splitdrive(text)
        if not drive and platform == sys.platform:
            drive, _rest = ntpath.splitdrive(os.path.abspath(text))
        if len(drive) == 2 and drive[1] == ":":
            probe = drive_type or _windows_drive_type
            if probe(drive.upper() + "\\") == DRIVE_REMOTE:
                return translate("db.location", "unidad de red {drive}").format(drive=drive.upper())
        return None
    if text.startswith("\\\\"):  # a Windows share path typed on Linux/macOS
        return translate("db.location", "ruta de red {path}").format(path=text)
    absolute = posixpath.normpath(text if text.startswith("/") else os.path.abspath(text))
    if mounts is None:  # this machine: its mount table, and symlinks resolved
        mounts = _read_proc_mounts() if platform.startswith("linux") else _run_mount()
        absolute = os.path.realpath(absolute)
    mount = mount_for(absolute, mounts)
    if mount is not None and is_network_fs(mount.fs_type):
        return translate("db.location", "{fs} {source} montado en {point}").format(
            fs=mount.fs_type.upper(), source=mount.source, point=mount.mount_point
        )
    return None


def refusal_message(path: str | os.PathLike, share: str) -> str:
    return translate(
        "db.location",
        "La base de datos {path} está en una carpeta de red ({share}). "
        "Un archivo SQLite en una carpeta compartida se puede dañar cuando varias "
        "computadoras lo usan a la vez. Copie el archivo a un disco local de esta computadora, "
        "o, para trabajar desde varias computadoras, use un servidor PostgreSQL "
        "(Archivo → Conexión a base de datos…, o "
        "--db postgresql://usuario:clave@servidor:5432/base).",
    ).format(path=os.fspath(path), share=share)


def sync_refusal_message(path: str | os.PathLike, service: str) -> str:
    return translate(
        "db.location",
        "La base de datos {path} está en una carpeta sincronizada con la nube ({service}). "
        "El programa de sincronización copia el archivo SQLite mientras se escribe y lo "
        "puede dañar o reemplazar por una copia en conflicto. Guarde la base de datos en una "
        "carpeta local que no se sincronice (las copias de seguridad sí pueden ir a la nube), "
        "o, para trabajar desde varias computadoras, use un servidor PostgreSQL "
        "(Archivo → Conexión a base de datos…, o "
        "--db postgresql://usuario@servidor:5432/base).",
    ).format(path=os.fspath(path), service=service)


def check_local(
    path: str | os.PathLike[str],
    *,
    environ: Mapping[str, str] | None = None,
    dropbox_roots: list[str] | None = None,
    platform: str | None = None,
    mounts: list[Mount] | None = None,
    drive_type: Callable[[str], int] | None = None,
) -> str | None:
    """The Spanish refusal message when ``path`` is on a network share, a VM or FUSE
    share, or in a cloud-synced folder; else None (``network_share`` and
    ``synced_folder`` say what the other arguments inject)."""
    share = network_share(path, platform=platform, mounts=mounts, drive_type=drive_type)
    if share:
        return refusal_message(path, share)
    service = synced_folder(path, environ=environ, dropbox_roots=dropbox_roots)
    return sync_refusal_message(path, service) if service else None


def folder_of(path: str | os.PathLike) -> str:
    """The folder to test for a database file that may not exist yet."""
    return str(Path(path).expanduser().parent)
