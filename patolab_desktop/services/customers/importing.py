"""Patient import from CSV (seed 001), analysed first and committed all or nothing.

``analyse(path)`` reads the file and says, row by row, what would happen — created,
updated or rejected with a Spanish reason and the line number in the file — without
writing anything. ``commit(plan)`` then saves the created and updated rows in ONE
transaction: a failure, a conflict or a cancellation rolls every row back.

The file (seed 001, widened to the customer fields of seed 000):

* at most ``MAX_BYTES`` (5 MB); a larger file is refused with a clear message;
* UTF-8 with or without BOM (decoded strictly first), otherwise Windows-1252;
* comma or semicolon delimited (``csv.Sniffer`` limited to those two, checked against
  the header and falling back to counting);
* quoted fields may hold line breaks: line numbers are the file's physical lines
  (the line where the record starts), taken from the reader's ``line_num``;
* column names are case- and accent-insensitive, Spanish or English (``COLUMN_ALIASES``);
  the name and phone columns are required, a file without them is refused whole;
  unknown columns are ignored and listed in the plan.

The identity cell (Identidad/RTN, DNI…) holds a DNI or RTN in digits, or a passport or
residence card with its kind in front as the customers export writes it (``Pasaporte
A12345678``, ``Carné de residente 123456789``); a bare number of letters and digits, as a
person types one by hand, is read as a passport (``formats.read_document_cell``).

Rows are upserted: by id_number (any identity document) when the row has one, otherwise by the
normalised phone TOGETHER WITH the folded name, so a family sharing one phone is never
merged into one person. (A row with an id_number that matches nobody by id may still
update a customer with the same phone and name who has no id_number yet.) Empty cells
never erase stored data on an update. Rows lacking what seed 000 requires to register
(id_number, age, gender, department, municipality) are saved with ``incomplete=True``;
the desk completes them later (the customers list has an "Incompletos" filter).
Validation and normalisation are the customers service's (``validation.validate_incomplete``,
``normalise_phone``, ``normalise_id_number``); the import only reads files and maps
texts (gender, department, municipality names) to ids.

Modules: ``import_file`` (the file: size, encoding, delimiter, header), ``import_cells``
(cells to values), ``import_match`` (who a row is), ``import_analysis`` (the plan, row by
row), ``import_plan`` (the plan and result classes); this one runs them and commits.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ...db.database import checkpoint_after, write_transaction
from ...util import cycle_collection
from ..access import audit, session
from ..errors import ConflictError, ValidationError
from ..texts import translate
from . import bulk, formats, validation
from .import_analysis import _analyse
from .import_cells import _reason
from .import_file import PERMISSION, ImportCancelled, PatientImportError, read_text
from .import_match import names_agree
from .import_plan import Cancelled, ImportPlan, ImportResult, ImportRow, Progress, _tick
from .types import CustomerData


def analyse(
    path: str | os.PathLike, progress: Progress = None, cancelled: Cancelled = None
) -> ImportPlan:
    """Read ``path`` and plan the import; writes nothing.

    ``PatientImportError`` when the file as a whole cannot be imported (too big, not a
    CSV, unknown encoding, a required column missing); bad rows are in ``plan.rejected``.
    """
    session.require(PERMISSION)
    try:
        with cycle_collection.paused():
            return _analyse(path, progress, cancelled)
    finally:
        formats.normalise_phone.cache_clear()  # the file's phones: ~20 MB at 100,000 rows


# --- commit -------------------------------------------------------------------------------

INSERT_CHUNK = 5000  # rows per insert_prepared call (a progress tick)


def refusal(plan: ImportPlan, skip_rejected: bool = False) -> str | None:
    """Why ``commit`` refuses ``plan``, or None. A file with rejected rows imports nothing
    (PRODUCT: all or nothing) unless the person who saw them chose to import the others
    (``skip_rejected``: the window's confirmation, the CLI's ``--skip-rejected``)."""
    if not plan.rejected or skip_rejected:
        return None
    count = len(plan.rejected)
    rows = (
        translate("services.patient_import", "1 fila rechazada")
        if count == 1
        else translate("services.patient_import", "{count} filas rechazadas").format(count=count)
    )
    return translate(
        "services.patient_import",
        "No se importó nada: {rows}. Corrija el archivo, o importe solo las demás si así "
        "lo decide.",
    ).format(rows=rows)


def commit(
    plan: ImportPlan,
    progress: Progress = None,
    cancelled: Cancelled = None,
    *,
    skip_rejected: bool = False,
) -> ImportResult:
    """Save the plan's created and updated rows in one transaction (all or nothing).

    A plan with rejected rows is refused (``refusal``) unless ``skip_rejected``: then they
    are left out (the preview listed them). Updates go first, with the rules
    of ``update`` (which refuses a customer edited since the analysis) in a few statements
    per 100 customers (``bulk.update_many``; one at a time they took 3 ms each on a
    million customers): after the bulk insert every update would also make SQLite's
    full-text index write out the entries it holds in memory (679 updates on a million
    customers: 4.6 → 2.1 s). New customers are then inserted in name order
    (``_name_order``), in multi-row statements (``bulk.insert_prepared``). On SQLite the
    log the commit leaves is folded into the file after it, off the caller's time
    (``checkpoint_after``).
    ``ImportCancelled`` when ``cancelled()`` turns true, ``PatientImportError`` naming the
    line when a row can no longer be saved: in both cases the transaction is rolled back
    and the database is exactly as before.
    """
    session.require(PERMISSION)
    refused = refusal(plan, skip_rejected)
    if refused is not None:
        raise PatientImportError(refused)
    result = ImportResult(rejected=len(plan.rejected))
    changed = [r for r in plan.updated if r.changes]
    result.unchanged = len(plan.updated) - len(changed)
    total = len(plan.created) + len(changed)
    done = 0
    _tick(progress, cancelled, 0, total)
    with checkpoint_after(), write_transaction(), _large_page_cache(), cycle_collection.paused():
        for start in range(0, len(changed), bulk.UPDATE_CHUNK):
            chunk = changed[start : start + bulk.UPDATE_CHUNK]
            try:
                bulk.update_many([dataclasses.replace(_update_of(row)[1]) for row in chunk])
            except bulk.ItemRefused as exc:
                raise PatientImportError(_row_failure(chunk[exc.index], exc.error)) from exc
            except (ValidationError, ConflictError) as exc:  # no row to blame
                raise PatientImportError(_whole_failure(exc)) from exc
            result.updated_ids.extend(_update_of(row)[0] for row in chunk)
            done += len(chunk)
            _tick(progress, cancelled, done, total)
        result.updated = len(result.updated_ids)
        created = sorted(plan.created, key=_name_order)
        for start in range(0, len(created), INSERT_CHUNK):
            chunk = created[start : start + INSERT_CHUNK]
            try:
                # any failure rolls the whole import back: no savepoint needed
                bulk.insert_prepared(_prepared(chunk), savepoint=False)
            except ValidationError as exc:
                raise PatientImportError(_chunk_failure(chunk, exc)) from exc
            done += len(chunk)
            _tick(progress, cancelled, done, total)
        result.created = len(plan.created)
        result.incomplete = sum(1 for r in plan.created + changed if r.incomplete)
        audit.record(
            "import",
            "customer",
            None,
            detail=(
                f"Importación de pacientes desde {Path(plan.path).name}: {result.created} creados, "
                f"{result.updated} actualizados, {result.unchanged} sin cambios, "
                f"{result.rejected} rechazados, {result.incomplete} incompletos."
            ),
        )
        if cancelled is not None and cancelled():
            raise ImportCancelled()
    return result


def _name_order(row: ImportRow) -> str:
    """The new customers are inserted in the order of their folded names: the indexes that
    start with the name (the covering one holds the search text too) are then written page
    after page instead of at random. SQLite, 99,288 new customers into a million: the
    inserts 4.5-4.7 -> 3.7-3.8 s (a page cache of 1 GB instead of 200 MB: 4.45 s)."""
    assert row.prepared is not None, row.line
    return row.prepared.value("name_folded") or ""


def _update_of(row: ImportRow) -> tuple[int, CustomerData]:
    """The customer a planned update changes and its new data (the analysis set both)."""
    assert row.customer_id is not None and row.data is not None, row.line
    return row.customer_id, row.data


def _prepared(rows: list[ImportRow]) -> list[bulk.PreparedCustomer]:
    """The checked new customers of planned creations (the analysis prepared each one)."""
    prepared = []
    for row in rows:
        assert row.prepared is not None, row.line
        prepared.append(row.prepared)
    return prepared


IMPORT_CACHE_KIB = 200_000


@contextmanager
def _large_page_cache() -> Iterator[None]:
    """SQLite: a 200 MB page cache while the import writes (100,000 rows land in a dozen
    indexes of a big table: ~2.5 s less on a million customers); the usual size after."""
    from ...db.database import db, is_sqlite

    if not is_sqlite():
        yield
        return
    before = db.execute_sql("PRAGMA cache_size").fetchone()[0]
    if before < 0 and -before >= IMPORT_CACHE_KIB:
        yield
        return
    db.execute_sql(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        db.execute_sql(f"PRAGMA cache_size = {int(before)}")


def _row_failure(row: ImportRow, exc: Exception) -> str:
    name = " ".join(row.name.split())
    return translate(
        "services.patient_import",
        "Línea {line} ({name}): {reason} No se importó ninguna fila; vuelva a analizar el archivo.",
    ).format(line=row.line, name=name, reason=_commit_reason(exc))


def _chunk_failure(chunk: list[ImportRow], exc: ValidationError) -> str:
    """Which row of a refused multi-row insert is to blame (someone took its id number):
    the first in the file among the chunk's (the chunk is in name order, ``_name_order``)."""
    for row in sorted(chunk, key=lambda r: r.line):
        if row.data is not None and row.data.id_number:
            errors, _missing = validation.validate_incomplete(dataclasses.replace(row.data))
            if "id_number" in errors:
                return _row_failure(row, ValidationError({"id_number": errors["id_number"]}))
    return _whole_failure(exc)


def _whole_failure(exc: ValidationError | ConflictError) -> str:
    return translate(
        "services.patient_import",
        "No se importó ninguna fila: {reason} Vuelva a analizar el archivo.",
    ).format(reason=_commit_reason(exc))


def _commit_reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return _reason(exc.fields)
    return str(exc)


__all__ = [
    "PatientImportError",
    "names_agree",
    "ImportCancelled",
    "ImportRow",
    "ImportPlan",
    "ImportResult",
    "analyse",
    "commit",
    "read_text",
    "refusal",
]
