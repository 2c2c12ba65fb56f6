"""Issue 16 F: the patient import upserts the way a lab needs it.

By identity number first; else by phone when the names agree (the same folded name, or
every word of the shorter name inside the longer one); a different name on a known phone
is a new patient, flagged in the preview; a person repeated inside one file is merged
(later non-empty values win) and reported, never rejecting the file.
"""

from __future__ import annotations

import pytest

from patolab_desktop.db.models import Customer
from patolab_desktop.services import customers
from patolab_desktop.services.customers import importing as pi
from tests.patient_csv_helpers import (  # noqa: F401 (fixture)
    admin,
    customer_count,
    make_customer,
    write_csv_file,
)

pytestmark = pytest.mark.usefixtures("database", "admin")


@pytest.mark.parametrize(
    ("one", "other", "agree"),
    [
        ("carlos ruiz", "carlos ruiz", True),
        ("carlos ruiz", "carlos alberto ruiz mejia", True),
        ("carlos alberto ruiz mejia", "carlos ruiz", True),
        ("carlos ruiz", "pedro ruiz", False),
        ("ana ana", "ana lopez", False),  # words count: two "ana" are not in "ana lopez"
        ("", "ana", False),
    ],
)
def test_names_agree(one, other, agree):
    assert pi.names_agree(one, other) is agree


def test_a_longer_name_on_the_same_phone_updates_the_patient(tmp_path):
    carlos = make_customer(name="Carlos Ruiz", phone="9988-7766", id_number="")
    rows = [
        ["nombre", "telefono", "correo"],
        ["Carlos Alberto Ruiz Mejía", "9988-7766", "carlos@example.com"],
    ]
    plan = pi.analyse(write_csv_file(tmp_path / "p.csv", rows))
    assert [r.customer_id for r in plan.updated] == [carlos] and plan.created == []
    pi.commit(plan)
    assert customers.get(carlos).email == "carlos@example.com"
    assert customer_count() == 1


def test_the_identity_number_matches_first(tmp_path):
    ana = make_customer(name="Ana López", phone="9988-7766", id_number="0801199012345")
    rows = [["nombre", "telefono", "dni"], ["Ana María López", "3312-4455", "0801199012345"]]
    plan = pi.analyse(write_csv_file(tmp_path / "p.csv", rows))
    assert [r.customer_id for r in plan.updated] == [ana]


def test_a_different_name_on_a_known_phone_is_a_new_family_member_flagged(tmp_path):
    make_customer(name="Carlos Ruiz", phone="9988-7766", id_number="")
    rows = [["nombre", "telefono"], ["Lucía Ruiz", "9988-7766"]]
    plan = pi.analyse(write_csv_file(tmp_path / "p.csv", rows))
    (row,) = plan.created
    assert plan.updated == [] and "familiar" in row.note
    assert plan.family_count == 1
    pi.commit(plan)
    assert customer_count() == 2


def test_a_new_phone_is_no_family_flag(tmp_path):
    rows = [["nombre", "telefono"], ["Lucía Ruiz", "9988-7766"]]
    plan = pi.analyse(write_csv_file(tmp_path / "p.csv", rows))
    assert plan.created[0].note == "" and plan.family_count == 0


def test_a_person_repeated_in_the_file_is_merged_later_values_win(tmp_path):
    rows = [
        ["nombre", "telefono", "correo", "edad"],
        ["Carlos Ruiz", "9988-7766", "viejo@example.com", "40"],  # 2
        ["Lucía Ruiz", "9988-7766", "", "8"],  # 3: his daughter, another person
        ["Carlos Alberto Ruiz Mejía", "9988-7766", "nuevo@example.com", ""],  # 4: him again
    ]
    plan = pi.analyse(write_csv_file(tmp_path / "p.csv", rows))
    assert plan.rejected == []
    assert [r.line for r in plan.created] == [2, 3]
    assert [r.line for r in plan.merged] == [4] and "línea 2" in plan.merged[0].reason
    carlos = plan.created[0]
    assert carlos.merged_lines == [4]
    assert carlos.data.name == "Carlos Alberto Ruiz Mejía"
    assert carlos.data.email == "nuevo@example.com"
    assert carlos.data.age == 40  # an empty later cell does not erase
    assert "unidas" in plan.summary()
    result = pi.commit(plan)
    assert (result.created, result.rejected) == (2, 0)
    assert Customer.select().where(Customer.email == "nuevo@example.com").count() == 1


def test_a_merge_the_service_would_refuse_is_not_made(tmp_path):
    rows = [
        ["nombre", "telefono", "correo"],
        ["Carlos Ruiz", "9988-7766", "bien@example.com"],
        ["Carlos Ruiz", "9988-7766", "no-es-correo"],
    ]
    plan = pi.analyse(write_csv_file(tmp_path / "p.csv", rows))
    assert [r.line for r in plan.created] == [2] and plan.merged == []
    assert [r.line for r in plan.rejected] == [3]
