"""The catalogue of permissions and the permission sets of the seeded roles.

A permission is a short key (``patients.view``) that a service names in
``session.require(...)``. Its ``action`` is the Spanish phrase used in the message a
user sees when the permission is missing ("No tiene permiso para ver pacientes…");
its ``label`` is the same phrase capitalised, shown in the permission matrix.
``action``/``group`` hold the Spanish source; ``action_text``, ``label`` and
``group_label`` are in the active language (``services/texts.py``).

This module is pure data (no database, no widgets) so the seed, the services and the UI
can all read it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..texts import QT_TRANSLATE_NOOP, translate

CONTEXT = "services.permissions"


@dataclass(frozen=True)
class Permission:
    key: str
    group: str  # the area, shown in the permission matrix
    action: str  # infinitive phrase: "ver pacientes y empresas"

    @property
    def action_text(self) -> str:
        """``action`` in the active language (for messages)."""
        return translate(CONTEXT, self.action)

    @property
    def label(self) -> str:
        """The capitalised action in the active language (the permission matrix)."""
        text = self.action_text
        return text[:1].upper() + text[1:]

    @property
    def source_label(self) -> str:
        """The capitalised Spanish action (for texts stored in the database)."""
        return self.action[:1].upper() + self.action[1:]

    @property
    def group_label(self) -> str:
        return translate(CONTEXT, self.group)


# Areas of the permission matrix
PATIENTS = QT_TRANSLATE_NOOP("services.permissions", "Pacientes")
REFERRERS = QT_TRANSLATE_NOOP("services.permissions", "Remitentes")
CATALOG = QT_TRANSLATE_NOOP("services.permissions", "Catálogo")
REQUESTS = QT_TRANSLATE_NOOP("services.permissions", "Solicitudes")
PRINTING = QT_TRANSLATE_NOOP("services.permissions", "Impresión")
FILES = QT_TRANSLATE_NOOP("services.permissions", "Archivos")
ADMIN_GROUP = QT_TRANSLATE_NOOP("services.permissions", "Administración")
NOTIFY = QT_TRANSLATE_NOOP("services.permissions", "Avisos por WhatsApp")
BILLING = QT_TRANSLATE_NOOP("services.permissions", "Facturación y caja")

_CATALOGUE = (
    # patients / customers (seed 000, 001)
    Permission(
        "patients.view",
        PATIENTS,
        QT_TRANSLATE_NOOP("services.permissions", "ver pacientes y empresas"),
    ),
    Permission(
        "patients.create",
        PATIENTS,
        QT_TRANSLATE_NOOP("services.permissions", "registrar pacientes y empresas"),
    ),
    Permission(
        "patients.edit",
        PATIENTS,
        QT_TRANSLATE_NOOP("services.permissions", "modificar pacientes y empresas"),
    ),
    Permission(
        "patients.delete",
        PATIENTS,
        QT_TRANSLATE_NOOP("services.permissions", "desactivar y reactivar pacientes y empresas"),
    ),
    Permission(
        "patients.view_sensitive",
        PATIENTS,
        QT_TRANSLATE_NOOP("services.permissions", "ver los números de identidad completos"),
    ),
    # referrers (seed 000)
    Permission(
        "referrers.view", REFERRERS, QT_TRANSLATE_NOOP("services.permissions", "ver remitentes")
    ),
    Permission(
        "referrers.create",
        REFERRERS,
        QT_TRANSLATE_NOOP("services.permissions", "registrar remitentes"),
    ),
    Permission(
        "referrers.edit",
        REFERRERS,
        QT_TRANSLATE_NOOP("services.permissions", "modificar remitentes y tipos de remitente"),
    ),
    Permission(
        "referrers.delete",
        REFERRERS,
        QT_TRANSLATE_NOOP("services.permissions", "desactivar remitentes"),
    ),
    # investigation catalogue and branches
    Permission(
        "catalog.view",
        CATALOG,
        QT_TRANSLATE_NOOP("services.permissions", "ver el catálogo de investigaciones"),
    ),
    Permission(
        "catalog.create",
        CATALOG,
        QT_TRANSLATE_NOOP("services.permissions", "crear investigaciones y paneles"),
    ),
    Permission(
        "catalog.edit",
        CATALOG,
        QT_TRANSLATE_NOOP("services.permissions", "modificar investigaciones, paneles y precios"),
    ),
    Permission(
        "catalog.delete",
        CATALOG,
        QT_TRANSLATE_NOOP("services.permissions", "desactivar investigaciones"),
    ),
    Permission(
        "branches.manage",
        CATALOG,
        QT_TRANSLATE_NOOP("services.permissions", "administrar sucursales"),
    ),
    # lab requests (seed 004)
    Permission(
        "lis.requests.view",
        REQUESTS,
        QT_TRANSLATE_NOOP("services.permissions", "ver solicitudes de laboratorio"),
    ),
    Permission(
        "lis.requests.create",
        REQUESTS,
        QT_TRANSLATE_NOOP("services.permissions", "crear solicitudes de laboratorio"),
    ),
    Permission(
        "lis.requests.update",
        REQUESTS,
        QT_TRANSLATE_NOOP(
            "services.permissions", "modificar solicitudes (agregar o quitar investigaciones)"
        ),
    ),
    Permission(
        "requests.workflow",
        REQUESTS,
        QT_TRANSLATE_NOOP("services.permissions", "avanzar solicitudes en el flujo de trabajo"),
    ),
    Permission(
        "requests.cancel",
        REQUESTS,
        QT_TRANSLATE_NOOP("services.permissions", "cancelar solicitudes"),
    ),
    Permission(
        "discounts.manual",
        REQUESTS,
        QT_TRANSLATE_NOOP("services.permissions", "aplicar descuentos manuales"),
    ),
    Permission(
        "results.release",
        REQUESTS,
        QT_TRANSLATE_NOOP(
            "services.permissions", "marcar investigaciones en proceso y con resultado listo"
        ),
    ),
    # WhatsApp notifications (issue 18)
    Permission(
        "notify.send",
        NOTIFY,
        QT_TRANSLATE_NOOP(
            "services.permissions",
            "ver, reintentar y cancelar avisos por WhatsApp; abrir en WhatsApp",
        ),
    ),
    Permission(
        "notify.manage",
        NOTIFY,
        QT_TRANSLATE_NOOP(
            "services.permissions", "administrar la cola y la configuración de WhatsApp"
        ),
    ),
    # charging at the desk (issue 17)
    Permission(
        "billing.issue",
        BILLING,
        QT_TRANSLATE_NOOP("services.permissions", "emitir facturas y registrar pagos"),
    ),
    Permission(
        "billing.cash",
        BILLING,
        QT_TRANSLATE_NOOP("services.permissions", "abrir y cerrar su caja"),
    ),
    Permission(
        "billing.void",
        BILLING,
        QT_TRANSLATE_NOOP("services.permissions", "anular facturas"),
    ),
    Permission(
        "billing.credit_note",
        BILLING,
        QT_TRANSLATE_NOOP("services.permissions", "emitir notas de crédito"),
    ),
    Permission(
        "billing.reports",
        BILLING,
        QT_TRANSLATE_NOOP(
            "services.permissions", "ver reportes de ventas y confirmar cierres de caja"
        ),
    ),
    Permission(
        "billing.authorisations",
        BILLING,
        QT_TRANSLATE_NOOP(
            "services.permissions", "administrar autorizaciones CAI y crédito de empresas"
        ),
    ),
    # printing
    Permission(
        "prints.run",
        PRINTING,
        QT_TRANSLATE_NOOP(
            "services.permissions", "imprimir resúmenes de solicitud y etiquetas de tubos"
        ),
    ),
    Permission(
        "prints.reports",
        PRINTING,
        QT_TRANSLATE_NOOP("services.permissions", "imprimir resúmenes diarios y por período"),
    ),
    # files
    Permission(
        "exports.run", FILES, QT_TRANSLATE_NOOP("services.permissions", "exportar datos a CSV")
    ),
    Permission(
        "imports.run",
        FILES,
        QT_TRANSLATE_NOOP("services.permissions", "importar pacientes desde CSV"),
    ),
    # administration
    Permission(
        "users.manage",
        ADMIN_GROUP,
        QT_TRANSLATE_NOOP("services.permissions", "administrar usuarios, roles y permisos"),
    ),
    Permission(
        "settings.edit",
        ADMIN_GROUP,
        QT_TRANSLATE_NOOP("services.permissions", "cambiar la configuración del laboratorio"),
    ),
    Permission(
        "backups.run",
        ADMIN_GROUP,
        QT_TRANSLATE_NOOP("services.permissions", "hacer y restaurar copias de seguridad"),
    ),
    Permission(
        "audit.view", ADMIN_GROUP, QT_TRANSLATE_NOOP("services.permissions", "ver la auditoría")
    ),
    Permission(
        "identity.recovery_key",
        ADMIN_GROUP,
        QT_TRANSLATE_NOOP(
            "services.permissions",
            "ver e imprimir la clave de recuperación de los números de identidad",
        ),
    ),
)

PERMISSIONS: dict[str, Permission] = {p.key: p for p in _CATALOGUE}
ALL: frozenset[str] = frozenset(PERMISSIONS)

ROLE_RECEPTION = "Recepción"
ROLE_SUPERVISOR = "Supervisor"
ROLE_ADMIN = "Administrador"
ROLE_LAB = "Laboratorio"

RECEPTION = frozenset(
    {
        "patients.view",
        "patients.create",
        "patients.edit",
        "referrers.view",
        "referrers.create",
        "referrers.edit",
        "catalog.view",
        "lis.requests.view",
        "lis.requests.create",
        "lis.requests.update",
        "requests.cancel",
        "prints.run",
        "notify.send",
        "billing.issue",
        "billing.cash",
    }
)
SUPERVISOR = RECEPTION | frozenset(
    {
        "billing.void",
        "billing.credit_note",
        "billing.reports",
        "patients.delete",
        "referrers.delete",
        "requests.workflow",
        "discounts.manual",
        "prints.reports",
        "results.release",
    }
)
LAB = frozenset(
    {
        "patients.view",
        "referrers.view",
        "catalog.view",
        "lis.requests.view",
        "results.release",
        "notify.send",
    }
)
ADMIN = ALL

# name -> (description, permissions), in display order
SEEDED_ROLES: dict[str, tuple[str, frozenset[str]]] = {
    ROLE_RECEPTION: ("Registra pacientes y solicitudes, imprime resúmenes y etiquetas.", RECEPTION),
    ROLE_SUPERVISOR: (
        "Recepción, más flujo de trabajo, descuentos manuales y resúmenes por período.",
        SUPERVISOR,
    ),
    ROLE_LAB: (
        "Laboratorio: marca cada investigación en proceso y con resultado listo.",
        LAB,
    ),
    ROLE_ADMIN: (
        "Todo: usuarios y permisos, catálogo y precios, configuración, "
        "exportación e importación, copias de seguridad y auditoría.",
        ADMIN,
    ),
}


def get(key: str) -> Permission:
    """The permission ``key``; ``KeyError`` for an unknown key (a programming error)."""
    return PERMISSIONS[key]


def label(key: str, translated: bool = True) -> str:
    """The permission's label: in the active language, or Spanish (``translated=False``)."""
    permission = PERMISSIONS.get(key)
    if permission is None:
        return key
    return permission.label if translated else permission.source_label


def action(key: str) -> str:
    permission = PERMISSIONS.get(key)
    return permission.action if permission else key


def groups() -> list[tuple[str, list[Permission]]]:
    """Permissions grouped by area, in catalogue order."""
    out: dict[str, list[Permission]] = {}
    for permission in _CATALOGUE:
        out.setdefault(permission.group, []).append(permission)
    return list(out.items())


def ordered() -> list[Permission]:
    return list(_CATALOGUE)


# The seeded roles' names as shown on screen (stored in Spanish; a role an administrator
# created keeps the name they typed). Issue 16.
ROLE_LABELS = {
    ROLE_RECEPTION: QT_TRANSLATE_NOOP("services.permissions", "Recepción"),
    ROLE_SUPERVISOR: QT_TRANSLATE_NOOP("services.permissions", "Supervisor"),
    ROLE_ADMIN: QT_TRANSLATE_NOOP("services.permissions", "Administrador"),
    ROLE_LAB: QT_TRANSLATE_NOOP("services.permissions", "Laboratorio"),
    "Sistema": QT_TRANSLATE_NOOP("services.permissions", "Sistema"),
}


def role_label(name: str | None) -> str:
    """A role's name in the active language (seeded roles); other names as stored."""
    source = ROLE_LABELS.get(name or "")
    return translate(CONTEXT, source) if source else (name or "")
