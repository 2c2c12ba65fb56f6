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
    # services/audit.py ACTION_LABELS and ENTITY_LABELS
    QT_TRANSLATE_NOOP("ServiceLabels", "Crear"),
    QT_TRANSLATE_NOOP("ServiceLabels", "Modificar"),
    QT_TRANSLATE_NOOP("ServiceLabels", "Desactivar"),
    QT_TRANSLATE_NOOP("ServiceLabels", "Reactivar"),
    QT_TRANSLATE_NOOP("ServiceLabels", "Eliminar"),
    QT_TRANSLATE_NOOP("ServiceLabels", "Cambio de precio"),
    QT_TRANSLATE_NOOP("ServiceLabels", "Exportar"),
    QT_TRANSLATE_NOOP("ServiceLabels", "Importar"),
    QT_TRANSLATE_NOOP("ServiceLabels", "Imprimir"),
    QT_TRANSLATE_NOOP("ServiceLabels", "Inicio de sesión"),
    QT_TRANSLATE_NOOP("ServiceLabels", "Intento fallido de acceso"),
    QT_TRANSLATE_NOOP("ServiceLabels", "Cuenta bloqueada"),
    QT_TRANSLATE_NOOP("ServiceLabels", "Cierre de sesión"),
    QT_TRANSLATE_NOOP("ServiceLabels", "Cambio de contraseña"),
    QT_TRANSLATE_NOOP("ServiceLabels", "Contraseña restablecida"),
    QT_TRANSLATE_NOOP("ServiceLabels", "Cuenta desbloqueada"),
    QT_TRANSLATE_NOOP("ServiceLabels", "Permiso concedido"),
    QT_TRANSLATE_NOOP("ServiceLabels", "Permiso retirado"),
    QT_TRANSLATE_NOOP("ServiceLabels", "Cambio de configuración"),
    QT_TRANSLATE_NOOP("ServiceLabels", "Copia de seguridad"),
    QT_TRANSLATE_NOOP("ServiceLabels", "Restauración"),
    QT_TRANSLATE_NOOP("ServiceLabels", "Cancelar"),
    QT_TRANSLATE_NOOP("ServiceLabels", "Agregar investigación"),
    QT_TRANSLATE_NOOP("ServiceLabels", "Quitar investigación"),
    QT_TRANSLATE_NOOP("ServiceLabels", "Paciente/empresa"),
    QT_TRANSLATE_NOOP("ServiceLabels", "Remitente"),
    QT_TRANSLATE_NOOP("ServiceLabels", "Tipo de remitente"),
    QT_TRANSLATE_NOOP("ServiceLabels", "Investigación"),
    QT_TRANSLATE_NOOP("ServiceLabels", "Sucursal"),
    QT_TRANSLATE_NOOP("ServiceLabels", "Solicitud"),
    QT_TRANSLATE_NOOP("ServiceLabels", "Usuario"),
    QT_TRANSLATE_NOOP("ServiceLabels", "Rol"),
    QT_TRANSLATE_NOOP("ServiceLabels", "Configuración"),
    QT_TRANSLATE_NOOP("ServiceLabels", "Base de datos"),
    QT_TRANSLATE_NOOP("ServiceLabels", "Reporte"),
)


def service_label(text: str | None) -> str:
    """``text`` in the active language (unchanged when the catalogue does not know it)."""
    return translate(CONTEXT, text) if text else (text or "")


def translated_labels(labels: dict) -> dict:
    """A copy of a services label dict with its values translated."""
    return {key: service_label(value) for key, value in labels.items()}
