"""``pacientes.csv`` (seed 001): exactly Nombre, Teléfono, Email, Registrado.

Streamed page by page from the customers list query (never the whole table in memory)
and written by ``csvio.write_csv`` (UTF-8 with BOM, formula neutralisation, temp file
renamed at the end: a cancelled or failed export leaves no file). Only active patients
are exported (never companies); phones come out as a spreadsheet shows them (``9988-7766``,
no apostrophe) and importing the file gives the same patients back; the filters are the
customers list's. The export is audited.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterator

from .. import csvio
from ..access import session
from . import records, types
from .formats import spreadsheet_phone
from .types import CustomerFilter

COLUMNS = ["Nombre", "Teléfono", "Email", "Registrado"]
FILE_NAME = "pacientes.csv"
PERMISSION = "exports.run"
REGISTERED_FORMAT = "%d/%m/%Y %H:%M"
PATIENT_TYPE = "cliente"


def _rows(filters: CustomerFilter) -> Iterator[tuple[str, str, str, str]]:
    for row in records.iter_rows(filters, sort="name"):
        created = row.get("created_at")
        yield (
            row["name"],
            spreadsheet_phone(row["phone"]),
            row["email"] or "",
            created.strftime(REGISTERED_FORMAT) if created else "",
        )


def export_patients(
    filters: CustomerFilter | None,
    path: str | os.PathLike[str],
    progress: Callable[[int, int | None], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> int:
    """Write the active customers matching ``filters`` to ``path``; returns the row count.

    A cancelled export writes nothing and is not audited.
    """
    session.require_now(PERMISSION)
    # pacientes.csv lists patients only: companies (type «empresa») are never in it
    filters = dataclasses.replace(
        filters or CustomerFilter(), include_inactive=False, type=PATIENT_TYPE
    )
    matching = records.count(filters)
    # above the cap, "more than the cap": the progress shows a running count instead
    total = matching if matching <= types.COUNT_CAP else None

    def report(done: int, _total: int | None = None) -> None:
        if progress is not None:
            progress(done, total)

    return csvio.export_csv(
        path,
        COLUMNS,
        _rows(filters),
        entity="customer",
        what="de pacientes",
        progress=report,
        cancelled=cancelled,
    )
