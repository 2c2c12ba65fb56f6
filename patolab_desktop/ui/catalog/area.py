"""Installs the catalog tab, its menu (Catálogo) and its CSV export/import.

The import itself lives in ``catalog_import`` (the tab uses it too).
"""

from __future__ import annotations

from ...i18n import translate
from ..widgets.csv_export import add_export_action, export_tab
from .catalog_import import TAB_KEY, import_catalog

EXPORT_FILE_NAME = "catalogo_patolab.csv"
SHOW_SHORTCUT = "Ctrl+Shift+I"


def install(window) -> None:
    from .catalog_window import CatalogWindow

    widget = CatalogWindow(window)
    window.add_tab(
        TAB_KEY, widget, translate("catalog.area", "Catálogo"), permission="catalog.view"
    )
    window.add_show_action(TAB_KEY, translate("catalog.area", "&Investigaciones"), SHOW_SHORTCUT)
    window.add_new_action(TAB_KEY, translate("catalog.area", "&Nueva investigación…"))
    window.add_action(
        "catalog",
        translate("catalog.area", "&Sucursales…"),
        lambda: edit_branches(window),
        "branches",
        permission="branches.manage",
    )
    window.add_action(
        "catalog",
        translate("catalog.area", "I&mportar catálogo (CSV)…"),
        lambda: import_catalog(window),
        "import",
        permission="catalog.edit",
    )
    add_export_action(
        window,
        translate("catalog.area", "C&atálogo (CSV)…"),
        lambda: export_catalog(window),
        reads="catalog.view",
    )


def edit_branches(window) -> bool:
    from .branches_dialog import open_branches

    return open_branches(window)


def export_catalog(window) -> int | None:
    from ...services import catalog

    return export_tab(
        window,
        TAB_KEY,
        catalog.CatalogFilter(),
        translate("catalog.area", "Exportar catálogo a CSV"),
        EXPORT_FILE_NAME,
        catalog.export_catalog,
        translate("catalog.area", "investigación"),
        translate("catalog.area", "investigaciones"),
    )
