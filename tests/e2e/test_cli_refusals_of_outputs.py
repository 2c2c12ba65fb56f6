"""The command line refusing a backup, a restore or an export it cannot do: a few Spanish
lines naming what the person typed, and a non-zero exit."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from patolab_desktop.util import files
from tests.safety_helpers import lab_in_its_own_home, run

pytestmark = pytest.mark.sqlite_only


@pytest.fixture(scope="module")
def lab_file(tmp_path_factory) -> Path:
    return lab_in_its_own_home(tmp_path_factory, "salidas", customers=60, requests=20)


def test_a_damaged_backup_is_refused_in_a_few_lines(lab_file, tmp_path, capsys):
    assert run("--db", lab_file, "backup", "--folder", tmp_path) == 0
    good = Path(capsys.readouterr().out.strip().rsplit(" ", 1)[-1])
    data = bytearray(good.read_bytes())
    for offset in range(8192, min(len(data), 8192 * 60), 4096):
        data[offset + 100 : offset + 300] = b"\xff" * 200
    damaged = tmp_path / "danada.db"
    damaged.write_bytes(bytes(data))

    assert run("--db", lab_file, "restore", damaged) == 1
    err = capsys.readouterr().err
    assert "danada.db está dañada y no se puede restaurar" in err
    assert err.count("\n") < 6 and len(err) < 500, err


def _refused_by_the_os(monkeypatch, code: int) -> None:
    """The OS refusing the temporary file where it is created (root ignores chmod)."""

    def refused(temp, *args, **kwargs):
        raise OSError(code, os.strerror(code), os.fspath(temp))

    monkeypatch.setattr(files, "_open_temp", refused)


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        (errno.EACCES, "no tiene permiso para escribir en esa carpeta"),
        (errno.EROFS, "la carpeta es de solo lectura"),
        (errno.ENOENT, "la carpeta no existe"),
        (errno.ENOSPC, "No hay espacio suficiente en el disco"),
    ],
)
def test_an_export_the_folder_refuses_names_the_file_and_says_why(
    lab_file, tmp_path, capsys, monkeypatch, code, reason
):
    _refused_by_the_os(monkeypatch, code)
    (tmp_path / "usb").mkdir()
    out = tmp_path / "usb" / "clientes.csv"
    assert run("--db", lab_file, "export", "customers", "--out", out) == 1
    err = capsys.readouterr().err
    assert str(out) in err and reason in err, err
    assert "Elija otra carpeta" in err or "elija otra carpeta" in err, err
    assert ".tmp" not in err and os.strerror(code) not in err and "Errno" not in err, err
    assert os.listdir(tmp_path / "usb") == []


def test_a_backup_the_folder_refuses_says_why(lab_file, tmp_path, capsys, monkeypatch):
    _refused_by_the_os(monkeypatch, errno.EACCES)  # the backup's temporary file …
    monkeypatch.setattr(
        files, "create_private_file", lambda path: files._open_temp(Path(path), True, None, None)
    )
    assert run("--db", lab_file, "backup", "--folder", tmp_path) == 1
    err = capsys.readouterr().err
    assert "No se pudo guardar" in err and "no tiene permiso" in err, err
    assert ".tmp" not in err and "Errno" not in err and "Permission denied" not in err, err
