"""«Abrir en WhatsApp» on a notice that did not go out (failed, expired, cancelled at the
desk): the desk sends it by hand, so it becomes «Enviado a mano» as a queued one does: it
leaves the desk's failures and «Reintentar» no longer sends it a second time. A notice the
app cancelled because the patient opted out or was blocked, or whose request was
cancelled since, is not opened."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from patolab_desktop.db.models import AuditLog, Customer, Outbox
from patolab_desktop.services import customers, requests
from patolab_desktop.services.access import permissions
from patolab_desktop.services.errors import RuleError
from patolab_desktop.services.notify import outbox
from tests.security_helpers import login_as
from tests.unit.notify_helpers import CONSENTING
from tests.unit.requests_fixtures import lab  # noqa: F401


def _notice(lab) -> tuple[int, str, int]:  # noqa: F811
    """A request of a consenting patient and its queued «Solicitud recibida»."""
    Customer.update(**CONSENTING).where(Customer.id == lab.patient).execute()
    request_id, number = lab.create(lab.hem)
    return request_id, number, Outbox.get(Outbox.lab_request_id == request_id).id


def _set(message_id: int, status: str, code: str) -> None:
    """As the sender leaves it (its own writes bump the version too)."""
    Outbox.update(
        status=status, error_code=code, updated_at=dt.datetime.now(), version=Outbox.version + 1
    ).where(Outbox.id == message_id).execute()


@pytest.mark.parametrize(
    ("status", "code"),
    [("failed", "131026"), ("failed", "attempts"), ("expired", "expired"), ("cancelled", "")],
)
def test_a_notice_that_did_not_go_out_is_sent_by_hand(lab, status, code):  # noqa: F811
    request_id, number, message_id = _notice(lab)
    if status == "cancelled":
        login_as(permissions.ROLE_RECEPTION)
        outbox.cancel(message_id)  # «Cancelar envío» at the desk
    else:
        _set(message_id, status, code)
    login_as(permissions.ROLE_RECEPTION)
    assert outbox.failures() == ((1, [number]) if status == "failed" else (0, []))

    assert outbox.open_link(message_id).startswith("https://wa.me/50499887766?text=Hola%20")

    row = Outbox.get_by_id(message_id)
    assert (row.status, row.error_code, row.error_text) == ("manual", "by_hand", "recepcion")
    assert row.opened_by == "recepcion"
    (shown,) = outbox.for_request(request_id)
    assert shown["status_label"] == "Enviado a mano"
    assert "recepcion lo abrió en WhatsApp" in shown["error_text"]
    assert outbox.failures() == (0, [])
    audit = AuditLog.select().where(AuditLog.action == "notify_open_link").get()
    assert audit.username == "recepcion" and audit.entity_id == message_id
    assert json.loads(audit.changes) == {"status": [status, "manual"]}
    with pytest.raises(RuleError, match="no se envió"):
        outbox.retry(message_id)  # it is out: «Reintentar» would send it twice
    with pytest.raises(RuleError, match="dos veces"):
        outbox.open_link(message_id)  # a second copy only when the desk asks for it
    assert Outbox.get_by_id(message_id).status == "manual"


@pytest.mark.parametrize(
    ("withdraw", "words"),
    [
        ({"whatsapp_consent": "no"}, "retiró su consentimiento"),
        ({"is_blocked": True}, "bloqueado"),
    ],
)
def test_a_notice_cancelled_for_an_opt_out_is_not_opened(lab, patient, withdraw, words):  # noqa: F811
    """Cancelled when the patient withdrew consent or was blocked: not sent by hand, even
    once they consent again (the desk's «Reintentar» checks them first)."""
    login_as(permissions.ROLE_SUPERVISOR)
    lab.patient = customers.create(patient(**CONSENTING))
    _request_id, _number, message_id = _notice(lab)
    for changes in (withdraw, {**CONSENTING, "is_blocked": False}):  # and back again
        data = customers.get(lab.patient)
        for field, value in changes.items():
            setattr(data, field, value)
        customers.update(data)
    assert Outbox.get_by_id(message_id).status == "cancelled"
    login_as(permissions.ROLE_RECEPTION)
    with pytest.raises(RuleError) as refused:
        outbox.open_link(message_id)
    assert "aviso cancelado" in str(refused.value) and words in str(refused.value)
    row = Outbox.get_by_id(message_id)
    assert (row.status, row.opened_by) == ("cancelled", "")


def test_a_notice_of_a_request_cancelled_since_is_not_opened(lab):  # noqa: F811
    request_id, _number, message_id = _notice(lab)
    login_as(permissions.ROLE_RECEPTION)
    outbox.cancel(message_id)
    login_as(permissions.ROLE_SUPERVISOR)
    requests.cancel(request_id, "No vino")
    login_as(permissions.ROLE_RECEPTION)
    with pytest.raises(RuleError, match="aviso cancelado.*solicitud fue cancelada"):
        outbox.open_link(message_id)
    assert Outbox.get_by_id(message_id).status == "cancelled"
    # the notice that tells of the cancellation may go by hand
    told = Outbox.get((Outbox.lab_request_id == request_id) & (Outbox.event == "cancelled"))
    outbox.cancel(told.id)
    outbox.open_link(told.id)
    assert Outbox.get_by_id(told.id).status == "manual"


def test_a_change_meanwhile_is_not_overwritten(lab, monkeypatch):  # noqa: F811
    """The desk read the notice failed; another desk pressed «Reintentar» and a sender
    took it before the click was recorded: the click is refused, the post stands."""
    _request_id, _number, message_id = _notice(lab)
    _set(message_id, "failed", "131000")
    login_as(permissions.ROLE_RECEPTION)
    read = Outbox.get_by_id(message_id)
    outbox.retry(message_id)
    _set(message_id, "sending", "")
    monkeypatch.setattr(outbox, "_load", lambda _id: read)
    with pytest.raises(RuleError, match="cambió mientras tanto"):
        outbox.open_link(message_id)
    row = Outbox.get_by_id(message_id)
    assert (row.status, row.opened_by) == ("sending", "")
