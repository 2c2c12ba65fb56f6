"""clientes_patolab.csv keeps the kind of identity document in its one Identidad/RTN column
(«Pasaporte A12345678», «Carné de residente 123456789»), so the administrator's own export
of foreign patients imports back with nothing created and nothing changed, in the service
and with ``patolab export customers`` → ``patolab import-patients``."""

from __future__ import annotations

import pytest

from patolab_desktop import cli
from patolab_desktop.commands import imports
from patolab_desktop.db.models import Customer
from patolab_desktop.services import csvio, customers
from patolab_desktop.services.access import session
from patolab_desktop.services.access.permissions import ROLE_ADMIN
from patolab_desktop.services.bootstrap import close_db, open_db
from patolab_desktop.services.customers import CustomerFilter, importing
from patolab_desktop.services.customers import export as exports
from tests.expected import CUSTOMER_HEADER
from tests.patient_csv_helpers import make_customer, table_snapshot, write_csv_file
from tests.security_helpers import fast_hashing, login_as, no_session  # noqa: F401 (fixtures)


def _foreigners() -> None:
    """A passport holder, a resident and a DNI holder, registered by the desk."""
    make_customer(
        name="John Smith", phone="9988-7766", id_number="A12345678", document_type="pasaporte"
    )
    make_customer(
        name="Ana Ruiz", phone="3312-4455", id_number="123456789", document_type="residente"
    )
    make_customer(name="José Pérez", phone="8877-6655", id_number="0801199012345")


def _stored() -> dict[str, tuple[str, str]]:
    return {
        c.name: (customers.get(c.id).document_type, customers.get(c.id).id_number)
        for c in Customer.select()
    }


@pytest.mark.usefixtures("no_session", "fast_hashing")
def test_the_administrators_export_of_foreign_patients_imports_back_unchanged(database, tmp_path):
    with session.acting_as(session.system_actor("seed")):
        _foreigners()
    with session.acting_as(login_as(ROLE_ADMIN)):
        stored, before = _stored(), table_snapshot()
        path = tmp_path / exports.CUSTOMER_FILE_NAME
        assert exports.export_customers(CustomerFilter(), path) == 3
        rows = csvio.read_csv(path)
        assert rows[0] == CUSTOMER_HEADER  # the seed's columns, no new one
        ids = {row[0]: row[1] for row in rows[1:]}
        assert ids == {
            "John Smith": "Pasaporte A12345678",
            "Ana Ruiz": "Carné de residente 123456789",
            "José Pérez": "0801-1990-12345",
        }
        plan = importing.analyse(path)
        assert [(r.line, r.reason) for r in plan.rejected] == []
        assert plan.created == []
        assert [(r.data.name, r.changes) for r in plan.updated if r.changes] == []
        importing.commit(plan)
        assert _stored() == stored
        assert table_snapshot() == before


def test_a_hand_made_file_tells_the_document_by_its_words_or_its_shape(database, tmp_path):
    path = write_csv_file(
        tmp_path / "a_mano.csv",
        [
            ["Nombre", "Teléfono", "Identidad/RTN"],
            ["Mary Jones", "9988-7766", "b 9876543"],  # letters: a passport
            ["Luis Reyes", "3312-4455", "carne de residente: 55566677"],
            ["Eva Soto", "8877-6655", "PASSPORT x77665544"],
            ["Juan Díaz", "9456-1234", "0801 1990 12345"],  # digits: a DNI, as always
        ],
    )
    plan = importing.analyse(path)
    assert plan.rejected == []
    importing.commit(plan)
    assert _stored() == {
        "Mary Jones": ("pasaporte", "B9876543"),
        "Luis Reyes": ("residente", "55566677"),
        "Eva Soto": ("pasaporte", "X77665544"),
        "Juan Díaz": ("dni", "0801199012345"),
    }
    # the same number as another kind of document is a change the preview names
    again = write_csv_file(
        tmp_path / "otra_vez.csv",
        [
            ["Nombre", "Teléfono", "Identidad/RTN"],
            ["Luis Reyes", "3312-4455", "Pasaporte 55566677"],
        ],
    )
    assert [r.changes for r in importing.analyse(again).updated] == [["tipo de documento"]]


def test_a_dni_that_a_spreadsheet_turned_scientific_is_still_refused(database, tmp_path):
    path = write_csv_file(
        tmp_path / "excel.csv", [["Nombre", "Teléfono", "DNI"], ["Ana", "9988-7766", "8.01199E+11"]]
    )
    plan = importing.analyse(path)
    assert [r.reason for r in plan.rejected] == [
        "La identidad/RTN solo puede tener números (y guiones)."
    ]


def test_the_cli_export_of_foreign_patients_imports_back_unchanged(tmp_path, capsys, monkeypatch):
    if imports not in cli.COMMAND_MODULES:
        monkeypatch.setattr(cli, "COMMAND_MODULES", (*cli.COMMAND_MODULES, imports))
    db = tmp_path / "lab.db"
    open_db(db)
    try:
        _foreigners()
        before = table_snapshot()
    finally:
        close_db()
    out_file = tmp_path / "clientes_patolab.csv"
    assert cli.main(["export", "customers", "--db", str(db), "--out", str(out_file)]) == 0
    code = cli.main(["import-patients", str(out_file), "--db", str(db)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "Nuevos: 0" in out and "Rechazados: 0" in out
    assert "Actualizados: 3 (3 sin cambios)" in out
    open_db(db)
    try:
        assert table_snapshot() == before
    finally:
        close_db()
