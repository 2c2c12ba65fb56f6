"""Exportar → … (CSV) into a folder that refuses the file (Windows: C:\\Program Files, a
write-protected USB): the administrator reads, in Spanish, that «datos.csv» could not be
saved, why, and to choose another folder; never the hidden temporary name nor the
operating system's English."""

from __future__ import annotations

import errno
import os

import pytest

from patolab_desktop.services.access import permissions, session
from patolab_desktop.util import files
from tests.ui.requests_helpers import make_catalog, make_doctor, make_patient, make_request
from tests.ui.role_helpers import main_window_as

pytestmark = pytest.mark.usefixtures("no_session", "fast_hashing", "no_crash_dialog")


def test_every_export_names_the_chosen_file_and_says_why(
    qtbot, database, tmp_path, prompt_log, dialog_trap, monkeypatch
):
    with session.acting_as(session.system_actor("tests")):
        ids = make_catalog()
        make_request(make_patient("Ana", "López", age=40), make_doctor(), [ids["GLU"]])
    window = main_window_as(qtbot, permissions.ROLE_ADMIN)
    folder = tmp_path / "Program Files"
    folder.mkdir()

    def denied(temp, *args, **kwargs):  # what the OS says there (root ignores chmod)
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fspath(temp))

    monkeypatch.setattr(files, "_open_temp", denied)
    actions = [a for a in window.menu("export").actions() if a.isVisible() and not a.isSeparator()]
    assert len(actions) >= 5
    for action in actions:
        prompt_log.clear()
        prompt_log.save_path = str(folder / "datos.csv")
        action.trigger()
        qtbot.waitUntil(lambda: bool(prompt_log.kinds("error") or prompt_log.kinds("info")))
        errors = prompt_log.kinds("error")
        assert errors, (action.text(), prompt_log.calls)
        message = errors[0][2]
        assert f"No se pudo guardar {folder / 'datos.csv'}: no tiene permiso" in message
        assert "Elija otra carpeta" in message
        assert ".tmp" not in message and "Permission denied" not in message, message
    assert os.listdir(folder) == []
