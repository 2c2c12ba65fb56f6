"""The ISV tax class travels in the catalog CSV: exported as its code, imported by code or
by the name the catalog dialog gives it, kept when the file has no such column."""

from __future__ import annotations

from patolab_desktop.services import catalog
from patolab_desktop.services.access import session
from patolab_desktop.services.access.permissions import ROLE_ADMIN
from tests.security_helpers import fast_hashing, login_as, no_session  # noqa: F401 (fixtures)
from tests.unit.catalog_helpers import make_investigation


def _tax(code: str) -> str:
    return catalog.get_by_code(code).tax_class


def test_a_taxed_item_moved_to_another_database_stays_taxed(
    database, tmp_path, no_session, fast_hashing
):
    """The administrator exports the catalog on one computer and imports it on another."""
    with session.acting_as(login_as(ROLE_ADMIN)):
        make_investigation("GLU", price="80", tax_class="gravado15")
        make_investigation("KIT", price="50", tax_class="gravado18")
        make_investigation("HB", price="75")
        path = tmp_path / "catalogo.csv"
        catalog.export_catalog(None, path)
    header = path.read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.split(",")[-1] == "tax_class"

    from patolab_desktop.services.bootstrap import close_db, open_db

    close_db()
    open_db(tmp_path / "otra-computadora.db")
    with session.acting_as(login_as(ROLE_ADMIN)):
        report = catalog.import_catalog(path)
        assert report.ok and report.created == 3, report.lines()
        assert [_tax("GLU"), _tax("KIT"), _tax("HB")] == ["gravado15", "gravado18", "exento"]


def test_the_dialog_names_and_codes_are_read_and_a_bad_one_is_refused(
    database, tmp_path, no_session, fast_hashing
):
    with session.acting_as(login_as(ROLE_ADMIN)):
        path = tmp_path / "nuevas.csv"
        path.write_text(
            "Código,Nombre,Precio,Impuesto\n"
            "KIT,Kit de toma,50,Gravado 15 %\n"
            "ENV,Envío,30,GRAVADO18\n"
            "HB,Hemoglobina,75,\n",
            encoding="utf-8",
        )
        assert catalog.import_catalog(path).created == 3
        assert [_tax("KIT"), _tax("ENV"), _tax("HB")] == ["gravado15", "gravado18", "exento"]

        path.write_text(
            "code,name,price,tax_class\nKIT,Kit de toma,50,exento\nENV,Envío,30,15%\n",
            encoding="utf-8",
        )
        report = catalog.import_catalog(path)
        assert [(r.line, r.code) for r in report.rejected] == [(3, "ENV")]
        assert "impuesto no reconocido «15%»" in report.rejected[0].reason
        assert _tax("KIT") == "gravado15"  # all or nothing


def test_a_file_without_the_column_keeps_the_tax_class(
    database, tmp_path, no_session, fast_hashing
):
    with session.acting_as(login_as(ROLE_ADMIN)):
        make_investigation("KIT", price="50", tax_class="gravado15")
        path = tmp_path / "precios.csv"
        path.write_text("code,name,price\nKIT,Kit de toma,55\nNEW,Nueva,10\n", encoding="utf-8")
        report = catalog.import_catalog(path)
        assert report.ok and (report.updated, report.created) == (1, 1)
        assert "impuesto" in report.lines()[1]
        assert (_tax("KIT"), _tax("NEW")) == ("gravado15", "exento")

        path.write_text("code,name,price,tax_class\nKIT,Kit de toma,55,exento\n", "utf-8")
        assert catalog.import_catalog(path).updated == 1  # only the tax class changed
        assert _tax("KIT") == "exento"
