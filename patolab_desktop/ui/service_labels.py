"""Translations of the Spanish vocabulary that comes from the services (status, priority…).

Services stay free of Qt and return Spanish labels; the screens show them through
``service_label`` so the English catalogue can translate them. ``QT_TRANSLATE_NOOP`` lists
them for ``pyside6-lupdate``; keep this list in step with the dicts in ``services/``.
Data typed by users (names, genders, referrer types, sample types…) is never translated.
"""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP

from ..i18n import translate

CONTEXT = "ServiceLabels"

_CATALOGUE = (
    # services/requests.py STATUS_LABELS
    QT_TRANSLATE_NOOP("ServiceLabels", "Pendiente"),
    QT_TRANSLATE_NOOP("ServiceLabels", "Muestra tomada"),
    QT_TRANSLATE_NOOP("ServiceLabels", "En proceso"),
    QT_TRANSLATE_NOOP("ServiceLabels", "Resultado parcial"),
    QT_TRANSLATE_NOOP("ServiceLabels", "Completada"),
    QT_TRANSLATE_NOOP("ServiceLabels", "Cancelada"),
    # PRIORITY_LABELS
    QT_TRANSLATE_NOOP("ServiceLabels", "Rutina"),
    QT_TRANSLATE_NOOP("ServiceLabels", "Urgente"),
    QT_TRANSLATE_NOOP("ServiceLabels", "STAT (inmediato)"),
    # SOURCE_LABELS
    QT_TRANSLATE_NOOP("ServiceLabels", "Ambulatorio"),
    QT_TRANSLATE_NOOP("ServiceLabels", "Hospitalizado"),
    QT_TRANSLATE_NOOP("ServiceLabels", "Emergencia"),
    QT_TRANSLATE_NOOP("ServiceLabels", "Externo"),
    # EVENT_LABELS
    QT_TRANSLATE_NOOP("ServiceLabels", "Creada"),
    QT_TRANSLATE_NOOP("ServiceLabels", "Cambio de estado"),
    QT_TRANSLATE_NOOP("ServiceLabels", "Investigación agregada"),
    QT_TRANSLATE_NOOP("ServiceLabels", "Investigación quitada"),
    QT_TRANSLATE_NOOP("ServiceLabels", "Descuento"),
    QT_TRANSLATE_NOOP("ServiceLabels", "Datos modificados"),
    # DISCOUNT_KIND_LABELS
    QT_TRANSLATE_NOOP("ServiceLabels", "Sin descuento"),
    QT_TRANSLATE_NOOP("ServiceLabels", "Por edad"),
    QT_TRANSLATE_NOOP("ServiceLabels", "Manual"),
    # services/customers.py TYPE_LABELS
    QT_TRANSLATE_NOOP("ServiceLabels", "Paciente"),
    QT_TRANSLATE_NOOP("ServiceLabels", "Empresa"),
    QT_TRANSLATE_NOOP("ServiceLabels", "Cliente"),
)


def service_label(text: str | None) -> str:
    """``text`` in the active language (unchanged when the catalogue does not know it)."""
    return translate(CONTEXT, text) if text else (text or "")


def translated_labels(labels: dict) -> dict:
    """A copy of a services label dict with its values translated."""
    return {key: service_label(value) for key, value in labels.items()}
