"""Analysing a patient import file row by row (``importing.analyse`` runs it): the cells
to values, the customers service's checks, people repeated in the file merged, each row
matched to the customer it updates, or planned as new, or rejected with its reason."""

from __future__ import annotations

import dataclasses
import os

from ...util.courtesy import courtesy
from ...util.text import clean
from ..csvio import unneutralise
from ..texts import label, translate
from . import bulk, formats
from . import records as customer_records
from .import_cells import _file_values, _reason, _Resolver
from .import_file import _DATA_LABELS, _header_and_rows, read_text
from .import_match import _existing, _match, _person_key, names_agree
from .import_plan import LOOKUP_CHUNK, Cancelled, ImportPlan, ImportRow, Progress, _tick
from .types import CustomerData

# CustomerData attribute -> key of the values the customers service stores
_COMPARED = {
    "type": "type",
    "name": "name",
    "id_number": "id_number",
    "document_type": "document_type",
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


def _reject(row: ImportRow, reason: str) -> None:
    row.action, row.reason, row.data, row.customer_id = "reject", reason, None, None


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
    let_others_run = courtesy()  # in the app's worker: the window keeps answering

    # 1. cells -> values, structural problems
    rows: list[ImportRow] = []
    width = len(header)
    for line, cells in records:
        let_others_run()
        row = ImportRow(line=line, raw=list(cells))
        rows.append(row)
        for name, index in columns.items():
            cell = cells[index] if index < len(cells) else ""
            row.values[name] = unneutralise(cell).strip()
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
    checks: dict[int, _CheckedRow | str] = {}  # id(row) -> its check, made once
    merged = _merge_repeated(rows, lookups, checks, progress, cancelled)
    if merged:
        rows = [row for row in rows if row.action != "merge"]
    total = len(rows)

    # 2. each row checked once by the customers service's rules, people repeated in the
    #    file merged (``_merge_repeated``); 3. in chunks: one bulk look-up of who exists,
    #    then matching and in-file duplicates in file order
    seen_number: dict[str, int] = {}
    seen_phone_name: dict[tuple[str, str], tuple[int, bool]] = {}  # -> (line, had number)
    seen_target: dict[int, int] = {}
    for start in range(0, total, LOOKUP_CHUNK):
        _tick(None, cancelled, start, total)  # a cancel only: the progress shown is the checks'
        checked = []
        for row in rows[start : start + LOOKUP_CHUNK]:
            let_others_run()
            item = _check_row(row, checks)
            if item is not None:
                checked.append(item)
        by_number, by_phone = _existing(
            {prepared.value("id_hash"): key[0] for *_rest, prepared, key in checked if key[0]},
            {key[1] for *_rest, key in checked},
        )
        candidates = {by_number[key[0]] for *_rest, key in checked if key[0] in by_number}
        candidates.update(
            c[0]
            for *_rest, key in checked
            for c in by_phone.get(key[1], ())
            if names_agree(key[2], c[1])
        )
        stored = customer_records._stored_many(candidates)  # the customers this chunk may update
        for row, values, data, prepared, (number, phone, name_folded) in checked:
            let_others_run()
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
            before = stored.get(target) if target is not None else None
            _plan_row(row, values, data, prepared, target, before, lookups)
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


# a row that passed the checks: (row, file values, the same as a new customer's data,
# prepared customer, its keys)
_CheckedRow = tuple[ImportRow, dict, CustomerData, bulk.PreparedCustomer, tuple[str, str, str]]


def _check_row(row: ImportRow, checks: dict[int, _CheckedRow | str]) -> _CheckedRow | None:
    """The row's check (``_merge_repeated`` made one for every row not rejected), or None
    when the row is rejected (``_reject`` gives it the reason)."""
    if row.action == "reject":
        return None
    item = checks.pop(id(row))
    if isinstance(item, str):
        _reject(row, item)
        return None
    return item


def _checked(row: ImportRow, lookups: _Resolver) -> _CheckedRow | str:
    """(row, file values, their CustomerData, PreparedCustomer, (id number, E.164 phone,
    folded name)), or the reason the row is rejected; the row is left as it is. The keys
    are the customers service's own normalisation."""
    if not clean(row.values.get("name")):
        return translate("services.patient_import", "Falta el nombre.")
    if not clean(row.values.get("phone")):
        return translate("services.patient_import", "Falta el teléfono.")
    try:
        values = _file_values(row, lookups)
    except ValueError as exc:
        return str(exc)
    data = CustomerData(**values)
    if data.date_of_birth is not None:
        data.age = None  # the date of birth gives the age
    prepared = lookups.prepare(data)
    if prepared.errors:
        return _reason(prepared.errors)
    phone, name_folded = prepared.value("phone"), prepared.value("name_folded")
    return row, values, data, prepared, (prepared.number, phone, name_folded)


def _family_note() -> str:
    return translate(
        "services.patient_import",
        "Otro paciente ya tiene este teléfono (¿un familiar?): se registra como paciente nuevo.",
    )


def _merge_repeated(
    rows: list[ImportRow],
    lookups: _Resolver,
    checks: dict[int, _CheckedRow | str],
    progress: Progress = None,
    cancelled: Cancelled = None,
) -> list[ImportRow]:
    """A person repeated in the file becomes one row: the first line keeps the person,
    later non-empty values win, and the later lines are marked ``merge``. The same person:
    the same identity number, or the same phone with names that agree (and no two
    different identity numbers). A merge whose result the customers service would refuse
    is not made (each line then stands, or is rejected, on its own).
    Each row is checked here once (``checks``: what the next step reads instead of
    checking it again), its keys the check's; a row the check refuses is keyed by its
    cells (``_person_key``), as it may still be merged. The analysis' progress is the
    rows checked. Returns the merged-away rows."""
    by_number: dict[str, ImportRow] = {}
    by_phone: dict[str, list[ImportRow]] = {}
    keys: dict[int, tuple[str, str, str]] = {}
    merged: list[ImportRow] = []
    let_others_run = courtesy()  # in the app's worker: the window keeps answering
    for index, row in enumerate(rows):
        let_others_run()
        if index % 1000 == 0:
            _tick(progress, cancelled, index, len(rows))
        if row.action == "reject":
            continue
        item = checks[id(row)] = _checked(row, lookups)
        number, phone, name = _person_key(row) if isinstance(item, str) else item[4]
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
            together = _checked(ImportRow(line=earlier.line, raw=[], values=values), lookups)
            if not isinstance(together, str):
                first = earlier
                first.values = values
                checks[id(first)] = (first, *together[1:])
                keys[id(first)] = together[4]
                break
        if first is None:
            keys[id(row)] = (number, phone, name)
            if number:
                by_number.setdefault(number, row)
            if phone:
                by_phone.setdefault(phone, []).append(row)
            continue
        del checks[id(row)]
        first.merged_lines.append(row.line)
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
    data: CustomerData,
    prepared: bulk.PreparedCustomer,
    target: int | None,
    before: CustomerData | None,
    lookups: _Resolver,
) -> None:
    """``values``: the file's; ``data``: the same as a new customer (``_check_row``'s)."""
    if target is None:
        # create()'s checks were made once by ``prepare``; the id numbers were looked up in
        # bulk by ``_existing`` (the unique index still guards the insert)
        data.incomplete = bool(prepared.missing)
        row.action, row.data, row.prepared = "create", data, prepared
        row.missing = lookups.missing_labels(prepared.missing)
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
    merged = lookups.prepare(data)
    errors, missing = merged.errors, merged.missing
    if errors:
        _reject(row, _reason(errors))
        return
    row.action, row.data, row.customer_id = "update", data, target
    row.missing = lookups.missing_labels(missing)
    # the stored number is encrypted: compare the normalised number itself
    row.changes = _changes(before, {**merged.values, "id_number": merged.number or None})
    if before.incomplete != bool(missing):
        row.changes.append(
            translate("services.patient_import", "incompleto")
            if missing
            else translate("services.patient_import", "completo")
        )
