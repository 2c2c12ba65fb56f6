"""The WhatsApp sender against a loopback fake of the Cloud API (issue 18, part 3)."""

from __future__ import annotations

import datetime as dt
import json
import logging

import httpx
import pytest
from werkzeug import Response

from patolab_desktop.db.models import AuditLog, Customer, Outbox, Setting
from patolab_desktop.services.notify import config, outbox
from patolab_desktop.services.notify.sender import (
    CAP_SECONDS,
    LEASE_FLOOR,
    MAX_ATTEMPTS,
    Sender,
    backoff_delay,
)
from tests.unit.notify_helpers import (
    PHONE_ID,
    TOKEN,
    Clock,
    api,  # noqa: F401
    error,
    ok,
    queue,
    status,
)

URL = f"/v25.0/{PHONE_ID}/messages"


def sender(clock=None, rand=lambda: 1.0, **kw) -> Sender:
    return Sender(now=clock or Clock(), rand=rand, worker="test", **kw)


def test_the_request_body_and_headers(api):  # noqa: F811
    api.expect_request(URL, method="POST").respond_with_json(ok("wamid.ABC"))
    message_id = queue("received", phone="+50499887766", params=("Ana", "SPS-2026-7", "L 230.00"))
    assert sender().send_one() == "sent"
    ((request, _),) = api.log
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert json.loads(request.get_data()) == {
        "messaging_product": "whatsapp",
        "to": "50499887766",
        "type": "template",
        "template": {
            "name": "solicitud_recibida",
            "language": {"code": "es"},
            "components": [
                {
                    "type": "body",
                    "parameters": [
                        {"type": "text", "text": "Ana"},
                        {"type": "text", "text": "SPS-2026-7"},
                        {"type": "text", "text": "L 230.00"},
                    ],
                }
            ],
        },
        "biz_opaque_callback_data": str(message_id),
    }
    row = status(message_id)
    assert (row.status, row.wamid, row.attempts) == ("sent", "wamid.ABC", 1)
    assert outbox._row(row)["status_label"] == "Aceptado por WhatsApp"  # not "delivered"


def test_the_token_is_never_logged_nor_stored(api, caplog):  # noqa: F811
    caplog.set_level(logging.DEBUG)
    api.expect_ordered_request(URL).respond_with_json(ok())
    api.expect_ordered_request(URL).respond_with_json(
        error(100, f"Invalid parameter near {TOKEN}"), status=400
    )
    api.expect_ordered_request(URL).respond_with_json(error(190, "expired"), status=401)
    for _ in range(3):
        queue()
    clock = Clock()
    s = sender(clock)
    assert [s.send_one(), s.send_one(), s.send_one()] == ["sent", "failed", "stopped"]
    assert TOKEN not in caplog.text and TOKEN[-12:] not in caplog.text
    stored = [row.value for row in Setting.select()]
    stored += [m.error_text for m in Outbox.select()]
    stored += [a.changes + a.detail for a in AuditLog.select()]
    assert not any(TOKEN in text for text in stored)
    assert config.token_hint() == "…" + TOKEN[-4:]


def test_backoff_with_full_jitter_then_failed(api):  # noqa: F811
    api.expect_request(URL).respond_with_json(error(131000, "temporary"), status=500)
    message_id = queue()
    clock = Clock()
    s = sender(clock, rand=lambda: 1.0)  # the top of each jitter range
    waits = []
    for attempt in range(1, MAX_ATTEMPTS + 1):
        outcome = s.send_one()
        row = status(message_id)
        if attempt < MAX_ATTEMPTS:
            assert outcome == "retry" and row.status == "queued" and row.attempts == attempt
            waits.append((row.next_attempt_at - clock.now).total_seconds())
            assert s.send_one() is None  # not before its time
            clock.now = row.next_attempt_at
        else:
            assert outcome == "failed"
    assert waits == [2, 4, 8, 16, 32, 64, 128]
    row = status(message_id)
    assert (row.status, row.error_code) == ("failed", "attempts")
    assert "Reintentar" in outbox._row(row)["error_text"]
    assert len(api.log) == MAX_ATTEMPTS
    # full jitter: anywhere in [0, min(cap, 2·2^(n-1))], capped at 15 minutes
    assert backoff_delay(1, lambda: 0.0) == 0
    assert backoff_delay(20, lambda: 1.0) == CAP_SECONDS


def test_stop_all_until_the_administrator_resumes(api):  # noqa: F811
    api.expect_ordered_request(URL).respond_with_json(error(190, "token expired"), status=401)
    api.expect_ordered_request(URL).respond_with_json(ok())
    api.expect_ordered_request(URL).respond_with_json(ok())
    first, second = queue(), queue()
    clock = Clock()
    s = sender(clock)
    assert s.send_one() == "stopped"
    state = config.stopped()
    assert state["code"] == "190" and "venció" in state["reason"]
    assert status(first).status == "queued" and status(first).attempts == 0
    clock.advance(hours=1)
    assert s.send_one() is None and len(api.log) == 1  # nothing goes out while stopped
    config.resume()
    assert s.drain() == {"sent": 2}
    assert {status(first).status, status(second).status} == {"sent"}


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (131026, "no tiene WhatsApp"),
        (131047, "plantillas aprobadas"),
        (132001, "plantilla no existe"),
        (132015, "en pausa"),
        (100, "rechazó un dato"),
    ],
)
def test_permanent_errors_fail_at_once_with_the_reason_in_spanish(api, code, words):  # noqa: F811
    api.expect_request(URL).respond_with_json(error(code), status=400)
    message_id = queue()
    assert sender().send_one() == "failed"
    row = status(message_id)
    assert row.status == "failed" and row.error_code == str(code) and row.attempts == 1
    assert words in outbox._row(row)["error_text"]
    assert config.stopped() is None


@pytest.mark.parametrize("code", [0, 10, 131031, 131042])
def test_account_errors_stop_everything(api, code):  # noqa: F811
    api.expect_request(URL).respond_with_json(error(code), status=400)
    queue()
    assert sender().send_one() == "stopped"
    assert config.stopped()["code"] == str(code)


@pytest.mark.parametrize("code", [130429, 131056, 131016])
def test_throttling_and_temporary_errors_retry(api, code):  # noqa: F811
    api.expect_request(URL).respond_with_json(error(code), status=400)
    message_id = queue()
    assert sender().send_one() == "retry"
    assert status(message_id).status == "queued"


def test_5xx_without_json_and_timeouts_retry(api):  # noqa: F811
    api.expect_request(URL).respond_with_data("Bad gateway", status=502)
    first = queue()
    assert sender().send_one() == "retry"
    assert status(first).error_code == "http502"

    def timeout(request):
        raise httpx.ReadTimeout("timed out", request=request)

    second = queue()
    Outbox.update(status="cancelled").where(Outbox.id == first).execute()
    s = sender(client=httpx.Client(transport=httpx.MockTransport(timeout)))
    assert s.send_one() == "retry"
    assert (
        status(second).error_code == "timeout"
        and "Sin respuesta" in outbox._row(status(second))["error_text"]
    )


def test_opt_out_is_recorded(api):  # noqa: F811
    api.expect_request(URL).respond_with_json(error(131050), status=400)
    Customer.update(whatsapp_consent="yes").execute()
    message_id = queue()
    assert sender().send_one() == "failed"
    customer = Customer.get_by_id(status(message_id).customer_id)
    assert customer.whatsapp_consent == "no" and customer.consent_by == "whatsapp"


def test_one_message_per_recipient_every_6_seconds(api):  # noqa: F811
    api.expect_request(URL).respond_with_json(ok())
    first = queue(phone="+50499990000")
    second = queue(phone="+50499990000")
    other = queue(phone="+50499990001")
    clock = Clock()
    s = sender(clock)
    assert s.drain() == {"sent": 2}
    assert status(first).status == "sent" and status(other).status == "sent"
    assert status(second).status == "queued"
    clock.advance(seconds=5)
    assert s.send_one() is None
    clock.advance(seconds=1.5)
    assert s.send_one() == "sent"


def test_stale_news_expires_instead_of_being_sent(api):  # noqa: F811
    api.expect_request(URL).respond_with_json(ok())
    received = queue("received")
    ready = queue("ready")
    clock = Clock()
    clock.advance(hours=49)  # an outage of two days
    assert sender(clock).drain() == {"sent": 1}
    assert status(received).status == "expired" and status(ready).status == "sent"
    assert "vigente" in outbox._row(status(received))["error_text"]


def test_a_row_stuck_in_sending_is_retried_after_one_backoff_step(api):  # noqa: F811
    api.expect_request(URL).respond_with_json(ok())
    message_id = queue()
    clock = Clock()
    crashed = sender(clock)
    assert crashed._claim().id == message_id  # claimed, then the process died
    assert status(message_id).status == "sending"
    survivor = Sender(now=clock, rand=lambda: 1.0, worker="other")
    assert survivor.send_one() is None  # never instantly
    clock.advance(seconds=LEASE_FLOOR - 1)
    assert survivor.send_one() is None
    clock.advance(seconds=1)
    assert survivor.send_one() == "sent"
    row = status(message_id)
    assert row.attempts == 2 and row.claimed_by == "other"
    # the dead sender's late answer is not recorded over the survivor's
    crashed._record(row, "sent", "wamid.late", "")
    assert status(message_id).wamid == "wamid.HBgL"


def test_blocked_patients_get_nothing_sent(api):  # noqa: F811
    from patolab_desktop.services import requests
    from tests.unit.requests_fixtures import make_doctor, make_investigation

    Customer.update(whatsapp_consent="yes", is_blocked=True).execute()
    patient = Customer.select().first().id
    draft = requests.RequestDraft(
        patient_id=patient,
        doctor_id=make_doctor(),
        investigation_ids=[make_investigation("HEM", "Hemograma", "150")],
    )
    requests.create(draft)
    assert Outbox.select().count() == 0
    assert sender().drain() == {} and api.log == []


def test_without_a_token_nothing_is_claimed(api):  # noqa: F811
    config.set_token("")
    message_id = queue()
    assert sender().send_one() is None
    assert status(message_id).status == "queued" and api.log == []


def test_the_outbox_answers_with_counts(api):  # noqa: F811
    api.expect_request(URL).respond_with_json(ok())
    queue()
    queue()
    sender().send_one()
    counts = outbox.counts()
    assert counts["sent"] == 1 and counts["queued"] == 1 and outbox.queue_size() == 1


def test_a_handler_can_hold_a_response(api):  # noqa: F811
    """The fake answers a non-JSON 200 (a proxy page): retried, never marked sent."""
    api.expect_request(URL).respond_with_response(Response("<html>", status=200))
    message_id = queue()
    assert sender().send_one() == "retry"
    assert status(message_id).status == "queued"


def test_next_attempt_times_are_in_the_future(api):  # noqa: F811
    api.expect_request(URL).respond_with_json(error(130429), status=429)
    message_id = queue()
    clock = Clock()
    sender(clock, rand=lambda: 0.5).send_one()
    row = status(message_id)
    assert row.next_attempt_at == clock.now + dt.timedelta(seconds=1)


@pytest.mark.skipif(
    not __import__("tests.conftest", fromlist=["PG_URL"]).PG_URL,
    reason="the race between desks exists only on PostgreSQL (SQLite claims under "
    "BEGIN IMMEDIATE, one desk at a time)",
)
def test_two_desks_never_send_to_one_number_within_6_seconds(api, db_target):  # noqa: F811
    """Desk B must not claim a second message for a number while desk A is between picking
    its row and committing the claim (neither sees the other's uncommitted claim)."""
    import threading

    import psycopg2

    api.expect_request(URL).respond_with_json(ok())
    queue(phone="+50499990000")
    queue(phone="+50499990000")
    held, release = threading.Event(), threading.Event()

    def desk_a():  # another desk's claim transaction, on its own connection
        conn = psycopg2.connect(str(db_target))
        with conn, conn.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", ("+50499990000",))
            held.set()
            release.wait(timeout=30)
        conn.close()

    thread = threading.Thread(target=desk_a)
    thread.start()
    assert held.wait(timeout=30)
    try:
        assert sender().send_one() is None  # desk B leaves it for the next round
    finally:
        release.set()
        thread.join(timeout=30)
    assert sender().send_one() == "sent"  # once desk A is done
