"""peewee models: the schema of PatoLab Desktop.

Only persistence lives here; rules are in ``patolab_desktop.services``.
Every table is bound to ``database.db`` (a proxy initialised by ``open_database``).
"""

from __future__ import annotations

import datetime as dt
import os
import time

from peewee import (
    SQL,
    AutoField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    SmallIntegerField,
    TextField,
)

from .database import db
from .fields import MoneyField


def now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def new_uid() -> str:
    """A UUID version 7 (RFC 9562): 48 bits of Unix time in milliseconds, then 74 random
    bits. Unique like a version 4, but time-ordered, so a new customer's uid lands at the
    end of the unique index instead of anywhere in it (an import of 100,000 customers into
    a million: 2.2 s less)."""
    millis = (time.time_ns() // 1_000_000) & ((1 << 48) - 1)
    rand = int.from_bytes(os.urandom(10), "big")  # one call: 12 + 62 random bits used
    rand_a, rand_b = (rand >> 64) & 0xFFF, rand & ((1 << 62) - 1)
    value = (millis << 80) | (0x7 << 76) | (rand_a << 64) | (0b10 << 62) | rand_b
    text = f"{value:032x}"  # what str(uuid.UUID(int=value)) writes, without the object
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False


# --- system ---------------------------------------------------------------------------


class SchemaVersion(BaseModel):
    id = AutoField()
    version = IntegerField()
    applied_at = DateTimeField(default=now)


class Setting(BaseModel):
    """Lab-wide settings shared by every workstation (typed in services/settings)."""

    key = CharField(primary_key=True, max_length=100)
    value = TextField()
    version = IntegerField(default=1)  # optimistic lock (schema 9)


# --- reference data -------------------------------------------------------------------


class Department(BaseModel):
    id = AutoField()
    code = CharField(max_length=2, unique=True)
    name = CharField(max_length=100)


class Municipality(BaseModel):
    id = AutoField()
    code = CharField(max_length=4, unique=True)
    name = CharField(max_length=100)
    department = ForeignKeyField(Department, backref="municipalities", on_delete="RESTRICT")


class Gender(BaseModel):
    id = AutoField()
    code = CharField(max_length=1, unique=True)  # F, M, O
    name = CharField(max_length=30)  # Mujer, Hombre, Otro


class Branch(BaseModel):
    """A lab location; its code prefixes request numbers (SPS-2026-000123)."""

    id = AutoField()

    name = CharField(max_length=120)
    code = CharField(max_length=10, unique=True)
    address = TextField(default="")
    phone = CharField(max_length=20, default="")
    active = BooleanField(default=True)
    created_at = DateTimeField(default=now)
    updated_at = DateTimeField(default=now)
    # where the branch is: the default place of the patients registered there (issue 16 C)
    department = ForeignKeyField(Department, null=True, on_delete="RESTRICT")
    municipality = ForeignKeyField(Municipality, null=True, on_delete="RESTRICT")
    version = IntegerField(default=1)  # optimistic lock (schema 9)


# --- customers ------------------------------------------------------------------------

CUSTOMER_TYPES = ("cliente", "empresa")


class Customer(BaseModel):
    """A patient (``cliente``) or an institution (``empresa``)."""

    id = AutoField()

    uid = CharField(max_length=36, unique=True, default=new_uid)
    type = CharField(max_length=10, default="cliente")
    name = CharField(max_length=200)
    first_name = CharField(max_length=100, default="")
    last_name = CharField(max_length=100, default="")
    name_folded = CharField(max_length=200, index=True)  # sort key and prefix search
    # DNI 13 / RTN 14 digits; a passport or residence card: upper-case letters and digits.
    # Stored encrypted (schema 14, issue 15 point 13): ``e1:`` + AES-256-GCM, read and
    # written only through services/customers/identity.py; ``id_hash`` (``h1:`` + keyed
    # HMAC) serves exact search and uniqueness among active customers.
    id_number = CharField(max_length=100, null=True)
    id_hash = CharField(max_length=40, null=True)
    # dni, rtn, pasaporte, residente or ninguno; the SQL default too, as the migration
    # adds it, so raw inserts (demo data, bulk tools) need not name it
    document_type = CharField(
        max_length=10, default="ninguno", constraints=[SQL("DEFAULT 'ninguno'")]
    )
    gender = ForeignKeyField(Gender, null=True, on_delete="RESTRICT")
    date_of_birth = DateField(null=True)
    age = SmallIntegerField(null=True)  # declared age when no date of birth is known
    age_recorded_on = DateField(null=True)  # the day that age was declared
    age_declared = CharField(  # a baby's "8m" or "3d" (age is then 0 years)
        max_length=8, default="", constraints=[SQL("DEFAULT ''")]
    )
    phone = CharField(max_length=20, default="")  # E.164
    secondary_phone = CharField(max_length=20, default="")
    email = CharField(max_length=254, default="")
    department = ForeignKeyField(Department, null=True, on_delete="RESTRICT")
    municipality = ForeignKeyField(Municipality, null=True, on_delete="RESTRICT")
    address = TextField(default="")
    address2 = TextField(default="")
    postal_code = CharField(max_length=20, default="")
    country = CharField(max_length=60, default="Honduras")
    external_file = CharField(max_length=100, default="")
    notes = TextField(default="")
    is_blocked = BooleanField(default=False)
    # WhatsApp consent (schema 12, issue 18): "yes", "no" or "" (not asked), when and who
    whatsapp_consent = CharField(max_length=3, default="", constraints=[SQL("DEFAULT ''")])
    consent_at = DateTimeField(null=True)
    consent_by = CharField(max_length=80, default="", constraints=[SQL("DEFAULT ''")])
    # (schema 22) how it was given ("in_person", "written", "phone", "whatsapp"; "unknown"
    # for a consent recorded before) and the kinds of message accepted: event codes of
    # services/notify/events.py, comma-separated ("received,ready"); "" without consent
    consent_how = CharField(max_length=12, default="", constraints=[SQL("DEFAULT ''")])
    consent_events = CharField(max_length=80, default="", constraints=[SQL("DEFAULT ''")])
    incomplete = BooleanField(default=False)  # imported with missing required data
    active = BooleanField(default=True)
    search_text = TextField(default="")  # folded name, phone digits, email, id: FTS source
    created_at = DateTimeField(default=now)
    updated_at = DateTimeField(default=now)
    version = IntegerField(default=1)  # optimistic concurrency

    class Meta:
        indexes = (
            # Sort by name and search-as-you-type: walking this index in name order, the
            # search text and the filter columns are read from the index itself (no table
            # row per candidate), see services/customer_search.py.
            (
                (
                    "active",
                    "name_folded",
                    "id",
                    "search_text",
                    "type",
                    "gender",
                    "department",
                    "municipality",
                ),
                False,
            ),
            (("active", "created_at", "id"), False),
            # (active, X, id): keyset sorts. The "Identidad/RTN" header sorts by the kind
            # of document (the numbers are encrypted with a fresh nonce each: their order
            # means nothing; db/search.py DOCUMENT_ORDER_INDEX); prefix search and sort by
            # phone
            (("active", "document_type", "id"), False),
            # the exact search by number: the unique index on (id_hash, active) of
            # db/search.py (schema 17)
            (("active", "phone", "id"), False),
            # no index on email: it is searched through search_text (schema version 3)
        )


# "Incompletos" (imported with missing data) are few: a tiny partial index finds them.
Customer.add_index(
    SQL("CREATE INDEX IF NOT EXISTS customer_incomplete ON customer (id) WHERE incomplete")
)


# --- referrers ------------------------------------------------------------------------


class ReferrerType(BaseModel):
    id = AutoField()
    name = CharField(max_length=80, unique=True)
    active = BooleanField(default=True)
    version = IntegerField(default=1)  # optimistic lock (schema 9)


class Referrer(BaseModel):
    """The doctor or institution that sends the patient."""

    id = AutoField()

    name = CharField(max_length=200)
    name_folded = CharField(max_length=200, index=True)
    type = ForeignKeyField(ReferrerType, backref="referrers", on_delete="RESTRICT")
    phone = CharField(max_length=20, default="")
    email = CharField(max_length=254, default="")
    address = TextField(default="")
    institution = CharField(max_length=200, default="")
    notes = TextField(default="")
    active = BooleanField(default=True)
    search_text = TextField(default="")
    created_at = DateTimeField(default=now)
    updated_at = DateTimeField(default=now)
    version = IntegerField(default=1)

    class Meta:
        indexes = (
            (("active", "name_folded", "id"), False),
            (("type", "active", "name_folded"), False),
        )


# --- catalog --------------------------------------------------------------------------


class Investigation(BaseModel):
    id = AutoField()
    code = CharField(max_length=20, unique=True)
    name = CharField(max_length=200)
    name_folded = CharField(max_length=200, index=True)
    sample_type = CharField(max_length=100, default="")
    price = MoneyField(default=0)
    is_panel = BooleanField(default=False)
    active = BooleanField(default=True)
    created_at = DateTimeField(default=now)
    updated_at = DateTimeField(default=now)
    version = IntegerField(default=1)
    # the invoice's tax class (issue 17): lab services are exento (Ley ISV Art. 15)
    tax_class = CharField(max_length=10, default="exento", constraints=[SQL("DEFAULT 'exento'")])

    class Meta:
        indexes = ((("active", "name_folded", "id"), False),)


class PanelMember(BaseModel):
    id = AutoField()
    panel = ForeignKeyField(Investigation, backref="member_links", on_delete="CASCADE")
    member = ForeignKeyField(Investigation, backref="panel_links", on_delete="RESTRICT")
    position = IntegerField(default=0)

    class Meta:
        indexes = ((("panel", "member"), True),)


class PriceChange(BaseModel):
    id = AutoField()
    investigation = ForeignKeyField(Investigation, backref="price_changes", on_delete="CASCADE")
    old_price = MoneyField(null=True)
    new_price = MoneyField()
    changed_at = DateTimeField(default=now)
    changed_by = CharField(max_length=80, default="")

    class Meta:
        indexes = ((("investigation", "changed_at"), False),)


# --- lab requests (seed 004) ----------------------------------------------------------

PRIORITIES = ("routine", "urgent", "stat")
SOURCES = ("walk_in", "in_patient", "emergency", "external")
STATUSES = (
    "pending",
    "sample_collected",
    "in_progress",
    "partial_result",
    "completed",
    "cancelled",
)


class RequestCounter(BaseModel):
    """Last number given per branch and year; updated inside the saving transaction."""

    id = AutoField()

    branch = ForeignKeyField(Branch, on_delete="RESTRICT")
    year = IntegerField()
    last_number = IntegerField(default=0)

    class Meta:
        indexes = ((("branch", "year"), True),)


class LabRequest(BaseModel):
    id = AutoField()
    request_number = CharField(max_length=30, unique=True)
    patient = ForeignKeyField(Customer, backref="lab_requests", on_delete="RESTRICT")
    doctor = ForeignKeyField(Referrer, backref="lab_requests", on_delete="RESTRICT")
    priority = CharField(max_length=10, default="routine")
    status = CharField(max_length=20, default="pending")
    source = CharField(max_length=12, default="walk_in")
    clinical_info = TextField(default="")
    notes = TextField(default="")
    total_amount = MoneyField(default=0)
    discount_amount = MoneyField(default=0)
    net_amount = MoneyField(default=0)
    discount_percent = MoneyField(default=0)  # age or manual percentage applied to lines
    discount_kind = CharField(max_length=10, default="")  # "", "age", "manual"
    discount_reason = TextField(default="")
    branch = ForeignKeyField(Branch, null=True, on_delete="RESTRICT")
    requested_at = DateTimeField(default=now)
    completed_at = DateTimeField(null=True)
    cancelled_at = DateTimeField(null=True)
    cancellation_reason = TextField(null=True)
    created_by = CharField(max_length=80, default="")
    updated_at = DateTimeField(default=now)
    version = IntegerField(default=1)
    # Sort keys kept by services/requests (workflow order; routine < urgent < stat), so the
    # list sorts by status or priority through an index instead of alphabetically.
    status_rank = SmallIntegerField(default=0)
    priority_rank = SmallIntegerField(default=0)
    # results progress (schema 12, issue 18): result lines (panel lines with members do
    # not count, their members do) and how many of them are released; kept by services
    lines_total = SmallIntegerField(default=0, constraints=[SQL("DEFAULT 0")])
    lines_released = SmallIntegerField(default=0, constraints=[SQL("DEFAULT 0")])
    # who pays (issue 17): a company customer, or the patient when empty
    bill_to = ForeignKeyField(Customer, null=True, backref="billed_requests", on_delete="RESTRICT")
    # the patient's search text, copied and kept by the database (schema 15, issue 20:
    # ``db/request_search``): the list searched by a frequent name checks the request row
    patient_search = TextField(null=True)

    class Meta:
        indexes = (
            (("requested_at", "id"), False),
            (("status", "requested_at"), False),
            (("patient", "requested_at"), False),
            (("doctor", "requested_at"), False),
            (("status_rank", "id"), False),
            (("priority_rank", "id"), False),
            (("net_amount", "id"), False),
        )


class RequestLine(BaseModel):
    """Request investigation pivot (seed 004)."""

    id = AutoField()

    lab_request = ForeignKeyField(LabRequest, backref="lines", on_delete="RESTRICT")
    investigation = ForeignKeyField(Investigation, on_delete="RESTRICT")
    parent_line = ForeignKeyField("self", null=True, backref="member_lines", on_delete="CASCADE")
    status = CharField(max_length=20, default="pending")
    price = MoneyField(default=0)
    discount = MoneyField(default=0)
    net_price = MoneyField(default=0)
    notes = TextField(default="")
    created_at = DateTimeField(default=now)
    # the price it was ordered at on its own, kept while a panel that includes it carries
    # it at 0: removing that panel gives the line back at this price (issue 16 G)
    own_price = MoneyField(null=True)
    # each step of the line's own status (schema 12, issue 18): when and by whom
    started_at = DateTimeField(null=True)
    started_by = CharField(max_length=80, default="", constraints=[SQL("DEFAULT ''")])
    released_at = DateTimeField(null=True)
    released_by = CharField(max_length=80, default="", constraints=[SQL("DEFAULT ''")])
    cancelled_at = DateTimeField(null=True)
    cancelled_by = CharField(max_length=80, default="", constraints=[SQL("DEFAULT ''")])

    class Meta:
        indexes = ((("lab_request", "investigation"), True),)


class RequestEvent(BaseModel):
    """History of one request: created, status changes, cancel, lines added/removed."""

    id = AutoField()

    lab_request = ForeignKeyField(LabRequest, backref="events", on_delete="RESTRICT")
    at = DateTimeField(default=now)
    action = CharField(max_length=40)
    detail = TextField(default="")
    by = CharField(max_length=80, default="")

    class Meta:
        indexes = ((("lab_request", "at"), False),)


# --- users, roles, audit (issue 5) ------------------------------------------------------


class Role(BaseModel):
    """A named set of permissions (Recepción, Supervisor, Administrador, ...)."""

    id = AutoField()

    name = CharField(max_length=60, unique=True)
    description = TextField(default="")
    builtin = BooleanField(default=False)  # seeded roles cannot be deleted
    created_at = DateTimeField(default=now)
    version = IntegerField(default=1)  # optimistic lock (schema 9)


class RolePermission(BaseModel):
    """One granted permission (a key of ``services.permissions.PERMISSIONS``)."""

    id = AutoField()

    role = ForeignKeyField(Role, backref="grants", on_delete="CASCADE")
    permission = CharField(max_length=60)

    class Meta:
        indexes = ((("role", "permission"), True),)


class User(BaseModel):
    """A person who logs in. Never deleted, only deactivated (the audit trail names them)."""

    id = AutoField()

    username = CharField(max_length=60)
    username_folded = CharField(max_length=60, unique=True)  # case/accent-insensitive login
    full_name = CharField(max_length=120)
    role = ForeignKeyField(Role, backref="users", on_delete="RESTRICT")
    password_hash = CharField(max_length=255)  # argon2id encoded hash, never the password
    active = BooleanField(default=True)
    must_change_password = BooleanField(default=False)
    failed_attempts = IntegerField(default=0)
    locked_until = DateTimeField(null=True)
    last_login_at = DateTimeField(null=True)
    created_at = DateTimeField(default=now)
    updated_at = DateTimeField(default=now)
    version = IntegerField(default=1)  # optimistic lock (schema 9)


class AuditLog(BaseModel):
    """Who did what and when; ``changes`` is JSON {field: [old, new]}. Database only."""

    id = AutoField()

    at = DateTimeField(default=now)
    user = ForeignKeyField(User, null=True, backref="audit_rows", on_delete="RESTRICT")
    username = CharField(max_length=80)  # kept as it was, also for "cli" and "sistema"
    action = CharField(max_length=60)
    entity = CharField(max_length=40)
    entity_id = IntegerField(null=True)
    changes = TextField(default="")
    detail = TextField(default="")

    class Meta:
        indexes = (
            (("at", "id"), False),
            (("user", "at", "id"), False),
            (("entity", "entity_id"), False),
            (("entity", "at", "id"), False),
            (("action", "at", "id"), False),
        )


ALL_MODELS = [
    SchemaVersion,
    Setting,
    Department,
    Municipality,
    Gender,
    Branch,
    Customer,
    ReferrerType,
    Referrer,
    Investigation,
    PanelMember,
    PriceChange,
    RequestCounter,
    LabRequest,
    RequestLine,
    RequestEvent,
    Role,
    RolePermission,
    User,
    AuditLog,
]

__all__ = [m.__name__ for m in ALL_MODELS] + [
    "ALL_MODELS",
    "CUSTOMER_TYPES",
    "PRIORITIES",
    "SOURCES",
    "STATUSES",
    "SQL",
    "now",
]

# Data safety (issue 15): floors of number counters carried over by a restore.
from .models_safety import CounterFloor, LostFiscalDocument  # noqa: E402

ALL_MODELS.extend([CounterFloor, LostFiscalDocument])
__all__.extend(["CounterFloor", "LostFiscalDocument"])

# WhatsApp notifications (issue 18): the outbox.
from .models_notify import Outbox  # noqa: E402

ALL_MODELS.append(Outbox)
__all__.append("Outbox")

# Charging at the desk (issue 17): db/models_billing.py adds its tables to ALL_MODELS when
# it is imported, which the package does first (db/__init__.py).
