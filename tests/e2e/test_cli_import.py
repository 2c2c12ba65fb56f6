"""``patolab import-patients FILE --db PATH [--dry-run]`` and ``patolab export patients``."""

from __future__ import annotations

import pytest

from patolab_desktop import cli
from patolab_desktop.commands import imports
from patolab_desktop.db.models import Customer
from patolab_desktop.services import csvio, identity
from patolab_desktop.services.bootstrap import close_db, open_db
from tests.patient_csv_helpers import write_csv_file
from tests.safety_helpers import empty_lab


@pytest.fixture(autouse=True)
def _wired(monkeypatch):
    """The import commands, whether or not cli.COMMAND_MODULES lists them yet."""
    if imports not in cli.COMMAND_MODULES:
        monkeypatch.setattr(cli, "COMMAND_MODULES", (*cli.COMMAND_MODULES, imports))


def run(capsys, *args) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def stored(db) -> list[tuple]:
    open_db(db)
    try:
        return [  # the identity number is stored encrypted: read through the one module
            (name, phone, email, identity.reveal(number) or None, incomplete)
            for name, phone, email, number, incomplete in Customer.select(
                Customer.name,
                Customer.phone,
                Customer.email,
                Customer.id_number,
                Customer.incomplete,
            )
            .order_by(Customer.id)
            .tuples()
        ]
    finally:
        close_db()


GOOD = [
    ["Nombre", "Teléfono", "Email", "DUI"],
    ["José Pérez", "9988-7766", "jose@example.com", "0801-1990-12345"],
    ["María Muñoz", "3312-4455", "", ""],
]


def test_valid_file_is_imported_and_counted(tmp_path, capsys):
    db = empty_lab(tmp_path / "lab.db")
    path = write_csv_file(tmp_path / "pacientes.csv", GOOD, delimiter=";", encoding="cp1252")
    code, out, err = run(capsys, "import-patients", path, "--db", db)
    assert code == 0, err
    assert "Nuevos: 2" in out and "Actualizados: 0" in out and "Rechazados: 0" in out
    assert "Windows-1252" in out
    assert "Importación terminada: 2 creados" in out
    assert stored(db) == [
        ("José Pérez", "+50499887766", "jose@example.com", "0801199012345", True),
        ("María Muñoz", "+50433124455", "", None, True),
    ]
    # the same file again: both rows are updates without changes
    code, out, _ = run(capsys, "import-patients", path, "--db", db)
    assert code == 0 and "Nuevos: 0" in out and "Actualizados: 2 (2 sin cambios)" in out
    assert len(stored(db)) == 2


def test_dry_run_writes_nothing(tmp_path, capsys):
    db = empty_lab(tmp_path / "lab.db")
    path = write_csv_file(tmp_path / "p.csv", GOOD)
    code, out, _ = run(capsys, "import-patients", path, "--db", db, "--dry-run")
    assert code == 0
    assert "Nuevos: 2" in out and "no se guardó nada" in out
    assert stored(db) == []


def test_rejected_rows_are_listed_with_line_and_reason_and_nothing_is_written(tmp_path, capsys):
    db = empty_lab(tmp_path / "lab.db")
    path = write_csv_file(
        tmp_path / "p.csv",
        [
            ["nombre", "telefono", "correo"],
            ["Ana", "9988-7766", "ana@example.com"],
            ["Luis\nGómez", "12", ""],  # lines 3-4: bad phone
            ["Eva", "3312-4455", "eva@@x"],  # line 5: bad e-mail
        ],
        line_end="\n",
    )
    code, out, err = run(capsys, "import-patients", path, "--db", db)
    assert code == 1
    assert "Nuevos: 1" in out and "Rechazados: 2" in out
    assert "Línea 3: Luis Gómez — El teléfono no es un número válido" in out
    assert "Línea 5: Eva — El correo electrónico no es válido" in out
    assert "No se importó nada" in err
    assert stored(db) == []
    code, out, _ = run(capsys, "import-patients", path, "--db", db, "--dry-run")
    assert code == 1
    # the person chose to import the others (the window asks the same)
    code, out, err = run(capsys, "import-patients", path, "--db", db, "--skip-rejected")
    assert code == 0 and "Rechazados: 2" in out and "1 creados" in out
    assert [row[0] for row in stored(db)] == ["Ana"]


def test_refused_files_exit_1_with_the_reason(tmp_path, capsys):
    db = empty_lab(tmp_path / "lab.db")
    missing = write_csv_file(tmp_path / "sin_telefono.csv", [["nombre", "correo"], ["Ana", ""]])
    code, _, err = run(capsys, "import-patients", missing, "--db", db)
    assert code == 1 and "Falta la columna obligatoria" in err and "teléfono" in err
    big = tmp_path / "grande.csv"
    big.write_bytes(b"nombre,telefono\n" + b"Ana,9988-7766\n" * 400_000)
    code, _, err = run(capsys, "import-patients", big, "--db", db)
    assert code == 1 and "máximo para importar es 5 MB" in err
    code, _, err = run(capsys, "import-patients", tmp_path / "no.csv", "--db", db)
    assert code == 1 and "No existe el archivo" in err
    assert stored(db) == []


def test_export_patients_and_round_trip_into_another_database(tmp_path, capsys):
    first, second = empty_lab(tmp_path / "a.db"), empty_lab(tmp_path / "b.db")
    source = write_csv_file(tmp_path / "p.csv", GOOD + [["Ñoño Güell", "8877-6655", "", ""]])
    assert run(capsys, "import-patients", source, "--db", first)[0] == 0
    out_file = tmp_path / "pacientes.csv"
    code, out, err = run(capsys, "export", "patients", "--db", first, "--out", out_file)
    assert code == 0, err
    assert "3 pacientes exportados" in out
    rows = csvio.read_csv(out_file)
    assert rows[0] == ["Nombre", "Teléfono", "Email", "Registrado"]
    assert [r[0] for r in rows[1:]] == ["José Pérez", "María Muñoz", "Ñoño Güell"]

    code, out, _ = run(
        capsys,
        "export",
        "patients",
        "--db",
        first,
        "--out",
        tmp_path / "solo.csv",
        "--search",
        "muñoz",
    )
    assert code == 0 and "1 paciente exportado" in out

    code, out, _ = run(capsys, "import-patients", out_file, "--db", second)
    assert code == 0 and "Nuevos: 3" in out
    assert [(n, p, e) for n, p, e, _i, _c in stored(second)] == [
        (n, p, e) for n, p, e, _i, _c in stored(first)
    ]
