"""The sender's worker thread in the app drains the queue against the loopback fake
while the GUI thread keeps running its timers (issue 18)."""

from __future__ import annotations

from PySide6.QtCore import QTimer

from patolab_desktop.db.models import Outbox
from patolab_desktop.services.notify.sender import Sender
from patolab_desktop.ui.notify.worker import SenderThread
from tests.unit.notify_helpers import PHONE_ID, api, ok, queue  # noqa: F401

URL = f"/v25.0/{PHONE_ID}/messages"


def test_the_worker_thread_sends_while_the_gui_keeps_beating(qtbot, api):  # noqa: F811
    api.expect_request(URL).respond_with_json(ok())
    ids = [queue(phone=f"+5049911{n:04d}") for n in range(60)]
    beats = []
    heartbeat = QTimer()
    heartbeat.setInterval(10)
    heartbeat.timeout.connect(lambda: beats.append(1))
    heartbeat.start()
    thread = SenderThread(sender_factory=lambda: Sender(worker="gui"), idle_seconds=0.05)
    thread.start()
    try:
        qtbot.waitUntil(
            lambda: Outbox.select().where(Outbox.status == "sent").count() == len(ids),
            timeout=60_000,
        )
    finally:
        thread.stop()
        heartbeat.stop()
    assert not thread.isRunning()
    assert len(api.log) == len(ids)
    assert beats  # the GUI thread ran its timer during the drain
