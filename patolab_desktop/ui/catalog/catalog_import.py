"""Importing the investigation catalog from CSV: check the file first (nothing written),
show the rejected rows or ask, then import all or nothing."""

from __future__ import annotations

from ...i18n import translate
from .. import prompts
from ..widgets.progress import run_with_progress

TAB_KEY = "catalog"
REPORT_LINES = 25  # rejected rows shown in the message; the CLI prints them all


def import_catalog(parent) -> bool:
    """Check the file first (nothing written), show the rejected rows or ask to import.

    The check and the import run off the GUI thread (``run_with_progress``, as the patient
    import and the exports): a file of 20,000 rows took 7 s, the window frozen. Both show
    their progress and can be cancelled; a cancelled import saves nothing."""
    from ...services import catalog

    title = translate("catalog.area", "Importar catálogo")
    path = prompts.open_file(
        parent,
        translate("catalog.area", "Importar catálogo (CSV)"),
        translate("catalog.area", "Archivos CSV (*.csv)"),
    )
    if not path:
        return False

    def step(label: str, **options):
        """One pass over the file in a worker: the check, then the save."""
        return run_with_progress(
            parent, title, catalog.import_catalog, path, label=label, **options
        )

    outcome = step(translate("catalog.area", "Revisando el archivo"), dry_run=True)
    if not outcome.ok:
        return False  # cancelled, or the refusal was shown
    report = outcome.result
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
    if not prompts.confirm(  # the summary, and the columns the file leaves as they are
        parent,
        title,
        "\n".join(report.lines()) + translate("catalog.area", "\n\n¿Importar ahora?"),
    ):
        return False
    from .investigation_dialog import _acting_user

    outcome = step(translate("catalog.area", "Guardando el catálogo"), changed_by=_acting_user())
    if outcome.cancelled:
        prompts.info(
            parent,
            translate("catalog.area", "Importación cancelada"),
            translate("catalog.area", "Se canceló la importación: no se guardó ningún cambio."),
        )
        return False
    if not outcome.ok:
        return False  # the refusal was shown; nothing was saved (one transaction)
    report = outcome.result
    if not report.ok:  # someone changed the catalog between the check and the import
        prompts.error(parent, title, "\n".join(report.lines()[: REPORT_LINES + 1]))
        return False
    prompts.info(parent, title, "\n".join(report.lines()))
    window = parent.window() if hasattr(parent, "window") else None
    tab = window.tab(TAB_KEY) if window is not None and hasattr(window, "tab") else None
    if tab is not None:
        tab.reload()
    elif hasattr(parent, "reload"):
        parent.reload()
    return True
