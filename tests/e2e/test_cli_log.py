"""The command line keeps the same rotating log as the app (0600): a library's warning and
the traceback of an unexpected failure go there; stderr keeps the Spanish messages only."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from patolab_desktop import cli
from patolab_desktop.commands import maintenance
from patolab_desktop.services.access import permissions
from tests.cli_process import run_python
from tests.security_helpers import PASSWORD, make_user


def _log_file() -> Path:
    return Path(os.environ["PATOLAB_HOME"]) / "logs" / "patolab.log"


def test_a_library_warning_goes_to_the_log_not_to_the_screen(database, db_target):
    make_user("enviador", permissions.ROLE_RECEPTION)
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "PATOLAB_PASSWORD": PASSWORD,
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",  # no credential store
    }
    done = run_python(
        "-m", "patolab_desktop.cli", "--db", db_target, "notify", "--user", "enviador", env=env
    )
    assert done.returncode == 0, done.stderr
    assert "credential store" not in done.stderr and "Error" not in done.stderr, done.stderr
    assert "no tiene la clave de acceso de WhatsApp" in done.stdout  # the Spanish notice
    log = _log_file()
    assert "No credential store for the WhatsApp token" in log.read_text(encoding="utf-8")
    if os.name == "posix":
        assert stat.S_IMODE(log.stat().st_mode) == 0o600


def test_an_unexpected_failure_is_one_line_and_its_traceback_goes_to_the_log(
    database, db_target, capsys, monkeypatch
):
    def broken(args):
        raise RuntimeError("fallo de prueba")

    monkeypatch.setattr(maintenance, "run_check", broken)
    assert cli.main(["--db", str(db_target), "check"]) == 1
    err = capsys.readouterr().err
    assert err == "Error: RuntimeError: fallo de prueba\n"
    logged = _log_file().read_text(encoding="utf-8")
    assert "Command failed" in logged and "Traceback" in logged and "fallo de prueba" in logged
