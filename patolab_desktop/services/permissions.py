"""The catalogue of permissions and the permission sets of the seeded roles.

A permission is a short key (``patients.view``) that a service names in
``session.require(...)``. Its ``action`` is the Spanish phrase used in the message a
user sees when the permission is missing ("No tiene permiso para ver pacientes…");
its ``label`` is the same phrase capitalised, shown in the permission matrix.

This module is pure data (no database, no Qt) so the seed, the services and the UI
can all read it.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Permission:
    key: str
    group: str  # the area, shown in the permission matrix
    action: str  # infinitive phrase: "ver pacientes y empresas"

    @property
    def label(self) -> str:
        return self.action[:1].upper() + self.action[1:]


_CATALOGUE = (
    # patients / customers (seed 000, 001)
    Permission("patients.view", "Pacientes", "ver pacientes y empresas"),
    Permission("patients.create", "Pacientes", "registrar pacientes y empresas"),
    Permission("patients.edit", "Pacientes", "modificar pacientes y empresas"),
    Permission("patients.delete", "Pacientes", "desactivar y reactivar pacientes y empresas"),
    Permission("patients.view_sensitive", "Pacientes",
               "ver los números de identidad completos"),
    # referrers (seed 000)
    Permission("referrers.view", "Remitentes", "ver remitentes"),
    Permission("referrers.create", "Remitentes", "registrar remitentes"),
    Permission("referrers.edit", "Remitentes", "modificar remitentes y tipos de remitente"),
    Permission("referrers.delete", "Remitentes", "desactivar remitentes"),
    # investigation catalogue and branches
    Permission("catalog.view", "Catálogo", "ver el catálogo de investigaciones"),
    Permission("catalog.create", "Catálogo", "crear investigaciones y paneles"),
    Permission("catalog.edit", "Catálogo", "modificar investigaciones, paneles y precios"),
    Permission("catalog.delete", "Catálogo", "desactivar investigaciones"),
    Permission("branches.manage", "Catálogo", "administrar sucursales"),
    # lab requests (seed 004)
    Permission("lis.requests.view", "Solicitudes", "ver solicitudes de laboratorio"),
    Permission("lis.requests.create", "Solicitudes", "crear solicitudes de laboratorio"),
    Permission("lis.requests.update", "Solicitudes",
               "modificar solicitudes (agregar o quitar investigaciones)"),
    Permission("requests.workflow", "Solicitudes",
               "avanzar solicitudes en el flujo de trabajo"),
    Permission("requests.cancel", "Solicitudes", "cancelar solicitudes"),
    Permission("discounts.manual", "Solicitudes", "aplicar descuentos manuales"),
    # printing
    Permission("prints.run", "Impresión",
               "imprimir resúmenes de solicitud y etiquetas de tubos"),
    Permission("prints.reports", "Impresión",
               "imprimir resúmenes diarios y por período"),
    # files
    Permission("exports.run", "Archivos", "exportar datos a CSV"),
    Permission("imports.run", "Archivos", "importar pacientes desde CSV"),
    # administration
    Permission("users.manage", "Administración", "administrar usuarios, roles y permisos"),
    Permission("settings.edit", "Administración", "cambiar la configuración del laboratorio"),
    Permission("backups.run", "Administración", "hacer y restaurar copias de seguridad"),
    Permission("audit.view", "Administración", "ver la auditoría"),
)

PERMISSIONS: dict[str, Permission] = {p.key: p for p in _CATALOGUE}
ALL: frozenset[str] = frozenset(PERMISSIONS)

ROLE_RECEPTION = "Recepción"
ROLE_SUPERVISOR = "Supervisor"
ROLE_ADMIN = "Administrador"

RECEPTION = frozenset({
    "patients.view", "patients.create", "patients.edit",
    "referrers.view", "referrers.create", "referrers.edit",
    "catalog.view",
    "lis.requests.view", "lis.requests.create", "lis.requests.update", "requests.cancel",
    "prints.run",
})
SUPERVISOR = RECEPTION | frozenset({
    "patients.delete", "referrers.delete",
    "requests.workflow", "discounts.manual",
    "prints.reports",
})
ADMIN = ALL

# name -> (description, permissions), in display order
SEEDED_ROLES: dict[str, tuple[str, frozenset[str]]] = {
    ROLE_RECEPTION: ("Registra pacientes y solicitudes, imprime resúmenes y etiquetas.",
                     RECEPTION),
    ROLE_SUPERVISOR: ("Recepción, más flujo de trabajo, descuentos manuales y resúmenes "
                      "por período.", SUPERVISOR),
    ROLE_ADMIN: ("Todo: usuarios y permisos, catálogo y precios, configuración, "
                 "exportación e importación, copias de seguridad y auditoría.", ADMIN),
}


def get(key: str) -> Permission:
    """The permission ``key``; ``KeyError`` for an unknown key (a programming error)."""
    return PERMISSIONS[key]


def label(key: str) -> str:
    permission = PERMISSIONS.get(key)
    return permission.label if permission else key


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
