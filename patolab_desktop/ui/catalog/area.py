"""Installs the catalog tab, its menu (Catálogo) and its CSV export/import.

The import itself lives in ``catalog_import`` (the tab uses it too).
"""

from __future__ import annotations

from ...i18n import translate
from ..widgets.csv_export import export_tab
from .catalog_import import TAB_KEY, import_catalog

EXPORT_FILE_NAME = "catalogo_patolab.csv"
SHOW_SHORTCUT = "Ctrl+Shift+I"


def install(window) -> None:
    from .catalog_window import CatalogWindow

    widget = CatalogWindow(window)
    window.add_tab(
        TAB_KEY, widget, translate("catalog.area", "Catálogo"), "catalog", permission="catalog.view"
    )
    window.add_action(
        "catalog",
        translate("catalog.area", "&Investigaciones"),
        lambda: window.show_tab(TAB_KEY),
        "catalog",
        SHOW_SHORTCUT,
        permission="catalog.view",
    )
    window.add_action(
        "catalog",
        translate("catalog.area", "&Nueva investigación…"),
        lambda: new_investigation(window),
        "investigation_new",
        permission="catalog.create",
    )
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
    window.add_action(
        "export",
        translate("catalog.area", "C&atálogo (CSV)…"),
        lambda: export_catalog(window),
        "export",
        permission="exports.run",
    )


def new_investigation(window) -> int | None:
    return window.show_tab(TAB_KEY).new_item()


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
