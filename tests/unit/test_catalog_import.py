"""Catalog CSV import (all or nothing, report of rejected rows) and export round trip."""

from __future__ import annotations

import csv
from decimal import Decimal

import pytest

from patolab_desktop.db.models import Investigation, PanelMember, PriceChange
from patolab_desktop.paths import resource
from patolab_desktop.services import catalog
from patolab_desktop.services.access import session
from patolab_desktop.services.access.permissions import ROLE_ADMIN
from patolab_desktop.services.errors import ValidationError
from tests.security_helpers import fast_hashing, login_as, no_session  # noqa: F401 (fixtures)
from tests.unit.catalog_helpers import make_investigation

HEADER = "code,name,sample_type,price,panel_members\n"
DEMO = resource("data", "demo_investigations.csv")


def write(tmp_path, text: str, name: str = "catalogo.csv", encoding: str = "utf-8") -> str:
    path = tmp_path / name
    path.write_text(text, encoding=encoding, newline="")
    return str(path)


def test_demo_file_imports_completely(database):
    report = catalog.import_catalog(DEMO)
    assert report.ok and report.committed
    with open(DEMO, encoding="utf-8-sig", newline="") as fh:
        expected = list(csv.DictReader(fh))
    assert report.created == len(expected) == Investigation.select().count()
    perlip = catalog.get_by_code("PERLIP")
    assert perlip.is_panel and perlip.price == Decimal("420.000")
    assert [catalog.get(m).code for m in perlip.member_ids] == ["COL", "HDL", "LDL", "TRIG"]
    assert catalog.get_by_code("HEM").sample_type == "Sangre total (EDTA)"
    assert PriceChange.select().count() == len(expected)


def test_reimport_is_idempotent(database):
    catalog.import_catalog(DEMO)
    counts = (
        Investigation.select().count(),
        PanelMember.select().count(),
        PriceChange.select().count(),
    )
    report = catalog.import_catalog(DEMO)
    assert report.ok and report.created == 0 and report.updated == 0
    assert report.unchanged == counts[0]
    assert counts == (
        Investigation.select().count(),
        PanelMember.select().count(),
        PriceChange.select().count(),
    )


def test_every_bad_row_reported_with_line_and_nothing_written(database, tmp_path):
    make_investigation("OLD", price="50")
    path = write(
        tmp_path,
        HEADER
        + "GLU,Glucosa,Suero,80.000,\n"  # 2 ok
        + ",Sin código,Suero,10,\n"  # 3 no code
        + "NEG,Negativo,Suero,-5,\n"  # 4 negative price
        + "glu,Glucosa repetida,Suero,80,\n"  # 5 duplicate code (case)
        + "PERX,Perfil,Suero,100,GLU;NOEXISTE\n"  # 6 unknown member
        + "DEC,Decimales,Suero,1.2345,\n"  # 7 too many decimals
        + "SELF,Se contiene,Suero,1,SELF\n"  # 8 itself
        + "NONAME,,Suero,1,\n"  # 9 no name
        + "NOPRICE,Sin precio,Suero,,\n",
    )  # 10 no price
    before = Investigation.select().count()
    report = catalog.import_catalog(path)
    assert not report.ok and not report.committed
    by_line = {r.line: r.reason for r in report.rejected}
    assert sorted(by_line) == [3, 4, 5, 6, 7, 8, 9, 10]
    assert "falta el código" in by_line[3]
    assert "negativo" in by_line[4]
    assert "repetido" in by_line[5] and "línea 2" in by_line[5]
    assert "NOEXISTE" in by_line[6]
    assert "3 decimales" in by_line[7]
    assert "sí mismo" in by_line[8]
    assert "falta el nombre" in by_line[9]
    assert "falta el precio" in by_line[10]
    assert Investigation.select().count() == before  # all or nothing
    lines = report.lines()
    assert "no se importó nada" in lines[0]
    assert any(line.startswith("  línea 6 (PERX):") for line in lines)


def test_cycle_through_the_file_and_the_database_is_refused(database, tmp_path):
    col = make_investigation("COL")
    make_investigation("OUTER", members=[make_investigation("INNER", members=[col])])
    path = write(tmp_path, HEADER + "INNER,Interno,Suero,10,COL;OUTER\n")
    report = catalog.import_catalog(path)
    assert [r.line for r in report.rejected] == [2]
    assert "ciclo" in report.rejected[0].reason
    assert catalog.panel_members(catalog.get_by_code("INNER").id) == [col]


def test_panels_may_name_members_defined_later_in_the_file(database, tmp_path):
    path = write(
        tmp_path,
        HEADER
        + "PERREN,Perfil renal,Suero,290,CREA;BUN\n"
        + "CREA,Creatinina,Suero,110,\nBUN,Nitrógeno ureico,Suero,110,\n",
    )
    report = catalog.import_catalog(path)
    assert report.ok and report.created == 3
    panel = catalog.get_by_code("PERREN")
    assert [catalog.get(m).code for m in panel.member_ids] == ["CREA", "BUN"]


def test_existing_codes_are_updated_and_price_change_recorded(database, tmp_path):
    glu = make_investigation("GLU", "Glucosa", price="80")
    path = write(tmp_path, HEADER + "glu,Glucosa en ayunas,Suero,95.250,\n")
    report = catalog.import_catalog(path, changed_by="cli")
    assert report.ok and report.updated == 1 and report.created == 0
    got = catalog.get(glu)
    assert (got.name, got.price) == ("Glucosa en ayunas", Decimal("95.250"))
    assert catalog.price_history(glu)[0]["changed_by"] == "cli"


def test_member_must_be_active(database, tmp_path):
    hdl = make_investigation("HDL")
    catalog.deactivate(hdl)
    path = write(tmp_path, HEADER + "PERX,Perfil,Suero,10,HDL\n")
    report = catalog.import_catalog(path)
    assert "desactivados: HDL" in report.rejected[0].reason


def test_dry_run_writes_nothing(database, tmp_path):
    path = write(tmp_path, HEADER + "GLU,Glucosa,Suero,80,\n")
    report = catalog.import_catalog(path, dry_run=True)
    assert report.ok and report.created == 1 and not report.committed
    assert Investigation.select().count() == 0


def test_windows_1252_and_spanish_headers(database, tmp_path):
    text = "Código,Nombre,Tipo de muestra,Precio,Miembros\nURIC,Ácido úrico,Suero,110,\n"
    path = write(tmp_path, text, "cp1252.csv", encoding="cp1252")
    report = catalog.import_catalog(path)
    assert report.ok
    assert catalog.get_by_code("URIC").name == "Ácido úrico"


def test_missing_columns_and_missing_file(database, tmp_path):
    with pytest.raises(ValidationError) as caught:
        catalog.import_catalog(write(tmp_path, "code,name\nGLU,Glucosa\n"))
    assert "price" in str(caught.value)
    with pytest.raises(ValidationError):
        catalog.import_catalog(tmp_path / "no-existe.csv")


def test_export_then_import_round_trip(database, tmp_path):
    catalog.import_catalog(DEMO)
    catalog.deactivate(catalog.get_by_code("VDRL").id)
    path = tmp_path / "catalogo.csv"
    written = catalog.export_catalog(catalog.CatalogFilter(include_inactive=True), path)
    assert written == Investigation.select().count()
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0] == catalog.CSV_COLUMNS
    perlip = next(r for r in rows if r[0] == "PERLIP")
    assert perlip[3:] == ["420.00", "COL;HDL;LDL;TRIG", "1", "exento"]
    assert next(r for r in rows if r[0] == "VDRL")[5] == "0"
    report = catalog.import_catalog(path)
    assert report.ok and report.updated == 0 and report.created == 0


def test_a_name_the_export_neutralised_comes_back_as_it_was(database, tmp_path):
    """The export writes «-Prueba guion» as «'-Prueba guion» (formula neutralisation);
    imported again, the apostrophe is taken off, as the patient import does."""
    source = tmp_path / "nuevo.csv"
    source.write_text(
        "code,name,sample_type,price,panel_members\nRT1,-Prueba guion,=Suero,10,\n",
        encoding="utf-8",
    )
    assert catalog.import_catalog(source).created == 1
    path = tmp_path / "catalogo.csv"
    catalog.export_catalog(catalog.CatalogFilter(include_inactive=True), path)
    assert "'-Prueba guion" in path.read_text(encoding="utf-8-sig")
    report = catalog.import_catalog(path)
    assert report.ok and report.updated == 0 and report.created == 0
    item = catalog.get_by_code("RT1")
    assert (item.name, item.sample_type) == ("-Prueba guion", "=Suero")


def test_a_semicolon_file_as_a_spanish_excel_saves_it(database, tmp_path, no_session, fast_hashing):
    """The administrator's Excel (list separator «;», Windows-1252) saves the catalog so;
    the import reads it as it reads «,», panel members quoted with their own «;»."""
    path = tmp_path / "catalogo.csv"
    path.write_bytes(
        "Código;Nombre;Tipo de muestra;Precio;Miembros\r\n"
        "GLU;Glucosa en ayunas;Sangre;85.50;\r\n"
        "HDL;Colesterol HDL;Suero;120.00;\r\n"
        'PER;Perfil pequeño;Suero;180.00;"GLU;HDL"\r\n'.encode("cp1252")
    )
    with session.acting_as(login_as(ROLE_ADMIN)):
        report = catalog.import_catalog(path)
        assert report.ok and report.created == 3, report.lines()
        assert catalog.get_by_code("GLU").price == Decimal("85.500")
        perfil = catalog.get_by_code("PER")
        assert perfil.name == "Perfil pequeño"
        assert [catalog.get(m).code for m in perfil.member_ids] == ["GLU", "HDL"]
