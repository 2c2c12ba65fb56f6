"""``patolab export customers`` and ``seed-demo`` as a user runs them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from patolab_desktop import cli
from patolab_desktop.services.bootstrap import close_db, open_db
from tests.cli_process import read_csv, run_python
from tests.e2e.lab_customers import TEGUCIGALPA, add_company, add_jose_perez, add_person
from tests.expected import CUSTOMER_HEADER as HEADER
from tests.security_helpers import fast_hashing  # noqa: F401 (a fixture)


@pytest.fixture
def lab_db(tmp_path) -> Path:
    """A database with two patients in Cortés, one in Francisco Morazán and a company."""
    path = tmp_path / "lab.db"
    open_db(path)
    try:
        add_jose_perez()
        add_person(
            "Ana", "Muñoz", "0502-1985-00001", "Mujer", "3344-5566", ("Cortés", "Choloma"),
            age=40, email="ana@correo.hn",
        )  # fmt: skip
        add_person("Carla", "Núñez", "0801-1970-00002", "Mujer", "8877-6655", TEGUCIGALPA, age=55)
        add_company("Farmacia Zúñiga", "0801-1999-123456", "2232-1234", TEGUCIGALPA)
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
        return run_python("main.py", *args, env=env, timeout=300)

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


def test_a_user_who_may_not_see_the_full_numbers_is_refused(
    lab_db,
    tmp_path,
    capsys,
    monkeypatch,
    fast_hashing,  # noqa: F811
):
    """A custom role with exports.run but without patients.view_sensitive: the command
    exits 1 with the reason and writes nothing (no file of masked numbers the import
    would refuse)."""
    from patolab_desktop.services.access import session, users
    from tests.security_helpers import PASSWORD, make_user

    open_db(lab_db)
    try:
        with session.acting_as(session.system_actor("tests")):
            users.create_role("Exportador", copy_from=None)
            for key in ("exports.run", "patients.view"):
                users.set_role_permission("Exportador", key, True)
        make_user("exporta", "Exportador")
    finally:
        close_db()
    monkeypatch.setenv("PATOLAB_PASSWORD", PASSWORD)
    out = tmp_path / "clientes_patolab.csv"
    assert run("export", "customers", "--db", lab_db, "--user", "exporta", "--out", out) == 1
    err = capsys.readouterr().err
    assert "Exportar clientes necesita el permiso de ver los números de identidad" in err
    assert "Su rol (Exportador) no lo incluye" in err
    assert not out.exists()
