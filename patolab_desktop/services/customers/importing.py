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

Rows are upserted: by id_number (DNI/RTN) when the row has one, otherwise by the
normalised phone TOGETHER WITH the folded name, so a family sharing one phone is never
merged into one person. (A row with an id_number that matches nobody by id may still
update a customer with the same phone and name who has no id_number yet.) Empty cells
never erase stored data on an update. Rows lacking what seed 000 requires to register
(id_number, age, gender, department, municipality) are saved with ``incomplete=True``;
the desk completes them later (the customers list has an "Incompletos" filter).
Validation and normalisation are the customers service's (``validation.validate_incomplete``,
``normalise_phone``, ``normalise_id_number``); this module only reads files and maps
texts (gender, department, municipality names) to ids.
"""

from __future__ import annotations

import dataclasses
import gc
import os
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from ...db.database import db, write_transaction
from ...db.models import Customer
from ...util.text import clean, fold
from .. import identity
from ..access import audit, session
from ..errors import ConflictError, NotFoundError, ValidationError
from ..texts import label, translate
from . import bulk, formats, validation
from . import records as customer_records
from .import_cells import _file_values, _reason, _Resolver
from .import_file import (
    _DATA_LABELS,
    PERMISSION,
    ImportCancelled,
    PatientImportError,
    _header_and_rows,
    _unneutralise,
    read_text,
)
from .import_plan import ImportPlan, ImportResult, ImportRow
from .types import CustomerData

LOOKUP_CHUNK = 500

Progress = Callable[..., None] | None
Cancelled = Callable[[], bool] | None


# --- plan -------------------------------------------------------------------------------


# --- analysis -----------------------------------------------------------------------------


def _tick(progress: Progress, cancelled: Cancelled, done: int, total: int | None) -> None:
    if cancelled is not None and cancelled():
        raise ImportCancelled()
    if progress is not None:
        progress(done, total)


def _chunks(items: list, size: int = LOOKUP_CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _existing(numbers: set[str], phones: set[str]) -> tuple[dict, dict]:
    """Active customers by id_number, and by phone -> [(id, folded name, id_number)]."""
    by_number: dict[str, int] = {}
    by_phone: dict[str, list[tuple[int, str, str]]] = {}
    hash_of = identity.hasher()  # the numbers are encrypted: looked up by keyed hash
    number_of = {hash_of(number): number for number in numbers}
    for chunk in _chunks(sorted(number_of)):
        for cid, hashed in _active_where_in("id, id_hash", "id_hash", chunk):
            by_number.setdefault(number_of[hashed], cid)
    for chunk in _chunks(sorted(phones)):
        for cid, phone, name_folded, number in _active_where_in(
            "id, phone, name_folded, id_number", "phone", chunk
        ):
            by_phone.setdefault(phone, []).append((cid, name_folded, number or ""))
    return by_number, by_phone


def names_agree(one: str, other: str) -> bool:
    """Two folded names are the same person's: equal, or every word of the shorter one is
    in the longer one ("carlos ruiz" and "carlos alberto ruiz mejia")."""
    if one == other:
        return True
    short, long_ = sorted((one.split(), other.split()), key=len)
    if not short:
        return False
    return not (Counter(short) - Counter(long_))


def _active_where_in(columns: str, column: str, values: list[str]) -> list[tuple]:
    """``columns`` of the active customers whose ``column`` is one of ``values``, by id.

    Written as SQL: peewee takes longer to build a 500-value ``IN`` than the database takes
    to answer it (100,000 rows: 400 look-ups, ≈ 1 s)."""
    mark = db.param
    sql = (
        f"SELECT {columns} FROM {Customer._meta.table_name} WHERE active = {mark} "
        f"AND {column} IN ({', '.join([mark] * len(values))}) ORDER BY id"
    )
    return db.execute_sql(sql, [True, *values]).fetchall()


# CustomerData attribute -> key of the values the customers service stores
_COMPARED = {
    "type": "type",
    "name": "name",
    "id_number": "id_number",
    "gender_id": "gender",
    "date_of_birth": "date_of_birth",
    "age": "age",
    "phone": "phone",
    "secondary_phone": "secondary_phone",
    "email": "email",
    "department_id": "department",
    "municipality_id": "municipality",
    "address": "address",
    "notes": "notes",
    "external_file": "external_file",
}


def _changes(before: CustomerData, after: dict) -> list[str]:
    """Labels of the fields whose stored value would change (both sides normalised)."""
    changed = []
    for attribute, key in _COMPARED.items():
        old = getattr(before, attribute)
        new = after.get(key)
        if (old or None) != (new or None) and not (old == 0 and new == 0):
            changed.append(label(_DATA_LABELS, attribute))
    return changed


def _missing_labels(missing: set[str]) -> list[str]:
    order = ["id_number", "age", "gender_id", "department_id", "municipality_id", "phone"]
    return [label(_DATA_LABELS, k) for k in order if k in missing]


def _reject(row: ImportRow, reason: str) -> None:
    row.action, row.reason, row.data, row.customer_id = "reject", reason, None, None


def analyse(
    path: str | os.PathLike, progress: Progress = None, cancelled: Cancelled = None
) -> ImportPlan:
    """Read ``path`` and plan the import; writes nothing.

    ``PatientImportError`` when the file as a whole cannot be imported (too big, not a
    CSV, unknown encoding, a required column missing); bad rows are in ``plan.rejected``.
    """
    session.require(PERMISSION)
    with _no_cycle_collection():
        return _analyse(path, progress, cancelled)


def _analyse(path: str | os.PathLike, progress: Progress, cancelled: Cancelled) -> ImportPlan:
    text, encoding = read_text(path)
    delimiter, header, columns, ignored, records = _header_and_rows(text)
    plan = ImportPlan(
        path=str(path),
        encoding=encoding,
        delimiter=delimiter,
        header=header,
        columns=columns,
        ignored_columns=ignored,
    )
    lookups = _Resolver()

    # 1. cells -> values, structural problems
    rows: list[ImportRow] = []
    width = len(header)
    for line, cells in records:
        row = ImportRow(line=line, raw=list(cells))
        rows.append(row)
        for name, index in columns.items():
            cell = cells[index] if index < len(cells) else ""
            row.values[name] = _unneutralise(cell).strip()
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            _reject(
                row,
                translate(
                    "services.patient_import",
                    "La fila tiene {cells} columnas y el encabezado "
                    "{width} (¿un separador de más o comillas sin cerrar?).",
                ).format(cells=len(cells), width=width),
            )
        if len(rows) % 1000 == 0:
            _tick(progress, cancelled, len(rows), None)
    merged = _merge_repeated(rows, lookups)
    if merged:
        rows = [row for row in rows if row.action != "merge"]
    total = len(rows)

    # 2. in chunks: the customers service's checks, one bulk look-up of who exists,
    #    then matching and in-file duplicates in file order
    seen_number: dict[str, int] = {}
    seen_phone_name: dict[tuple[str, str], tuple[int, bool]] = {}  # -> (line, had number)
    seen_target: dict[int, int] = {}
    for start in range(0, total, LOOKUP_CHUNK):
        _tick(progress, cancelled, start, total)
        checked = []
        for row in rows[start : start + LOOKUP_CHUNK]:
            item = _check_row(row, lookups)
            if item is not None:
                checked.append(item)
        by_number, by_phone = _existing(
            {key[0] for _r, _v, _p, key in checked if key[0]},
            {key[1] for _r, _v, _p, key in checked},
        )
        candidates = {by_number[key[0]] for *_rest, key in checked if key[0] in by_number}
        candidates.update(
            c[0]
            for *_rest, key in checked
            for c in by_phone.get(key[1], ())
            if names_agree(key[2], c[1])
        )
        stored = customer_records._stored_many(candidates)  # the customers this chunk may update
        for row, values, prepared, (number, phone, name_folded) in checked:
            duplicate = None
            if number and number in seen_number:
                duplicate = translate(
                    "services.patient_import",
                    "Duplicado en el archivo: la identidad {id_number} ya está en la línea {line}.",
                ).format(id_number=formats.format_id_number(number), line=seen_number[number])
            elif (phone, name_folded) in seen_phone_name and (
                not number or not seen_phone_name[(phone, name_folded)][1]
            ):
                duplicate = translate(
                    "services.patient_import",
                    "Duplicado en el archivo: el mismo nombre y "
                    "teléfono ya están en la línea {line}.",
                ).format(line=seen_phone_name[(phone, name_folded)][0])
            if duplicate:
                _reject(row, duplicate)
                continue
            target, ambiguous, family = _match(number, phone, name_folded, by_number, by_phone)
            if ambiguous:
                _reject(
                    row,
                    translate(
                        "services.patient_import",
                        "Hay {count} pacientes con este nombre y "
                        "teléfono; añada la identidad para saber a cuál actualizar.",
                    ).format(count=ambiguous),
                )
                continue
            if target is not None and target in seen_target:
                _reject(
                    row,
                    translate(
                        "services.patient_import",
                        "Duplicado en el archivo: la línea {line} ya "
                        "actualiza a este mismo paciente.",
                    ).format(line=seen_target[target]),
                )
                continue
            _plan_row(row, values, prepared, target, stored.get(target))
            if row.action == "reject":
                continue
            if family and row.action == "create":
                row.note = (
                    _family_note()
                )  # an invalid row claims no key: a later valid one is no duplicate
            if number:
                seen_number[number] = row.line
            seen_phone_name.setdefault((phone, name_folded), (row.line, bool(number)))
            if target is not None:
                seen_target[target] = row.line

    for row in rows:
        if row.action in ("create", "update"):
            row.raw = []  # only rejected rows report their raw cells
        {"create": plan.created, "update": plan.updated}.get(row.action, plan.rejected).append(row)
    plan.merged = merged
    _tick(progress, cancelled, total, total)
    return plan


def _check_row(row: ImportRow, lookups: _Resolver):
    """(row, file values, PreparedCustomer, (id number, E.164 phone, folded name)) or None
    when the row is rejected. The keys are the customers service's own normalisation."""
    if row.action == "reject":
        return None
    if not clean(row.values.get("name")):
        _reject(row, translate("services.patient_import", "Falta el nombre."))
        return None
    if not clean(row.values.get("phone")):
        _reject(row, translate("services.patient_import", "Falta el teléfono."))
        return None
    try:
        values = _file_values(row, lookups)
    except ValueError as exc:
        _reject(row, str(exc))
        return None
    data = CustomerData(**values)
    if data.date_of_birth is not None:
        data.age = None  # the date of birth gives the age
    prepared = bulk.prepare(data, check_unique=False)
    if prepared.errors:
        _reject(row, _reason(prepared.errors))
        return None
    stored = prepared.values
    return (
        row,
        values,
        prepared,
        (prepared.number, stored["phone"], stored["name_folded"]),
    )


def _match(
    number: str, phone: str, name_folded: str, by_number: dict, by_phone: dict
) -> tuple[int | None, int, bool]:
    """(customer id to update or None to create, how many candidates when ambiguous,
    whether the phone is someone else's: a family member sharing it).

    By identity number first; else by phone when the names agree (``names_agree``), an
    exact name winning over a partial one."""
    if number and number in by_number:
        return by_number[number], 0, False
    on_phone = by_phone.get(phone, [])
    candidates = [c for c in on_phone if names_agree(name_folded, c[1])]
    if number:  # only someone still without an id number may receive this one
        candidates = [c for c in candidates if not c[2]]
    exact = [c for c in candidates if c[1] == name_folded]
    if len(exact) == 1:
        candidates = exact
    if len(candidates) > 1:
        return None, len(candidates), False
    if candidates:
        return candidates[0][0], 0, False
    return None, 0, bool(on_phone)


def _family_note() -> str:
    return translate(
        "services.patient_import",
        "Otro paciente ya tiene este teléfono (¿un familiar?): se registra como paciente nuevo.",
    )


def _person_key(row: ImportRow) -> tuple[str, str, str]:
    """(id number, E.164 phone, folded name) of a row's cells; "" for what is not valid."""
    try:
        number = formats.normalise_id_number(row.values.get("id_number", ""))
    except ValueError:
        number = ""
    try:
        phone = formats.normalise_phone(row.values.get("phone", ""))
    except ValueError:
        phone = ""
    return number, phone, fold(clean(row.values.get("name", "")))


def _merge_repeated(rows: list[ImportRow], lookups: _Resolver) -> list[ImportRow]:
    """A person repeated in the file becomes one row: the first line keeps the person,
    later non-empty values win, and the later lines are marked ``merge``. The same person:
    the same identity number, or the same phone with names that agree (and no two
    different identity numbers). A merge whose result the customers service would refuse
    is not made (each line then stands, or is rejected, on its own).
    Returns the merged-away rows."""
    by_number: dict[str, ImportRow] = {}
    by_phone: dict[str, list[ImportRow]] = {}
    keys: dict[int, tuple[str, str, str]] = {}
    merged: list[ImportRow] = []
    for row in rows:
        if row.action == "reject":
            continue
        number, phone, name = _person_key(row)
        candidates = [by_number[number]] if number in by_number else []
        for earlier in by_phone.get(phone, ()) if phone else ():
            other_number, _phone, other_name = keys[id(earlier)]
            if (
                earlier not in candidates
                and names_agree(name, other_name)
                and not (number and other_number and number != other_number)
            ):
                candidates.append(earlier)
        first = None
        for earlier in candidates:
            values = dict(earlier.values)
            values.update({k: v for k, v in row.values.items() if v.strip()})
            if _check_row(ImportRow(line=earlier.line, raw=[], values=values), lookups):
                first = earlier
                first.values = values
                break
        if first is None:
            keys[id(row)] = (number, phone, name)
            if number:
                by_number.setdefault(number, row)
            if phone:
                by_phone.setdefault(phone, []).append(row)
            continue
        first.merged_lines.append(row.line)
        keys[id(first)] = _person_key(first)
        if keys[id(first)][0]:
            by_number.setdefault(keys[id(first)][0], first)
        row.action = "merge"
        row.reason = translate(
            "services.patient_import",
            "Misma persona que la línea {line}: sus datos se unieron a esa línea.",
        ).format(line=first.line)
        merged.append(row)
    return merged


def _plan_row(
    row: ImportRow,
    values: dict,
    prepared: bulk.PreparedCustomer,
    target: int | None,
    before: CustomerData | None,
) -> None:
    if target is None:
        # create()'s checks were made once by ``prepare``; the id numbers were looked up in
        # bulk by ``_existing`` (the unique index still guards the insert)
        data = CustomerData(**values)
        if data.date_of_birth is not None:
            data.age = None
        data.incomplete = bool(prepared.missing)
        row.action, row.data, row.prepared = "create", data, prepared
        row.missing = _missing_labels(prepared.missing)
        return
    if before is None:
        _reject(
            row,
            translate(
                "services.patient_import",
                "El paciente a actualizar ya no existe; vuelva a analizar el archivo.",
            ),
        )
        return
    data = dataclasses.replace(before, **values)
    if data.date_of_birth is not None:
        data.age = None  # the date of birth gives the age (the service ignores a declared one)
    data.incomplete = True  # missing values are tolerated; the service keeps the flag right
    # the same checks as update(); the id numbers were looked up in bulk (``_existing``)
    merged = bulk.prepare(data, check_unique=False)
    errors, missing = merged.errors, merged.missing
    if errors:
        _reject(row, _reason(errors))
        return
    row.action, row.data, row.customer_id = "update", data, target
    row.missing = _missing_labels(missing)
    # the stored number is encrypted: compare the normalised number itself
    row.changes = _changes(before, {**merged.values, "id_number": merged.number or None})
    if before.incomplete != bool(missing):
        row.changes.append(
            translate("services.patient_import", "incompleto")
            if missing
            else translate("services.patient_import", "completo")
        )


# --- commit -------------------------------------------------------------------------------

INSERT_CHUNK = 5000  # rows per insert_prepared call (one savepoint, a progress tick)


def commit(
    plan: ImportPlan, progress: Progress = None, cancelled: Cancelled = None
) -> ImportResult:
    """Save the plan's created and updated rows in one transaction (all or nothing).

    Rejected rows are skipped (the preview listed them). Updates go first, through
    ``customer_records.update`` (which refuses a customer edited since the analysis): after the
    bulk insert every update would also make SQLite's full-text index write out the
    entries it holds in memory (679 updates on a million customers: 4.6 → 2.1 s). New
    customers are then inserted in multi-row statements (``bulk.insert_prepared``).
    ``ImportCancelled`` when ``cancelled()`` turns true, ``PatientImportError`` naming the
    line when a row can no longer be saved: in both cases the transaction is rolled back
    and the database is exactly as before.
    """
    session.require(PERMISSION)
    result = ImportResult(rejected=len(plan.rejected))
    changed = [r for r in plan.updated if r.changes]
    result.unchanged = len(plan.updated) - len(changed)
    total = len(plan.created) + len(changed)
    done = 0
    _tick(progress, cancelled, 0, total)
    with write_transaction(), _large_page_cache(), _no_cycle_collection():
        for row in changed:
            try:
                customer_records.update(dataclasses.replace(row.data))
            except (ValidationError, ConflictError, NotFoundError) as exc:
                raise PatientImportError(_row_failure(row, exc)) from exc
            result.updated_ids.append(row.customer_id)
            done += 1
            if done % 100 == 0 or done == total:
                _tick(progress, cancelled, done, total)
        result.updated = len(result.updated_ids)
        for start in range(0, len(plan.created), INSERT_CHUNK):
            chunk = plan.created[start : start + INSERT_CHUNK]
            try:
                bulk.insert_prepared([r.prepared for r in chunk])
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


@contextmanager
def _no_cycle_collection():
    """Python's cycle collector paused while a file's rows become objects.

    An import makes a few objects per row, none in a reference cycle, so every collection
    it would trigger walks a heap of hundreds of thousands of live objects for nothing
    (100,000 rows: ≈ 0.7 s alone, more in a GUI process with a bigger heap). Whatever
    cycles do appear are collected when it is enabled again."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


IMPORT_CACHE_KIB = 200_000


@contextmanager
def _large_page_cache():
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
    """Which row of a refused multi-row insert is to blame (someone took its id number)."""
    for row in chunk:
        if row.data.id_number:
            errors, _missing = validation.validate_incomplete(dataclasses.replace(row.data))
            if "id_number" in errors:
                return _row_failure(row, ValidationError({"id_number": errors["id_number"]}))
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
    "ImportCancelled",
    "ImportRow",
    "ImportPlan",
    "ImportResult",
    "analyse",
    "commit",
    "read_text",
]
