"""Shared helpers for the patient import/export tests: real CSV files, the acting admin."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from patolab_desktop.db.models import Customer, Department, Gender, Municipality
from patolab_desktop.services import customers
from patolab_desktop.services.access import session
from patolab_desktop.services.customers import CustomerData

# a small file with accents in every column that has text
ACCENTED = [
    ["Nombre", "Teléfono", "Correo", "DNI"],
    ["José Pérez", "9988-7766", "jose@example.com", "0801-1990-12345"],
    ["María Muñoz Ávila", "3312-4455", "", ""],
    ["Ñoño Güell", "+504 8877-6655", "nono@example.com", ""],
]


def created_names(rows) -> list[str]:
    """The names of the rows of an import plan (``plan.created``, ``plan.updated``)."""
    return [r.data.name for r in rows]


# Valid Honduran mobile numbers (8 digits starting with 3, 8 or 9).
PHONES = ["9988-7766", "3312-4455", "8877-6655", "9456-1234", "3190-2020", "9801-7788"]


@pytest.fixture
def admin():
    """Act as a user holding every permission (imports.run, exports.run…)."""
    with session.acting_as(session.system_actor("test")) as actor:
        yield actor


def write_csv_file(
    path: Path,
    rows: list[list[str]],
    delimiter: str = ",",
    encoding: str = "utf-8",
    line_end: str = "\r\n",
) -> Path:
    """Write ``rows`` (the first is the header) as a real CSV file."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=line_end)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def customer_count() -> int:
    return Customer.select().count()


def table_snapshot() -> list[tuple]:
    """Every customer row, to prove the table did not change at all."""
    return list(Customer.select().order_by(Customer.id).tuples())


def cortes_san_pedro() -> tuple[int, int]:
    department = Department.get(Department.name == "Cortés")
    municipality = Municipality.get(
        (Municipality.name == "San Pedro Sula") & (Municipality.department == department)
    )
    return department.id, municipality.id


def make_customer(
    name="José Pérez",
    phone="9988-7766",
    id_number="0801199012345",
    email="",
    complete=True,
    **extra,
) -> int:
    """A stored customer through the service (complete unless ``complete=False``)."""
    data = CustomerData(name=name, phone=phone, id_number=id_number, email=email, **extra)
    if complete:
        department_id, municipality_id = cortes_san_pedro()
        data.gender_id = data.gender_id or Gender.get(Gender.code == "M").id
        data.age = data.age if data.age is not None else 40
        data.department_id = data.department_id or department_id
        data.municipality_id = data.municipality_id or municipality_id
    else:
        data.incomplete = True
    return customers.create(data)
