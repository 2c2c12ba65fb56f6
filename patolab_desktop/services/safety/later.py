"""What a restore would undo: the work done in the open database after the copy was
taken, found by comparing the two.

A restore brings the whole database back to the copy, so the requests, facturas, notas
de crédito, voids and payments made since would quietly disappear; yet an issued fiscal
document is kept and its number is never reused (``BILLING.md``). So:

- before the restore the person is told what will disappear (``compare``, worded by
  ``later_text``), and a fiscal document is never lost without saying so;
- the restore carries over what it can with certainty: the later history of a factura
  the copy has (its void, its credit notes with their lines and the money they gave back
  or kept, the reversals of its payments) when the copy holds every row that history
  points to and no payment was taken on it since (``Carried``);
- every other fiscal number is written into ``lost_fiscal_document`` (``restoring``), so
  the report of unused numbers says «emitido antes de restaurar una copia», never
  «salto», and the message after the restore lists them.

The comparison runs in SQL on the open database's connection with the copy attached
read-only as ``copia``: two databases of a million requests are never read into memory.
Rows are matched by what names them for good (a request or fiscal number, a payment's
batch). When the copy is an ancestor of the open database (its newest row of a table is
the open database's row of the same id, rows are never deleted), the rows made after it
are simply those with a higher id: the common case reads only them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ...db.database import db
from ...db.models_billing import FiscalDocument, Payment
from ..billing.types import INVOICE
from ..texts import translate
from .errors import BackupError

FIRST = 5  # numbers named in a message; the rest are counted
SCHEMA = "copia"

# the columns that name a row of each table for good (the ancestor test)
_NAMES = {
    "lab_request": ("request_number",),
    "customer": ("uid",),
    "fiscal_authorisation": ("cai", "range_from"),
    "fiscal_document": ("number",),
    "fiscal_document_line": ("document_id", "position"),
    "cash_session": ("username", "opened_at"),
    "payment": ("batch", "kind", "method", "amount"),
    "balance_move": ("customer_id", "amount", "at"),
    "request_event": ("lab_request_id", "action", "at"),
}
_DOCUMENT_COLUMNS = "id, number, doc_type, status, issued_at, total, buyer_name, correlative"


@dataclass(frozen=True)
class LaterDocument:
    """A fiscal document of the open database as it is now."""

    number: str
    doc_type: str
    voided: bool
    issued_at: object
    total: Decimal
    buyer_name: str
    correlative: int


@dataclass(frozen=True)
class Carried:
    """The later history of facturas the copy has, to write into the restored copy:
    ``rows`` per table, in the order they are inserted (ids kept: above the copy's)."""

    facturas: tuple[str, ...] = ()  # the facturas whose void or notes are carried
    notes: tuple[str, ...] = ()  # the credit notes carried
    voids: tuple[dict, ...] = ()  # id, number and void columns of the facturas voided since
    rows: tuple[tuple[str, tuple[dict, ...]], ...] = ()

    @property
    def voided(self) -> tuple[str, ...]:
        return tuple(void["number"] for void in self.voids)


@dataclass(frozen=True)
class Later:
    """What a restore of the copy would undo (after what it carries over)."""

    requests: int = 0
    request_numbers: tuple[str, ...] = ()  # the first ``FIRST``
    documents: tuple[LaterDocument, ...] = ()  # fiscal documents the copy lacks
    voids: tuple[LaterDocument, ...] = ()  # facturas the copy has in force, voided since
    payments: int = 0  # payments and abonos (one per batch) the copy lacks
    paid: Decimal = Decimal("0.00")
    carried: Carried = field(default_factory=Carried)

    @property
    def fiscal_lost(self) -> bool:
        """Whether fiscal documents or voids would be lost (they need explicit consent)."""
        return bool(self.documents or self.voids)

    @property
    def anything(self) -> bool:
        return bool(self.requests or self.documents or self.voids or self.payments)


@contextmanager
def _attached(path: Path) -> Iterator[sqlite3.Connection]:
    """The open database's connection with the copy ``path`` attached read-only as
    ``copia`` (outside any transaction: SQLite refuses to attach inside one)."""
    connection = db.obj.connection()
    uri = Path(path).resolve().as_uri() + "?mode=ro"
    connection.execute(f"ATTACH DATABASE ? AS {SCHEMA}", (uri,))
    try:
        yield connection
    finally:
        connection.execute(f"DETACH DATABASE {SCHEMA}")


def compare(path: Path) -> Later:
    """What restoring the copy ``path`` over the open (SQLite) database would undo."""
    try:
        with _attached(path) as connection:
            return _Comparison(connection).later()
    except sqlite3.Error as exc:
        raise BackupError(
            translate(
                "services.backups",
                "No se pudo comparar la copia {name} con la base de datos abierta: {error}. "
                "No se cambió nada.",
            ).format(name=Path(path).name, error=exc)
        ) from exc


def _dicts(cursor: sqlite3.Cursor) -> list[dict]:
    columns = [c[0] for c in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor]


def _document(row: dict) -> LaterDocument:
    return LaterDocument(
        number=row["number"],
        doc_type=row["doc_type"],
        voided=row["status"] == "void",
        issued_at=FiscalDocument.issued_at.python_value(row["issued_at"]),
        total=FiscalDocument.total.python_value(row["total"]),
        buyer_name=row["buyer_name"],
        correlative=int(row["correlative"]),
    )


class _Comparison:
    def __init__(self, connection: sqlite3.Connection):
        self.c = connection
        self.present = {
            name
            for (name,) in connection.execute(
                f"SELECT name FROM {SCHEMA}.sqlite_master WHERE type = 'table'"
            )
        }
        self.top = {t: self._top(t) for t in _NAMES}
        self.ancestor = {t: self._same_row(t) for t in _NAMES}

    def _top(self, table: str) -> int:
        if table not in self.present:
            return 0
        return int(self.value(f"SELECT COALESCE(MAX(id), 0) FROM {SCHEMA}.{table}"))

    def _same_row(self, table: str) -> bool:
        """The copy's newest row of ``table`` is the open database's row of that id."""
        if table not in self.present:
            return False
        if not self.top[table]:
            return True
        columns = ", ".join(_NAMES[table])
        sql = f"SELECT {columns} FROM {{}}.{table} WHERE id = ?"
        try:
            there = self.c.execute(sql.format(SCHEMA), (self.top[table],)).fetchone()
        except sqlite3.OperationalError:  # a copy from before one of those columns
            return False
        return there == self.c.execute(sql.format("main"), (self.top[table],)).fetchone()

    def value(self, sql: str, params: tuple = ()) -> Any:
        return self.c.execute(sql, params).fetchone()[0]

    def exists(self, table: str, row_id: object) -> bool:
        """``row_id`` (None: nothing to point to) is a row of the copy's ``table``."""
        if row_id is None:
            return True
        if table not in self.present:
            return False
        sql = f"SELECT 1 FROM {SCHEMA}.{table} WHERE id = ?"
        return self.c.execute(sql, (row_id,)).fetchone() is not None

    def _newer(self, table: str, key: str) -> str:
        """The condition on ``main.table`` of the rows the copy lacks."""
        if self.ancestor[table]:
            return f"id > {self.top[table]}"
        if table not in self.present:
            return "1 = 1"
        return f"{key} NOT IN (SELECT {key} FROM {SCHEMA}.{table} WHERE {key} IS NOT NULL)"

    # --- what the copy lacks ---------------------------------------------------------

    def later(self) -> Later:
        voided = self._voided_since()
        carried = self.carried(voided)
        newer = self._newer("lab_request", "request_number")
        count = int(self.value(f"SELECT COUNT(*) FROM main.lab_request WHERE {newer}"))
        numbers = tuple(
            n
            for (n,) in self.c.execute(
                f"SELECT request_number FROM main.lab_request WHERE {newer} ORDER BY id "
                f"LIMIT {FIRST}"
            )
        )
        newer = self._newer("fiscal_document", "number")
        documents = tuple(
            _document(row)
            for row in _dicts(
                self.c.execute(
                    f"SELECT {_DOCUMENT_COLUMNS} FROM main.fiscal_document WHERE {newer} "
                    "ORDER BY doc_type, number"
                )
            )
            if row["number"] not in carried.notes
        )
        voids = tuple(_document(row) for row in voided if row["number"] not in carried.voided)
        newer = self._newer("payment", "batch")
        batches, paid = self.c.execute(
            "SELECT COUNT(DISTINCT batch), COALESCE(SUM(amount), 0) FROM main.payment "
            f"WHERE kind IN ('payment', 'abono') AND {newer}"
        ).fetchone()
        return Later(
            requests=count,
            request_numbers=numbers,
            documents=documents,
            voids=voids,
            payments=int(batches),
            paid=Payment.amount.python_value(paid),
            carried=carried,
        )

    def _voided_since(self) -> list[dict]:
        """The facturas the copy has in force that are void now."""
        if "fiscal_document" not in self.present:
            return []
        columns = ", ".join(f"m.{c.strip()}" for c in _DOCUMENT_COLUMNS.split(","))
        return _dicts(
            self.c.execute(
                f"SELECT {columns} FROM main.fiscal_document m JOIN {SCHEMA}.fiscal_document c "
                "ON c.number = m.number WHERE m.status = 'void' AND c.status <> 'void' "
                "ORDER BY m.number"
            )
        )

    # --- what can be carried over ----------------------------------------------------

    def carried(self, voided: list[dict]) -> Carried:
        """The later history of the facturas the copy has (``voided``: those void since),
        when the copy is an ancestor of the open database for every table it touches."""
        if not all(self.ancestor.values()):
            return Carried()
        top = self.top["fiscal_document"]
        touched = sorted(
            {row["id"] for row in voided}
            | {
                i
                for (i,) in self.c.execute(
                    f"SELECT original_id FROM main.fiscal_document WHERE id > {top} "
                    f"AND original_id <= {top}"
                )
            }
            | {
                i
                for (i,) in self.c.execute(
                    f"SELECT document_id FROM main.payment WHERE id > {self.top['payment']} "
                    f"AND document_id <= {top}"
                )
            }
        )
        facturas: list[str] = []
        notes: list[str] = []
        voids: list[dict] = []
        rows: dict[str, list[dict]] = {t: [] for t in _CARRY_ORDER}
        for factura_id in touched:
            history = self._history(factura_id)
            if history is None:
                continue
            number, void, found = history
            facturas.append(number)
            notes.extend(row["number"] for row in found["fiscal_document"])
            if void is not None:
                voids.append(void)
            for table in _CARRY_ORDER:
                rows[table].extend(found[table])
        return Carried(
            tuple(facturas),
            tuple(notes),
            tuple(voids),
            tuple((t, tuple(rows[t])) for t in _CARRY_ORDER if rows[t]),
        )

    def _history(self, factura_id: int) -> tuple[str, dict | None, dict] | None:
        """(number, void columns or None, rows per table) of the factura's history since
        the copy, or None when it cannot be carried whole: a payment was taken on it
        since (payments made after the copy are undone, not carried), or a row of it
        points to something the copy lacks (a cash session, an authorisation…)."""
        now = _dicts(
            self.c.execute("SELECT * FROM main.fiscal_document WHERE id = ?", (factura_id,))
        )
        then = self.c.execute(
            f"SELECT status, doc_type FROM {SCHEMA}.fiscal_document WHERE id = ?", (factura_id,)
        ).fetchone()
        if not now or then is None or then[1] != INVOICE:
            return None
        factura = now[0]
        found: dict[str, list[dict]] = {t: [] for t in _CARRY_ORDER}
        found["payment"] = self._rows("payment", f"document_id = {factura_id}")
        if any(p["kind"] in ("payment", "abono") for p in found["payment"]):
            return None
        found["fiscal_document"] = self._rows("fiscal_document", f"original_id = {factura_id}")
        ids = ", ".join(str(r["id"]) for r in found["fiscal_document"]) or "NULL"
        found["fiscal_document_line"] = _dicts(
            self.c.execute(f"SELECT * FROM main.fiscal_document_line WHERE document_id IN ({ids})")
        )
        found["balance_move"] = self._rows(
            "balance_move", f"(document_id = {factura_id} OR document_id IN ({ids}))"
        )
        numbers = [factura["number"]] + [r["number"] for r in found["fiscal_document"]]
        found["request_event"] = [
            row
            for row in self._rows(
                "request_event",
                "action IN ('invoice_void', 'credit_note') AND lab_request_id IN (SELECT "
                f"lab_request_id FROM {SCHEMA}.invoiced_request WHERE document_id = {factura_id})",
            )
            if any(n in (row["detail"] or "") for n in numbers)
        ]
        if not self._points_into_the_copy(found):
            return None
        void = None
        if factura["status"] == "void" and then[0] != "void":
            void = {
                k: factura[k]
                for k in ("id", "number", "status", "void_reason", "voided_at", "voided_by")
            }
        if void is None and not found["fiscal_document"] and not found["payment"]:
            return None
        return factura["number"], void, found

    def _rows(self, table: str, condition: str) -> list[dict]:
        return _dicts(
            self.c.execute(
                f"SELECT * FROM main.{table} WHERE id > {self.top[table]} AND {condition} "
                "ORDER BY id"
            )
        )

    def _points_into_the_copy(self, found: dict[str, list[dict]]) -> bool:
        checks = [("cash_session", p["cash_session_id"]) for p in found["payment"]]
        for note in found["fiscal_document"]:
            checks += [
                ("fiscal_authorisation", note["authorisation_id"]),
                ("branch", note["branch_id"]),
                ("customer", note["customer_id"]),
                ("cash_session", note["cash_session"]),
            ]
        for line in found["fiscal_document_line"]:
            checks += [
                ("lab_request", line["lab_request_id"]),
                ("request_line", line["request_line_id"]),
            ]
        checks += [("customer", move["customer_id"]) for move in found["balance_move"]]
        checks += [("lab_request", event["lab_request_id"]) for event in found["request_event"]]
        return all(self.exists(table, row_id) for table, row_id in checks)


#: the tables of a factura's history, in the order their rows are inserted
_CARRY_ORDER = (
    "fiscal_document",
    "fiscal_document_line",
    "payment",
    "balance_move",
    "request_event",
)
