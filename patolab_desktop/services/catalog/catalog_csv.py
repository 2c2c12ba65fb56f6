"""The catalog as CSV: import (preview or all-or-nothing commit, with a reason for every
rejected row) and export."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from peewee import IntegrityError, chunked

from ...db.bulk import insert_rows
from ...db.database import write_transaction
from ...db.models import Investigation, PriceChange, now
from ...util.courtesy import courtesy
from ...util.money import edit_text
from ...util.text import clean, fold
from ..access import audit, session
from ..billing.types import EXEMPT, TAX_CLASS_LABELS, TAX_CLASSES, label
from ..csvio import DELIMITERS, sniff_delimiter, unneutralise
from ..errors import ServiceError, ValidationError
from ..paging import every_page
from ..texts import QT_TRANSLATE_NOOP, translate
from .investigations import _who
from .panels import _write_members
from .reading import _edges, _path, page
from .values import CODE_RE, NAME_MAX, SAMPLE_MAX, CatalogFilter, normalize_code, parse_price

IMPORT_MAX_BYTES = 5 * 1024 * 1024
WRITE_CHUNK = 500  # investigations per INSERT (9 values each: well under SQLite's limit)
READ_TICK = 1000  # rows read between two progress reports (and looks at ``cancelled``)

Progress = Callable[..., None] | None  # progress(done, total=None)
Cancelled = Callable[[], bool] | None

CSV_COLUMNS = ["code", "name", "sample_type", "price", "panel_members", "active", "tax_class"]
IMPORT_REQUIRED = ("code", "name", "price")
# the columns a file may leave out: an existing row keeps that field as it is (a price
# list of code,name,price dissolved every panel in it and emptied every sample type)
IMPORT_OPTIONAL = {
    "sample_type": QT_TRANSLATE_NOOP("services.catalog", "tipo de muestra"),
    "panel_members": QT_TRANSLATE_NOOP("services.catalog", "miembros del perfil"),
    "active": QT_TRANSLATE_NOOP("services.catalog", "activa"),
    "tax_class": QT_TRANSLATE_NOOP("services.catalog", "impuesto"),
}
_HEADER_ALIASES = {
    "code": "code",
    "codigo": "code",
    "cod": "code",
    "name": "name",
    "nombre": "name",
    "investigacion": "name",
    "sample_type": "sample_type",
    "sample": "sample_type",
    "tipo_de_muestra": "sample_type",
    "tipo_muestra": "sample_type",
    "muestra": "sample_type",
    "price": "price",
    "precio": "price",
    "panel_members": "panel_members",
    "members": "panel_members",
    "miembros": "panel_members",
    "perfil": "panel_members",
    "miembros_del_perfil": "panel_members",
    "active": "active",
    "activo": "active",
    "activa": "active",
    "estado": "active",
    "tax_class": "tax_class",
    "impuesto": "tax_class",
    "impuesto_(factura)": "tax_class",
    "isv": "tax_class",
    "clase_de_impuesto": "tax_class",
    "clase_impuesto": "tax_class",
}
_TRUE = {"1", "si", "s", "true", "yes", "y", "activo", "activa", "x"}
_FALSE = {"0", "no", "n", "false", "inactivo", "inactiva"}


# --- CSV import ---------------------------------------------------------------------------


class ImportCancelled(ServiceError):
    """The person cancelled the import: nothing was written (its transaction rolled back)."""

    def __init__(self) -> None:
        super().__init__(
            translate("services.catalog", "Se canceló la importación: no se guardó ningún cambio.")
        )


def _tick(progress: Progress, cancelled: Cancelled, done: int, total: int | None) -> None:
    """Report how far the import got; ``ImportCancelled`` once ``cancelled()`` is true."""
    if cancelled is not None and cancelled():
        raise ImportCancelled()
    if progress is not None:
        progress(done, total)


@dataclass
class RejectedRow:
    line: int  # line number in the file (the header is line 1)
    code: str
    reason: str


@dataclass
class CatalogImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)
    committed: bool = False
    kept_columns: list[str] = field(default_factory=list)  # optional columns not in the file

    @property
    def ok(self) -> bool:
        return not self.rejected

    def lines(self) -> list[str]:
        if self.ok:
            if self.committed:
                text = translate(
                    "services.catalog",
                    "Se importaron {rows} filas: {created} "
                    "nuevas, {updated} modificadas, {unchanged} sin cambios.",
                )
            else:
                text = translate(
                    "services.catalog",
                    "Se pueden importar {rows} filas: {created} "
                    "nuevas, {updated} modificadas, {unchanged} sin cambios.",
                )
            out = [
                text.format(
                    rows=self.rows,
                    created=self.created,
                    updated=self.updated,
                    unchanged=self.unchanged,
                )
            ]
            if self.kept_columns:
                out.append(
                    translate(
                        "services.catalog",
                        "El archivo no trae las columnas {columns}: las investigaciones "
                        "que ya existen las conservan como están.",
                    ).format(
                        columns=", ".join(
                            translate("services.catalog", IMPORT_OPTIONAL[c])
                            for c in self.kept_columns
                        )
                    )
                )
            return out
        out = [
            translate(
                "services.catalog", "{rejected} de {rows} filas tienen errores; no se importó nada:"
            ).format(rejected=len(self.rejected), rows=self.rows)
        ]
        for item in self.rejected:
            code = f" ({item.code})" if item.code else ""
            out.append(
                "  "
                + translate("services.catalog", "línea {line}{code}: {reason}").format(
                    line=item.line, code=code, reason=item.reason
                )
            )
        return out


@dataclass
class _Row:
    line: int
    code: str
    name: str
    sample_type: str
    price: Decimal | None
    members: list[str]
    active: bool | None
    errors: list[str] = field(default_factory=list)
    tax_class: str = EXEMPT


def _reason(message: str) -> str:
    """A service message as a report reason: lower-case start, no final period."""
    message = message.rstrip(".")
    return message[:1].lower() + message[1:]


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _tax_key(text: str) -> str:
    return re.sub(r"[\s%_\-]+", "", fold(text))


def _tax_classes_by_name() -> dict[str, str]:
    """A tax class as a file may write it: its code (``gravado15``, what the export
    writes) or its name in the catalog dialog («Gravado 15 %»), in any case."""
    names = {}
    for key in TAX_CLASSES:
        for text in (key, TAX_CLASS_LABELS[key], label(TAX_CLASS_LABELS, key)):
            names[_tax_key(text)] = key
    return names


def _header_key(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", fold(text.strip().lstrip("\ufeff")))


def _reader_and_columns(text: str) -> tuple[Any, dict[str, int]]:
    """The CSV reader past the header, and the column of each field, with the separator
    that gives the required columns: «,» or «;» (a Spanish Excel saves «;»), guessed as
    the patient import guesses it (``csvio.sniff_delimiter``), the other one tried when
    the guess misses a required column."""
    first = sniff_delimiter(text)
    chosen: tuple[Any, dict[str, int]] | None = None
    for delimiter in [first] + [d for d in DELIMITERS if d != first]:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            header = next(reader)
        except StopIteration:
            raise ValidationError(
                {"file": translate("services.catalog", "El archivo está vacío.")}
            ) from None
        except csv.Error as exc:
            raise ValidationError(
                {
                    "file": translate(
                        "services.catalog", "El archivo no es un CSV válido: {error}"
                    ).format(error=exc)
                }
            ) from None
        columns: dict[str, int] = {}
        for index, title in enumerate(header):
            key = _HEADER_ALIASES.get(_header_key(title))
            if key and key not in columns:
                columns[key] = index
        if all(c in columns for c in IMPORT_REQUIRED):
            return reader, columns
        chosen = chosen or (reader, columns)
    assert chosen is not None  # the loop ran at least once
    return chosen


def _read_rows(
    path: Any, progress: Progress = None, cancelled: Cancelled = None
) -> tuple[list[_Row], list[str]]:
    """The file's rows, each with its own errors (``progress(rows read)`` on the way), and
    the optional columns the file does not have (an absent one reads as empty here;
    ``import_catalog`` gives existing rows their stored value)."""
    path = Path(path)
    if not path.is_file():
        raise ValidationError(
            {
                "file": translate("services.catalog", "No se encontró el archivo {path}.").format(
                    path=path
                )
            }
        )
    size = path.stat().st_size
    if size > IMPORT_MAX_BYTES:
        raise ValidationError(
            {"file": translate("services.catalog", "El archivo pasa de 5 MB; divídalo en partes.")}
        )
    text = _decode(path.read_bytes())
    reader, columns = _reader_and_columns(text)
    missing = [c for c in IMPORT_REQUIRED if c not in columns]
    if missing:
        raise ValidationError(
            {
                "file": translate(
                    "services.catalog",
                    "Faltan columnas en el encabezado: {columns}. Se esperan: "
                    "code,name,sample_type,price,panel_members.",
                ).format(columns=", ".join(missing))
            }
        )
    absent = [c for c in IMPORT_OPTIONAL if c not in columns]
    tax_classes = _tax_classes_by_name()
    rows: list[_Row] = []
    line = reader.line_num
    let_others_run = courtesy()  # in the window's worker: the window keeps answering
    while True:
        let_others_run()
        if len(rows) % READ_TICK == 0:
            _tick(progress, cancelled, len(rows), None)
        start = line + 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            rows.append(
                _Row(
                    start,
                    "",
                    "",
                    "",
                    None,
                    [],
                    None,
                    [
                        translate("services.catalog", "fila CSV mal formada: {error}").format(
                            error=exc
                        )
                    ],
                )
            )
            break
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue

        def cell(key: str, values: list[str] = values) -> str:
            index = columns.get(key)
            if index is None or index >= len(values):
                return ""
            return unneutralise(values[index]).strip()  # the export's own file read back

        row = _Row(
            start,
            normalize_code(cell("code")),
            clean(cell("name")),
            clean(cell("sample_type")),
            None,
            [normalize_code(m) for m in cell("panel_members").split(";") if m.strip()],
            None,
        )
        if not row.code:
            row.errors.append(translate("services.catalog", "falta el código"))
        elif not CODE_RE.match(row.code):
            row.errors.append(
                translate(
                    "services.catalog",
                    "código no válido «{code}» (letras sin tilde, números, . - _)",
                ).format(code=row.code)
            )
        if not row.name:
            row.errors.append(translate("services.catalog", "falta el nombre"))
        elif len(row.name) > NAME_MAX:
            row.errors.append(
                translate("services.catalog", "el nombre pasa de {max} caracteres").format(
                    max=NAME_MAX
                )
            )
        if len(row.sample_type) > SAMPLE_MAX:
            row.errors.append(
                translate("services.catalog", "el tipo de muestra pasa de {max} caracteres").format(
                    max=SAMPLE_MAX
                )
            )
        try:
            row.price = parse_price(cell("price"))
        except ValueError as exc:
            row.errors.append(
                translate("services.catalog", "falta el precio")
                if not cell("price")
                else _reason(str(exc))
            )
        active_text = fold(cell("active"))
        if active_text:
            if active_text in _TRUE:
                row.active = True
            elif active_text in _FALSE:
                row.active = False
            else:
                row.errors.append(
                    translate(
                        "services.catalog", "valor de «active» no reconocido «{value}» (use 1 o 0)"
                    ).format(value=cell("active"))
                )
        tax_text = cell("tax_class")
        if tax_text:  # an empty cell: exento, as a new item in the dialog
            tax_class = tax_classes.get(_tax_key(tax_text))
            if tax_class is None:
                row.errors.append(
                    translate(
                        "services.catalog",
                        "impuesto no reconocido «{value}» (use exento, gravado15 o gravado18)",
                    ).format(value=tax_text)
                )
            else:
                row.tax_class = tax_class
        if len(set(row.members)) != len(row.members):
            row.errors.append(
                translate("services.catalog", "un miembro del perfil aparece dos veces")
            )
        if row.code and row.code in row.members:
            row.errors.append(
                translate("services.catalog", "un perfil no puede contenerse a sí mismo")
            )
        rows.append(row)
    return rows, absent


def import_catalog(
    path: Any,
    dry_run: bool = False,
    changed_by: str = "",
    progress: Progress = None,
    cancelled: Cancelled = None,
) -> CatalogImportReport:
    """Create or update investigations from a CSV with columns code, name, sample_type,
    price, panel_members (member codes separated by ";") and optionally active and
    tax_class (its code or its name in the dialog; an empty cell or a new row without
    the column: exento).

    All or nothing: when any row is rejected nothing is written and the report lists
    every rejected row with its line number and reason. Existing codes are updated
    (their price change recorded); a row that changes nothing is not written. Only
    code, name and price are required: a column the file leaves out (``IMPORT_OPTIONAL``)
    keeps that field of an existing row as it is, and the report names it; a column
    present with an empty cell empties the field (a panel without members becomes a
    single test).

    ``progress(done, total=None)``: rows read (total unknown), then rows saved of the
    total; ``cancelled()`` is looked at on the way: when it turns true ``ImportCancelled``
    is raised and nothing has been written (the window runs this in a worker).

    Requires ``catalog.edit`` and ``imports.run``; a committed import writes one audit row.
    """
    session.require("catalog.edit")
    session.require("imports.run")
    file_name = getattr(path, "name", None) or str(path)
    rows, absent = _read_rows(path, progress, cancelled)
    report = CatalogImportReport(rows=len(rows), kept_columns=absent)
    existing = {
        r["code"]: r
        for r in Investigation.select(
            Investigation.id,
            Investigation.code,
            Investigation.name,
            Investigation.sample_type,
            Investigation.price,
            Investigation.active,
            Investigation.is_panel,
            Investigation.tax_class,
        ).dicts()
    }
    by_id = {r["id"]: r["code"] for r in existing.values()}
    seen: dict[str, _Row] = {}
    for row in rows:
        if row.code and row.code in seen:
            row.errors.append(
                translate(
                    "services.catalog", "código repetido en el archivo (ya está en la línea {line})"
                ).format(line=seen[row.code].line)
            )
        elif row.code:
            seen[row.code] = row

    # the catalog as it would be after the import, by code
    final_active = {code: r["active"] for code, r in existing.items()}
    current_edges: dict[str, list[str]] = {}
    for panel, members in _edges().items():
        current_edges[by_id[panel]] = [by_id[m] for m in members]
    for row in rows:  # what the file leaves out, an existing row keeps
        old = existing.get(row.code)
        if old is None:
            continue
        if "sample_type" in absent:
            row.sample_type = old["sample_type"]
        if "panel_members" in absent:
            row.members = list(current_edges.get(row.code, []))
        if "tax_class" in absent:
            row.tax_class = old["tax_class"] or EXEMPT
    final_edges = dict(current_edges)
    bad = {code for code, row in seen.items() if row.errors}
    for code, row in seen.items():
        final_active[code] = (
            row.active if row.active is not None else existing.get(code, {}).get("active", True)
        )
        final_edges[code] = list(row.members)

    for row in seen.values():
        for member in row.members:
            if member not in final_active:
                row.errors.append(
                    translate(
                        "services.catalog",
                        "el miembro «{code}» no existe en el catálogo ni en el archivo",
                    ).format(code=member)
                )
            elif member in bad and member != row.code:
                row.errors.append(
                    translate(
                        "services.catalog", "el miembro «{code}» tiene errores (línea {line})"
                    ).format(code=member, line=seen[member].line)
                )
        if final_active.get(row.code) and row.members:
            inactive = [m for m in row.members if m in final_active and not final_active[m]]
            if inactive:
                row.errors.append(
                    translate("services.catalog", "miembros desactivados: {codes}").format(
                        codes=", ".join(inactive)
                    )
                )
        for member in row.members:
            if member == row.code or member not in final_active:
                continue
            path = _path(final_edges, member, row.code)
            if path is not None:
                row.errors.append(
                    translate("services.catalog", "ciclo de perfiles: {chain}").format(
                        chain=" → ".join([row.code] + path)
                    )
                )
                break
    # a row that deactivates a member of an active panel kept outside the file
    for code, row in seen.items():
        if row.active is False:
            holders = [
                p
                for p, members in final_edges.items()
                if code in members and final_active.get(p) and p not in seen
            ]
            if holders:
                row.errors.append(
                    translate(
                        "services.catalog",
                        "no se puede desactivar: forma parte de los perfiles activos {panels}",
                    ).format(panels=", ".join(sorted(holders)))
                )

    report.rejected = [RejectedRow(r.line, r.code, "; ".join(r.errors)) for r in rows if r.errors]
    if report.rejected:
        return report
    changed: dict[str, _Row] = {}  # the rows to write: new or changed investigations
    for code, row in seen.items():
        old = existing.get(code)
        if old is None:
            report.created += 1
            changed[code] = row
        elif (
            old["name"],
            old["sample_type"],
            old["price"],
            old["active"],
            old["tax_class"] or EXEMPT,
        ) != (
            row.name,
            row.sample_type,
            row.price,
            old["active"] if row.active is None else row.active,
            row.tax_class,
        ) or final_edges[code] != current_edges.get(code, []):
            report.updated += 1
            changed[code] = row
        else:
            report.unchanged += 1
    if dry_run:
        return report
    try:
        _write_import(
            changed,
            existing,
            current_edges,
            changed_by,
            detail=(
                f"{Path(file_name).name}: {report.created} nuevas, {report.updated} actualizadas, "
                f"{len(report.rejected)} rechazadas"
            ),
            progress=progress,
            cancelled=cancelled,
        )
    except IntegrityError as exc:  # someone else saved the same code meanwhile
        raise ValidationError(
            {
                "file": translate(
                    "services.catalog",
                    "Otra persona cambió el catálogo durante la importación: {error}",
                ).format(error=exc)
            }
        ) from exc
    report.committed = True
    return report


def _write_import(
    rows: dict[str, _Row],
    existing: dict[str, dict],
    current_edges: dict[str, list[str]],
    changed_by: str,
    detail: str = "",
    progress: Progress = None,
    cancelled: Cancelled = None,
) -> None:
    """Write the new and changed rows in one transaction (a cancel rolls it all back).

    New investigations and the price history go in with multi-row INSERTs of
    ``WRITE_CHUNK`` rows (``db.bulk.insert_rows``): one ``create`` per row, and a panel
    members' DELETE for each, took 7.2 s for a file of 20,000 new investigations."""
    who = _who(changed_by)
    stamp = now()
    total = len(rows)
    done = 0
    let_others_run = courtesy()
    with write_transaction():
        new = [row for code, row in rows.items() if code not in existing]
        columns = [
            Investigation.code,
            Investigation.name,
            Investigation.name_folded,
            Investigation.sample_type,
            Investigation.price,
            Investigation.is_panel,
            Investigation.active,
            Investigation.created_at,
            Investigation.updated_at,
            Investigation.version,
            Investigation.tax_class,
        ]
        for chunk in chunked(new, WRITE_CHUNK):
            _tick(progress, cancelled, done, total)
            let_others_run()
            insert_rows(
                columns,
                [
                    (
                        row.code,
                        row.name,
                        fold(row.name),
                        row.sample_type,
                        row.price,
                        bool(row.members),
                        row.active is not False,
                        stamp,
                        stamp,
                        1,
                        row.tax_class,
                    )
                    for row in chunk
                ],
                WRITE_CHUNK,
            )
            done += len(chunk)
        ids = {code: r["id"] for code, r in existing.items()}
        if new:
            ids.update(Investigation.select(Investigation.code, Investigation.id).tuples())
        prices = [(ids[row.code], None, row.price) for row in new]  # the price history
        for code, row in rows.items():
            old = existing.get(code)
            if old is None:
                continue
            if done % WRITE_CHUNK == 0:
                _tick(progress, cancelled, done, total)
            let_others_run()
            fields: dict[str, Any] = dict(
                name=row.name,
                name_folded=fold(row.name),
                sample_type=row.sample_type,
                price=row.price,
                is_panel=bool(row.members),
                tax_class=row.tax_class,
            )
            if row.active is not None:
                fields["active"] = row.active
            Investigation.update(
                **fields, updated_at=stamp, version=Investigation.version + 1
            ).where(Investigation.id == old["id"]).execute()
            if old["price"] != row.price:
                prices.append((old["id"], old["price"], row.price))
            done += 1
        price_columns = [
            PriceChange.investigation,
            PriceChange.old_price,
            PriceChange.new_price,
            PriceChange.changed_at,
            PriceChange.changed_by,
        ]
        for chunk in chunked(prices, WRITE_CHUNK):
            let_others_run()
            insert_rows(price_columns, [(*price, stamp, who) for price in chunk], WRITE_CHUNK)
        for code, row in rows.items():
            if row.members == current_edges.get(code, []):  # a new single test has none
                continue
            _write_members(ids[code], [ids[m] for m in row.members])
        _tick(progress, cancelled, total, total)
        audit.record("import", "investigation", None, detail=detail)


# --- CSV export ---------------------------------------------------------------------------


def export_catalog(
    filters: CatalogFilter | None,
    path: Any,
    progress: Callable | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> int:
    """Write the catalog in the import format (code, name, sample_type, price,
    panel_members, active, tax_class) so the file can be edited and imported back, into
    this database or another one (the tax class is written as its code, ``gravado15``).

    Requires ``exports.run``; writes one audit row (file name and row count)."""
    from .. import csvio

    session.require("exports.run")

    filters = filters or CatalogFilter(include_inactive=True)

    def rows() -> Iterator[list[str]]:
        for result in every_page(lambda request: page(filters, request), "code"):
            for r in result.rows:
                yield [
                    r["code"],
                    r["name"],
                    r["sample_type"],
                    edit_text(r["price"]),
                    r["members"].replace(", ", ";"),
                    "1" if r["active"] else "0",
                    r["tax_class"] or EXEMPT,
                ]

    return csvio.export_csv(
        path,
        CSV_COLUMNS,
        rows(),
        entity="investigation",
        what="del catálogo",
        progress=progress,
        cancelled=cancelled,
    )
