"""Installs the catalog tab, its menu (Catálogo) and its CSV export/import."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import QStandardPaths

from .. import prompts
from ...i18n import translate

TAB_KEY = "catalog"
EXPORT_FILE_NAME = "catalogo_patolab.csv"
SHOW_SHORTCUT = "Ctrl+Shift+I"
REPORT_LINES = 25  # rejected rows shown in the message; the CLI prints them all


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
    """The branches list; a role without ``branches.manage`` gets a message, not a crash."""
    from ...services.errors import ServiceError
    from .branches_dialog import BranchesDialog

    try:
        dialog = BranchesDialog(window)
    except ServiceError as exc:  # PermissionDenied: the list needs branches.manage
        prompts.error(window, translate("catalog.area", "Sucursales"), str(exc))
        return False
    dialog.exec()
    return True


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


def import_catalog(parent) -> bool:
    """Check the file first (nothing written), show the rejected rows or ask to import."""
    from ...services import catalog
    from ...services.errors import ServiceError

    path = prompts.open_file(
        parent,
        translate("catalog.area", "Importar catálogo (CSV)"),
        translate("catalog.area", "Archivos CSV (*.csv)"),
    )
    if not path:
        return False
    title = translate("catalog.area", "Importar catálogo")
    try:
        report = catalog.import_catalog(path, dry_run=True)
    except ServiceError as exc:
        prompts.error(parent, title, str(exc))
        return False
    if not report.ok:
        lines = report.lines()
        shown = lines[: REPORT_LINES + 1]
        if len(lines) > len(shown):
            shown.append(
                translate(
                    "catalog.area",
                    "  … y {v} filas rechazadas más (la línea de órdenes «patolab import-catalog» "
                    "las lista todas).",
                ).format(v=len(lines) - len(shown))
            )
        prompts.error(parent, title, "\n".join(shown))
        return False
    if not prompts.confirm(
        parent, title, report.lines()[0] + translate("catalog.area", "\n\n¿Importar ahora?")
    ):
        return False
    try:
        from .investigation_dialog import _acting_user

        report = catalog.import_catalog(path, changed_by=_acting_user())
    except ServiceError as exc:
        prompts.error(parent, title, str(exc))
        return False
    if not report.ok:  # someone changed the catalog between the check and the import
        prompts.error(parent, title, "\n".join(report.lines()[: REPORT_LINES + 1]))
        return False
    prompts.info(parent, title, report.lines()[0])
    window = parent.window() if hasattr(parent, "window") else None
    tab = window.tab(TAB_KEY) if window is not None and hasattr(window, "tab") else None
    if tab is not None:
        tab.reload()
    elif hasattr(parent, "reload"):
        parent.reload()
    return True
