"""An SQLite file on a network share is refused, with a Spanish message pointing to PostgreSQL.

Every input of the detection is injected: fake mount tables, fake UNC paths and a fake
GetDriveTypeW, so these tests run the same on Linux, macOS and Windows.
"""

from __future__ import annotations

import pytest

from patolab_desktop.db import location
from patolab_desktop.db.database import DatabaseOpenError, make_database

LINUX_MOUNTS = """\
/dev/sda2 / ext4 rw,relatime 0 0
proc /proc proc rw 0 0
tmpfs /tmp tmpfs rw 0 0
srv01:/export/lab /mnt/lab nfs4 rw,vers=4.2 0 0
//nas/datos /mnt/nas cifs rw,vers=3.0 0 0
/dev/sdb1 /mnt/nas/local-disk ext4 rw 0 0
user@host:/srv /home/ana/remoto fuse.sshfs rw 0 0
//nas/Mis\\040Documentos /mnt/con\\040espacio cifs rw 0 0
"""

MAC_MOUNT = """\
/dev/disk3s1s1 on / (apfs, sealed, local, read-only, journaled)
/dev/disk3s5 on /System/Volumes/Data (apfs, local, journaled, nobrowse)
//ana@nas.local/Laboratorio on /Volumes/Laboratorio (smbfs, nodev, nosuid, mounted by ana)
srv01:/export/lab on /Volumes/nfs (nfs, asynchronous)
"""


def linux(path):
    return location.network_share(
        path, platform="linux", mounts=location.parse_proc_mounts(LINUX_MOUNTS)
    )


def mac(path):
    return location.network_share(
        path, platform="darwin", mounts=location.parse_mount_output(MAC_MOUNT)
    )


@pytest.mark.parametrize(
    "path",
    [
        "/mnt/lab/patolab.db",
        "/mnt/nas/sub/patolab.db",
        "/home/ana/remoto/x.db",
        "/mnt/con espacio/x.db",
    ],
)
def test_linux_network_mounts_are_detected(path):
    assert linux(path) is not None


@pytest.mark.parametrize(
    "path",
    ["/home/ana/patolab.db", "/tmp/x.db", "/mnt/labx/x.db", "/mnt/nas/local-disk/patolab.db"],
)
def test_linux_local_paths_are_accepted(path):
    # /mnt/labx is not under /mnt/lab; the longest prefix (/mnt/nas/local-disk) wins
    assert linux(path) is None


def test_linux_mount_table_unescapes_spaces():
    mounts = location.parse_proc_mounts(LINUX_MOUNTS)
    assert location.Mount("//nas/Mis Documentos", "/mnt/con espacio", "cifs") in mounts


@pytest.mark.parametrize(
    "path,expected",
    [
        ("/Volumes/Laboratorio/patolab.db", "SMBFS"),
        ("/Volumes/nfs/a/b.db", "NFS"),
        ("/Users/ana/patolab.db", None),
    ],
)
def test_macos_mount_output(path, expected):
    found = mac(path)
    assert (found is None) if expected is None else found.startswith(expected)


@pytest.mark.parametrize(
    "path",
    [
        r"\\servidor\compartido\patolab.db",
        "//servidor/compartido/x.db",
        r"\\?\UNC\servidor\share\x.db",
    ],
)
def test_windows_unc_paths_are_refused(path):
    assert location.network_share(path, platform="win32", drive_type=lambda root: 3) is not None


def test_windows_mapped_network_drive_is_refused_and_local_drive_accepted():
    seen = []

    def drive_type(root):
        seen.append(root)
        return location.DRIVE_REMOTE if root == "Z:\\" else 3  # 3 = DRIVE_FIXED

    assert (
        location.network_share(r"z:\datos\patolab.db", platform="win32", drive_type=drive_type)
        == "unidad de red Z:"
    )
    assert (
        location.network_share(r"C:\Users\ana\patolab.db", platform="win32", drive_type=drive_type)
        is None
    )
    assert seen == ["Z:\\", "C:\\"]
    # a device path is not a share
    assert (
        location.network_share(r"\\?\C:\datos\x.db", platform="win32", drive_type=lambda root: 3)
        is None
    )


def test_refusal_message_is_spanish_and_points_to_postgresql():
    message = location.check_local(
        "/mnt/lab/patolab.db", platform="linux", mounts=location.parse_proc_mounts(LINUX_MOUNTS)
    )
    assert "carpeta de red" in message and "PostgreSQL" in message
    assert "postgresql://" in message


def test_make_database_refuses_a_network_share(monkeypatch, tmp_path):
    """The real opening path uses the detection: a share is refused before connecting."""
    fake = [location.Mount("srv:/lab", str(tmp_path), "nfs")]
    monkeypatch.setattr(location, "_read_proc_mounts", lambda: fake)
    monkeypatch.setattr(location, "_run_mount", lambda: fake)
    with pytest.raises(DatabaseOpenError, match="carpeta de red"):
        make_database(tmp_path / "patolab.db")
    assert not (tmp_path / "patolab.db").exists()


def test_make_database_refuses_a_unc_path():
    with pytest.raises(DatabaseOpenError, match="PostgreSQL"):
        make_database(r"\\servidor\compartido\patolab.db")


def test_make_database_accepts_a_local_file(tmp_path):
    database = make_database(tmp_path / "local.db")
    assert database.database == str(tmp_path / "local.db")
