"""Columns of the customers list: which row-dict key, Spanish title, SQL sort name, format.

Rows come from ``services.customers.page`` as plain dicts; every function here only reads
that dict (no database access), so ``data()`` stays free of SQL.
"""

from __future__ import annotations

from ...i18n import translate
from ...services.texts import service_label
from ...util.formatting import format_date
from ..icons import icon
from ..models.paged_table import Column
from ..widgets.forms import CENTER, RIGHT, reference_column


def _name_decoration(row: dict):
    if not row.get("active", True):
        return icon("deactivate")
    if row.get("incomplete"):
        return icon("warning")
    return None


def _name_tooltip(row: dict) -> str:
    notes = [row.get("name") or ""]
    if not row.get("active", True):
        notes.append(translate("customers.customer_columns", "Inactivo (desactivado)"))
    if row.get("incomplete"):
        notes.append(
            translate("customers.customer_columns", "Datos incompletos: ábralo para completarlos")
        )
    return "\n".join(notes)


def _column(key: str, title: str, sort: str = "", **more) -> Column:
    """A column sorted by ``sort`` (its own key by default), grey for an inactive row;
    its header says what the sort orders by when that is not what the column shows."""
    return reference_column(key, title, sort or key, header_tip=_sort_tip(sort or key), **more)


def _sort_tip(sort: str) -> str:
    if sort != "id_number":
        return ""
    return translate(
        "customers.customer_columns",
        "Ordena por tipo de documento (DNI, ninguno, pasaporte, residente, RTN) y, "
        "dentro de cada tipo, por fecha de registro: los números se guardan "
        "cifrados y no se ordenan.",
    )


def customer_columns() -> list[Column]:
    """A fresh list (Column holds callables; the model keeps its own list)."""
    return [
        _column(
            "name",
            translate("customers.customer_columns", "Nombre"),
            decoration=_name_decoration,
            tooltip=_name_tooltip,
        ),
        _column("id_number", translate("customers.customer_columns", "Identidad/RTN")),
        _column(
            "type_label",
            translate("customers.customer_columns", "Tipo"),
            "type",
            format=service_label,
        ),
        # the age as the papers and the entry word it («35 años», a baby's «3 meses»),
        # sorted by the birthday it stands for
        _column("age_label", translate("customers.customer_columns", "Edad"), "age", align=RIGHT),
        _column("gender", translate("customers.customer_columns", "Género")),
        _column("phone", translate("customers.customer_columns", "Teléfono")),
        _column("email", translate("customers.customer_columns", "Correo")),
        _column("department", translate("customers.customer_columns", "Departamento")),
        _column("municipality", translate("customers.customer_columns", "Municipio")),
        _column(
            "created_at",
            translate("customers.customer_columns", "Registrado"),
            format=format_date,
            align=CENTER,
        ),
    ]


# Typical widest text of each column, measured with the view's font to size the columns
# once (no resize-to-contents over a million rows).
COLUMN_SAMPLES = {
    "name": "María José Rodríguez Castillo",
    "id_number": "0801-1990-123456",
    "type_label": "Paciente",
    "age_label": "11 meses",
    "gender": "Hombre",
    "phone": "+504 9999-9999",
    "email": "nombre.apellido@gmail.com",
    "department": "Francisco Morazán",
    "municipality": "San Pedro Sula",
    "created_at": "00/00/0000",
}
