"""Export a list to a CSV file chosen by the user, off the GUI thread, with progress.

Shared by the catalog and referrers areas (and any list with an export service).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QStandardPaths

from ...i18n import translate
from .. import prompts

EXPORT_PERMISSION = "exports.run"


def add_export_action(
    window, text: str, export: Callable[[], Any], reads: str, also: tuple[str, ...] = ()
) -> None:
    """The main window's «Exportar» menu entry ``text`` (a CSV file), shown to users who
    may export; ``export()`` asks for the file and writes it. ``reads``: the permission
    that reads its rows, ``also``: any other one the file needs (the service requires
    them too): without one the entry is disabled, its tooltip saying which, instead of a
    refusal after the file was chosen."""
    window.add_action(
        "export", text, export, "export", permission=EXPORT_PERMISSION, needs=(reads, *also)
    )


def suggested_path(file_name: str) -> str:
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    base = Path(folder) if folder and Path(folder).is_dir() else Path.home()
    return str(base / file_name)


def ask_save_path(
    window, title: str, suggested: str, filter_text: str, suffix: str = ""
) -> str | None:
    """Ask where to save (through prompts), starting at ``suggested``; ``suffix``
    (".csv") is added to a name that does not end with it. None when cancelled."""
    path = prompts.save_file(window, title, suggested, filter_text)
    if not path:
        return None
    if suffix and not path.lower().endswith(suffix):
        path += suffix
    return path


def write_with_progress(
    window,
    title: str,
    write: Callable[..., int],
    *args,
    label: str | None = None,
    cancelled: tuple[str, str] | None = None,
    done: Callable[[int], tuple[str, str]],
) -> int | None:
    """Run ``write(*args)`` off the GUI thread with a cancellable progress dialog, then
    say what it did: ``done(count)`` gives the message's title and text, ``cancelled``
    those of a cancelled export. A failure was already shown through prompts.error."""
    from ..widgets.progress import run_with_progress

    outcome = run_with_progress(window, title, write, *args, label=label)
    if outcome.cancelled:
        prompts.info(
            window,
            *(
                cancelled
                or (
                    translate("catalog.area", "Exportación cancelada"),
                    translate("catalog.area", "No se escribió ningún archivo."),
                )
            ),
        )
        return None
    if not outcome.ok:
        return None  # already shown through prompts.error
    prompts.info(window, *done(outcome.result))
    return outcome.result


def run_export(
    window, title: str, file_name: str, write: Callable[..., int], noun_one: str, noun_many: str
) -> int | None:
    """Ask for a file (through prompts), write it off the GUI thread, say how many rows."""
    path = ask_save_path(
        window,
        title,
        suggested_path(file_name),
        translate("catalog.area", "Archivos CSV (*.csv)"),
        ".csv",
    )
    if not path:
        return None

    done = rows_written(
        translate("catalog.area", "Exportación terminada"),
        (
            translate("catalog.area", "Se exportó 1 {noun} a:\n{path}"),
            translate("catalog.area", "Se exportaron {count:,} {noun} a:\n{path}"),
        ),
        path,
        noun_one,
        noun_many,
    )
    return write_with_progress(window, title, write, path, done=done)


def rows_written(
    title: str,
    sentences: tuple[str, str],
    path: str,
    noun_one: str = "",
    noun_many: str = "",
) -> Callable[[int], tuple[str, str]]:
    """The ``done`` of ``write_with_progress`` for an export that wrote ``count`` rows to
    ``path``: ``title`` and ``sentences`` (for one row and for any other count, with
    {count}, {noun} and {path}) translated by the caller, the noun ``noun_one`` for one
    row, ``noun_many`` otherwise (a whole sentence per number: «Se exportó 1 paciente»,
    never «Se exportaron 1 paciente»); a sentence that names its rows itself needs no
    noun («Se exportó 1 solicitud»)."""

    def done(count: int) -> tuple[str, str]:
        one = count == 1
        sentence = sentences[0] if one else sentences[1]
        return title, sentence.format(count=count, noun=noun_one if one else noun_many, path=path)

    return done


def export_tab(
    window,
    tab_key: str,
    blank_filter,
    title: str,
    file_name: str,
    export: Callable[..., int],
    noun_one: str,
    noun_many: str,
) -> int | None:
    """Export what the list tab ``tab_key`` shows (its filters; ``blank_filter`` when the
    window has no such tab) with ``export(filters, path, progress=…, cancelled=…)``."""
    tab = window.tab(tab_key)
    filters = tab.export_filters() if tab is not None else blank_filter
    return run_export(
        window,
        title,
        file_name,
        lambda path, **progress: export(filters, path, **progress),
        noun_one,
        noun_many,
    )
