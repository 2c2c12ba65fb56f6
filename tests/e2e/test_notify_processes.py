"""The WhatsApp sender as separate processes (``patolab notify --run``) on one database:
a sender killed mid-send loses nothing and sends at most twice; two senders claiming
from one database send each message exactly once (issue 18)."""

from __future__ import annotations

import collections
import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from werkzeug import Response

from patolab_desktop.db.models import Outbox
from patolab_desktop.services.notify.sender import LEASE_FLOOR, Sender
from tests.unit.notify_helpers import PHONE_ID, Clock, api, ok, queue  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
URL = f"/v25.0/{PHONE_ID}/messages"


SENDER = "enviador"
ACCEPTED = "Aceptados por WhatsApp: "


@pytest.fixture
def sender_user(api):  # noqa: F811
    """The CLI acts as a signed-in user (on PostgreSQL always): a Recepción account, which
    holds notify.send."""
    from patolab_desktop.services.access import permissions
    from tests.security_helpers import PASSWORD, make_user

    make_user(SENDER, permissions.ROLE_RECEPTION)
    return PASSWORD


def start_sender(db_target, password) -> subprocess.Popen:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PATOLAB_PASSWORD": password}
    return subprocess.Popen(
        [sys.executable, "-m", "patolab_desktop.cli", "notify", "--run", "--once"]
        + ["--db", str(db_target), "--user", SENDER],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _ids(httpserver) -> list[int]:
    return [
        int(json.loads(request.get_data())["biz_opaque_callback_data"])
        for request, _ in httpserver.log
    ]


def test_sigkill_in_the_middle_of_a_send(api, db_target, sender_user):  # noqa: F811
    arrived, release = threading.Event(), threading.Event()
    calls = []

    def handler(request):
        calls.append(request)
        if len(calls) == 1:  # the first post: the sender is killed while it waits
            arrived.set()
            release.wait(60)
        return Response(json.dumps(ok(f"wamid.{len(calls)}")), content_type="application/json")

    api.expect_request(URL).respond_with_handler(handler)
    message_id = queue()
    child = start_sender(db_target, sender_user)
    try:
        assert arrived.wait(60), child.stderr.read() if child.poll() is not None else ""
        os.kill(child.pid, signal.SIGKILL)
        child.wait(60)
    finally:
        release.set()
    row = Outbox.get_by_id(message_id)
    assert row.status == "sending" and row.attempts == 1  # not lost: still claimed
    clock = Clock()
    survivor = Sender(now=clock, rand=lambda: 1.0, worker="restart")
    assert survivor.send_one() is None  # never instantly after a crash
    clock.now = row.next_attempt_at
    assert row.next_attempt_at >= row.claimed_at + __import__("datetime").timedelta(
        seconds=LEASE_FLOOR
    )
    assert survivor.send_one() == "sent"
    row = Outbox.get_by_id(message_id)
    assert row.status == "sent" and row.attempts == 2
    assert _ids(api).count(message_id) == 2  # at most twice, never lost


@pytest.mark.timeout(240)
def test_two_processes_send_each_message_exactly_once(api, db_target, sender_user):  # noqa: F811
    api.expect_request(URL).respond_with_json(ok())
    ids = [queue(phone=f"+5049900{n:04d}") for n in range(40)]
    children = [start_sender(db_target, sender_user), start_sender(db_target, sender_user)]
    outputs = [child.communicate(timeout=180) for child in children]
    assert [child.returncode for child in children] == [0, 0], outputs
    counts = collections.Counter(_ids(api))
    assert sorted(counts) == sorted(ids) and set(counts.values()) == {1}
    assert {row.status for row in Outbox.select()} == {"sent"}
    # each process reports what it sent ("Aceptados por WhatsApp: N"); together exactly the 40
    sent = [
        int(out.split(ACCEPTED)[1].split(",")[0]) if ACCEPTED in out else 0 for out, _ in outputs
    ]
    assert sum(sent) == len(ids), outputs
    assert len({row.claimed_by for row in Outbox.select()}) == sum(1 for n in sent if n)
