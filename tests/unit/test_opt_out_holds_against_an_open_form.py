"""A patient who answered STOP to WhatsApp (131050) stays opted out: the sender records it
as the patient service records a consent change, so a receptionist whose form was open
meanwhile gets the usual conflict message instead of putting «Sí» back, and the audit
trail says that WhatsApp changed the consent (review of the notifications, finding 1)."""

from __future__ import annotations

import json

import pytest

from patolab_desktop.db import identity as db_identity
from patolab_desktop.db.models import AuditLog, Customer, Outbox
from patolab_desktop.services import customers
from patolab_desktop.services.access import permissions
from patolab_desktop.services.errors import ConflictError
from patolab_desktop.services.notify.sender import Sender
from patolab_desktop.util import identity_crypto as crypto
from tests.security_helpers import fast_hashing, login_as  # noqa: F401
from tests.unit.notify_helpers import CONSENTING, PHONE_ID, Clock, error, point_at
from tests.unit.requests_fixtures import lab  # noqa: F401

URL = f"/v25.0/{PHONE_ID}/messages"


def test_the_opt_out_survives_a_form_open_at_the_desk(lab, httpserver, patient, fast_hashing):  # noqa: F811
    point_at(httpserver)
    login_as(permissions.ROLE_RECEPTION)  # the desk signed in; its sender thread runs as it
    customer_id = customers.create(patient(**CONSENTING))
    form = customers.get(customer_id)  # the receptionist opens the record
    httpserver.expect_request(URL, method="POST").respond_with_json(
        error(131050, "User stopped"), status=400
    )
    lab.create(lab.hem, patient_id=customer_id)
    assert Sender(now=Clock(), rand=lambda: 1.0, worker="desk").send_one() == "failed"

    form.email = "otra@example.com"
    with pytest.raises(ConflictError, match="Otro usuario modificó este cliente"):
        customers.update(form)
    stored = Customer.get_by_id(customer_id)
    assert (stored.whatsapp_consent, stored.consent_by) == ("no", "whatsapp")
    assert stored.email != "otra@example.com"

    row = (
        AuditLog.select()
        .where((AuditLog.entity == "customer") & (AuditLog.entity_id == customer_id))
        .order_by(AuditLog.id.desc())
        .first()
    )
    assert (row.action, row.username, row.user_id) == ("update", "whatsapp", None)
    assert json.loads(row.changes)["whatsapp_consent"] == ["yes", "no"]
    assert "131050" in row.detail

    again = customers.get(customer_id)  # opened again: the form shows «No», and saves
    assert again.whatsapp_consent == "no"
    again.email = "otra@example.com"
    customers.update(again)
    assert Customer.get_by_id(customer_id).whatsapp_consent == "no"


def test_the_opt_out_is_recorded_on_a_computer_without_the_identity_key(  # noqa: F811
    lab, httpserver, patient, fast_hashing
):
    """A scheduled ``notify --run`` on a computer that never received this database's
    identity key: recording the opt-out must not need it (the audit names the consent
    fields only), or the message stayed «sending», was posted again and consent stayed."""
    point_at(httpserver)
    login_as(permissions.ROLE_RECEPTION)
    customer_id = customers.create(patient(**CONSENTING, id_number="0501-1990-12345"))
    lab.create(lab.hem, patient_id=customer_id)
    httpserver.expect_request(URL, method="POST").respond_with_json(
        error(131050, "User stopped"), status=400
    )
    crypto.forget_key(db_identity.database_id())
    db_identity.clear_cache()
    clock = Clock()
    assert Sender(now=clock, rand=lambda: 1.0, worker="other-pc").send_one() == "failed"
    clock.advance(minutes=5)
    Sender(now=clock, rand=lambda: 1.0, worker="other-pc").send_one()
    assert len(httpserver.log) == 1
    assert [m.status for m in Outbox.select()] == ["failed"]
    assert Customer.get_by_id(customer_id).whatsapp_consent == "no"
