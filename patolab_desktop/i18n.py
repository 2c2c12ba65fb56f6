"""Interface language: Qt translators for our texts and for Qt's own (dialog buttons…).

Spanish is the source language: every visible text in ``ui/`` is written in Spanish and
passed through ``translate(context, text)`` (QCoreApplication.translate), so with Spanish
active no catalogue of ours is needed. English comes from ``resources/translations/
patolab_en.qm`` (made by ``scripts/update_translations.py`` / ``make translations``).
Qt's own texts are English in the source, so for Spanish Qt's ``qtbase_es.qm`` is installed.

The chosen language is a setting of this computer (``local_settings.language``) and is
applied at start; changing it asks to restart.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator

from . import local_settings, paths
from .util.translation import (
    forget_translations,
    translate,  # noqa: F401 (the UI's name for it)
)

log = logging.getLogger(__name__)

DEFAULT_LANGUAGE = "es"
#: code -> name shown in the chooser (each in its own language, on purpose)
LANGUAGES = {"es": "Español", "en": "English"}
SOURCE_LANGUAGE = "es"
LOCALES = {"es": "es_HN", "en": "en_GB"}
CATALOGUE_PREFIX = "patolab"

_installed: list[QTranslator] = []  # kept alive: Qt does not own installed translators
_active = DEFAULT_LANGUAGE


def available_languages() -> dict[str, str]:
    """Language code -> display name, Spanish first."""
    return dict(LANGUAGES)


def normalise(language: str | None) -> str:
    code = (language or "").strip().lower()[:2]
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def saved_language() -> str:
    """The language chosen on this computer (Spanish when nothing was chosen)."""
    return normalise(local_settings.load().language)


def save_language(language: str) -> str:
    code = normalise(language)
    local_settings.update(language=code)
    return code


def active_language() -> str:
    return _active


def translations_dir() -> Any:
    return paths.resource("translations")


def qt_translations_dir() -> str:
    return QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)


def catalogue_path(language: str) -> Any:
    return translations_dir() / f"{CATALOGUE_PREFIX}_{language}.qm"


def remove_translators(app: Any) -> None:
    global _active
    while _installed:
        app.removeTranslator(_installed.pop())
    forget_translations()
    _active = DEFAULT_LANGUAGE


def install_translators(app: Any, language: str | None = None) -> str:
    """Install the translators for ``language`` (default: the saved one); returns its code.

    Replaces whatever this function installed before. Missing files are logged, never fatal:
    the interface then shows the Spanish source texts.
    """
    global _active
    code = normalise(language if language is not None else saved_language())
    remove_translators(app)
    # Honduras writes 1,234.50 and dd/mm/yyyy; British English has the same conventions,
    # so Qt widgets that follow the locale look the same in both languages.
    QLocale.setDefault(QLocale(LOCALES[code]))
    if code != SOURCE_LANGUAGE:
        ours = QTranslator(app)
        if ours.load(str(catalogue_path(code))):
            app.installTranslator(ours)
            _installed.append(ours)
        else:
            log.warning("Translation catalogue not found: %s", catalogue_path(code))
    if code != "en":  # Qt's own texts are English in the source
        qt = QTranslator(app)
        if qt.load(f"qtbase_{code}", qt_translations_dir()):
            app.installTranslator(qt)
            _installed.append(qt)
        else:
            log.warning("Qt translation qtbase_%s not found in %s", code, qt_translations_dir())
    forget_translations()
    _active = code
    return code
