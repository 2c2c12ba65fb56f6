"""A restore has the database to itself from the reading of the number counters to the
copy: a request another desk saves meanwhile is refused (the database is busy), not given
a number the restored database gives again; and while another desk keeps the file open,
the restore is refused before anything changes, saying why."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import pytest

from patolab_desktop.db.database import db
from patolab_desktop.db.models import AuditLog, LabRequest
from patolab_desktop.services.safety import backups, restoring
from patolab_desktop.services.safety.errors import BackupError
from tests.cli_process import ROOT
from tests.unit.requests_fixtures import lab  # noqa: F401

pytestmark = pytest.mark.sqlite_only

# desk B: another workstation process saving one request on the same file
DESK_B = """
import sys
from patolab_desktop.services.access import session
from patolab_desktop.services import requests
from patolab_desktop.services.bootstrap import open_db
path, patient, doctor, investigation = sys.argv[1:]
open_db(path)
with session.acting_as(session.system_actor("desk-b")):
    draft = requests.RequestDraft(
        patient_id=int(patient), doctor_id=int(doctor), investigation_ids=[int(investigation)]
    )
    print(requests.create(draft, by="recepcion2")[1])
"""


def _desk_b(lab, db_path) -> subprocess.CompletedProcess:  # noqa: F811
    env = {
        **os.environ,
        "PATOLAB_BUSY_TIMEOUT_MS": "300",
        "PYTHON_KEYRING_BACKEND": "tests.keyring_backend.FileKeyring",
        "QT_QPA_PLATFORM": "offscreen",
    }
    argv = [db_path, lab.patient, lab.doctor, lab.hem]
    return subprocess.run(
        [sys.executable, "-c", DESK_B, *map(str, argv)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_request_saved_on_another_desk_during_the_restore_is_refused(
    lab,  # noqa: F811
    tmp_path,
    db_path,
    monkeypatch,
):
    lab.create()
    backup = backups.backup_now(tmp_path / "copias")
    lab.create()
    assert _desk_b(lab, db_path).returncode == 0  # before the restore desk B saves
    real_copy = restoring._copy_into_live
    during = {}

    def copy_while_desk_b_saves(staging, path, safety):
        during["b"] = _desk_b(lab, db_path)
        return real_copy(staging, path, safety)

    monkeypatch.setattr(restoring, "_copy_into_live", copy_while_desk_b_saves)
    backups.restore(backup)
    assert during["b"].returncode != 0 and "locked" in during["b"].stderr
    numbers = [n for (n,) in LabRequest.select(LabRequest.request_number).tuples()]
    assert [n[-6:] for n in numbers] == ["000001"]  # the backup's one request
    assert lab.create()[1].endswith("000004")  # after the three given before the restore


def test_the_restore_is_refused_while_another_desk_has_the_file_open(
    lab,  # noqa: F811
    tmp_path,
    db_path,
):
    lab.create()
    backup = backups.backup_now(tmp_path / "copias")
    lab.create()
    other = sqlite3.connect(db_path)  # another desk's open connection (idle)
    other.execute("SELECT count(*) FROM lab_request").fetchone()
    db.execute_sql("PRAGMA busy_timeout = 200")
    try:
        with pytest.raises(BackupError, match="abierta en otra computadora"):
            backups.restore(backup)
    finally:
        other.close()
    assert LabRequest.select().count() == 2  # nothing changed
    assert not AuditLog.select().where(AuditLog.action == "restore").exists()
    lab.create()  # the desk goes on writing
    backups.restore(backup)  # and once the other desk closed, the restore goes through
    assert LabRequest.select().count() == 1
