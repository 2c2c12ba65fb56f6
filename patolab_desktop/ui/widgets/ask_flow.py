"""Ask the user for something (a file to read, a text), then hand it to a service.

The flow of Archivo → Restaurar copia…, Catálogo → Importar…, Facturación → Cobrar
solicitud… and the month of the sales book: stop quietly when the user cancels, show the
service's refusal under the action's title, else go on with the answer and the result.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QWidget

from .. import prompts


def ask_and_attempt(
    parent: QWidget | None,
    title: str,
    call: Callable[[str], Any],
    ask: Callable[[], str | None],
) -> tuple[str, Any] | None:
    """``ask()`` the user, then ``call(answer)`` under ``title`` (``prompts.attempt``).
    Returns ``(answer, result)``, or None when the user cancelled or the service refused
    (its message already shown)."""
    answer = ask()
    if not answer:
        return None
    result = prompts.attempt(parent, title, lambda: call(answer))
    return None if result is prompts.REFUSED else (answer, result)


def open_and_attempt(
    parent: QWidget | None,
    title: str,
    call: Callable[[str], Any],
    caption: str,
    filter_: str,
    path: str | None = None,
) -> tuple[str, Any] | None:
    """Choose a file to read (the dialog says ``caption``, shows ``filter_``; skipped when
    ``path`` is given), then ``call(path)`` under ``title``: ``ask_and_attempt``."""

    def ask() -> str | None:
        return path if path is not None else prompts.open_file(parent, caption, filter_)

    return ask_and_attempt(parent, title, call, ask)
