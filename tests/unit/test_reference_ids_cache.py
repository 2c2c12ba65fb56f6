"""The reference ids a customer check reads once (``reference.known_ids`` and
``dni_places``, issue 20) are read again for another opened database: the review found
them kept by path, past a restore or a reopened file (a raw foreign-key error instead
of the field's message)."""

from __future__ import annotations

import dataclasses

import pytest

from patolab_desktop.db.models import Customer, Municipality
from patolab_desktop.services import customers, reference
from patolab_desktop.services.access import session
from patolab_desktop.services.bootstrap import close_db, open_db
from patolab_desktop.services.errors import ValidationError
from tests.patient_csv_helpers import make_customer

pytestmark = pytest.mark.usefixtures("database")


def test_a_reopened_database_is_checked_against_its_own_places(db_target):
    with session.acting_as(session.system_actor("test")):
        customer = make_customer(name="Ana", phone="9988-7766", id_number="")
        data = customers.get(customer)
        unused = (
            Municipality.select()
            .where(Municipality.id.not_in(Customer.select(Customer.municipality)))
            .where(Municipality.department == data.department_id)
            .get()
        )
        reference.known_ids()  # read once here
        Municipality.delete().where(Municipality.id == unused.id).execute()
        close_db()
        open_db(db_target)
        with pytest.raises(ValidationError) as info:
            customers.update(dataclasses.replace(data, municipality_id=unused.id))
    assert "municipality_id" in info.value.fields
    assert unused.id not in reference.known_ids()[2]


def test_clearing_the_caches_reads_the_places_again():
    before = reference.dni_places()
    assert before is reference.dni_places()  # read once
    reference.clear_caches()
    assert reference.dni_places() is not before and reference.dni_places() == before
