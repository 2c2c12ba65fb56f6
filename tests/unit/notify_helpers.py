"""Set-up for the WhatsApp sender tests: a loopback fake of the Cloud API
(pytest-httpserver), settings pointing at it, a token in the test keyring, a clock the
tests move by hand and queued messages."""

from __future__ import annotations

import datetime as dt
import itertools
import json

import pytest

from patolab_desktop.db.models import Customer, Outbox, Setting
from patolab_desktop.services.notify import config, outbox
from patolab_desktop.services.notify.events import CONSENT_EVENTS

TOKEN = "EAAG-secreto-de-prueba-0123456789abcdef"
PHONE_ID = "109876543210"
_phones = itertools.count(1000)
# a patient who said yes, at the desk, to every kind of message
EVERY_KIND = ",".join(CONSENT_EVENTS)
CONSENTING = {"whatsapp_consent": "yes", "consent_how": "in_person", "consent_events": EVERY_KIND}


class Clock:
    def __init__(self):
        self.now = dt.datetime.now() + dt.timedelta(seconds=1)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += dt.timedelta(**delta)


def ok(request_id="wamid.HBgL") -> dict:
    return {
        "messaging_product": "whatsapp",
        "contacts": [{"input": "x", "wa_id": "x"}],
        "messages": [{"id": request_id}],
    }


def error(code: int, message: str = "error") -> dict:
    return {"error": {"message": message, "type": "OAuthException", "code": code}}


def point_at(httpserver) -> None:
    base = httpserver.url_for("/").rstrip("/")
    for key, value in (
        ("notify_api_base", base),
        ("notify_phone_number_id", PHONE_ID),
        ("notify_graph_version", "v25.0"),
    ):
        Setting.insert(key=key, value=value).on_conflict(
            conflict_target=[Setting.key], update={Setting.value: value}
        ).execute()
    config.set_token(TOKEN)


def queue(event="ready", phone=None, params=("Ana", "LAB-2026-000001")) -> int:
    """A queued message (as the request services would write it)."""
    phone = phone or f"+504998{next(_phones):05d}"
    customer = Customer.select().first()
    key = f"{event}:{next(_phones)}"
    result = outbox._insert(key, event, phone, list(params), customer=customer)
    assert isinstance(result, int), result
    return result


def posted(httpserver) -> list[dict]:
    return [json.loads(request.get_data()) for request, _response in httpserver.log]


def status(message_id) -> Outbox:
    return Outbox.get_by_id(message_id)


@pytest.fixture
def api(database, httpserver):
    from tests.unit.requests_fixtures import make_customer

    # the patient ``queue()`` writes for accepted WhatsApp: the sender checks it again
    # when it sends
    Customer.update(**CONSENTING).where(Customer.id == make_customer()).execute()
    point_at(httpserver)
    return httpserver
