"""A price list of code,name,price imported from the catalog tab as Administrador: the
columns the file leaves out keep what the catalog has (a panel stays a panel with its
members, a sample type stays), and the confirmation names them."""

from __future__ import annotations

from decimal import Decimal

from patolab_desktop.services import catalog
from patolab_desktop.services.access import permissions
from patolab_desktop.ui.catalog import area as catalog_area
from patolab_desktop.ui.catalog.catalog_window import CatalogWindow


def _lipid_catalog() -> tuple[int, int, int, int]:
    def item(code, name, price, members=()):
        return catalog.create(
            catalog.InvestigationData(
                code=code,
                name=name,
                sample_type="Suero",
                price=price,
                is_panel=bool(members),
                member_ids=list(members),
            )
        )

    glu = item("GLU", "Glucosa", "80")
    col = item("COL", "Colesterol", "120")
    tri = item("TRI", "Triglicéridos", "130")
    return glu, col, tri, item("PLIP", "Perfil lipídico", "300", (col, tri))


def test_price_list_keeps_panels_and_sample_types(qtbot, as_role, prompt_log, tmp_path):
    as_role(permissions.ROLE_ADMIN)
    glu, col, tri, plip = _lipid_catalog()
    prices = tmp_path / "precios.csv"
    prices.write_text("code,name,price\nGLU,Glucosa,90\nPLIP,Perfil lipídico,320\n", "utf-8")
    prompt_log.open_path = str(prices)
    window = CatalogWindow()
    qtbot.addWidget(window)

    assert catalog_area.import_catalog(window)

    panel = catalog.get(plip)
    assert (panel.price, panel.is_panel, panel.member_ids) == (Decimal("320.000"), True, [col, tri])
    assert (catalog.get(glu).price, catalog.get(glu).sample_type) == (Decimal("90.000"), "Suero")
    assert panel.sample_type == "Suero"
    asked = prompt_log.kinds("confirm")[0][2]
    assert "2 modificadas" in asked
    assert "no trae las columnas tipo de muestra, miembros del perfil, activa, impuesto" in asked
    assert "ya existen las conservan" in prompt_log.kinds("info")[0][2]


def test_a_column_present_and_empty_empties_the_field(as_role, tmp_path):
    """The rule's other half: an empty cell of a column the file has means empty."""
    as_role(permissions.ROLE_ADMIN)
    glu, col, tri, plip = _lipid_catalog()
    path = tmp_path / "catalogo.csv"
    path.write_text(
        "code,name,sample_type,price,panel_members\nPLIP,Perfil lipídico,,300,\n", "utf-8"
    )
    report = catalog.import_catalog(path)
    assert report.ok and report.updated == 1 and report.kept_columns == ["active", "tax_class"]
    panel = catalog.get(plip)
    assert (panel.is_panel, panel.member_ids, panel.sample_type) == (False, [], "")


def test_a_new_row_without_the_optional_columns(as_role, tmp_path):
    as_role(permissions.ROLE_ADMIN)
    path = tmp_path / "nuevas.csv"
    path.write_text("código,nombre,precio\nHB,Hemoglobina,75\n", "utf-8")
    report = catalog.import_catalog(path)
    assert report.ok and report.created == 1
    new = catalog.get_by_code("HB")
    assert (new.sample_type, new.is_panel, new.active) == ("", False, True)
