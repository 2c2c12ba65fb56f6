"""Export a list to a CSV file chosen by the user, off the GUI thread, with progress.

Shared by the catalog and referrers areas (and any list with an export service).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QStandardPaths

from ...i18n import translate
from .. import prompts


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
