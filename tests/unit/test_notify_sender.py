"""The WhatsApp sender against a loopback fake of the Cloud API (issue 18, part 3)."""

from __future__ import annotations

import datetime as dt
import json
import logging

import httpx
import pytest
from werkzeug import Response

from patolab_desktop.db.models import AuditLog, Customer, Outbox, Setting
from patolab_desktop.services.errors import ValidationError
from patolab_desktop.services.notify import config, outbox
from patolab_desktop.services.notify.sender import (
    AMBIGUOUS_RETRY_SECONDS,
    CAP_SECONDS,
    HALTED,
    LEASE_FLOOR,
    MAX_ATTEMPTS,
    NO_TOKEN,
    PAIR_SECONDS,
    PAUSED_AGAIN_RETRY_SECONDS,
    PAUSED_RETRY_SECONDS,
    Sender,
    backoff_delay,
)
from tests.unit.notify_helpers import (
    CONSENTING,
    PHONE_ID,
    TOKEN,
    Clock,
    api,  # noqa: F401
    error,
    ok,
    posted,
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
    pair = dt.timedelta(seconds=PAIR_SECONDS)
    waits = []
    for attempt in range(1, MAX_ATTEMPTS + 1):
        outcome = s.send_one()
        row = status(message_id)
        if attempt < MAX_ATTEMPTS:
            assert outcome == "retry" and row.status == "queued" and row.attempts == attempt
            waits.append((row.next_attempt_at - clock.now).total_seconds())
            assert s.send_one() is None  # not before its time
            # a retry is a message to the same recipient too: never within PAIR_SECONDS
            clock.now = max(row.next_attempt_at, row.claimed_at + pair)
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
    assert s.send_one() == HALTED and len(api.log) == 1  # nothing goes out while stopped
    config.resume()
    assert s.drain() == {"sent": 2}
    assert {status(first).status, status(second).status} == {"sent"}


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (131026, "no tiene WhatsApp"),
        (131047, "plantillas aprobadas"),
        (132001, "plantilla no existe"),
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


def _queued(*phones: str) -> list[int]:
    """A message queued to each of ``phones``, in that order."""
    return [queue(phone=phone) for phone in phones]


def test_opt_out_is_recorded(api):  # noqa: F811
    api.expect_request(URL).respond_with_json(error(131050), status=400)
    Customer.update(**CONSENTING).execute()
    message_id = queue()
    assert sender().send_one() == "failed"
    customer = Customer.get_by_id(status(message_id).customer_id)
    assert customer.whatsapp_consent == "no" and customer.consent_by == "whatsapp"


def test_one_message_per_recipient_every_6_seconds(api):  # noqa: F811
    api.expect_request(URL).respond_with_json(ok())
    first, second, other = _queued("+50499990000", "+50499990000", "+50499990001")
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

    Customer.update(**CONSENTING, is_blocked=True).execute()
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
    assert sender().send_one() == NO_TOKEN
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


# --- review of issue 18: consent, retries, flags, texts, token ---------------------------


@pytest.mark.parametrize(
    ("change", "reason", "words"),
    [
        ({"whatsapp_consent": "no"}, "no_consent", "retiró su consentimiento"),
        ({"whatsapp_consent": ""}, "no_consent", "no ha aceptado"),
        ({"is_blocked": True}, "blocked", "bloqueado"),
    ],
)
def test_an_opt_out_or_a_block_is_honoured_at_send_time(api, change, reason, words):  # noqa: F811
    """Queued while the patient consented; then the patient withdrew or was blocked (here
    behind the services' back, as an import would): nothing is posted."""
    api.expect_request(URL).respond_with_json(ok())
    message_id = queue()
    other_patient = queue(phone="+50499990002")
    Customer.update(**change).where(Customer.id == status(message_id).customer_id).execute()
    Outbox.update(customer_id=None).where(Outbox.id == other_patient).execute()  # a test message
    assert sender().drain() == {"sent": 1}
    row = status(message_id)
    assert (row.status, row.error_code, row.attempts) == ("cancelled", reason, 0)
    assert words in outbox._row(row)["error_text"]
    assert [p["to"] for p in posted(api)] == ["50499990002"]


def test_an_opt_out_answer_stops_the_patients_other_queued_messages(api):  # noqa: F811
    api.expect_ordered_request(URL).respond_with_json(error(131050, "user stopped"), status=400)
    api.expect_request(URL).respond_with_json(ok())
    first, second = queue(phone="+50499990000"), queue(phone="+50499990001")
    clock = Clock()
    s = sender(clock)
    assert s.send_one() == "failed"
    assert status(second).status == "cancelled"  # at once, not when its turn comes
    Outbox.update(status="queued").where(Outbox.id == second).execute()
    clock.advance(seconds=60)
    assert s.send_one() is None  # and the send-time check holds on its own
    assert len(api.log) == 1
    assert status(first).error_code == "131050"
    assert (status(second).status, status(second).error_code) == ("cancelled", "no_consent")


def _timeout_then_ok(calls: list):
    def handler(request):
        calls.append(request)
        if len(calls) == 1:  # WhatsApp may have taken it; the answer never came back
            raise httpx.ReadTimeout("timed out", request=request)
        return httpx.Response(200, json=ok("wamid.T"))

    return httpx.Client(transport=httpx.MockTransport(handler))


def test_after_an_ambiguous_timeout_the_retry_waits_minutes(api):  # noqa: F811
    assert AMBIGUOUS_RETRY_SECONDS >= 60  # "never retry instantly after an ambiguous timeout"
    message_id = queue()
    calls: list = []
    clock = Clock()
    s = sender(clock, rand=lambda: 0.0, client=_timeout_then_ok(calls))  # jitter says "now"
    start = clock.now
    assert s.send_one() == "retry"
    row = status(message_id)
    assert row.error_code == "timeout"
    assert row.next_attempt_at == start + dt.timedelta(seconds=AMBIGUOUS_RETRY_SECONDS)
    assert "unos minutos" in outbox._row(row)["error_text"]
    clock.now = row.next_attempt_at - dt.timedelta(seconds=1)
    assert s.send_one() is None and len(calls) == 1
    clock.now = row.next_attempt_at
    assert s.send_one() == "sent" and len(calls) == 2


def test_a_refused_connection_is_not_ambiguous(api):  # noqa: F811
    """Nothing left the computer: the usual backoff, and the reason says so."""

    def refused(request):
        raise httpx.ConnectError("refused", request=request)

    message_id = queue()
    clock = Clock()
    s = sender(clock, client=httpx.Client(transport=httpx.MockTransport(refused)))
    assert s.send_one() == "retry"
    row = status(message_id)
    assert row.error_code == "network" and row.next_attempt_at == clock.now + dt.timedelta(
        seconds=2
    )
    assert "No se pudo conectar" in outbox._row(row)["error_text"]


@pytest.mark.parametrize("jitter", [0.0, 1.0])
def test_after_131056_the_same_number_waits_the_pair_interval(api, jitter):  # noqa: F811
    api.expect_ordered_request(URL).respond_with_json(error(131056, "pair limit"), status=400)
    api.expect_request(URL).respond_with_json(ok())
    message_id = queue(phone="+50499990000")
    clock = Clock()
    s = sender(clock, rand=lambda: jitter)
    start = clock.now
    assert s.send_one() == "retry"
    row = status(message_id)
    assert row.next_attempt_at >= start + dt.timedelta(seconds=PAIR_SECONDS)
    clock.now = row.next_attempt_at - dt.timedelta(seconds=0.5)
    assert s.send_one() is None and len(api.log) == 1
    clock.now = row.next_attempt_at
    assert s.send_one() == "sent"


def test_the_pair_check_counts_the_message_itself(api):  # noqa: F811
    """Even with a short wait stored, a message is not posted again to its number within
    PAIR_SECONDS of its own last post."""
    api.expect_ordered_request(URL).respond_with_json(error(131000, "temporary"), status=500)
    api.expect_request(URL).respond_with_json(ok())
    message_id = queue()
    clock = Clock()
    s = sender(clock, rand=lambda: 0.0)  # retry "at once"
    start = clock.now
    assert s.send_one() == "retry"
    assert status(message_id).next_attempt_at == start
    clock.advance(seconds=PAIR_SECONDS - 1)
    assert s.send_one() is None and len(api.log) == 1
    clock.now = start + dt.timedelta(seconds=PAIR_SECONDS)
    assert s.send_one() == "sent"


def test_a_paused_template_is_retried_after_hours(api):  # noqa: F811
    api.expect_ordered_request(URL).respond_with_json(error(132015, "paused"), status=400)
    api.expect_ordered_request(URL).respond_with_json(error(132015, "paused"), status=400)
    api.expect_request(URL).respond_with_json(ok())
    message_id = queue("ready")
    clock = Clock()
    s = sender(clock, rand=lambda: 0.0)
    assert s.send_one() == "retry"
    row = status(message_id)
    assert row.status == "queued"
    assert row.next_attempt_at == clock.now + dt.timedelta(seconds=PAUSED_RETRY_SECONDS)
    assert PAUSED_RETRY_SECONDS == 3 * 3600 and PAUSED_AGAIN_RETRY_SECONDS == 6 * 3600
    assert "en unas horas" in outbox._row(row)["error_text"]
    clock.advance(hours=2, minutes=59)
    assert s.send_one() is None
    clock.now = row.next_attempt_at
    assert s.send_one() == "retry"  # paused again: now 6 hours
    row = status(message_id)
    assert row.next_attempt_at == clock.now + dt.timedelta(seconds=PAUSED_AGAIN_RETRY_SECONDS)
    clock.now = row.next_attempt_at
    assert s.send_one() == "sent" and len(api.log) == 3


def test_a_number_without_whatsapp_is_flagged(api):  # noqa: F811
    api.expect_ordered_request(URL).respond_with_json(error(131026, "undeliverable"), status=400)
    api.expect_request(URL).respond_with_json(ok())
    first, second, elsewhere = _queued("+50499990000", "+50499990000", "+50499990001")
    clock = Clock()
    s = sender(clock)
    assert s.send_one() == "failed"
    clock.advance(seconds=PAIR_SECONDS + 1)
    assert s.drain() == {"sent": 1}
    assert [p["to"] for p in posted(api)] == ["50499990000", "50499990001"]
    assert (status(first).status, status(first).error_code) == ("failed", "131026")
    assert (status(second).status, status(second).error_code) == ("cancelled", "no_whatsapp")
    assert "impresos o por correo" in outbox._row(status(second))["error_text"]
    assert status(elsewhere).status == "sent"


def test_an_accepted_answer_is_never_lost_to_another_desks_expiry(api):  # noqa: F811
    api.expect_request(URL).respond_with_json(ok("wamid.ACCEPTED"))
    message_id = queue("received")
    clock = Clock()
    clock.now = status(message_id).expires_at - dt.timedelta(seconds=1)
    desk_a = Sender(now=clock, rand=lambda: 1.0, worker="desk-a")
    desk_b = Sender(now=clock, rand=lambda: 1.0, worker="desk-b")
    claimed = desk_a._claim()  # desk A claims it 1 s before it expires, and posts it
    clock.advance(seconds=2)
    assert desk_b._claim() is None  # desk B's round while A's post is in flight
    assert status(message_id).status == "sending"  # a live claim is not expired
    kind, code, message = desk_a._post(claimed, TOKEN, config._api_config())
    assert desk_a._record(claimed, kind, code, message) == "sent"
    row = status(message_id)
    assert (row.status, row.wamid) == ("sent", "wamid.ACCEPTED")


def test_a_late_accepted_answer_wins_over_an_expiry(api):  # noqa: F811
    """Desk A hung past its lease; desk B expired the row. WhatsApp did accept it: the
    outbox says so."""
    api.expect_request(URL).respond_with_json(ok("wamid.LATE"))
    message_id = queue("received")
    clock = Clock()
    clock.now = status(message_id).expires_at - dt.timedelta(seconds=1)
    desk_a = Sender(now=clock, rand=lambda: 1.0, worker="desk-a")
    claimed = desk_a._claim()
    clock.advance(seconds=LEASE_FLOOR + 1)
    assert Sender(now=clock, rand=lambda: 1.0, worker="desk-b")._claim() is None
    assert status(message_id).status == "expired"
    kind, code, message = desk_a._post(claimed, TOKEN, config._api_config())
    desk_a._record(claimed, kind, code, message)
    row = status(message_id)
    assert (row.status, row.wamid, row.error_code) == ("sent", "wamid.LATE", "")


ALL_CODES = [
    190, 0, 3, 10, 200, 299, 131031, 368, 130497, 131042,
    130429, 4, 80007, 131056, 131000, 1, 2, 131016, 131057, 132015,
    131026, 131047, 131050, 132000, 132001, 132005, 132007, 132008, 132012, 132016,
    100, 131008, 131009, 131051, 131030, 987654,
]  # fmt: skip


@pytest.mark.parametrize("answer", [*ALL_CODES, "http404", "http400", "http502", "http429"])
def test_every_reason_tells_what_the_sender_does(api, answer):  # noqa: F811
    if isinstance(answer, int):
        api.expect_request(URL).respond_with_json(error(answer), status=400)
    else:
        api.expect_request(URL).respond_with_data("<html>", status=int(answer[4:]))
    message_id = queue()
    outcome = sender().send_one()
    row = status(message_id)
    stopped = outcome == "stopped"  # the banner's reason
    shown = config.stopped()["reason"] if stopped else outbox._row(row)["error_text"]
    assert shown
    if outcome == "retry":
        assert "se reintentará" in shown and "rechazó" not in shown
    else:
        assert "reintentará" not in shown
    if answer == "http404":
        assert outcome == "failed" and "HTTP 404" in shown


BAD_TOKEN = "EAAGsecretodeprueba0123456789abcdef…"


@pytest.mark.parametrize(
    "token", [BAD_TOKEN, "EAAG“secretodeprueba0123456789”", "EAAGcontraseñadeprueba0123456789"]
)
def test_a_token_with_a_character_it_cannot_carry_is_refused(api, token):  # noqa: F811
    with pytest.raises(ValidationError) as refused:
        config.set_token(token)
    assert "Cópiela de nuevo" in refused.value.fields["token"]
    assert config._token() == TOKEN  # the stored one is kept


def test_a_local_error_stops_all_sending_and_alerts_the_administrator(api, caplog):  # noqa: F811
    """A token stored before the check (or any request httpx cannot build) must not burn
    every message's attempts: sending stops, the banner says why."""
    caplog.set_level(logging.DEBUG)
    api.expect_request(URL).respond_with_json(ok())
    message_id = queue()
    s = Sender(now=Clock(), rand=lambda: 1.0, worker="test", token=lambda: BAD_TOKEN)
    assert s.send_one() == "stopped"
    row = status(message_id)
    assert (row.status, row.attempts) == ("queued", 0) and api.log == []
    state = config.stopped()
    assert state["code"] == "local" and "clave de acceso" in state["reason"]
    assert s.send_one() == HALTED  # stopped until the administrator resumes
    assert BAD_TOKEN[:20] not in caplog.text
