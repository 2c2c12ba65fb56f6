"""Benchmarks of issue 18: marking a line released (status derivation plus the outbox
write) and the sender draining 1,000 messages against a loopback fake of the Cloud API
while a heartbeat timer measures how long the GUI thread is ever kept waiting."""

from __future__ import annotations

import json
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .figures import percentile, stats, timed
from .material import request_material

LINE_RELEASE_TARGET_MS = 10
DRAIN_TARGET_S = 60
HEARTBEAT_TARGET_MS = 50


def measure_line_release(result: dict, log, requests_count: int = 60, lines: int = 8) -> None:
    """Release every line of new requests one by one (p95 per call), in a transaction
    rolled back at the end: the database is left as it was."""
    from ..db.database import db
    from ..db.models import Customer
    from ..services import requests
    from ..services.notify.events import CONSENT_EVENTS

    log(f"Results: releasing {requests_count} × {lines} lines one by one…")
    material = request_material(requests_count, lines)
    times: list[float] = []
    with db.atomic() as txn:
        Customer.update(
            whatsapp_consent="yes",
            consent_how="in_person",
            consent_events=",".join(CONSENT_EVENTS),
            phone="+50499887766",
            is_blocked=False,
        ).where(Customer.id.in_(material.patients)).execute()
        for patient in material.patients:
            request_id = material.create_request(patient)
            for line in requests.get(request_id).lines:
                ms, _ = timed(requests.mark_lines, request_id, [line["id"]], "released")
                times.append(ms)
        txn.rollback()
    result["line_release"] = stats(times)
    result["line_release"]["target_ms"] = LINE_RELEASE_TARGET_MS


class _FakeApi(BaseHTTPRequestHandler):
    count = 0
    lock = threading.Lock()

    def do_POST(self):  # noqa: N802
        length = int(self.headers.get("Content-Length", 0))
        self.rfile.read(length)
        with _FakeApi.lock:
            _FakeApi.count += 1
            number = _FakeApi.count
        body = json.dumps({"messages": [{"id": f"wamid.bench{number}"}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # quiet
        pass


def measure_drain(result: dict, log, messages: int = 1000) -> None:
    """A fresh temporary database, ``messages`` queued to different phones, the app's
    sender thread against a loopback fake; a 10 ms heartbeat timer on the GUI thread."""
    from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from ..db.models import Outbox, Setting
    from ..services.access import session
    from ..services.bootstrap import close_db, open_db
    from ..services.notify import outbox
    from ..services.notify.sender import Sender
    from ..ui.notify.worker import SenderThread

    log(f"WhatsApp: draining {messages} messages against a loopback fake…")
    app = QApplication.instance() or QApplication([])
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeApi)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    folder = tempfile.mkdtemp(prefix="patolab-drain-")
    open_db(Path(folder) / "drain.db")
    try:
        with session.acting_as(session.system_actor("bench")):
            for key, value in (
                ("notify_api_base", f"http://127.0.0.1:{server.server_address[1]}"),
                ("notify_phone_number_id", "1234567890"),
            ):
                Setting.create(key=key, value=value)
            for n in range(messages):
                outbox._insert(f"ready:{n}", "ready", f"+504998{n:05d}", ["Ana", f"B-{n}"])
            gaps: list[float] = []
            clock = QElapsedTimer()
            clock.start()
            last = [clock.elapsed()]

            def beat():
                now = clock.elapsed()
                gaps.append(now - last[0])
                last[0] = now

            heartbeat = QTimer()
            heartbeat.setInterval(10)
            heartbeat.timeout.connect(beat)
            thread = SenderThread(
                sender_factory=lambda: Sender(token=lambda: "bench-token"), idle_seconds=0.05
            )
            loop = QEventLoop()
            poll = QTimer()
            poll.setInterval(100)

            def check():
                left = Outbox.select().where(Outbox.status.in_(["queued", "sending"])).count()
                if left == 0 or time.perf_counter() - start > 300:
                    loop.quit()

            poll.timeout.connect(check)
            start = time.perf_counter()
            heartbeat.start()
            poll.start()
            thread.start()
            loop.exec()
            seconds = time.perf_counter() - start
            heartbeat.stop()
            poll.stop()
            thread.stop()
            sent = Outbox.select().where(Outbox.status == "sent").count()
        result["notify_drain"] = {
            "messages": messages,
            "sent": sent,
            "posts": _FakeApi.count,
            "seconds": round(seconds, 2),
            "target_s": DRAIN_TARGET_S,
            "heartbeat_max_gap_ms": round(max(gaps), 1) if gaps else None,
            "heartbeat_p99_gap_ms": round(percentile(gaps, 0.99), 1) if gaps else None,
            "heartbeat_target_ms": HEARTBEAT_TARGET_MS,
        }
    finally:
        close_db()
        server.shutdown()
        app.processEvents()
