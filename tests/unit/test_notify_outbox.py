"""The WhatsApp outbox (issue 18, part 2): rows written in the request's own transaction,
deduplicated, with an E.164 snapshot, template, parameters and an expiry; nothing for a
blocked patient, without consent or without a mobile number; consent recorded."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from patolab_desktop.db.models import AuditLog, Customer, Outbox, Setting
from patolab_desktop.services import customers, requests
from patolab_desktop.services.access import permissions
from patolab_desktop.services.errors import PermissionDenied, RuleError, ValidationError
from patolab_desktop.services.notify import outbox
from patolab_desktop.services.notify.phones import whatsapp_number
from tests.security_helpers import login_as
from tests.unit.notify_helpers import CONSENTING, EVERY_KIND
from tests.unit.requests_fixtures import lab, make_doctor  # noqa: F401


def _consent(customer_id, value="yes", **changes) -> None:
    values = {**CONSENTING, "whatsapp_consent": value, **changes}
    Customer.update(**values).where(Customer.id == customer_id).execute()


def _rows():
    return list(Outbox.select().order_by(Outbox.id))


def test_received_says_what_the_factura_will_charge(lab):
    """A taxed investigation's ISV is in the amount the patient is told (before: the net
    before ISV, less than the cashier then charged)."""
    from patolab_desktop.db.models import Investigation

    _consent(lab.patient)
    Customer.update(phone="9988-7766", first_name="Ana").where(Customer.id == lab.patient).execute()
    Investigation.update(tax_class="gravado15").where(Investigation.id == lab.ure).execute()
    lab.create(lab.hem, lab.ure)  # 150.00 exento + 95.50 gravado + 14.33 ISV
    (row,) = _rows()
    assert json.loads(row.params)[2] == "L 259.83"


def test_received_carries_number_total_template_and_expiry(lab):
    _consent(lab.patient)
    Customer.update(phone="9988-7766", first_name="Ana María").where(
        Customer.id == lab.patient
    ).execute()
    before = dt.datetime.now().replace(microsecond=0)
    request_id, number = lab.create(lab.hem, lab.glu)
    (row,) = _rows()
    assert row.dedupe_key == f"received:{request_id}" and row.event == "received"
    assert row.phone == "+50499887766"  # E.164 snapshot
    assert row.template == "solicitud_recibida" and row.language == "es"
    assert json.loads(row.params) == ["Ana", number, "L 230.00"]
    assert row.status == "queued" and row.lab_request_id == request_id
    assert row.customer_id == lab.patient
    assert before + dt.timedelta(hours=48) <= row.expires_at <= before + dt.timedelta(hours=49)
    assert "Hemograma" not in row.text and number in row.text  # no investigation names
    # the phone changes later: the queued message keeps its snapshot
    Customer.update(phone="3111-2222").where(Customer.id == lab.patient).execute()
    assert Outbox.get_by_id(row.id).phone == "+50499887766"


def test_every_event_once(lab):
    _consent(lab.patient)
    request_id, _ = lab.create(lab.hem, lab.glu)
    lines = requests.get(request_id).lines
    requests.mark_lines(request_id, [lines[0]["id"]], "released")
    requests.mark_lines(request_id, [lines[1]["id"]], "released")
    cancelled_id, _ = lab.create(lab.ure)
    requests.cancel(cancelled_id, "No vino")
    assert [(r.event, r.lab_request_id) for r in _rows()] == [
        ("received", request_id),
        ("partial", request_id),
        ("ready", request_id),
        ("received", cancelled_id),
        ("cancelled", cancelled_id),
    ]
    # the dedupe key is unique: a second "ready" for the same request is not queued
    assert outbox._queue_for_request("ready", request_id) == "duplicate"
    assert Outbox.select().count() == 5


def test_configured_template_and_disabled_event(lab):
    _consent(lab.patient)
    Setting.create(key="notify_received_template", value="recibida_v2")
    Setting.create(key="notify_received_language", value="es_MX")
    Setting.create(key="notify_cancelled_enabled", value="0")
    request_id, _ = lab.create(lab.hem)
    requests.cancel(request_id, "No vino")
    (row,) = _rows()
    assert (row.template, row.language) == ("recibida_v2", "es_MX")


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"is_blocked": True}, "blocked"),
        ({"whatsapp_consent": ""}, "no_consent"),
        ({"whatsapp_consent": "no"}, "no_consent"),
        ({"phone": "2234-5678"}, "no_mobile"),  # a landline: WhatsApp would answer 131026
        ({"phone": ""}, "no_mobile"),
        ({"phone": "1234"}, "no_mobile"),
    ],
)
def test_nothing_is_queued_without_a_reachable_consenting_patient(lab, changes, reason):
    _consent(lab.patient)
    Customer.update(**changes).where(Customer.id == lab.patient).execute()
    request_id, _ = lab.create(lab.hem)
    requests.mark_lines(request_id, [requests.get(request_id).lines[0]["id"]], "released")
    assert _rows() == []
    assert outbox._queue_for_request("ready", request_id) == reason


def test_outbox_row_is_in_the_same_transaction(lab, monkeypatch):
    _consent(lab.patient)
    request_id, _ = lab.create(lab.hem, lab.glu)
    line = requests.get(request_id).lines[0]["id"]
    from patolab_desktop.services.requests import results

    def broken(*args, **kwargs):
        raise RuntimeError("crash after the outbox row")

    monkeypatch.setattr(results, "_codes", broken)
    with pytest.raises(RuntimeError):
        requests.mark_lines(request_id, [line], "released")
    assert [r.event for r in _rows()] == ["received"]  # no "partial" left behind
    assert requests.get(request_id).status == "pending"


def test_phone_numbers():
    assert whatsapp_number("9999-8888") == "+50499998888"
    assert whatsapp_number("+504 3123 4567") == "+50431234567"
    assert whatsapp_number("8888 7777") == "+50488887777"
    assert whatsapp_number("2234-5678") is None  # fixed line
    assert whatsapp_number("") is None and whatsapp_number("99") is None


def test_consent_is_recorded_with_date_and_user(patient):
    login_as(permissions.ROLE_RECEPTION)
    asked = customers.create(patient(**CONSENTING))
    row = Customer.get_by_id(asked)
    assert row.whatsapp_consent == "yes" and row.consent_by == "recepcion"
    assert row.consent_at is not None
    not_asked = customers.create(patient())
    row = Customer.get_by_id(not_asked)
    assert row.whatsapp_consent == "" and row.consent_at is None and row.consent_by == ""
    data = customers.get(asked)
    assert data.whatsapp_consent == "yes" and data.consent_by == "recepcion"
    data.whatsapp_consent = "no"
    customers.update(data)
    row = Customer.get_by_id(asked)
    assert row.whatsapp_consent == "no" and row.consent_at is not None
    changes = [a.changes for a in AuditLog.select().where(AuditLog.entity_id == asked)]
    assert any("whatsapp_consent" in c for c in changes)
    with pytest.raises(ValidationError):
        customers.create(patient(whatsapp_consent="quizás"))


def test_retry_cancel_and_click_to_chat(lab):
    _consent(lab.patient)
    request_id, number = lab.create(lab.hem)
    (row,) = _rows()
    login_as(permissions.ROLE_RECEPTION)
    assert outbox.queue_size() == 1
    assert [m["event"] for m in outbox.for_request(request_id)] == ["received"]
    assert outbox.for_customer(lab.patient)[0]["status_label"] == "En cola"
    outbox.cancel(row.id)
    assert Outbox.get_by_id(row.id).status == "cancelled" and outbox.queue_size() == 0
    with pytest.raises(RuleError):
        outbox.cancel(row.id)
    outbox.retry(row.id)
    assert Outbox.get_by_id(row.id).status == "queued"
    link = outbox.open_link(row.id)
    assert link.startswith("https://wa.me/50499887766?text=Hola%20")
    assert number in link
    opened = Outbox.get_by_id(row.id)
    assert (opened.opened_by, opened.status) == ("recepcion", "manual")  # sent by hand
    with pytest.raises(PermissionDenied):
        outbox.counts()  # the outbox window is for administrators
    login_as(permissions.ROLE_ADMIN)
    assert (outbox.counts()["queued"], outbox.counts()["manual"]) == (0, 1)


@pytest.mark.parametrize(
    ("changes", "reason"),
    [({"is_blocked": True}, "bloqueado"), ({"whatsapp_consent": "no"}, "consentimiento")],
)
def test_no_chat_is_opened_by_hand_for_a_blocked_or_unwilling_patient(lab, changes, reason):
    """Seed 001: a blocked patient is ignored by WhatsApp; the desk's «Abrir en WhatsApp»
    gave the chat link all the same."""
    _consent(lab.patient)
    lab.create(lab.hem)
    (row,) = _rows()
    Customer.update(**changes).where(Customer.id == lab.patient).execute()
    login_as(permissions.ROLE_RECEPTION)
    with pytest.raises(RuleError, match=reason):
        outbox.open_link(row.id)
    assert Outbox.get_by_id(row.id).opened_by == ""


def _failed(row_id, code="131050") -> None:
    Outbox.update(status="failed", error_code=code, attempts=1).where(Outbox.id == row_id).execute()


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"whatsapp_consent": "no"}, "retiró su consentimiento"),
        ({"is_blocked": True}, "bloqueado"),
        ({"phone": "2234-5678"}, "celular válido"),  # now a landline
    ],
)
def test_reintentar_is_refused_for_a_patient_who_may_not_get_messages(lab, changes, words):
    _consent(lab.patient)
    request_id, _ = lab.create(lab.hem)
    (row,) = _rows()
    _failed(row.id)
    Customer.update(**changes).where(Customer.id == lab.patient).execute()
    login_as(permissions.ROLE_RECEPTION)
    (shown,) = outbox.for_request(request_id)
    assert words in shown["retry_refused"]
    with pytest.raises(RuleError) as refused:
        outbox.retry(row.id)
    assert str(refused.value).startswith("No se puede reintentar:") and words in str(refused.value)
    assert Outbox.get_by_id(row.id).status == "failed"
    # the patient is reachable again (consents, unblocked, a mobile): Reintentar goes on
    Customer.update(**CONSENTING, is_blocked=False, phone="3111-2222").where(
        Customer.id == lab.patient
    ).execute()
    assert outbox.for_customer(lab.patient)[0]["retry_refused"] == ""
    outbox.retry(row.id)
    row = Outbox.get_by_id(row.id)
    assert row.status == "queued" and row.phone == "+50431112222"  # the number it has now


def test_withdrawing_consent_or_blocking_cancels_the_queued_messages(lab, patient):
    login_as(permissions.ROLE_RECEPTION)
    lab.patient = customers.create(patient(**CONSENTING))
    lab.create(lab.hem)
    second, _ = lab.create(lab.glu)
    sent, queued = _rows()
    Outbox.update(status="sent", wamid="wamid.X").where(Outbox.id == sent.id).execute()
    data = customers.get(lab.patient)
    data.whatsapp_consent = "no"
    customers.update(data)  # the receptionist records the withdrawal
    assert Outbox.get_by_id(sent.id).status == "sent"
    row = Outbox.get_by_id(queued.id)
    assert (row.status, row.error_code) == ("cancelled", "no_consent")
    assert "retiró su consentimiento" in outbox.for_request(second)[0]["error_text"]
    assert outbox.queue_size() == 0
    # and a block, by a supervisor
    login_as(permissions.ROLE_SUPERVISOR)
    data = customers.get(lab.patient)
    data.whatsapp_consent, data.consent_how, data.consent_events = "yes", "phone", EVERY_KIND
    customers.update(data)
    outbox.retry(queued.id)
    data = customers.get(lab.patient)
    data.is_blocked = True
    customers.update(data)
    row = Outbox.get_by_id(queued.id)
    assert (row.status, row.error_code) == ("cancelled", "blocked")


def test_a_number_flagged_by_131026_gets_no_more_messages(lab):
    _consent(lab.patient)
    first, _ = lab.create(lab.hem)
    (row,) = _rows()
    _failed(row.id, "131026")  # WhatsApp: this number cannot receive WhatsApp
    second, _ = lab.create(lab.glu)
    assert _rows() == [Outbox.get_by_id(row.id)]  # nothing queued for the next visit
    assert outbox._queue_for_request("ready", second) == "no_whatsapp"
    login_as(permissions.ROLE_RECEPTION)
    assert outbox.for_request(first)[0]["retry_refused"] == ""  # its own flag: may retry
    # the patient gives another mobile number: messages go to it
    Customer.update(phone="3111-2222").where(Customer.id == lab.patient).execute()
    assert isinstance(outbox._queue_for_request("ready", second), int)
    # or says the first number has WhatsApp now: Reintentar on the flagged message clears it
    Customer.update(phone="9988-7766").where(Customer.id == lab.patient).execute()
    outbox.retry(row.id)
    assert isinstance(outbox._queue_for_request("partial", second), int)
