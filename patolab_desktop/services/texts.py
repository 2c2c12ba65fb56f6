"""Messages and labels of the services in the active interface language.

Spanish is the source language. Every message a service shows to the user (the text of a
``ValidationError``/``RuleError``/…, a summary it returns for display) is written as
``translate("services.<module>", "Texto {campo}").format(campo=…)``: ``pyside6-lupdate``
collects those literals into ``resources/translations/patolab_en.ts`` (see
``scripts/update_translations.py``) and the GUI, which installs the English translator, gets
English. Without a translator (the CLI, the tests) the Spanish source comes back unchanged.

Texts defined at import time (label dicts, constants) are marked with ``QT_TRANSLATE_NOOP``
and translated when used (``translate``/``label``), because the translators are installed
after the modules are imported. Texts stored in the database (audit details, request
history) are data and stay in Spanish.

Only QtCore is used here: services never import QtWidgets.
"""

from __future__ import annotations

from typing import Any

from ..util.translation import QT_TRANSLATE_NOOP, translate

#: context of the label vocabularies (status, priority, audit actions…) shared with the UI
LABELS = "ServiceLabels"


def label(labels: dict, key: str, default: Any = None) -> str:
    """The translated label of ``key`` in a ``QT_TRANSLATE_NOOP(LABELS, …)`` dict."""
    text = labels.get(key, key if default is None else default)
    return translate(LABELS, text) if isinstance(text, str) else text


def labels_of(labels: dict) -> dict:
    """A copy of a label dict with its values translated."""
    return {key: label(labels, key) for key in labels}


_CATALOGUE = (
    # the customer type as ``services/customers/export.py`` writes it in the CSV
    QT_TRANSLATE_NOOP("ServiceLabels", "Cliente"),
)


def service_label(text: str | None) -> str:
    """A Spanish label that came from the services (a status, a priority, an audit action…)
    in the active language, unchanged when the catalogue does not know it. Data typed by
    users (names, genders, referrer types, sample types…) is never translated."""
    return translate(LABELS, text) if text else (text or "")


def translated_labels(labels: dict) -> dict:
    """A copy of a services label dict with its values translated."""
    return {key: service_label(value) for key, value in labels.items()}


__all__ = [
    "LABELS",
    "QT_TRANSLATE_NOOP",
    "label",
    "labels_of",
    "service_label",
    "translate",
    "translated_labels",
]
