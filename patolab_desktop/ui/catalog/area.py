"""Installs the catalog tab, its menu (Catálogo) and its CSV export/import."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QStandardPaths

from ...i18n import translate
from .. import prompts
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


def suggested_path(file_name: str) -> str:
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    base = Path(folder) if folder and Path(folder).is_dir() else Path.home()
    return str(base / file_name)


def run_export(
    window, title: str, file_name: str, write: Callable[..., int], noun_one: str, noun_many: str
) -> int | None:
    """Ask for a file (through prompts), write it off the GUI thread, say how many rows."""
    from ..widgets.progress import run_with_progress

    path = prompts.save_file(
        window, title, suggested_path(file_name), translate("catalog.area", "Archivos CSV (*.csv)")
    )
    if not path:
        return None
    if not path.lower().endswith(".csv"):
        path += ".csv"
    outcome = run_with_progress(window, title, write, path)
    if outcome.cancelled:
        prompts.info(
            window,
            translate("catalog.area", "Exportación cancelada"),
            translate("catalog.area", "No se escribió ningún archivo."),
        )
        return None
    if not outcome.ok:
        return None  # already shown through prompts.error
    count = outcome.result
    noun = noun_one if count == 1 else noun_many
    prompts.info(
        window,
        translate("catalog.area", "Exportación terminada"),
        translate("catalog.area", "Se exportaron {count:,} {noun} a:\n{path}").format(
            count=count, noun=noun, path=path
        ),
    )
    return count


def export_catalog(window) -> int | None:
    from ...services import catalog

    tab = window.tab(TAB_KEY)
    filters = tab.export_filters() if tab is not None else catalog.CatalogFilter()
    return run_export(
        window,
        translate("catalog.area", "Exportar catálogo a CSV"),
        EXPORT_FILE_NAME,
        lambda path, **progress: catalog.export_catalog(filters, path, **progress),
        translate("catalog.area", "investigación"),
        translate("catalog.area", "investigaciones"),
    )
