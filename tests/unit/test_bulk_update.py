"""The import's bulk updates (issue 20): ``bulk.update_many`` stores what ``update`` would
store, audits the same changes, and refuses what ``update`` refuses, naming the item.
Run as an administrator (the role that imports), on both backends."""

from __future__ import annotations

import dataclasses
import json

import pytest

from patolab_desktop.db.models import AuditLog, Customer, Department, Gender
from patolab_desktop.services import customers
from patolab_desktop.services.access import session
from patolab_desktop.services.access.permissions import ROLE_ADMIN, ROLE_RECEPTION
from patolab_desktop.services.customers import bulk
from patolab_desktop.services.errors import ConflictError, PermissionDenied, ValidationError
from tests.patient_csv_helpers import cortes_san_pedro, make_customer
from tests.security_helpers import fast_hashing, login_as, no_session  # noqa: F401 (fixtures)

pytestmark = pytest.mark.usefixtures("database", "no_session", "fast_hashing")

# what differs between two saves of the same data: the moment, and the number's nonce
_MOMENT = {"updated_at", "consent_at", "id_number", "uid", "id", "created_at"}


def _stored(customer_id: int) -> dict:
    row = Customer.get_by_id(customer_id).__data__
    return {k: v for k, v in row.items() if k not in _MOMENT}


def _changes(customer_id: int) -> list[dict]:
    """The audited changes of each update of the customer, but the moment of the consent."""
    rows = AuditLog.select().where(
        (AuditLog.entity == "customer")
        & (AuditLog.entity_id == customer_id)
        & (AuditLog.action == "update")
    )
    changes = [json.loads(row.changes) for row in rows.order_by(AuditLog.id)]
    for change in changes:
        assert change.pop("consent_at")[1]  # stamped when the consent changed
    return changes


def _edits(data: customers.CustomerData) -> customers.CustomerData:
    department_id, municipality_id = cortes_san_pedro()
    return dataclasses.replace(
        data,
        name="Ana María López",
        email="ana@correo.hn",
        age=41,
        gender_id=Gender.get(Gender.code == "F").id,
        department_id=department_id,
        municipality_id=municipality_id,
        notes="actualizada por importación",
        whatsapp_consent="yes",
        consent_how="written",
        consent_events="received,ready",
    )


def test_update_many_stores_and_audits_what_update_would():
    with session.acting_as(session.system_actor("seed")):
        one = make_customer(name="Ana López", phone="9988-7766", id_number="0801199012345")
        two = make_customer(name="Ana López", phone="9988-7700", id_number="0801199054321")
    login_as(ROLE_ADMIN)
    data_one, data_two = _edits(customers.get(one)), _edits(customers.get(two))
    data_two.id_number = "0801199054321"  # the same numbers: only the rest changes
    data_one.id_number = "0801199012345"
    customers.update(data_one)
    bulk.update_many([data_two])
    assert data_two.version == data_one.version == 2
    first, second = _stored(one), _stored(two)
    assert {k: v for k, v in first.items() if k not in ("phone", "search_text", "id_hash")} == {
        k: v for k, v in second.items() if k not in ("phone", "search_text", "id_hash")
    }
    assert customers.get(two).id_number == "0801199054321"
    assert _changes(one) == _changes(two) and len(_changes(two)) == 1
    assert Customer.get_by_id(two).consent_by == session.current().username


def test_the_same_number_keeps_its_ciphertext_and_a_new_one_is_sealed():
    with session.acting_as(session.system_actor("seed")):
        kept = make_customer(name="Ana", phone="9988-7766", id_number="0801199012345")
        renumbered = make_customer(name="Luis", phone="9988-7700", id_number="0801199054321")
    login_as(ROLE_ADMIN)
    before = {c: Customer.get_by_id(c).id_number for c in (kept, renumbered)}
    same = dataclasses.replace(customers.get(kept), email="ana@correo.hn")
    same.id_number = "0801199012345"
    other = dataclasses.replace(customers.get(renumbered), id_number="0801199099999")
    bulk.update_many([same, other])
    assert Customer.get_by_id(kept).id_number == before[kept]
    assert Customer.get_by_id(renumbered).id_number != before[renumbered]
    assert customers.get(renumbered).id_number == "0801199099999"
    assert customers.count(customers.CustomerFilter(search="0801199099999")) == 1


def _three_read_then_one_edited(edited: int) -> tuple[list[int], list[customers.CustomerData]]:
    """Three patients read by the importing administrator, then patient ``edited`` saved
    at the desk: its read copy is stale."""
    with session.acting_as(session.system_actor("seed")):
        ids = [
            make_customer(name=f"Paciente {n}", phone=f"9988-77{n:02d}", id_number="")
            for n in range(3)
        ]
    login_as(ROLE_ADMIN)
    read = [customers.get(c) for c in ids]
    for data in read:
        data.notes = "importado"
    desk = customers.get(ids[edited])
    desk.notes = "editado en recepción"
    customers.update(desk)
    return ids, read


def test_a_customer_saved_since_it_was_read_is_refused_by_index_and_nothing_changes():
    _ids, read = _three_read_then_one_edited(1)
    snapshot = list(Customer.select().order_by(Customer.id).tuples())
    with pytest.raises(bulk.ItemRefused) as info, customers_transaction():
        bulk.update_many(read)
    assert info.value.index == 1 and isinstance(info.value.error, ConflictError)
    assert list(Customer.select().order_by(Customer.id).tuples()) == snapshot


def test_a_number_taken_meanwhile_is_refused_naming_it():
    with session.acting_as(session.system_actor("seed")):
        mine = make_customer(name="Ana", phone="9988-7766", id_number="")
        make_customer(name="Otra Persona", phone="9988-7700", id_number="0801199012345")
    login_as(ROLE_ADMIN)
    data = customers.get(mine)
    data.id_number = "0801199012345"
    with pytest.raises(bulk.ItemRefused) as info, customers_transaction():
        bulk.update_many([data])
    assert info.value.index == 0 and isinstance(info.value.error, ValidationError)
    assert "Otra Persona" in info.value.error.fields["id_number"]
    assert customers.get(mine).id_number == ""


def test_a_rule_broken_is_refused_as_update_refuses_it():
    with session.acting_as(session.system_actor("seed")):
        customer = make_customer(name="Ana", phone="9988-7766", id_number="")
    login_as(ROLE_ADMIN)
    data = dataclasses.replace(
        customers.get(customer), department_id=Department.select().count() + 99
    )
    with pytest.raises(ValidationError) as expected:
        customers.update(dataclasses.replace(data))
    with pytest.raises(bulk.ItemRefused) as info:
        bulk.update_many([data])
    assert info.value.error.fields == expected.value.fields


def test_update_many_needs_the_edit_permission():
    with session.acting_as(session.system_actor("seed")):
        customer = make_customer(name="Ana", phone="9988-7766", id_number="")
    login_as(ROLE_ADMIN)
    data = customers.get(customer)
    with (
        session.acting_as(
            dataclasses.replace(session.current(), permissions=frozenset({"patients.view"}))
        ),
        pytest.raises(PermissionDenied),
    ):
        bulk.update_many([data])
    login_as(ROLE_RECEPTION)  # the desk edits patients: allowed
    data = customers.get(customer)
    data.notes = "editado"
    bulk.update_many([data])
    assert customers.get(customer).notes == "editado"


def customers_transaction():
    """The caller's transaction that a refused bulk update leaves to be rolled back."""
    from patolab_desktop.db.database import db

    return db.atomic()


def test_an_inactive_customer_sharing_a_number_is_not_blamed_for_one_taken():
    """Review: the refusal names the item that took a number, not an inactive customer
    who shares another one (``update`` lets an inactive customer share a number)."""
    with session.acting_as(session.system_actor("seed")):
        holder = make_customer(name="Activa Titular", phone="9988-7701", id_number="")
        make_customer(name="Otra Persona", phone="9988-7702", id_number="0801199022222")
        sleeping = make_customer(name="Inactiva", phone="9988-7703", id_number="")
        mine = make_customer(name="Ana", phone="9988-7704", id_number="")
        holder_data = customers.get(holder)
        holder_data.id_number = "0801199011111"
        customers.update(holder_data)
        customers.deactivate(sleeping)
    login_as(ROLE_ADMIN)
    inactive = customers.get(sleeping)
    inactive.id_number = "0801199011111"  # shared with an active customer: allowed
    taker = customers.get(mine)
    taker.id_number = "0801199022222"  # taken by Otra Persona
    with pytest.raises(bulk.ItemRefused) as info:
        bulk.update_many([inactive, taker])
    assert info.value.index == 1
    assert "Otra Persona" in info.value.error.fields["id_number"]


def test_the_same_customer_twice_is_a_conflict_naming_the_second():
    with session.acting_as(session.system_actor("seed")):
        customer = make_customer(name="Ana", phone="9988-7766", id_number="")
    login_as(ROLE_ADMIN)
    first, second = customers.get(customer), customers.get(customer)
    first.notes, second.notes = "primera", "segunda"
    with pytest.raises(bulk.ItemRefused) as info:
        bulk.update_many([first, second])
    assert info.value.index == 1 and isinstance(info.value.error, ConflictError)
    assert customers.get(customer).notes == "" and first.version == 1


def test_a_refusal_in_a_later_chunk_saves_nothing_and_moves_no_version(monkeypatch):
    """Review: without a caller's transaction the earlier chunks are not left saved, and
    the items keep the version they were read with (as after a refused ``update``)."""
    monkeypatch.setattr(bulk, "UPDATE_CHUNK", 2)
    ids, read = _three_read_then_one_edited(2)
    with pytest.raises(bulk.ItemRefused) as info:
        bulk.update_many(read)
    assert info.value.index == 2
    assert [customers.get(c).notes for c in ids] == ["", "", "editado en recepción"]
    assert [data.version for data in read] == [1, 1, 1]
