"""What several tests expect, spelled out once here rather than read from the code under
test: the export headers, the request statuses in their workflow order.

A header is written as the first line of its CSV file reads, so that it stays an
independent statement of what the user sees, not a copy of the production list."""

from __future__ import annotations

import csv


def _header(line: str) -> list[str]:
    """The cells of a CSV header line."""
    return next(csv.reader([line]))


# the customer export's header (issue 2), spelled out here rather than read from the service
CUSTOMER_HEADER = _header(
    "Nombre,Identidad/RTN,Tipo,Edad,Género,Teléfono,Estado/Departamento,Ciudad,Correo"
)
# the request export's header
REQUEST_HEADER = _header(
    "Número,Fecha,Paciente,Médico,Sucursal,Prioridad,Estado,Origen,Total,Descuento,Neto,"
    "Cancelada el,Motivo de cancelación"
)
# the referrer export's header
REFERRER_HEADER = _header(
    "Nombre,Tipo,Institución,Teléfono,Correo,Dirección,Notas,Estado,Registrado"
)
# the status of a request's lines for each status of the request (migration 12, demo data);
# its keys are the request statuses in the order of the workflow
LINE_STATUS_OF = {
    "pending": "pending",
    "sample_collected": "pending",
    "in_progress": "in_progress",
    "partial_result": "in_progress",
    "completed": "released",
    "cancelled": "cancelled",
}
# request statuses, in the order of the workflow (and of a sort by status)
STATUSES = list(LINE_STATUS_OF)
