"""The catalog as CSV: import (preview or all-or-nothing commit, with a reason for every
rejected row) and export. Reading and checking the file's rows is ``catalog_csv_rows``;
here the rows are checked against the catalog (repeated codes, members, panel cycles)
and written."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from peewee import IntegrityError, chunked

from ...db.bulk import insert_rows
from ...db.database import write_transaction
from ...db.models import Investigation, PriceChange, now
from ...util.courtesy import courtesy
from ...util.money import edit_text
from ...util.text import fold
from ..access import audit, session
from ..billing.types import EXEMPT
from ..errors import ValidationError
from ..paging import every_page
from ..texts import translate
from .catalog_csv_rows import (
    IMPORT_MAX_BYTES,
    IMPORT_OPTIONAL,
    IMPORT_REQUIRED,
    Cancelled,
    ImportCancelled,
    Progress,
    _read_rows,
    _Row,
    _tick,
)
from .investigations import _who
from .panels import _write_members
from .reading import _edges, _path, page
from .values import CatalogFilter

__all__ = [
    "CSV_COLUMNS",
    "IMPORT_MAX_BYTES",
    "IMPORT_OPTIONAL",
    "IMPORT_REQUIRED",
    "CatalogImportReport",
    "ImportCancelled",
    "RejectedRow",
    "export_catalog",
    "import_catalog",
]

WRITE_CHUNK = 500  # investigations per INSERT (9 values each: well under SQLite's limit)

CSV_COLUMNS = ["code", "name", "sample_type", "price", "panel_members", "active", "tax_class"]


# --- CSV import ---------------------------------------------------------------------------


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
    for record in existing.values():  # an empty tax class is exento, as the catalog reads it
        record["tax_class"] = record["tax_class"] or EXEMPT
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
            row.tax_class = old["tax_class"]
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
            old["tax_class"],
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

    session.require_now("exports.run")

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
