"""Inside a restore, in the staging copy (models bound to it): write the later history
``later`` found that can be carried, and record every fiscal number it could not carry
(``lost_fiscal_document``, itself carried over by every later restore)."""

from __future__ import annotations

from peewee import Database

from ...db.models_safety import LostFiscalDocument
from .later import Later

_VOID_COLUMNS = ("status", "void_reason", "voided_at", "voided_by")


def carry(database: Database, later: Later) -> int:
    """Insert the carried rows (their ids kept) and mark the facturas voided since;
    returns how many facturas had their history carried."""
    carried = later.carried
    for table, rows in carried.rows:
        for row in rows:
            columns = ", ".join(f'"{name}"' for name in row)
            marks = ", ".join(database.param for _ in row)
            database.execute_sql(
                f'INSERT INTO "{table}" ({columns}) VALUES ({marks})', tuple(row.values())
            )
    for void in carried.voids:
        assignments = ", ".join(f'"{c}" = {database.param}' for c in _VOID_COLUMNS)
        database.execute_sql(
            f"UPDATE fiscal_document SET {assignments} WHERE id = {database.param}",
            (*(void[c] for c in _VOID_COLUMNS), void["id"]),
        )
    return len(carried.facturas)


def lost_rows() -> list[dict]:
    """The numbers earlier restores recorded (read from the open database)."""
    if not LostFiscalDocument.table_exists():
        return []
    return list(LostFiscalDocument.select().dicts())


def record(later: Later, earlier: list[dict], backup: str) -> int:
    """Record the fiscal numbers ``later`` could not carry, after the ``earlier`` ones
    (``lost_rows`` of the open database); returns how many numbers this restore adds."""
    for row in earlier:
        _keep({k: v for k, v in row.items() if k != "id"})
    added = 0
    for document, voided in [(d, d.voided) for d in later.documents] + [
        (d, True) for d in later.voids
    ]:
        added += _keep(
            {
                "number": document.number,
                "key": document.number.rsplit("-", 1)[0],
                "correlative": document.correlative,
                "doc_type": document.doc_type,
                "voided": voided,
                "issued_at": document.issued_at,
                "total": document.total,
                "buyer_name": document.buyer_name[:200],
                "backup": backup[:255],
            }
        )
    return added


def _keep(values: dict) -> int:
    """Insert the row of a number, or mark the one there voided when this one is."""
    row = LostFiscalDocument.get_or_none(LostFiscalDocument.number == values["number"])
    if row is None:
        LostFiscalDocument.insert(**values).execute()
        return 1
    if values["voided"] and not row.voided:
        LostFiscalDocument.update(voided=True).where(LostFiscalDocument.id == row.id).execute()
    return 0
