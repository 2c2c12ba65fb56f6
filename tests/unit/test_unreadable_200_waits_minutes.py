"""An HTTP 200 whose body does not say which message WhatsApp took (a cut answer, a
proxy's page) is an ambiguous answer: WhatsApp may have the message, so it is posted again
only after the long wait of a lost answer, never seconds later (review of the
notifications, finding 4; NOTIFICATIONS.md "Never retry instantly after an ambiguous
timeout")."""

from __future__ import annotations

import datetime as dt

import pytest

from patolab_desktop.services.notify import outbox
from patolab_desktop.services.notify.sender import AMBIGUOUS_RETRY_SECONDS, Sender
from tests.unit.notify_helpers import PHONE_ID, Clock, api, ok, posted, queue, status  # noqa: F401

URL = f"/v25.0/{PHONE_ID}/messages"


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("<html>OK</html>", "text/html"),  # a proxy's or a captive portal's page
        ('{"messaging_product": "whats', "application/json"),  # cut on its way back
        ('{"messaging_product": "whatsapp"}', "application/json"),  # no messages[0].id
    ],
)
def test_an_unreadable_200_is_posted_again_only_after_minutes(api, body, content_type):  # noqa: F811
    message_id = queue()
    api.expect_ordered_request(URL).respond_with_data(body, status=200, content_type=content_type)
    api.expect_ordered_request(URL).respond_with_json(ok("wamid.2"))
    clock = Clock()
    start = clock.now
    sender = Sender(now=clock, rand=lambda: 0.0, worker="desk")  # the jitter says "now"
    assert sender.send_one() == "retry"
    row = status(message_id)
    assert row.status == "queued"
    assert row.next_attempt_at == start + dt.timedelta(seconds=AMBIGUOUS_RETRY_SECONDS)
    assert "puede que sí lo haya recibido" in outbox._row(row)["error_text"]

    clock.advance(seconds=7)  # past the 6-s pair interval: the jitter alone would send it
    assert sender.send_one() is None and len(posted(api)) == 1
    clock.now = row.next_attempt_at
    assert sender.send_one() == "sent" and len(posted(api)) == 2
