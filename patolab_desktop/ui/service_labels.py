"""Translations of the Spanish vocabulary that comes from the services (status, priority…).

Services return Spanish labels (the request history stores them that way); the screens
show them through ``service_label`` so the English catalogue translates them. The label
dicts in ``services/`` mark their values with ``QT_TRANSLATE_NOOP("ServiceLabels", …)``
(see ``services/texts.py``), so ``pyside6-lupdate`` finds them there: nothing to keep in
step here. Data typed by users (names, genders, referrer types, sample types…) is never
translated.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP

from ..i18n import translate

CONTEXT = "ServiceLabels"

_CATALOGUE = (
    # the customer type as ``services/exports.py`` writes it in the CSV (CSV_TYPE_LABELS)
    QT_TRANSLATE_NOOP("ServiceLabels", "Cliente"),
)


def service_label(text: str | None) -> str:
    """``text`` in the active language (unchanged when the catalogue does not know it)."""
    return translate(CONTEXT, text) if text else (text or "")


def translated_labels(labels: dict) -> dict:
    """A copy of a services label dict with its values translated."""
    return {key: service_label(value) for key, value in labels.items()}
