"""Tables of the data-safety work (issue 15)."""

from __future__ import annotations

import datetime as dt

from peewee import BooleanField, CharField, DateTimeField, IntegerField, Model

from .database import db
from .fields import MoneyField


class CounterFloor(Model):
    """The lowest next value of a number counter whose own row a restore could not put back
    (e.g. the branch of a request counter did not exist yet in the restored copy).

    ``name`` is the counter kind (``request``; billing adds its own), ``key`` its natural
    key (``SPS-2026``) and ``last_number`` the highest number issued before the restore:
    a counter created later for that key starts after it, so no printed number repeats.
    """

    name = CharField(max_length=40)
    key = CharField(max_length=80)
    last_number = IntegerField(default=0)

    class Meta:
        database = db
        table_name = "counter_floor"
        indexes = ((("name", "key"), True),)


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


class LostFiscalDocument(Model):
    """A fiscal document issued before a restore whose copy did not have it, or a factura
    voided before a restore whose copy still had it in force (``voided``).

    Issued documents are kept and their numbers are never reused (``BILLING.md``): the
    restore writes one row per such number, and every later restore carries the rows
    over, as it carries the counters. The report of unused numbers (Art. 42) shows them
    as issued or voided before a restore, never as gaps; a number whose document is back
    (a newer copy restored later) is no longer reported as missing."""

    number = CharField(max_length=19, unique=True)  # EEE-PPP-TT-NNNNNNNN
    key = CharField(max_length=12)  # EEE-PPP-TT
    correlative = IntegerField()
    doc_type = CharField(max_length=2)
    voided = BooleanField(default=False)
    issued_at = DateTimeField(null=True)
    total = MoneyField(default=0)
    buyer_name = CharField(max_length=200, default="")
    restored_at = DateTimeField(default=_now)
    backup = CharField(max_length=255, default="")  # the copy restored (file name)

    class Meta:
        database = db
        table_name = "lost_fiscal_document"
        indexes = ((("key", "correlative"), False),)
