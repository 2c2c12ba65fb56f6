"""``patolab export customers`` and ``seed-demo`` as a user runs them."""

from __future__ import annotations

import csv
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from patolab_desktop import cli
from patolab_desktop.services import customers, reference
from patolab_desktop.services.bootstrap import close_db, open_db

ROOT = Path(__file__).resolve().parents[2]
HEADER = [
    "Nombre",
    "Identidad/RTN",
    "Tipo",
    "Edad",
    "Género",
    "Teléfono",
    "Estado/Departamento",
    "Ciudad",
    "Correo",
]


def read_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM"
    return list(csv.reader(raw.decode("utf-8-sig").splitlines()))


@pytest.fixture
def lab_db(tmp_path) -> Path:
    """A database with two patients in Cortés, one in Francisco Morazán and a company."""
    path = tmp_path / "lab.db"
    open_db(path)
    try:
        deps = dict((name, d) for d, name in reference.departments())
        genders = {name: g for g, name in reference.genders()}

        def place(department, municipality):
            dep = deps[department]
            mun = next(m for m, n in reference.municipalities(dep) if n == municipality)
            return {"department_id": dep, "municipality_id": mun}

        customers.create(
            customers.CustomerData(
                first_name="José",
                last_name="Pérez",
                id_number="0501-1990-12345",
                gender_id=genders["Hombre"],
                date_of_birth=dt.date(1990, 1, 1),
                phone="9988-7766",
                **place("Cortés", "San Pedro Sula"),
            )
        )
        customers.create(
            customers.CustomerData(
                first_name="Ana",
                last_name="Muñoz",
                id_number="0502-1985-00001",
                gender_id=genders["Mujer"],
                age=40,
                phone="3344-5566",
                email="ana@correo.hn",
                **place("Cortés", "Choloma"),
            )
        )
        customers.create(
            customers.CustomerData(
                first_name="Carla",
                last_name="Núñez",
                id_number="0801-1970-00002",
                gender_id=genders["Mujer"],
                age=55,
                phone="8877-6655",
                **place("Francisco Morazán", "Tegucigalpa D.C."),
            )
        )
        customers.create(
            customers.CustomerData(
                type="empresa",
                name="Farmacia Zúñiga",
                id_number="0801-1999-123456",
                phone="2232-1234",
                **place("Francisco Morazán", "Tegucigalpa D.C."),
            )
        )
    finally:
        close_db()
    return path


def run(*args) -> int:
    return cli.main([str(a) for a in args])


def test_export_all_active_customers(lab_db, tmp_path, capsys):
    out = tmp_path / "clientes_patolab.csv"
    assert run("export", "customers", "--db", lab_db, "--out", out) == 0
    assert "4 clientes exportados" in capsys.readouterr().out
    rows = read_csv(out)
    assert rows[0] == HEADER
    assert [r[0] for r in rows[1:]] == ["Ana Muñoz", "Carla Núñez", "Farmacia Zúñiga", "José Pérez"]


@pytest.mark.parametrize(
    "args, expected",
    [
        (["--search", "munoz"], ["Ana Muñoz"]),
        (["--search", "0801"], ["Carla Núñez", "Farmacia Zúñiga"]),
        (["--type", "empresa"], ["Farmacia Zúñiga"]),
        (["--type", "Paciente", "--search", "nunez"], ["Carla Núñez"]),
        (["--department", "cortes"], ["Ana Muñoz", "José Pérez"]),
        (["--department", "05"], ["Ana Muñoz", "José Pérez"]),
        (["--department", "FRANCISCO MORAZÁN", "--type", "cliente"], ["Carla Núñez"]),
        (["--department", "Cortés", "--municipality", "Choloma"], ["Ana Muñoz"]),
        (["--gender", "Hombre"], ["José Pérez"]),
    ],
)
def test_export_with_filters(lab_db, tmp_path, args, expected):
    out = tmp_path / "f.csv"
    assert run("export", "customers", "--db", lab_db, "--out", out, *args) == 0
    assert [r[0] for r in read_csv(out)[1:]] == expected


@pytest.mark.parametrize(
    "args, message",
    [
        (["--department", "Texas"], "Departamento desconocido"),
        (["--type", "perro"], "Tipo de cliente desconocido"),
        (["--municipality", "Atlantis"], "Municipio desconocido"),
        (["--gender", "x"], "Género desconocido"),
    ],
)
def test_bad_filter_values_exit_2_with_a_clear_message(lab_db, tmp_path, capsys, args, message):
    out = tmp_path / "f.csv"
    assert run("export", "customers", "--db", lab_db, "--out", out, *args) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_missing_out_is_a_usage_error(lab_db, capsys):
    with pytest.raises(SystemExit) as info:
        run("export", "customers", "--db", lab_db)
    assert info.value.code == 2
    assert "--out" in capsys.readouterr().err


def test_out_folder_must_exist(lab_db, tmp_path, capsys):
    with pytest.raises(SystemExit) as info:
        run("export", "customers", "--db", lab_db, "--out", tmp_path / "no" / "x.csv")
    assert info.value.code == 2


def test_seed_demo_then_export_in_a_real_process(tmp_path, _isolated_home):
    """``python main.py ...`` exactly as in the README: a fresh process each time."""
    db = tmp_path / "demo.db"
    out = tmp_path / "clientes_patolab.csv"
    env = {**os.environ, "PATOLAB_HOME": str(_isolated_home), "QT_QPA_PLATFORM": "offscreen"}

    def main_py(*args):
        return subprocess.run(
            [sys.executable, "main.py", *map(str, args)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    seeded = main_py("seed-demo", "--db", db, "--customers", 300, "--requests", 0, "--seed", 7)
    assert seeded.returncode == 0, seeded.stderr
    assert "300 clientes" in seeded.stdout
    exported = main_py("export", "customers", "--db", db, "--out", out, "--department", "Cortés")
    assert exported.returncode == 0, exported.stderr
    rows = read_csv(out)
    assert rows[0] == HEADER
    assert len(rows) > 20
    assert {r[6] for r in rows[1:]} == {"Cortés"}
    assert all(r[5][:1].isdigit() and "'" not in r[5] for r in rows[1:])  # no apostrophe
    bad = main_py("export", "customers", "--db", db, "--out", out, "--department", "Narnia")
    assert bad.returncode == 2 and "Departamento desconocido" in bad.stderr


def test_without_db_the_cli_uses_the_connection_saved_on_this_computer(lab_db, tmp_path):
    from patolab_desktop import local_settings, paths

    out = tmp_path / "clientes.csv"
    # nothing saved: the default file (empty) is used, not lab.db
    assert local_settings.database_target() == str(paths.default_db_path())
    local_settings.update(database=str(lab_db))  # Archivo → Base de datos… on this computer
    assert local_settings.database_target() == str(lab_db)
    assert local_settings.database_target("otra.db") == "otra.db"  # --db still wins
    assert run("export", "customers", "--out", out) == 0
    assert len(read_csv(out)) == 1 + 4  # the four customers of lab.db
