"""``patolab notify`` as a scheduled task runs it: a run that cannot send anything (no
access token on this computer, sending stopped after 190) says why and what to do and
exits 1; ``--once`` without ``--run`` is refused; the summary of a run is Spanish."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from patolab_desktop.db.models import Outbox
from patolab_desktop.services.access import permissions
from patolab_desktop.services.notify import config
from patolab_desktop.services.notify.sender import HALTED, NO_TOKEN, Sender
from tests.cli_process import patolab
from tests.security_helpers import PASSWORD, make_user
from tests.unit.notify_helpers import PHONE_ID, Clock, api, error, ok, queue  # noqa: F401

URL = f"/v25.0/{PHONE_ID}/messages"


@pytest.fixture
def run(api, db_target):  # noqa: F811
    """``patolab notify ARGS`` as a Recepción account (it holds notify.send)."""
    make_user("enviador", permissions.ROLE_RECEPTION)
    home = Path(os.environ["PATOLAB_HOME"])

    def run(*args):
        return patolab(
            "notify", *args, "--db", str(db_target), home=home, user="enviador", password=PASSWORD
        )

    return run


def _run_that_cannot_send(run, why: str):
    """The sender gives up with ``why``; so does ``--run --once``: it exits 1 and does not
    say «Nada que enviar»."""
    assert Sender(now=Clock(), worker="t").send_one() == why
    result = run("--run", "--once")
    assert result.returncode == 1, result
    assert "Nada que enviar" not in result.stdout
    return result


def test_without_a_token_the_run_fails_and_says_where_to_set_it(run, api):  # noqa: F811
    queue()
    config.set_token("")
    result = _run_that_cannot_send(run, NO_TOKEN)
    assert "no tiene la clave de acceso de WhatsApp (1 en cola)" in result.stderr
    assert "Configuración de WhatsApp" in result.stderr
    assert Outbox.get().status == "queued" and api.log == []
    status = run()  # the status view says it too, and is not an error
    assert status.returncode == 0 and "no tiene la clave de acceso" in status.stdout


def test_while_stopped_the_run_fails_and_says_how_to_resume(run, api):  # noqa: F811
    queue()
    config._stop("190")
    result = _run_that_cannot_send(run, HALTED)
    assert "DETENIDO" in result.stderr and "venció" in result.stderr
    assert "Reanudar el envío" in result.stderr
    assert api.log == []


def test_a_run_that_stops_on_190_reports_what_it_sent_and_fails(run, api):  # noqa: F811
    api.expect_ordered_request(URL).respond_with_json(ok("wamid.1"))
    api.expect_ordered_request(URL).respond_with_json(error(190), status=401)
    queue(), queue(), queue()
    result = run("--run", "--once")
    assert result.returncode == 1, result
    assert result.stdout.strip() == "Aceptados por WhatsApp: 1"
    assert "DETENIDO" in result.stderr and "(2 en cola)" in result.stderr


def test_once_without_run_is_refused(run):
    queue()
    result = run("--once")
    assert result.returncode == 2 and "--once solo sirve con --run" in result.stderr


def test_the_summary_of_a_run_is_spanish(run, api):  # noqa: F811
    api.expect_ordered_request(URL).respond_with_json(ok("wamid.1"))
    api.expect_ordered_request(URL).respond_with_json(error(131026), status=400)
    queue(), queue()
    result = run("--run", "--once")
    assert result.returncode == 0, result
    assert result.stdout.strip() == "Aceptados por WhatsApp: 1, Fallaron: 1"
    nothing = run("--run", "--once")
    assert nothing.returncode == 0 and nothing.stdout.strip() == "Nada que enviar."
