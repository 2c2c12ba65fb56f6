"""A request entered on the wrong patient and corrected at the desk: its «recibida» notice
still waiting in the queue goes to the new patient (when they may be messaged), never to
the first one; a notice WhatsApp already took stays as it was (review of the
notifications, finding 2)."""

from __future__ import annotations

import json

import pytest

from patolab_desktop.db.models import Customer, Outbox
from patolab_desktop.services import requests
from patolab_desktop.services.access import permissions
from patolab_desktop.services.errors import RuleError
from patolab_desktop.services.notify import outbox
from patolab_desktop.services.notify.sender import Sender
from tests.security_helpers import fast_hashing, login_as  # noqa: F401
from tests.unit.notify_helpers import CONSENTING, PHONE_ID, Clock, ok, point_at, posted
from tests.unit.requests_fixtures import lab, make_customer  # noqa: F401

URL = f"/v25.0/{PHONE_ID}/messages"
ANA, BERTA = "+50499887766", "+50433112233"


@pytest.fixture
def moved(lab, httpserver, fast_hashing):  # noqa: F811
    """Ana's request, its «recibida» queued, and Berta (who accepted WhatsApp)."""
    point_at(httpserver)
    Customer.update(**CONSENTING, first_name="Ana").where(Customer.id == lab.patient).execute()
    berta = make_customer(name="Berta Reyes", phone=BERTA)
    Customer.update(**CONSENTING, first_name="Berta").where(Customer.id == berta).execute()
    login_as(permissions.ROLE_RECEPTION)
    request_id, number = lab.create(lab.hem)
    return request_id, number, berta


def _move(request_id, patient_id) -> None:
    detail = requests.get(request_id)
    requests.update(
        request_id, requests.RequestChanges(patient_id=patient_id), version=detail.version
    )


def test_the_queued_notice_goes_to_the_new_patient_only(moved, httpserver):
    request_id, number, berta = moved
    (first,) = Outbox.select()
    _move(request_id, berta)
    httpserver.expect_request(URL, method="POST").respond_with_json(ok("wamid.1"))
    assert Sender(now=Clock(), rand=lambda: 1.0, worker="desk").drain() == {"sent": 1}

    (body,) = posted(httpserver)
    assert body["to"] == BERTA.lstrip("+")
    params = [p["text"] for p in body["template"]["components"][0]["parameters"]]
    assert params[:2] == ["Berta", number]
    rows = {r["id"]: r for r in outbox.for_request(request_id)}
    assert rows[first.id]["status"] == "cancelled" and rows[first.id]["phone"] == ANA
    assert "pasó a otro paciente" in rows[first.id]["error_text"]
    # «Reintentar» on the first patient's notice would tell them of Berta's request
    assert "pasó a otro paciente" in rows[first.id]["retry_refused"]
    with pytest.raises(RuleError, match="pasó a otro paciente"):
        outbox.retry(first.id)
    # nor «Abrir en WhatsApp»: a chat with Ana about the request that is now Berta's
    with pytest.raises(RuleError, match="pasó a otro paciente"):
        outbox.open_link(first.id)


def test_nothing_is_queued_for_a_new_patient_who_did_not_consent(moved, httpserver):
    request_id, _number, berta = moved
    Customer.update(whatsapp_consent="no").where(Customer.id == berta).execute()
    _move(request_id, berta)
    assert [(m.phone, m.status) for m in Outbox.select()] == [(ANA, "cancelled")]
    assert Sender(now=Clock(), rand=lambda: 1.0, worker="desk").drain() == {}
    assert posted(httpserver) == []


def test_a_notice_already_accepted_stays_as_it_was(moved, httpserver):
    request_id, _number, berta = moved
    httpserver.expect_request(URL, method="POST").respond_with_json(ok("wamid.1"))
    assert Sender(now=Clock(), rand=lambda: 1.0, worker="desk").send_one() == "sent"
    _move(request_id, berta)
    (row,) = Outbox.select()
    assert (row.status, row.phone, row.wamid) == ("sent", ANA, "wamid.1")
    assert json.loads(row.params)[0] == "Ana"
