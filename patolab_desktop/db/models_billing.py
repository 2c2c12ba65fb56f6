"""Tables of charging at the desk (issue 17): fiscal authorisations (CAI), fiscal
documents (Factura 01, Nota de Crédito 06) with their lines and requests, payments,
company credit, the customer's credit balance and cash sessions.

Issued documents are immutable: the services have no path that edits a number, a line
or an amount. A void only sets ``status``/``void_*``; a credit note is a new document.
"""

from __future__ import annotations

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
    TextField,
)

from .database import db
from .fields import MoneyField
from .models import ALL_MODELS, Branch, Customer, LabRequest, RequestLine, now


class BillingModel(Model):
    class Meta:
        database = db


class FiscalAuthorisation(BillingModel):
    """One SAR authorisation: a CAI for a range of correlatives of one document type at one
    punto de emisión of one establecimiento, until its fecha límite de emisión.

    ``last_used`` is the counter (``range_from - 1`` while unused): the issuing transaction
    locks this row and bumps it. ``status``: active (the one used for its point and type),
    ended (exhausted, expired or closed by an administrator)."""

    id = AutoField()
    branch = ForeignKeyField(Branch, on_delete="RESTRICT")
    establishment = CharField(max_length=3)  # EEE: 000 = casa matriz
    point = CharField(max_length=3)  # PPP: punto de emisión
    doc_type = CharField(max_length=2)  # TT: 01, 06, 07
    cai = CharField(max_length=60)
    range_from = IntegerField()
    range_to = IntegerField()
    deadline = DateField()  # fecha límite de emisión
    last_used = IntegerField()
    status = CharField(max_length=10, default="active")
    ended_at = DateTimeField(null=True)
    ended_reason = TextField(default="")
    created_at = DateTimeField(default=now)
    created_by = CharField(max_length=80, default="")
    version = IntegerField(default=1)

    class Meta:
        table_name = "fiscal_authorisation"
        indexes = ((("establishment", "point", "doc_type", "status"), False),)


# one active authorisation per (establecimiento, punto, type), enforced by the database too
FiscalAuthorisation.add_index(
    SQL(
        "CREATE UNIQUE INDEX IF NOT EXISTS fiscal_authorisation_one_active ON "
        "fiscal_authorisation (establishment, point, doc_type) WHERE status = 'active'"
    )
)


class FiscalDocument(BillingModel):
    """A Factura (01) or a Nota de Crédito (06) as issued: the authorisation's data and the
    buyer are snapshots, so a later change of settings or customer never changes it."""

    id = AutoField()
    doc_type = CharField(max_length=2)
    number = CharField(max_length=19, unique=True)  # EEE-PPP-TT-NNNNNNNN
    correlative = IntegerField()
    authorisation = ForeignKeyField(FiscalAuthorisation, on_delete="RESTRICT")
    cai = CharField(max_length=60)
    range_text = CharField(max_length=60)
    deadline = DateField()
    branch = ForeignKeyField(Branch, on_delete="RESTRICT")
    issued_at = DateTimeField(default=now)
    issued_by = CharField(max_length=80, default="")
    customer = ForeignKeyField(Customer, null=True, on_delete="RESTRICT")  # bill-to
    buyer_name = CharField(max_length=200)
    buyer_document = CharField(max_length=200, default="")  # encrypted (issue 15)
    consumer_final = BooleanField(default=False)
    exempt_purchase_order = CharField(max_length=40, default="")
    exonerated_register = CharField(max_length=40, default="")
    sag_register = CharField(max_length=40, default="")
    subtotal = MoneyField(default=0)
    discounts = MoneyField(default=0)
    exempt = MoneyField(default=0)
    exonerated = MoneyField(default=0)
    taxed15 = MoneyField(default=0)
    taxed18 = MoneyField(default=0)
    isv15 = MoneyField(default=0)
    isv18 = MoneyField(default=0)
    total = MoneyField(default=0)
    on_credit = BooleanField(default=False)
    due_date = DateField(null=True)
    status = CharField(max_length=10, default="issued")  # issued, void
    void_reason = TextField(default="")
    voided_at = DateTimeField(null=True)
    voided_by = CharField(max_length=80, default="")
    # credit note (06): the original and who receives it
    original = ForeignKeyField("self", null=True, backref="credit_notes", on_delete="RESTRICT")
    reason = TextField(default="")
    receiver_name = CharField(max_length=200, default="")
    receiver_document = CharField(max_length=200, default="")  # encrypted
    settlement = CharField(max_length=10, default="")  # credit note: refund, balance, debt
    cash_session = IntegerField(null=True)

    class Meta:
        table_name = "fiscal_document"
        indexes = (
            (("doc_type", "issued_at", "id"), False),
            (("customer", "issued_at"), False),
            (("authorisation", "correlative"), True),
            (("cash_session",), False),
        )


class FiscalDocumentLine(BillingModel):
    id = AutoField()
    document = ForeignKeyField(FiscalDocument, backref="lines", on_delete="RESTRICT")
    position = IntegerField()
    lab_request = ForeignKeyField(LabRequest, null=True, on_delete="RESTRICT")
    request_line = ForeignKeyField(RequestLine, null=True, on_delete="RESTRICT")
    description = CharField(max_length=250)
    quantity = IntegerField(default=1)
    unit_price = MoneyField(default=0)
    discount = MoneyField(default=0)
    amount = MoneyField(default=0)
    tax_class = CharField(max_length=10, default="exento")

    class Meta:
        table_name = "fiscal_document_line"
        indexes = ((("document", "position"), True), (("request_line",), False))


class InvoicedRequest(BillingModel):
    """Which requests a Factura charges (one invoice may charge several requests of one
    bill-to customer); a request is charged by at most one invoice that is not void."""

    id = AutoField()
    document = ForeignKeyField(FiscalDocument, backref="requests", on_delete="RESTRICT")
    lab_request = ForeignKeyField(LabRequest, on_delete="RESTRICT")

    class Meta:
        table_name = "invoiced_request"
        indexes = ((("lab_request", "document"), True),)


class CashSession(BillingModel):
    """One receptionist's cash drawer from opening (starting float) to the close (counted
    per denomination and per method), confirmed by a supervisor."""

    id = AutoField()
    username = CharField(max_length=80)
    branch = ForeignKeyField(Branch, null=True, on_delete="RESTRICT")
    opened_at = DateTimeField(default=now)
    opening_float = MoneyField(default=0)
    status = CharField(max_length=10, default="open")  # open, closed, confirmed
    closed_at = DateTimeField(null=True)
    expected = TextField(default="")  # JSON {method: "amount"}
    counted = TextField(default="")  # JSON {method: "amount"}
    denominations = TextField(default="")  # JSON [["500", 3], ...]
    difference = MoneyField(default=0)
    note = TextField(default="")
    confirmed_by = CharField(max_length=80, default="")
    confirmed_at = DateTimeField(null=True)
    version = IntegerField(default=1)

    class Meta:
        table_name = "cash_session"
        indexes = ((("username", "status"), False), (("status", "opened_at"), False))


class Payment(BillingModel):
    """Money received (``kind`` payment or abono) or given back (refund, negative amount)
    against a fiscal document. A mixed payment is several rows with one ``batch``."""

    id = AutoField()
    batch = CharField(max_length=36)
    document = ForeignKeyField(FiscalDocument, null=True, backref="payments", on_delete="RESTRICT")
    customer = ForeignKeyField(Customer, null=True, on_delete="RESTRICT")
    kind = CharField(max_length=10, default="payment")  # payment, abono, refund
    method = CharField(max_length=10)  # cash, card, transfer, cheque, balance
    amount = MoneyField()
    received = MoneyField(null=True)  # cash: handed over
    change = MoneyField(null=True)
    card_last4 = CharField(max_length=4, default="")
    auth_code = CharField(max_length=20, default="")
    bank = CharField(max_length=80, default="")
    reference = CharField(max_length=40, default="")
    cash_session = ForeignKeyField(CashSession, null=True, on_delete="RESTRICT")
    at = DateTimeField(default=now)
    by = CharField(max_length=80, default="")

    class Meta:
        table_name = "payment"
        indexes = (
            (("document",), False),
            (("cash_session", "method"), False),
            (("customer", "at"), False),
            (("at", "id"), False),
        )


class CreditAccount(BillingModel):
    """Company credit: a limit and the days to pay, per company customer."""

    id = AutoField()
    customer = ForeignKeyField(Customer, unique=True, on_delete="RESTRICT")
    credit_limit = MoneyField(default=0)
    days = IntegerField(default=30)
    active = BooleanField(default=True)
    version = IntegerField(default=1)

    class Meta:
        table_name = "credit_account"


class BalanceMove(BillingModel):
    """The customer's credit balance (saldo a favor): + money kept for them (a credit note
    settled as balance), − balance used as a payment."""

    id = AutoField()
    customer = ForeignKeyField(Customer, on_delete="RESTRICT")
    amount = MoneyField()
    document = ForeignKeyField(FiscalDocument, null=True, on_delete="RESTRICT")
    note = TextField(default="")
    at = DateTimeField(default=now)
    by = CharField(max_length=80, default="")

    class Meta:
        table_name = "balance_move"
        indexes = ((("customer", "at"), False),)


BILLING_MODELS = (
    FiscalAuthorisation,
    FiscalDocument,
    FiscalDocumentLine,
    InvoicedRequest,
    CashSession,
    Payment,
    CreditAccount,
    BalanceMove,
)

# every table the schema has (migrations, restore and migrate-to walk ALL_MODELS)
ALL_MODELS.extend(m for m in BILLING_MODELS if m not in ALL_MODELS)
