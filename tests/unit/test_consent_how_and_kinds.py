"""WhatsApp consent records how it was given and for which messages (NOTIFICATIONS.md:
"Record who consented, when, how and for which messages"), and a kind of message the
patient did not accept is neither queued nor sent. Schema 22 keeps every patient who had
said yes getting every kind, with how «No registrado»."""

from __future__ import annotations

import pytest

from patolab_desktop.db import migrations
from patolab_desktop.db.database import db
from patolab_desktop.db.models import Customer, Outbox
from patolab_desktop.services import customers
from patolab_desktop.services.access import permissions
from patolab_desktop.services.errors import RuleError, ValidationError
from patolab_desktop.services.notify import outbox
from patolab_desktop.services.notify.events import CONSENT_EVENTS
from tests.security_helpers import login_as
from tests.unit.notify_helpers import EVERY_KIND
from tests.unit.requests_fixtures import lab, make_customer, make_doctor  # noqa: F401


def test_a_yes_says_how_and_for_which_messages(patient):
    login_as(permissions.ROLE_RECEPTION)
    with pytest.raises(ValidationError) as refused:
        customers.create(patient(whatsapp_consent="yes"))
    assert refused.value.fields == {
        "consent_how": "Elija cómo dio el paciente su consentimiento.",
        "consent_events": "Marque al menos un mensaje que acepta.",
    }
    assert "consent_events" in customers.validate(
        patient(whatsapp_consent="yes", consent_how="written", consent_events="")
    )
    assert "consent_events" in customers.validate(
        patient(whatsapp_consent="yes", consent_how="written", consent_events="promociones")
    )
    saved = customers.create(
        patient(whatsapp_consent="yes", consent_how="in_person", consent_events="ready,received")
    )
    row = Customer.get_by_id(saved)
    assert (row.consent_how, row.consent_events) == ("in_person", "received,ready")
    assert row.consent_by == "recepcion" and row.consent_at is not None
    # a «No» accepts nothing: how and which messages are cleared
    data = customers.get(saved)
    data.whatsapp_consent = "no"
    customers.update(data)
    row = Customer.get_by_id(saved)
    assert (row.whatsapp_consent, row.consent_how, row.consent_events) == ("no", "", "")


def test_no_registrado_stays_only_on_a_consent_recorded_before(patient):
    """«No registrado» is what schema 22 gave the old consents: a record keeps it while its
    consent is unchanged (a new e-mail saves), but a consent given or changed says how."""
    login_as(permissions.ROLE_RECEPTION)
    with pytest.raises(ValidationError) as refused:
        customers.create(
            patient(whatsapp_consent="yes", consent_how="unknown", consent_events=EVERY_KIND)
        )
    assert set(refused.value.fields) == {"consent_how"}
    saved = customers.create(patient())
    Customer.update(
        whatsapp_consent="yes", consent_how="unknown", consent_events=EVERY_KIND, consent_by="x"
    ).where(Customer.id == saved).execute()  # as schema 22 left it
    data = customers.get(saved)
    data.email = "nueva@correo.hn"
    customers.update(data)  # the consent untouched: no question about it
    assert Customer.get_by_id(saved).consent_by == "x"
    data.consent_events = "ready"
    with pytest.raises(ValidationError) as refused:
        customers.update(data)
    assert set(refused.value.fields) == {"consent_how"}
    data.consent_how = "phone"
    customers.update(data)
    row = Customer.get_by_id(saved)
    assert (row.consent_how, row.consent_events, row.consent_by) == ("phone", "ready", "recepcion")


def test_a_kind_not_accepted_is_not_queued(lab):  # noqa: F811
    Customer.update(whatsapp_consent="yes", consent_how="written", consent_events="ready").where(
        Customer.id == lab.patient
    ).execute()
    request_id, _number = lab.create(lab.hem)
    assert Outbox.select().count() == 0  # no «Solicitud recibida»
    assert outbox._queue_for_request("received", request_id) == "no_consent_kind"
    assert isinstance(outbox._queue_for_request("ready", request_id), int)
    assert [row.event for row in Outbox.select()] == ["ready"]


def test_a_kind_withdrawn_is_cancelled_and_never_sent(lab, patient):  # noqa: F811
    login_as(permissions.ROLE_RECEPTION)
    lab.patient = customers.create(
        patient(whatsapp_consent="yes", consent_how="in_person", consent_events=EVERY_KIND)
    )
    request_id, _number = lab.create(lab.hem)
    ready = outbox._queue_for_request("ready", request_id)
    (received,) = Outbox.select().where(Outbox.event == "received")
    data = customers.get(lab.patient)
    data.consent_events = "ready"  # the patient wants only «Resultados listos»
    customers.update(data)
    row = Outbox.get_by_id(received.id)
    assert (row.status, row.error_code) == ("cancelled", "no_consent_kind")
    assert Outbox.get_by_id(ready).status == "queued"
    shown = {m["event"]: m for m in outbox.for_request(request_id)}
    assert shown["received"]["error_text"] == (
        "El paciente no aceptó recibir este tipo de mensaje por WhatsApp."
    )
    with pytest.raises(RuleError, match="este tipo de mensaje"):
        outbox.retry(received.id)
    # a row of that kind still in the queue (queued before): the sender skips it
    Outbox.update(status="queued").where(Outbox.id == received.id).execute()
    assert outbox._send_refusal(Outbox.get_by_id(received.id)) == "no_consent_kind"
    assert outbox._send_refusal(Outbox.get_by_id(ready)) is None


def test_schema_22_keeps_a_consenting_patient_on_every_kind(database):
    """An existing customer who had said yes gets how «No registrado» and every kind of
    message there was; the others accept none. On SQLite and on PostgreSQL."""
    said_yes, said_no, not_asked = make_customer(), make_customer("Berta Ruiz"), make_customer()
    Customer.update(whatsapp_consent="yes").where(Customer.id == said_yes).execute()
    Customer.update(whatsapp_consent="no").where(Customer.id == said_no).execute()
    for column in ("consent_how", "consent_events"):  # the customer table of schema 21
        db.execute_sql(f"ALTER TABLE customer DROP COLUMN {column}")
    p = db.param
    db.execute_sql(f"DELETE FROM schema_version WHERE version >= {p}", (22,))
    assert migrations.upgrade(db.obj) == migrations.SCHEMA_VERSION >= 22
    rows = {c.id: c for c in Customer.select()}
    assert (rows[said_yes].consent_how, rows[said_yes].consent_events) == ("unknown", EVERY_KIND)
    assert set(EVERY_KIND.split(",")) == set(CONSENT_EVENTS)
    for other in (said_no, not_asked):
        assert (rows[other].consent_how, rows[other].consent_events) == ("", "")
    assert all(outbox._patient_refusal(rows[said_yes], kind) is None for kind in CONSENT_EVENTS)
    # run again (a database at 22 whose step is replayed), a recorded consent is untouched
    Customer.update(consent_how="phone", consent_events="ready").where(
        Customer.id == said_yes
    ).execute()
    db.execute_sql(f"DELETE FROM schema_version WHERE version >= {p}", (22,))
    migrations.upgrade(db.obj)
    assert Customer.get_by_id(said_yes).consent_events == "ready"
