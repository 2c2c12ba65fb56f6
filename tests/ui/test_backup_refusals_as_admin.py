"""What an administrator reads when a backup or a restore is refused (Archivo → Copia de
seguridad ahora / Restaurar copia…): a short Spanish message that fits on a 1024x768
screen, never SQLite's whole report or the operating system's English."""

from __future__ import annotations

import errno
import logging
import os
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from patolab_desktop import local_settings
from patolab_desktop.services.access import permissions, session
from patolab_desktop.services.safety import backups
from patolab_desktop.ui.admin import backup_actions
from patolab_desktop.util import files
from tests.security_helpers import login_as
from tests.ui.requests_helpers import make_patient

pytestmark = [
    pytest.mark.sqlite_only,
    pytest.mark.usefixtures("no_session", "fast_hashing", "no_crash_dialog"),
]


def _damage(good: Path, bad: Path) -> None:
    """Overwrite part of many pages: ``integrity_check`` then reports about a hundred
    problems, its first row holding dozens of lines."""
    data = bytearray(good.read_bytes())
    for offset in range(8192, min(len(data), 8192 * 60), 4096):
        data[offset + 100 : offset + 300] = b"\xff" * 200
    bad.write_bytes(bytes(data))


@pytest.fixture
def damaged_backup(database, tmp_path) -> Path:
    with session.acting_as(session.system_actor("tests")):
        for i in range(40):
            make_patient(f"Ana{i}", "López", age=40)
        good = backups.backup_now(tmp_path / "copias")
    bad = tmp_path / "danada.db"
    _damage(good, bad)
    return bad


def test_a_damaged_backup_is_refused_in_a_box_that_fits_the_screen(
    qtbot, damaged_backup, monkeypatch, caplog
):
    login_as(permissions.ROLE_ADMIN)
    shown = []

    def exec_(box):  # the real message box, measured instead of run
        shown.append((box.text(), box.sizeHint().height()))
        return 0

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    monkeypatch.setattr(backup_actions.prompts, "open_file", lambda *a, **k: str(damaged_backup))
    caplog.set_level(logging.INFO)

    assert backup_actions.restore_backup(None) is None

    text, height = shown[-1]
    assert "danada.db está dañada y no se puede restaurar" in text
    assert "Elija otra copia" in text
    assert text.count("\n") < 6 and len(text) < 500, text
    assert height <= 600
    report = "\n".join(r.getMessage() for r in caplog.records)
    assert report.count("\n") > 30  # the whole report is kept in the log


def test_a_backup_folder_that_cannot_be_created_is_said_in_spanish(
    qtbot, database, tmp_path, prompt_log, monkeypatch
):
    login_as(permissions.ROLE_ADMIN)
    local_settings.update(backup_folder=str(tmp_path / "copias"))

    def denied(path, *args, **kwargs):  # what the OS says there (root ignores chmod)
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fspath(path))

    monkeypatch.setattr(files, "ensure_private_dir", denied)

    assert backup_actions.backup_now(None) is None

    message = prompt_log.kinds("error")[0][2]
    assert f"No se pudo crear la carpeta de copias {tmp_path / 'copias'}" in message
    assert "no tiene permiso" in message and "Elija otra carpeta" in message
    assert "Errno" not in message and "Permission denied" not in message, message
