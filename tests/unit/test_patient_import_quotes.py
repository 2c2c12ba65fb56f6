"""A patient file with a quote that is never closed: the reader took every line after it
into that one cell, so the preview listed one patient, the rows after it vanished without
a word and, imported, their data (a diagnosis) sat in the first patient's notes. The file
is refused naming the line; quoted line breaks that do close still import."""

from __future__ import annotations

import pytest

from patolab_desktop.db.models import Customer
from patolab_desktop.services.access import permissions, session
from patolab_desktop.services.customers import importing as pi
from tests.security_helpers import fast_hashing, login_as  # noqa: F401 (a fixture)


@pytest.fixture(autouse=True)
def administrator(database, fast_hashing):  # noqa: F811
    """The role that imports patients, signed in."""
    with session.acting_as(None):
        login_as(permissions.ROLE_ADMIN)
        yield


UNCLOSED = (
    "Nombre,Teléfono,Notas\n"
    'Ana López,9999-1111,"alergia\n'
    "Pedro Ramos,9999-2222,diabético\n"
    "Luis Díaz,9999-3333,VIH positivo\n"
)


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"])
def test_an_unclosed_quote_refuses_the_file_naming_its_line(tmp_path, end):
    path = tmp_path / "pacientes.csv"
    path.write_bytes(UNCLOSED.replace("\n", end).encode("utf-8"))
    with pytest.raises(pi.PatientImportError, match="Línea 2: unas comillas no se cierran"):
        pi.analyse(path)
    assert Customer.select().count() == 0


def test_a_quoted_line_break_that_closes_still_imports(tmp_path):
    path = tmp_path / "pacientes.csv"
    text = UNCLOSED.replace('"alergia\n', '"alergia\nsevera"\n')
    path.write_text(text, encoding="utf-8")
    plan = pi.analyse(path)
    assert [r.line for r in plan.created] == [2, 4, 5]
    pi.commit(plan)
    ana = Customer.get(Customer.name == "Ana López")
    assert ana.notes == "alergia\nsevera"


def test_a_workbook_renamed_csv_and_a_missing_column_are_said_plainly(tmp_path):
    """An .xlsx renamed .csv was «no se reconoce la codificación»; a missing column read
    «Falta la columna obligatoria la del teléfono»."""
    book = tmp_path / "pacientes.csv"
    book.write_bytes(b"PK\x03\x04" + b"\x00" * 64)
    with pytest.raises(pi.PatientImportError, match="libro de Excel"):
        pi.analyse(book)
    names_only = tmp_path / "nombres.csv"
    names_only.write_text("Nombre\nAna López\n", encoding="utf-8")
    with pytest.raises(pi.PatientImportError) as refused:
        pi.analyse(names_only)
    assert "Falta la columna obligatoria del teléfono (" in str(refused.value)
