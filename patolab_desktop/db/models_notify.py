"""Tables of the WhatsApp notifications (issue 18): the outbox."""

from __future__ import annotations

import datetime as dt

from peewee import AutoField, CharField, DateTimeField, IntegerField, Model, TextField

from .database import db


def now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


class Outbox(Model):
    """One message the patient should get, written in the same transaction as the change
    it tells about. ``dedupe_key`` (``event:request_id``) is unique: one message per event
    and request. ``phone`` is the E.164 snapshot taken when it was queued.

    ``status``: queued → sending → sent (``wamid``: accepted by WhatsApp, not delivered),
    or failed (``error_code``/``error_text``), expired, cancelled; queued (or failed, expired,
    cancelled at the desk) → manual when the desk opened it in WhatsApp to send it by hand.
    ``next_attempt_at`` is when the sender may try it (again); ``claimed_at`` when a sender
    took it."""

    id = AutoField()
    dedupe_key = CharField(max_length=60, unique=True)
    event = CharField(max_length=20)
    lab_request_id = IntegerField(null=True)
    customer_id = IntegerField(null=True)
    phone = CharField(max_length=20)
    template = CharField(max_length=100, default="")
    language = CharField(max_length=10, default="es")
    params = TextField(default="[]")  # JSON list of strings, the body parameters
    text = TextField(default="")  # the same message in Spanish (click-to-chat, screens)
    status = CharField(max_length=10, default="queued")
    attempts = IntegerField(default=0)
    next_attempt_at = DateTimeField(default=now)
    claimed_at = DateTimeField(null=True)
    claimed_by = CharField(max_length=80, default="")
    wamid = CharField(max_length=200, default="")
    error_code = CharField(max_length=20, default="")
    error_text = TextField(default="")
    created_at = DateTimeField(default=now)
    expires_at = DateTimeField(null=True)
    sent_at = DateTimeField(null=True)
    opened_at = DateTimeField(null=True)  # "Abrir en WhatsApp" (click-to-chat) last used
    opened_by = CharField(max_length=80, default="")
    updated_at = DateTimeField(default=now)
    version = IntegerField(default=1)

    class Meta:
        database = db
        table_name = "outbox"
        indexes = (
            (("status", "next_attempt_at"), False),
            (("lab_request_id",), False),
            (("customer_id", "id"), False),
            (("phone", "sent_at"), False),
        )
