"""CSV exports of the customers area (the GUI menu and ``patolab export customers`` call this).

``export_customers`` writes ``clientes_patolab.csv`` (seed 000) with exactly
``CUSTOMER_COLUMNS``, for the ACTIVE customers matching the filters (search, type, gender,
department, municipality; ``include_inactive`` is ignored), sorted by name:

* Nombre — as registered.
* Identidad/RTN — with dashes (``0801-1990-12345``), so a spreadsheet keeps it as text
  with its leading zero; a passport or residence card with its kind in front
  (``Pasaporte A12345678``, ``Carné de residente 123456789``: ``formats.document_cell``),
  as the seed has no column for the kind and the patient import reads it back.
* Tipo — the Spanish label: ``Cliente`` (a patient, stored ``cliente``) or ``Empresa``
  (``empresa``), the words of seed 000.
* Edad — whole years today (from the date of birth, or the declared age grown since it
  was declared); empty for companies without one.
* Género, Estado/Departamento, Ciudad — names, not ids (Ciudad is the municipality).
* Teléfono — display form ``+504 9988-7766``. It starts with ``+``, so like every text
  cell starting with = + - @ tab CR LF it is written with a leading ``'`` (formula
  neutralisation, see ``csvio``).
* Correo — lower case.

Only a role holding ``patients.view_sensitive`` may write it (``refusal``): the file
carries every identity number in full so that it can be imported back, and with the
numbers masked (``****-****-12345``) it would look complete while every row of it would
be refused by the import.

UTF-8 with BOM, streamed by one database cursor and written to a temporary file that
replaces the destination only when complete.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections.abc import Callable, Iterator

from .. import identity, parallel_csv
from ..access import permissions, session
from ..errors import PermissionDenied
from ..texts import translate
from .formats import document_cell, spreadsheet_phone
from .search import export_names, export_sample, iter_export_tuples
from .types import CustomerFilter

CUSTOMER_COLUMNS = [
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
CUSTOMER_FILE_NAME = "clientes_patolab.csv"
CSV_TYPE_LABELS = {"cliente": "Cliente", "empresa": "Empresa"}
TEXT_COLUMNS = [0, 1, 2, 4, 5, 6, 7, 8]  # every column but Edad (an integer)
# Worker processes write an export of this many rows (estimated) or more, one part per
# core; measured at 1,000,000 customers in ``parallel_csv``.
PARALLEL_FROM = 200_000
SAMPLE_PROBES = 2_000
MAX_PARTS = 4


def _years(day: dt.date | str, today_year: int, today_tail: str) -> int:
    """Whole years from ``day`` (a date or an ISO text) to today, given as its year and
    its ``MM-DD``: the birthday has not come yet this year when ``day``'s ``MM-DD`` is
    later (ISO text compares like the month and day)."""
    text = day if day.__class__ is str else day.isoformat()  # type: ignore[union-attr]
    return today_year - int(text[:4]) - (text[5:10] > today_tail)


def customer_rows(
    filters: CustomerFilter, after: tuple | None = None, upto: tuple | None = None
) -> Iterator[tuple[str, ...]]:
    """Export rows, every cell as text; this runs a million times, so the age is computed
    inline (the same rule as ``formats.age_from``, which the tests compare it with).
    ``after`` / ``upto``: one part of the rows (``search.iter_export_tuples``)."""
    today = dt.date.today()
    this_year, today_tail = today.year, today.isoformat()[5:]
    labels = CSV_TYPE_LABELS
    # full numbers (``export_customers`` refuses a role that may not see them); the keys
    # looked up once; a number this workstation cannot read stops the export
    # (``IdentityKeyNeeded``): no file of locked numbers
    id_text = identity.shower(for_a_file=True)
    phone_text, years_of, cell = spreadsheet_phone, _years, document_cell
    genders, departments, municipalities = export_names()
    for (
        name,
        id_number,
        document,
        kind,
        born,
        age,
        recorded,
        gender,
        phone,
        department,
        municipality,
        email,
    ) in iter_export_tuples(filters, after, upto):
        if born is not None:
            years = years_of(born, this_year, today_tail)
            shown_age = str(years) if years > 0 else "0"
        elif age is not None:
            extra = years_of(recorded, this_year, today_tail) if recorded is not None else 0
            shown_age = str(age + extra) if extra > 0 else str(age)
        else:
            shown_age = ""
        yield (
            name,
            cell(document, id_text(id_number)),
            labels.get(kind, kind),
            shown_age,
            genders.get(gender, ""),
            phone_text(phone),
            departments.get(department, ""),
            municipalities.get(municipality, ""),
            email or "",
        )


SENSITIVE = "patients.view_sensitive"


def refusal() -> str:
    """Why the acting user may not write the customers file ("" when they may): it needs
    ``exports.run`` and ``patients.view_sensitive``, as a file of masked numbers cannot be
    imported back."""
    refused = session.refusal("exports.run")
    if refused or not session.refusal(SENSITIVE):
        return refused
    actor = session.current()
    return translate(
        "services.customers",
        "Exportar clientes necesita el permiso de ver los números de identidad completos: "
        "el archivo lleva la identidad de cada cliente para poder importarlo de nuevo, y "
        "con los números ocultos la importación rechazaría cada fila. Su rol ({role}) no "
        "lo incluye; pida a un administrador que se lo asigne.",
    ).format(role=permissions.role_label(actor.role if actor is not None else ""))


def export_customers(
    filters: CustomerFilter,
    path: str | os.PathLike[str],
    progress: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    *,
    parallel_from: int | None = None,
    in_process_if_lost: bool = True,
) -> int:
    """Write the active customers matching ``filters`` to ``path``; returns the row count
    (0 when ``cancelled()`` turned true: then no file is written).

    Requires ``exports.run`` and ``patients.view_sensitive`` (``refusal``: the message of
    the ``PermissionDenied``); writes one audit row (file name and row count, no data).
    ``parallel_from`` / ``in_process_if_lost``: the packaged program's self-test writes a
    small export in worker processes, where a worker that cannot start is a failure."""
    session.recheck()  # a permission withdrawn on another desk a moment ago counts
    refused = refusal()  # exports.run first (``session.require``'s message), then the numbers
    if refused:
        raise PermissionDenied(refused)
    return parallel_csv.export_csv(
        path,
        CUSTOMER_COLUMNS,
        functools.partial(customer_rows, filters),
        _boundaries(filters, PARALLEL_FROM if parallel_from is None else parallel_from),
        entity="customer",
        what="de clientes",
        text_columns=TEXT_COLUMNS,
        progress=progress,
        cancelled=cancelled,
        in_process_if_lost=in_process_if_lost,
    )


def _boundaries(filters: CustomerFilter, parallel_from: int) -> list[tuple]:
    """The ``(name_folded, id)`` keys between the parts that worker processes write, one
    part per core (at most ``MAX_PARTS``); none (this process writes the file) on a
    computer with one core or for an export estimated under ``parallel_from`` rows (a
    worker process costs about 0.3 s to start)."""
    parts = min(MAX_PARTS, os.cpu_count() or 1)
    if parts < 2:
        return []
    estimate, keys = export_sample(filters, SAMPLE_PROBES)
    if estimate < parallel_from or len(keys) < parts:
        return []
    return [keys[len(keys) * index // parts] for index in range(1, parts)]
