"""``translate(context, text)`` for the layers below the UI (db, services).

The same call as the UI's (``QCoreApplication.translate``; QtCore only): ``pyside6-lupdate``
collects the literals (``scripts/update_translations.py``), the GUI installs the English
catalogue, and without a translator (the CLI, the tests) the Spanish source comes back.
"""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QCoreApplication


def translate(context: str, text: str) -> str:
    """``text`` in the active language (the Spanish source when no translator knows it)."""
    return _translated(context, text) if text else text


# Remembered until the translators change (``forget_translations``, which ``i18n`` calls
# when it installs or removes them): a patient import's checks ask for the same four
# texts at each of 100,000 rows, at about a microsecond each through Qt.
@lru_cache(maxsize=8192)
def _translated(context: str, text: str) -> str:
    return QCoreApplication.translate(context, text)


def forget_translations() -> None:
    """Forget the remembered texts: the active language has changed."""
    _translated.cache_clear()


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - the name lupdate knows
    """Mark ``text`` for translation in ``context`` without translating it now (the
    catalogue is installed later); typed, unlike QtCore's marker that returns ``object``."""
    return text


__all__ = ["QT_TRANSLATE_NOOP", "forget_translations", "translate"]
