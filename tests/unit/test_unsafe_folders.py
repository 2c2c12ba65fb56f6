"""Issue 15, point 12: cloud-synced folders and VM / FUSE shares are refused too, with the
pointer to PostgreSQL (fake mount tables and injected environments: any machine)."""

from __future__ import annotations

import json

import pytest

from patolab_desktop.db import location
from patolab_desktop.db.database import DatabaseOpenError, make_database

LINUX_MOUNTS = """\
/dev/sda2 / ext4 rw,relatime 0 0
compartido /media/sf_lab vboxsf rw,nodev 0 0
.host:/lab /mnt/hgfs vmhgfs rw 0 0
vmhgfs-fuse /mnt/hgfs2 fuse.vmhgfs-fuse rw 0 0
s3fs /mnt/s3 fuse.s3fs rw 0 0
s3fs /mnt/s3b s3fs rw 0 0
ana@servidor:/datos /home/ana/remoto fuse.sshfs rw 0 0
none /mnt/psf prl_fs rw 0 0
"""

MAC_MOUNT = """\
/dev/disk3s1s1 on / (apfs, sealed, local, read-only, journaled)
ana@servidor:/datos on /Volumes/remoto (macfuse, nodev, nosuid, synchronous, mounted by ana)
ana@viejo:/datos on /Volumes/viejo (osxfuse, nodev, nosuid, mounted by ana)
"""


@pytest.mark.parametrize(
    "path",
    [
        "/media/sf_lab/lab.db",
        "/mnt/hgfs/lab.db",
        "/mnt/hgfs2/lab.db",
        "/mnt/s3/lab.db",
        "/mnt/s3b/lab.db",
        "/home/ana/remoto/lab.db",
        "/mnt/psf/lab.db",
    ],
)
def test_vm_fuse_and_sshfs_shares_are_refused_on_linux(path):
    mounts = location.parse_proc_mounts(LINUX_MOUNTS)
    message = location.check_local(
        path, platform="linux", mounts=mounts, environ={}, dropbox_roots=[]
    )
    assert message and "PostgreSQL" in message


@pytest.mark.parametrize("path", ["/Volumes/remoto/lab.db", "/Volumes/viejo/lab.db"])
def test_macfuse_and_osxfuse_shares_are_refused_on_macos(path):
    mounts = location.parse_mount_output(MAC_MOUNT)
    message = location.check_local(
        path, platform="darwin", mounts=mounts, environ={}, dropbox_roots=[]
    )
    assert message and "PostgreSQL" in message


def test_a_local_disk_is_still_accepted():
    mounts = location.parse_proc_mounts(LINUX_MOUNTS)
    assert (
        location.check_local(
            "/home/ana/Documentos/lab.db",
            platform="linux",
            mounts=mounts,
            environ={},
            dropbox_roots=[],
        )
        is None
    )


@pytest.mark.parametrize(
    ("path", "service"),
    [
        (r"C:\Users\ana\OneDrive\PatoLab\lab.db", "OneDrive"),
        (r"C:\Users\ana\OneDrive - Laboratorio Central\lab.db", "OneDrive"),
        ("/Users/ana/Library/CloudStorage/OneDrive-Personal/lab.db", "OneDrive"),
        (r"C:\Users\ana\Dropbox\lab.db", "Dropbox"),
        ("/home/ana/Dropbox (Personal)/lab.db", "Dropbox"),
        (r"G:\My Drive\lab.db", "Google Drive"),
        (r"G:\Mi unidad\lab.db", "Google Drive"),
        ("/Users/ana/Library/CloudStorage/GoogleDrive-ana@lab.hn/My Drive/lab.db", "Google Drive"),
        ("/Users/ana/Google Drive/lab.db", "Google Drive"),
    ],
)
def test_cloud_synced_folders_are_refused_by_name(path, service):
    assert location.synced_folder(path, environ={}, dropbox_roots=[]) == service
    message = location.sync_refusal_message(path, service)
    assert service in message and "PostgreSQL" in message


def test_synced_folders_with_other_names_are_found_by_the_clients_settings(tmp_path):
    business = tmp_path / "Empresa Archivos"
    assert (
        location.synced_folder(
            business / "lab.db", environ={"OneDriveCommercial": str(business)}, dropbox_roots=[]
        )
        == "OneDrive"
    )
    box = tmp_path / "Cajas"
    assert location.synced_folder(box / "x" / "lab.db", environ={}, dropbox_roots=[str(box)]) == (
        "Dropbox"
    )
    assert location.synced_folder(tmp_path / "lab.db", environ={}, dropbox_roots=[]) is None


def test_dropbox_info_json_is_read(tmp_path, monkeypatch):
    home = tmp_path / "casa"
    (home / ".dropbox").mkdir(parents=True)
    folder = tmp_path / "Trabajo compartido"
    (home / ".dropbox" / "info.json").write_text(
        json.dumps({"business": {"path": str(folder)}}), encoding="utf-8"
    )
    assert location._dropbox_roots(str(home)) == [str(folder)]


def test_opening_a_database_in_a_synced_folder_is_refused_with_the_pointer(tmp_path):
    folder = tmp_path / "OneDrive"
    folder.mkdir()
    with pytest.raises(DatabaseOpenError, match="PostgreSQL") as info:
        make_database(folder / "lab.db")
    assert "OneDrive" in str(info.value)
    assert list(folder.iterdir()) == []  # nothing created there
