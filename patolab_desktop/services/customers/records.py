"""Customers: patients (``cliente``) and institutions (``empresa``), seeds 000–003.

Every customer rule lives here; the GUI, the CLI and the tests call these functions.

* ``name`` is required. For a patient the first and last names are optional; when any
  of them is given the name is ``"first last"``.
* A patient (``cliente``) needs an age or a date of birth, and a gender. With a date of
  birth the age is computed on the day (never stored); a declared age is stored with the
  day it was declared (``age_recorded_on``) and grows with the years.
* ``phone`` is required and stored in E.164 (default region Honduras); ``email`` is
  validated and stored in lower case.
* ``id_number`` holds digits only: a DNI (13) or an RTN (14); a company needs an RTN. It is
  unique among ACTIVE customers (a partial unique index backs the check).
* The municipality must belong to the department.
* Soft delete: ``deactivate`` hides the customer from every list, search and export and
  keeps its history, and refuses while the customer owes on credit facturas; ``reactivate``
  refuses when the id_number is now someone else's.
* Optimistic concurrency: ``update`` refuses a stale ``version`` (``ConflictError``).
* ``incomplete``: customers imported with missing data. When ``CustomerData.incomplete``
  is true, missing required values (other than the name) are tolerated and the record
  stays marked incomplete; values that are given are still validated. A record saved
  with every required value becomes complete.

Lists and search live in ``customer_search`` (re-exported here: ``page``, ``count``,
``SORTS``, ``CustomerFilter``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import fields as dc_fields
from dataclasses import replace as dc_replace
from typing import NoReturn

from peewee import JOIN, IntegrityError

from ...db.database import write_transaction
from ...db.models import Customer, Gender, new_uid, now
from ...util.dataclass_rows import from_row
from ...util.money import format_lempiras
from ...util.text import clean, fold
from .. import identity, reference
from ..access import audit, session
from ..billing import statements
from ..errors import ConflictError, NotFoundError, RuleError, ValidationError
from ..notify import outbox as notify_outbox
from ..paging import Page, PageRequest
from ..texts import label, translate
from .formats import (
    AGE_COLUMNS,
    age_from,
    age_text,
    declared_age_text,
    format_id_number,
    format_phone,
    normalise_document,
    normalise_phone,
    search_text_for,
)
from .rows import _missing, _row
from .types import (
    CONSENT_HOW_UNKNOWN,
    COUNT_CAP,
    DEFAULT_SORT,
    TYPE_LABELS,
    CustomerData,
    CustomerFilter,
    conflict_message,
)
from .validation import (
    _active_holder,
    _blocking,
    _check,
    _Clean,
    _taken_message,
    consent_how_missing,
    document_label,
)

normalize_phone = normalise_phone


# --- reading ---------------------------------------------------------------------------


def _shown_id_number(digits_: str | None) -> str:
    """The stored digits for holders of ``patients.view_sensitive``, else the masked form
    (``update`` keeps the stored digits when it gets a value containing ``*``)."""
    if session.has("patients.view_sensitive"):
        return identity.reveal_for_form(digits_)
    return identity.masked(digits_)


def get(customer_id: int) -> CustomerData:
    """The stored customer; ``age`` is the declared age as of today (None with a birth date).

    ``id_number`` is masked (``****-****-12345``) for users without
    ``patients.view_sensitive``."""
    session.require("patients.view")
    return _data_of(_row(customer_id), dt.date.today(), _shown_id_number)


IdNumberText = Callable[[str | None], str]  # stored identity number -> the text given out


def _data_of(c: Customer, today: dt.date, id_number_text: IdNumberText) -> CustomerData:
    """The form data of a stored row; ``id_number_text(digits)`` gives the id number shown
    (masked for some roles by ``get``, the stored digits for the import)."""
    return from_row(
        CustomerData,
        c,
        id_number=id_number_text(c.id_number),
        document_type=c.document_type if c.id_number else "ninguno",
        age=None if c.date_of_birth else age_from(None, c.age, c.age_recorded_on, today),
        age_text=""
        if c.date_of_birth
        else declared_age_text(c.age, c.age_declared, c.age_recorded_on, today),
        whatsapp_consent=c.whatsapp_consent or "",
        consent_by=c.consent_by or "",
    )


def summary(customer_id: int) -> dict:
    """id, name, id_number (display), type, type_label, age (today), gender, phone (display),
    email: what pickers and prints show."""
    session.require("patients.view")
    row = (
        Customer.select(
            Customer.id,
            Customer.name,
            Customer.id_number,
            Customer.type,
            *AGE_COLUMNS,
            Customer.age_declared,
            Customer.phone,
            Customer.email,
            Customer.active,
            Gender.name.alias("gender"),
        )
        .join(Gender, join_type=JOIN.LEFT_OUTER, on=(Customer.gender == Gender.id))
        .where(Customer.id == customer_id)
        .dicts()
        .first()
    )
    if row is None:
        raise _missing(customer_id)
    return {
        "id": row["id"],
        "name": row["name"],
        "id_number": audit.display_id_number(row["id_number"]),
        "type": row["type"],
        "type_label": label(TYPE_LABELS, row["type"]),
        "age": age_from(row["date_of_birth"], row["age"], row["age_recorded_on"], dt.date.today()),
        # the age as people read it today: "35 años", a baby's "10 meses" or "3 días"
        "age_label": age_text(
            row["date_of_birth"],
            row["age"],
            row["age_declared"],
            row["age_recorded_on"],
            dt.date.today(),
        ),
        "gender": reference.gender_label(row["gender"]),
        "phone": format_phone(row["phone"]),
        "email": row["email"],
        "active": row["active"],
    }


def find_duplicates(data: CustomerData) -> list[dict]:
    """Active customers that look like the same person: same id_number, or the same folded
    name with the same phone or the same date of birth. Rows: id, name, id_number, phone
    (display), reason."""
    session.require("patients.view")
    found: dict[int, dict] = {}

    def add(rows: Iterable[dict], reason: str) -> None:
        for r in rows:
            if r["id"] == data.id:
                continue
            entry = found.setdefault(
                r["id"],
                {
                    "id": r["id"],
                    "name": r["name"],
                    "id_number": audit.display_id_number(r["id_number"]),
                    "phone": format_phone(r["phone"]),
                    "reason": reason,
                },
            )
            if reason not in entry["reason"]:
                entry["reason"] += f"; {reason}"

    columns = (
        Customer.id,
        Customer.name,
        Customer.id_number,
        Customer.phone,
        Customer.date_of_birth,
    )
    active = Customer.active == True  # noqa: E712
    try:
        document, number = (
            ("", "")
            if "*" in (data.id_number or "")
            else normalise_document(data.document_type, data.id_number)
        )
    except ValueError:
        number = ""
    if number:  # the same document: same type and number (issue 16 D)
        add(
            Customer.select(*columns)
            .where(
                active
                & (Customer.id_hash == identity.search_hash(number))
                & (Customer.document_type == document)
            )
            .limit(20)
            .dicts(),
            translate("services.customers", "mismo {document}").format(
                document=document_label(document)
            ),
        )
    name = fold(
        clean(f"{data.first_name} {data.last_name}")
        if data.type == "cliente" and (clean(data.first_name) or clean(data.last_name))
        else data.name
    )
    if name:
        try:
            phone = normalise_phone(data.phone)
        except ValueError:
            phone = ""
        same_name = Customer.select(*columns).where(active & (Customer.name_folded == name))
        if phone:
            add(
                same_name.where(Customer.phone == phone).limit(20).dicts(),
                translate("services.customers", "mismo nombre y teléfono"),
            )
        if data.date_of_birth is not None:
            add(
                same_name.where(Customer.date_of_birth == data.date_of_birth).limit(20).dicts(),
                translate("services.customers", "mismo nombre y fecha de nacimiento"),
            )
    return list(found.values())


# --- writing ---------------------------------------------------------------------------


_NOT_AUDITED = frozenset({"id", "uid", "created_at", "updated_at", "version", "age_text"})


def _audit_view(row: Customer) -> dict:
    """The audited fields of a stored customer (id_number included: audit table only)."""
    view = {name: getattr(row, name) for name in data_fields() if name not in _NOT_AUDITED}
    view["id_number"] = identity.reveal(view.get("id_number")) or None  # audit seals it again
    return view


def _stored_values(clean_: _Clean, today: dt.date) -> dict:
    v = dict(clean_.values)
    v["age_recorded_on"] = today if v["age"] is not None else None
    v["search_text"] = search_text_for(
        v["name"],
        identity.search_tokens(v["id_number"]),
        v["phone"],
        v["email"],
        name_folded=v.get("name_folded"),
    )
    # encrypted at rest; the keyed hash serves exact search and uniqueness (issue 15, 13)
    v["id_number"], v["id_hash"] = identity.seal(v["id_number"])
    v["incomplete"] = bool(clean_.errors)  # only tolerated (missing) errors can be left
    return v


def _raise_taken(number: str | None, exclude_id: int | None, exc: Exception) -> NoReturn:
    other = _active_holder(number, exclude_id) if number else None
    if number and other is not None:
        raise ValidationError({"id_number": _taken_message(number, other)}) from exc
    if number and ("id_hash" in str(exc) or "id_number" in str(exc)):
        raise ValidationError(
            {
                "id_number": translate(
                    "services.customers", "Ya hay un cliente activo con la identidad {id_number}."
                ).format(id_number=format_id_number(number))
            }
        ) from exc
    raise ValidationError(
        {
            "__all__": translate(
                "services.customers", "No se pudo guardar el cliente: {error}"
            ).format(error=exc)
        }
    ) from exc


_CONSENT_RECORD = ("whatsapp_consent", "consent_how", "consent_events")


def _consent_stamp(values: dict, current: Customer | None, stamp: dt.datetime) -> None:
    """A changed WhatsApp consent (yes/no, how, which messages) records when and who
    (issue 18); unchanged keeps both. A consent given or changed says how: «No registrado»
    stays only on a consent recorded before schema 22 said how, while it is unchanged."""
    before = tuple((getattr(current, key) or "") if current else "" for key in _CONSENT_RECORD)
    if tuple(values.get(key, "") for key in _CONSENT_RECORD) == before:
        return
    if values.get("consent_how") == CONSENT_HOW_UNKNOWN:
        raise ValidationError({"consent_how": consent_how_missing()})
    actor = session.current()
    values.update(consent_at=stamp, consent_by=actor.username if actor else "")


def create(data: CustomerData) -> int:
    """Register a customer; ``ValidationError(fields)`` when the data breaks a rule."""
    session.require("patients.create")
    data.id = None
    data.active = True
    today = dt.date.today()
    clean_ = _check(data, today)
    errors = _blocking(clean_, bool(data.incomplete))
    if errors:
        raise ValidationError(errors)
    values = _stored_values(clean_, today)
    stamp = now()
    values.update(
        uid=data.uid or new_uid(), active=True, created_at=stamp, updated_at=stamp, version=1
    )
    _consent_stamp(values, None, stamp)
    try:
        with write_transaction():
            customer_id = Customer.insert(**values).execute()
            audit.record(
                "create",
                "customer",
                int(customer_id),
                audit.diff({}, _audit_view(Customer.get_by_id(customer_id))),
            )
    except IntegrityError as exc:
        _raise_taken(values["id_number"], None, exc)
    return int(customer_id)


def update(data: CustomerData) -> None:
    """Save the form over the stored customer ``data.id``.

    ``NotFoundError`` when it no longer exists, ``ConflictError`` when someone saved it
    after ``data.version`` was read, ``ValidationError`` when a rule is broken. On success
    ``data.version`` and ``data.updated_at`` are set to the stored values. An ``id_number``
    containing ``*`` (the masked form ``get`` gives some roles) keeps the stored number.
    """
    session.require("patients.edit")
    if data.id is None:
        raise NotFoundError(translate("services.customers", "Falta el cliente a modificar."))
    number = None
    try:
        with write_transaction():
            current = _row(data.id)
            before = _audit_view(current)
            values, number = _updated_values(current, data, dt.date.today(), now())
            changed = (
                Customer.update(**values)
                .where((Customer.id == data.id) & (Customer.version == data.version))
                .execute()
            )
            if changed != 1:
                raise ConflictError(conflict_message())
            changes = audit.diff(before, _audit_view(_row(data.id)))
            if changes:
                audit.record("update", "customer", data.id, changes)
                # blocked or consent withdrawn: the queued WhatsApp messages are cancelled
                notify_outbox._cancel_refused(data.id)
    except IntegrityError as exc:
        _raise_taken(number, data.id, exc)
    data.version = values["version"]
    data.updated_at = values["updated_at"]


def _record_opt_out(
    customer_id: int, by: session.Actor, detail: str = "", at: dt.datetime | None = None
) -> bool:
    """The patient withdrew WhatsApp consent outside the form (WhatsApp answered 131050
    "user stopped these messages" to the sender, inside its write transaction): consent
    becomes "no" as a save of the form records it, so that nothing undoes it silently.
    The version is bumped (a form open at the desk meets the usual conflict message instead
    of putting "yes" back), ``consent_at``/``consent_by`` say when and who (``by``, not the
    user signed in at the desk), an audit row names ``by`` and the patient's other queued
    messages are cancelled. No ``require``: the sender checked ``notify.send``. ``at``: the
    sender's clock. Returns False when consent was already "no" (or the patient is gone)."""
    current = Customer.get_or_none(Customer.id == customer_id)
    if current is None or current.whatsapp_consent == "no":
        return False
    stamp = at or now()
    # "no" keeps neither how nor which messages (``_consent_stamp``)
    after = {"whatsapp_consent": "no", "consent_how": "", "consent_events": ""}
    # the audit names the consent fields only: the whole record's view opens the identity
    # number, and a sending computer without this database's identity key (a scheduled
    # ``notify --run``) must still record the opt-out
    before = {field: getattr(current, field) for field in after}
    Customer.update(
        **after,
        consent_at=stamp,
        consent_by=by.username,
        updated_at=stamp,
        version=Customer.version + 1,
    ).where(Customer.id == customer_id).execute()
    audit.record("update", "customer", customer_id, audit.diff(before, after), detail, actor=by)
    notify_outbox._cancel_refused(customer_id)
    return True


def _updated_values(
    current: Customer, data: CustomerData, today: dt.date, stamp: dt.datetime, unique: bool = True
) -> tuple[dict, str | None]:
    """The column values ``update`` stores over ``current`` for ``data``, and the plain
    identity number (None when there is none): the rules of an edit, for ``update`` and
    for the import's ``bulk.update_many``. ``ConflictError`` when ``current`` was saved
    after ``data.version`` was read, ``ValidationError`` when a rule is broken.
    ``unique=False``: the caller looked the id number up itself (the unique index still
    refuses a taken one). Sets ``data.active`` to the stored one."""
    if current.version != data.version:
        raise ConflictError(conflict_message())
    data.active = current.active
    checked = data
    if "*" in (data.id_number or ""):  # masked on screen: keep the stored number
        checked = dc_replace(data, id_number=identity.reveal(current.id_number))
    clean_ = _check(checked, today, unique=data.active and unique)
    errors = _blocking(clean_, bool(data.incomplete))
    if errors:
        raise ValidationError(errors)
    values = _stored_values(clean_, today)
    if (
        values["age"] is not None
        and current.date_of_birth is None
        and current.age is not None
        and age_from(None, current.age, current.age_recorded_on, today) == values["age"]
        and declared_age_text(current.age, current.age_declared, current.age_recorded_on, today)
        == declared_age_text(values["age"], values["age_declared"], today, today)
    ):
        # the same age as shown: keep the original declaration so it keeps growing
        values["age"], values["age_recorded_on"] = current.age, current.age_recorded_on
        values["age_declared"] = current.age_declared
    values.update(updated_at=stamp, version=current.version + 1)
    _consent_stamp(values, current, stamp)
    return values, clean_.values.get("id_number")


def _refuse_while_owing(customer: Customer) -> None:
    """A customer that owes on credit facturas is not deactivated: hidden from every
    search, its debt could no longer be reached at the desk to record the abonos (and the
    lab would lose track of the money). ``RuleError`` naming what it owes."""
    owed, count = statements.owed(customer.id)
    if owed <= 0:
        return
    if count == 1:
        text = translate(
            "services.customers",
            "{name} debe {owed} en 1 factura a crédito: registre los abonos o anule la "
            "factura antes de desactivarla.",
        )
    else:
        text = translate(
            "services.customers",
            "{name} debe {owed} en {count} facturas a crédito: registre los abonos o anule "
            "las facturas antes de desactivarla.",
        )
    raise RuleError(text.format(name=customer.name, owed=format_lempiras(owed), count=count))


def _set_active(customer_id: int, active: bool) -> None:
    with write_transaction():
        current = _row(customer_id)
        if current.active == active:
            return
        if not active:
            _refuse_while_owing(current)
        if active and current.id_number:
            other = _active_holder(current.id_number, exclude_id=customer_id)
            if other is not None:
                raise ValidationError(
                    {
                        "id_number": translate(
                            "services.customers",
                            "No se puede reactivar: la identidad {id_number} ya la "
                            "usa el cliente activo {name}.",
                        ).format(
                            id_number=audit.display_id_number(current.id_number), name=other["name"]
                        )
                    }
                )
        try:
            Customer.update(active=active, updated_at=now(), version=Customer.version + 1).where(
                Customer.id == customer_id
            ).execute()
            audit.record(
                "reactivate" if active else "deactivate",
                "customer",
                customer_id,
                {"active": (not active, active)},
            )
        except IntegrityError as exc:
            _raise_taken(current.id_number, customer_id, exc)


def deactivate(customer_id: int) -> None:
    """Soft delete: hidden from lists, search and export; history kept. ``RuleError`` when
    it still owes on credit facturas."""
    session.require("patients.delete")
    _set_active(customer_id, False)


def reactivate(customer_id: int) -> None:
    """Undo ``deactivate``; ``ValidationError`` when its id_number is now someone else's."""
    session.require("patients.delete")
    _set_active(customer_id, True)


def data_fields() -> list[str]:
    return [f.name for f in dc_fields(CustomerData)]


def page(filters: CustomerFilter, request: PageRequest) -> Page:
    """One keyset page of customers (see ``customer_search.page`` for the row keys)."""
    session.require("patients.view")
    from . import search as customer_search

    return customer_search.page(filters, request)


def count(filters: CustomerFilter, cap: int = COUNT_CAP) -> int:
    """How many customers match, counted up to ``cap``.

    Exact when the answer is at most ``cap``; ``cap + 1`` means "more than ``cap``"
    (counting a million rows on every keystroke would cost more than the search itself).
    ``count_label`` turns the number into text.
    """
    session.require("patients.view")
    from . import search as customer_search

    return customer_search.count(filters, cap)


def count_label(n: int, cap: int = COUNT_CAP) -> str:
    """``count`` as text: "1 cliente", "235 clientes", "más de 10,000 clientes"."""
    if n > cap:
        return translate("services.customers", "más de {count} clientes").format(count=f"{cap:,}")
    if n == 1:
        return translate("services.customers", "1 cliente")
    return translate("services.customers", "{count} clientes").format(count=f"{n:,}")


def iter_rows(filters: CustomerFilter, sort: str = DEFAULT_SORT) -> Iterator[dict]:
    """Every matching customer as a display dict (like ``page`` rows), streamed."""
    session.require("patients.view")
    from . import search as customer_search

    return customer_search.iter_rows(filters, sort)


def get_many(customer_ids: Iterable[int]) -> dict[int, CustomerData]:
    """``get`` for many customers with one query per 500 ids (missing ids are left out).

    Like ``get``, the id number is masked for users without ``patients.view_sensitive``
    (issue 15, point 8: no bulk read path shows more than one record does)."""
    session.require("patients.view")
    return _many(customer_ids, _shown_id_number)


def _stored_many(customer_ids: Iterable[int]) -> dict[int, CustomerData]:
    """``get_many`` with the stored id numbers: the import's plumbing only (it compares
    and updates them after its own ``imports.run`` check)."""
    session.require("imports.run")
    return _many(customer_ids, identity.revealer())


def _many(customer_ids: Iterable[int], id_number_text: IdNumberText) -> dict[int, CustomerData]:
    today = dt.date.today()
    ids = sorted(set(customer_ids))
    found: dict[int, CustomerData] = {}
    for start in range(0, len(ids), 500):
        for c in Customer.select().where(Customer.id.in_(ids[start : start + 500])):
            found[c.id] = _data_of(c, today, id_number_text)
    return found
