"""The catalog and referrer commands, run as a user would run them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.cli_process import ROOT, patolab, read_csv
from tests.expected import REFERRER_HEADER
from tests.safety_helpers import empty_lab

DEMO = ROOT / "resources" / "data" / "demo_investigations.csv"


@pytest.fixture
def home(_isolated_home):
    """The isolated user folder the suite's conftest made for this test."""
    return _isolated_home


def test_import_catalog_then_export(tmp_path, home):
    db = empty_lab(tmp_path / "lab.db")
    result = patolab("import-catalog", DEMO, "--db", db, home=home)
    assert result.returncode == 0, result.stderr
    assert "Se importaron 31 filas: 31 nuevas" in result.stdout
    out = tmp_path / "catalogo.csv"
    result = patolab("export", "catalog", "--db", db, "--out", out, home=home)
    assert result.returncode == 0, result.stderr
    rows = read_csv(out)
    assert rows[0] == [
        "code",
        "name",
        "sample_type",
        "price",
        "panel_members",
        "active",
        "tax_class",
    ]
    assert len(rows) == 32
    assert ["PERTIR", "Perfil tiroideo", "Suero", "900.00", "TSH;T4L;T3", "1", "exento"] in rows


def test_import_signed_in_names_the_user_in_the_price_history(tmp_path, home):
    """``import-catalog --user marta``: the price history says Marta changed the price,
    not «cli»."""
    from patolab_desktop.services import catalog
    from patolab_desktop.services.access import permissions, session
    from patolab_desktop.services.bootstrap import close_db, open_db
    from tests.security_helpers import PASSWORD, make_user

    db = tmp_path / "lab.db"
    open_db(db)
    make_user("marta", permissions.ROLE_ADMIN, full_name="Marta Zelaya")
    with session.acting_as(session.system_actor("prueba")):
        catalog.create(catalog.InvestigationData(code="GLU", name="Glucosa", price="80"))
    close_db()
    prices = tmp_path / "precios.csv"
    prices.write_text("code,name,price\nGLU,Glucosa,95\n", encoding="utf-8")
    result = patolab(
        "import-catalog", prices, "--db", db, home=home, user="marta", password=PASSWORD
    )
    assert result.returncode == 0, result.stdout + result.stderr
    open_db(db)
    try:
        with session.acting_as(session.system_actor("prueba")):
            history = catalog.price_history(catalog.get_by_code("GLU").id)
    finally:
        close_db()
    assert [(h["new_price"], h["changed_by"]) for h in history] == [
        (Decimal("95.000"), "Marta Zelaya"),
        (Decimal("80.000"), "prueba"),
    ]


def test_import_with_errors_reports_every_row_and_writes_nothing(tmp_path, home):
    db = empty_lab(tmp_path / "lab.db")
    bad = tmp_path / "malo.csv"
    bad.write_text(
        "code,name,sample_type,price,panel_members\n"
        "GLU,Glucosa,Suero,80.000,\n"
        "HEM,Hemograma,Sangre,-1,\n"
        "PER,Perfil,Suero,100,GLU;ZZZ\n"
        "GLU,Otra glucosa,Suero,80,\n",
        encoding="utf-8",
    )
    result = patolab("import-catalog", bad, "--db", db, home=home)
    assert result.returncode == 1
    out = result.stdout
    assert "3 de 4 filas tienen errores; no se importó nada" in out
    assert "línea 3 (HEM)" in out and "negativo" in out
    assert "línea 4 (PER)" in out and "ZZZ" in out
    assert "línea 5 (GLU)" in out and "repetido" in out
    export = tmp_path / "vacio.csv"
    assert patolab("export", "catalog", "--db", db, "--out", export, home=home).returncode == 0
    assert read_csv(export)[1:] == []  # nothing was written, not even the good row


def test_import_missing_file_fails_cleanly(tmp_path, home):
    db = empty_lab(tmp_path / "lab.db")
    result = patolab("import-catalog", tmp_path / "no.csv", "--db", db, home=home)
    assert result.returncode == 1
    assert "No se encontró el archivo" in result.stderr


def test_export_referrers(tmp_path, home):
    db = tmp_path / "lab.db"
    assert (
        patolab(
            "seed-demo", "--db", db, "--customers", "0", "--requests", "0", home=home
        ).returncode
        == 0
    )
    out = tmp_path / "remitentes.csv"
    result = patolab("export", "referrers", "--db", db, "--out", out, home=home)
    assert result.returncode == 0, result.stderr
    rows = read_csv(out)
    assert rows[0] == REFERRER_HEADER
    assert len(rows) - 1 == int(result.stdout.split()[0]) >= 55
    assert any(r[1] == "Hospital" and r[0] == "Hospital Escuela" for r in rows[1:])
    hospitals = tmp_path / "hospitales.csv"
    result = patolab(
        "export", "referrers", "--db", db, "--out", hospitals, "--type", "hospital", home=home
    )
    assert result.returncode == 0, result.stderr
    assert {r[1] for r in read_csv(hospitals)[1:]} == {"Hospital"}
    result = patolab(
        "export", "referrers", "--db", db, "--out", hospitals, "--type", "nada", home=home
    )
    assert result.returncode == 1 and "no existe el tipo" in result.stderr


def test_import_catalog_reads_a_semicolon_file(tmp_path, home):
    """A catalog saved by a Spanish Excel («;», Windows-1252) imports from the command line."""
    db = empty_lab(tmp_path / "lab.db")
    semi = tmp_path / "catalogo.csv"
    semi.write_bytes(
        "Código;Nombre;Tipo de muestra;Precio\r\nGLU;Glucosa en ayunas;Sangre;85.50\r\n".encode(
            "cp1252"
        )
    )
    result = patolab("import-catalog", semi, "--db", db, home=home)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Se importaron 1 filas: 1 nuevas" in result.stdout
    out = tmp_path / "exportado.csv"
    assert patolab("export", "catalog", "--db", db, "--out", out, home=home).returncode == 0
    assert read_csv(out)[1][:4] == ["GLU", "Glucosa en ayunas", "Sangre", "85.50"]
