"""What several tests expect, spelled out once here rather than read from the code under
test: the export headers, the request statuses in their workflow order."""

from __future__ import annotations

# the customer export's header (issue 2), spelled out here rather than read from the service
CUSTOMER_HEADER = [
    "Nombre",
    "Identidad/RTN",
    "Tipo",
    "Edad",
    "Género",
    "Teléfono",
    "Estado/Departamento",
    "Ciudad",
    "Correo",
]
# the request export's header
REQUEST_HEADER = [
    "Número",
    "Fecha",
    "Paciente",
    "Médico",
    "Sucursal",
    "Prioridad",
    "Estado",
    "Origen",
    "Total",
    "Descuento",
    "Neto",
    "Cancelada el",
    "Motivo de cancelación",
]
# request statuses, in the order of the workflow (and of a sort by status)
STATUSES = [
    "pending",
    "sample_collected",
    "in_progress",
    "partial_result",
    "completed",
    "cancelled",
]
# the status of a request's lines for each status of the request (migration 12, demo data)
LINE_STATUS_OF = {
    "pending": "pending",
    "sample_collected": "pending",
    "in_progress": "in_progress",
    "partial_result": "in_progress",
    "completed": "released",
    "cancelled": "cancelled",
}
