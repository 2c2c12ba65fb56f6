"""Importing the investigation catalog from CSV: check the file first (nothing written),
show the rejected rows or ask, then import all or nothing."""

from __future__ import annotations

from ...i18n import translate
from .. import prompts
from ..widgets.ask_flow import open_and_attempt

TAB_KEY = "catalog"
REPORT_LINES = 25  # rejected rows shown in the message; the CLI prints them all


def import_catalog(parent) -> bool:
    """Check the file first (nothing written), show the rejected rows or ask to import."""
    from ...services import catalog

    title = translate("catalog.area", "Importar catálogo")
    checked = open_and_attempt(
        parent,
        title,
        lambda path: catalog.import_catalog(path, dry_run=True),
        translate("catalog.area", "Importar catálogo (CSV)"),
        translate("catalog.area", "Archivos CSV (*.csv)"),
    )
    if checked is None:
        return False
    path, report = checked
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
    from .investigation_dialog import _acting_user

    report = prompts.attempt(
        parent, title, lambda: catalog.import_catalog(path, changed_by=_acting_user())
    )
    if report is prompts.REFUSED:
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
