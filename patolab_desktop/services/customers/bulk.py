"""Bulk writes of customers (the import and the demo data): new ones checked once and
inserted in chunks, the search index filled in bulk; updates with the rules of ``update``
in a few statements per chunk."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from functools import partial
from types import MappingProxyType
from typing import Any, NoReturn

from peewee import EXCEPTIONS, ExceptionWrapper, IntegrityError

from ...db.bulk import insert_rows
from ...db.database import db, is_sqlite, locked, write_transaction
from ...db.models import Customer, new_uid, now
from ..access import audit, session
from ..errors import ConflictError, NotFoundError, ServiceError, ValidationError
from ..texts import translate
from .records import _audit_view, _stored_values, _updated_values
from .rows import _missing
from .types import _MISSING_OK_WHEN_INCOMPLETE, CustomerData, conflict_message
from .validation import _active_holder, _blocking, _check, _taken_message

# --- bulk creation for the patient import (issue 7, ``services.patient_import``) ------------


@dataclass(slots=True)
class PreparedCustomer:
    """A new customer checked once by ``prepare``; ``insert_prepared`` stores it as checked.

    The column values are kept as a tuple (``columns`` is shared by every item) so a plan of
    100,000 rows stays small in memory.
    """

    columns: tuple  # column names, the same tuple object for every item
    row: tuple  # normalised column values, as ``create`` would store them
    errors: Mapping[str, str]  # blocking errors: such an item is never inserted
    missing: tuple[str, ...]  # required values still missing (field names): ``incomplete``
    number: str = ""  # the normalised identity number (stored encrypted in ``row``)

    @property
    def values(self) -> dict:
        return dict(zip(self.columns, self.row, strict=False))

    def value(self, column: str) -> Any:
        """One stored value, without making the whole ``values`` dict."""
        return self.row[self.columns.index(column)]


_PREPARED_COLUMNS: dict[tuple, tuple] = {}  # interned column tuples
_NO_ERRORS: Mapping[str, str] = MappingProxyType({})  # shared, read-only


def prepare(
    data: CustomerData, check_unique: bool = True, today: dt.date | None = None
) -> PreparedCustomer:
    """``create``'s checks for a NEW customer saved even when incomplete, without writing.

    ``check_unique=False`` skips the per-row id_number query for a caller that looked the
    id numbers up in bulk (the unique index on the hash still guards ``insert_prepared``); the
    import also uses it that way to check an update's merged data before ``update``.
    """
    session.require("patients.create")
    return _prepared(data, check_unique, today or dt.date.today())


def preparer(today: dt.date) -> Callable[[CustomerData], PreparedCustomer]:
    """``prepare(data, check_unique=False, today=today)`` for a loop over many new
    customers (an import's analysis: its day given once): the permission is asked here,
    once, not again at each row (a tenth of a second at 100,000 rows)."""
    session.require("patients.create")
    return partial(_prepared, check_unique=False, today=today)


def _prepared(data: CustomerData, check_unique: bool, today: dt.date) -> PreparedCustomer:
    clean_ = _check(data, today, unique=check_unique, as_new=True)
    errors = _blocking(clean_, True)
    missing = tuple(
        sorted(k for k in clean_.missing if k in _MISSING_OK_WHEN_INCOMPLETE and k in clean_.errors)
    )
    values = _stored_values(clean_, today)
    columns = tuple(values)
    columns = _PREPARED_COLUMNS.setdefault(columns, columns)
    return PreparedCustomer(
        columns=columns,
        row=tuple(values.values()),
        errors=errors or _NO_ERRORS,
        missing=missing,
        number=clean_.values.get("id_number") or "",
    )


def insert_prepared(
    items: list[PreparedCustomer], chunk: int = 500, *, savepoint: bool = True
) -> int:
    """Insert prepared customers with a few multi-row statements; returns how many.

    Meant to run inside the caller's transaction. ``ValueError`` for an item that has
    errors; ``ValidationError`` when an id_number is taken by an active customer.
    Inside the caller's transaction the inserts are a savepoint, undone when this raises.
    ``savepoint=False`` is for a caller that rolls its whole transaction back when this
    raises (the import): then SQLite runs without one (see ``_own_transaction``).
    """
    session.require("patients.create")
    if not items:
        return 0
    stamp = now()
    extra = ("uid", "active", "created_at", "updated_at", "version")
    groups: dict[tuple, list[tuple]] = {}
    for item in items:
        if item.errors:
            raise ValueError("insert_prepared: an item has validation errors")
        groups.setdefault(item.columns, []).append(item.row + (new_uid(), True, stamp, stamp, 1))
    try:
        with _own_transaction(savepoint), _search_index_filled_in_bulk():
            for columns, rows in groups.items():
                insert_rows([getattr(Customer, name) for name in columns + extra], rows, chunk)
    except IntegrityError as exc:
        for item in items:
            number = item.number
            other = _active_holder(number) if number else None
            if other is not None:
                raise ValidationError({"id_number": _taken_message(number, other)}) from exc
        raise ValidationError(
            {
                "__all__": translate(
                    "services.customers", "No se pudieron guardar los clientes: {error}"
                ).format(error=exc)
            }
        ) from exc
    return len(items)


def _own_transaction(savepoint: bool) -> AbstractContextManager[object]:
    """A write transaction when the caller has none; inside the caller's, a savepoint,
    unless the caller said it needs none and the database is SQLite.

    On SQLite a savepoint inside a write transaction keeps in memory a copy of every page
    the inserts change, for the rollback to it (an import of 100,000 rows on a million
    customers: 112 MB more at its peak, and 0.3-0.9 s of a 10 s save). SQLite undoes a
    failed statement by itself, so finding who holds the number still works without it.
    PostgreSQL always has one: after a failed statement it refuses every other until a
    rollback, and the savepoint keeps the caller's transaction usable for that look-up."""
    if not savepoint and is_sqlite() and db.transaction_depth() > 0:
        return nullcontext()
    return write_transaction()


class ItemRefused(Exception):
    """A bulk write refused because of one of its items: ``index`` in the list given,
    ``error`` what ``update`` would have raised for it (``ValidationError``,
    ``ConflictError`` or ``NotFoundError``)."""

    def __init__(self, index: int, error: ServiceError) -> None:
        super().__init__(str(error))
        self.index, self.error = index, error


# customers read, written and audited together. With 500, the GUI thread waited up to
# 60-68 ms during an import of 10,000 updates on PostgreSQL (the bench's stall meter;
# a 1 ms heartbeat beside the import: 37-53 ms gaps, each at a chunk's first statement);
# with 100, no gap over 25 ms, the save 9.2 -> 9.8 s.
UPDATE_CHUNK = 100


def update_many(items: Sequence[CustomerData]) -> None:
    """``update`` for many customers (the patient import's updates): the same rules and
    stored values (``records._updated_values``), the same optimistic lock and one audit row
    each, in a few statements per ``UPDATE_CHUNK`` customers instead of about ten
    statements built by peewee per customer (10,000 updates on a million customers:
    30.7 s through ``update``).

    The id numbers are not looked up one by one (the import looked them up in bulk); the
    unique index refuses a number taken meanwhile. ``ItemRefused`` names the item that
    fails, with the error ``update`` would have raised (the same customer twice is a
    conflict); nothing of the call is then saved (one transaction, or a savepoint in the
    caller's). On PostgreSQL the rows are locked from their reading to their writing
    (``FOR UPDATE``, in id order), as SQLite's write transaction locks the whole file.
    Each item's ``version``, ``updated_at`` and ``active`` are set as ``update`` sets them,
    once saved."""
    session.require("patients.edit")
    today = dt.date.today()
    saved: list[tuple[CustomerData, int, dt.datetime]] = []
    with write_transaction():  # all or nothing, also for a caller without a transaction
        for start in range(0, len(items), UPDATE_CHUNK):
            saved.extend(_update_chunk(items[start : start + UPDATE_CHUNK], start, today))
    for item, version, stamp in saved:  # as ``update``: only once saved
        item.version, item.updated_at = version, stamp


def _update_chunk(
    chunk: Sequence[CustomerData], offset: int, today: dt.date
) -> list[tuple[CustomerData, int, dt.datetime]]:
    """Write one chunk; each item with its new version and stamp."""
    ids = [item.id for item in chunk]
    read = locked(Customer.select().where(Customer.id.in_(ids)).order_by(Customer.id))
    current = {row.id: row for row in read}  # (in id order: two imports lock alike)
    stamp = now()
    before: dict[int, dict] = {}
    groups: dict[tuple, list[list]] = {}
    numbers: list[str | None] = []
    saved: list[tuple[CustomerData, int, dt.datetime]] = []
    for index, item in enumerate(chunk):
        row = current.get(item.id or 0)
        try:
            if row is None:
                raise _missing(item.id or 0)
            if row.id in before:  # the same customer twice: the second read is stale
                raise ConflictError(conflict_message())
            values, number = _updated_values(row, item, today, stamp, unique=False)
        except (ValidationError, ConflictError, NotFoundError) as exc:
            raise ItemRefused(offset + index, exc) from exc
        numbers.append(number)
        before[row.id] = view = _audit_view(row)
        if view["id_number"] == number:  # the same number: its stored ciphertext stays
            del values["id_number"], values["id_hash"]
        # only what changes: every column set is an entry rewritten in each of its indexes
        fields = tuple(k for k, v in values.items() if row.__data__.get(k) != v)
        adapted = [Customer._meta.fields[name].db_value(values[name]) for name in fields]
        groups.setdefault(fields, []).append([*adapted, row.id, item.version])
        saved.append((item, values["version"], stamp))
    try:
        with _own_transaction(True):  # PostgreSQL: the look-up below after a failure
            for fields, rows in groups.items():
                _update_rows(fields, rows)
    except IntegrityError as exc:
        _refuse_taken(chunk, numbers, offset, exc)
    after = Customer.select().where(Customer.id.in_(ids)).order_by(Customer.id)
    changed = [(row.id, audit.diff(before[row.id], _audit_view(row))) for row in after]
    audit.record_many("update", "customer", [(i, changes) for i, changes in changed if changes])
    return saved


def _update_rows(fields: tuple, rows: list[list]) -> None:
    """``UPDATE customer SET … WHERE id = ? AND version = ?`` once per row, one prepared
    statement; a row changed since it was read is a conflict (none on PostgreSQL: the
    rows are locked)."""
    assignments = ", ".join(
        f'"{Customer._meta.fields[name].column_name}" = {db.param}' for name in fields
    )
    sql = (
        f'UPDATE "{Customer._meta.table_name}" SET {assignments} '
        f"WHERE id = {db.param} AND version = {db.param}"
    )
    cursor = db.cursor()
    with ExceptionWrapper(EXCEPTIONS):
        cursor.executemany(sql, rows)
    if cursor.rowcount != len(rows):
        raise ConflictError(conflict_message())


def _refuse_taken(
    chunk: Sequence[CustomerData], numbers: list[str | None], offset: int, exc: IntegrityError
) -> NoReturn:
    """The item whose id number the unique index refused (another active customer holds
    it), as ``ItemRefused`` with ``update``'s message."""
    for index, (item, number) in enumerate(zip(chunk, numbers, strict=True)):
        # an inactive customer may share a number (``update`` does not check it either)
        other = _active_holder(number, exclude_id=item.id) if number and item.active else None
        if other is not None:
            refused = ValidationError({"id_number": _taken_message(number or "", other)})
            raise ItemRefused(offset + index, refused) from exc
    raise ValidationError(
        {
            "__all__": translate(
                "services.customers", "No se pudieron guardar los clientes: {error}"
            ).format(error=exc)
        }
    ) from exc


FTS_INSERT_TRIGGER = "customer_fts_ai"


@contextmanager
def _search_index_filled_in_bulk() -> Iterator[None]:
    """SQLite: index the rows inserted in the block with ONE ``INSERT … SELECT`` instead of
    the per-row trigger (about 2 s less for 100,000 rows on a million customers).

    Transaction-safe: the caller holds the write transaction (``write_transaction``), the
    trigger is dropped and re-created from its stored SQL inside it, so an error or a
    rollback restores it, and no other connection ever sees the table without it.
    """
    from ...db.database import db, is_sqlite

    row = None
    if is_sqlite() and db.in_transaction():
        row = db.execute_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
            (FTS_INSERT_TRIGGER,),
        ).fetchone()
    if row is None:  # PostgreSQL (no FTS table), or no trigger to defer
        yield
        return
    top = db.execute_sql("SELECT COALESCE(MAX(id), 0) FROM customer").fetchone()[0]
    db.execute_sql(f"DROP TRIGGER {FTS_INSERT_TRIGGER}")
    yield  # an exception propagates: the caller's transaction rolls the DROP back
    db.execute_sql(
        "INSERT INTO customer_fts(rowid, search_text) "
        "SELECT id, search_text FROM customer WHERE id > ?",
        (top,),
    )
    db.execute_sql(row[0])
