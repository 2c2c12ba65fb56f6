"""Opening the database: one proxy, SQLite by path or PostgreSQL by URL.

What names a database (a path or URL, read and described) is in :mod:`.targets`, the
errors and their words for the user in :mod:`.errors`, the SQLite file's settings and
checks and its copy in :mod:`.sqlite_file`; all re-exported here."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from peewee import (
    SQL,
    Database,
    DatabaseProxy,
    ModelSelect,
    Node,
    NodeList,
    PostgresqlDatabase,
    SqliteDatabase,
)

from ..util.translation import translate
from .errors import ConnectionLost, DatabaseOpenError, _detail, _login_refused
from .errors import friendly_error as friendly_error
from .sqlite_file import (  # noqa: F401 (re-exported)
    MAIN_CACHE_KIB,
    READING_MMAP_BYTES,
    SQLITE_PRAGMAS,
    WORKER_CACHE_KIB,
    _SqliteDatabase,
    backup_sqlite,
    refuse_unusable,
    same_file_still,
)
from .targets import cannot_open as cannot_open
from .targets import describe as describe
from .targets import is_postgres_url, parse_postgres_url, sqlite_path

db = DatabaseProxy()


# How long a PostgreSQL connection may go unused before it is checked (``SELECT 1``)
# ahead of the next transaction or statement outside one (``_PostgresDatabase._check_idle``).
# After a restart of the server (maintenance, a power cut of the server room) every desk
# holds a dead connection, and psycopg2 finds out only when a statement fails: the first
# action of each desk, or the first sign-in, said «se perdió la conexión» and only the
# second try worked. The check finds the dead connection before the user's statement is
# sent, so a new one is opened in its place. Its cost is one round trip at the start of an
# action after a pause, never within one: the saves and searches of the bench and a desk
# at work follow each other with no such gap. A restart shorter than this, between two
# statements of a desk at work, still costs that desk one failed action.
IDLE_CHECK_S = 10.0


class _PostgresDatabase(PostgresqlDatabase):
    """``PostgresqlDatabase`` that asks the credential store for the password only when
    the server refused a connection for want of one, as ``psql`` asks only then.

    Reading the store first cost every start on PostgreSQL the import of ``keyring`` and,
    on a computer without a store it remembers (``util.credential_store``), keyring's
    search of every store: 50-60 ms before the login window, for a server that trusts the
    desk or a password libpq reads from ``PGPASSWORD`` or ``~/.pgpass``. A server that
    wants the stored password costs one refused attempt more per process (PostgreSQL
    writes no log line for a client that leaves when asked for a password; a stale
    ``PGPASSWORD`` or ``.pgpass`` is one failed login per process before the store's
    password is tried). The store is asked once, and only for a refusal of the login:
    a server down or restarting is not a reason to read it. The password found is kept in
    ``connect_params`` once a connection with it succeeded: the other threads'
    connections and ``pg_dump`` use it.
    """

    store_url: str | None = None  # the URL to look up; None once looked up (or given)

    def execute_sql(self, sql: str, params: Any = None) -> Any:
        """A statement inside ``planner_off`` outside a transaction is sent with the
        ``set_config`` of its settings before it, in one message: one round trip. Not
        inside a transaction begun in the block: a statement that must come first in one
        (``SET TRANSACTION``) would fail after the prefix, and the settings would outlive
        the block until the transaction's end."""
        with self._connection_lost():
            off = getattr(_planner, "off", ())
            if off and self.connection().get_transaction_status() == TRANSACTION_STATUS_IDLE:
                turn_off = ", ".join(f"set_config('{name}', 'off', true)" for name in off)
                sql = f"SELECT {turn_off}; {sql}"
            return super().execute_sql(sql, params)

    # A connection the server dropped (a restart of the server, the network, an
    # administrator's pg_terminate_backend): psycopg2 finds out when a statement fails
    # ("server closed the connection unexpectedly") and marks it closed; peewee would hand
    # out that connection for ever ("connection already closed" on every later statement,
    # until the program was restarted). A connection idle for ``IDLE_CHECK_S`` is checked
    # before anything is sent on it (``_check_idle``), and replaced when dead: a restart
    # while the desk waited costs no failed action. A statement that meets the break
    # after it was sent raises ConnectionLost; the next one outside a transaction opens a
    # new connection. A statement is never sent again by itself: one that changed data
    # may have been committed before the answer was lost.

    def connection(self) -> Any:
        with self._connection_lost():
            self._drop_broken()
            self._check_idle()
            return super().connection()

    def cursor(self, named_cursor: Any = None) -> Any:
        """Not ``_connection_lost`` here: peewee calls it inside its own wrapping of the
        driver's errors (which would wrap ConnectionLost again); its callers raise it.
        Every statement, BEGIN and COMMIT takes its cursor here, just before it is sent:
        the time the connection was last used."""
        self._drop_broken()
        self._check_idle()
        cursor = super().cursor(named_cursor)
        self._state.used_at = time.monotonic()
        return cursor

    def _initialize_connection(self, conn: Any) -> None:
        """A connection just opened has answered: no check before its first statement."""
        super()._initialize_connection(conn)
        self._state.used_at = time.monotonic()

    def begin(self, isolation_level: Any = None) -> None:
        with self._connection_lost():
            super().begin(isolation_level)

    def commit(self) -> None:
        with self._connection_lost():
            super().commit()

    def rollback(self) -> None:
        """No ROLLBACK on a connection that broke: the server ended its transaction with
        the connection, and the attempt ("connection already closed") would replace the
        error that says what happened."""
        if self._broken():
            return
        with self._connection_lost():
            super().rollback()

    def _broken(self) -> bool:
        """This thread's connection is open for peewee but psycopg2 saw it break."""
        return not self._state.closed and bool(self._state.conn.closed)

    def _drop_broken(self) -> None:
        """Forget a broken connection when no transaction is open, so that peewee opens a
        new one. Inside a transaction it stays: the transaction is lost with it, and its
        statements fail until the block ends (its rollback is skipped)."""
        if self._broken() and not self.in_transaction():
            with contextlib.suppress(Exception):
                self._state.conn.close()
            self._state.reset()

    def _check_idle(self) -> None:
        """A connection unused for ``IDLE_CHECK_S`` is asked ``SELECT 1`` before a
        transaction or a statement outside one is sent on it; when it does not answer, it
        is closed and forgotten, and peewee opens a new one for the statement. Nothing of
        the caller's was sent on the dead connection, so nothing can be done twice.

        Only when the driver's connection has no transaction open: COMMIT comes after
        peewee has closed its transaction block, and a COMMIT sent on a new connection
        would commit nothing, and say nothing. psycopg2 has no liveness check of its own
        (``closed`` is set only after a statement failed): the ping is a statement."""
        state = self._state
        if state.closed or self.in_transaction():
            return
        if time.monotonic() - getattr(state, "used_at", 0.0) < IDLE_CHECK_S:
            return
        conn = state.conn
        try:
            if conn.get_transaction_status() != TRANSACTION_STATUS_IDLE:
                return
            with conn.cursor() as cursor:
                cursor.execute("SELECT 1")
        except Exception:  # noqa: BLE001 - whatever the failure, a new connection is safe
            with contextlib.suppress(Exception):
                conn.close()
            state.reset()
            return
        state.used_at = time.monotonic()

    @contextlib.contextmanager
    def _connection_lost(self) -> Iterator[None]:
        """An error met on a broken connection, or in opening a new one, is raised as
        ConnectionLost (the driver's error is its cause, for the log)."""
        try:
            yield
        except ConnectionLost:
            raise
        except Exception as exc:
            if not (self._state.closed or self._broken()):
                raise
            raise ConnectionLost(
                translate(
                    "db.database",
                    "Se perdió la conexión con el servidor de la base de datos. Revise la "
                    "red y que el servidor esté encendido, y vuelva a intentarlo: esta "
                    "acción no guardó nada.",
                )
                + _detail(exc)
            ) from exc

    def _connect(self) -> Any:
        try:
            return super()._connect()
        except Exception as exc:
            url = self.store_url
            if url is None or not _login_refused(exc):
                raise
            self.store_url = None  # asked once per process
            from ..util import credentials

            password = credentials.lookup(url)
            if password is None:
                raise
            self.connect_params["password"] = password
            try:
                return super()._connect()
            except Exception as retry:
                self.connect_params["password"] = None  # kept only when it let us in
                if not _login_refused(retry):  # the server went away: no answer yet
                    self.store_url = url
                raise


def make_database(target: str | Path, create: bool = True) -> Database:
    """Build (but do not migrate) a peewee database for a path or URL. Creates no file.

    ``create=False``: an SQLite file that does not exist is an error (``check``,
    ``backup``, ``restore`` must never create an empty database from a typo)."""
    target = str(target)
    if "\x00" in target:
        raise DatabaseOpenError(
            translate("db.database", "La ruta de la base de datos no es válida.")
        )
    if is_postgres_url(target):
        params = parse_postgres_url(target, stored_password=False)
        # No parallel query (issue 20): the desk's queries read a page of 100 rows, and
        # starting workers cost more than the walk itself ("castillo": a parallel index-only
        # walk of 4,164 buffers took 161 ms on a busy 2-core machine).
        # No JIT compilation either: it starts above a planner cost, not a time, and a
        # walk the planner prices high but that stops after a page paid for compiling
        # twelve functions ("fernando" in the requests list: 58 ms with JIT, 40 without).
        params["options"] = "-c max_parallel_workers_per_gather=0 -c jit=off"
        database = _PostgresDatabase(params.pop("database"), **params)
        if params["password"] is None:
            database.store_url = target
        return database
    if "://" in target and not target.startswith("sqlite:///"):
        raise DatabaseOpenError(
            translate(
                "db.database",
                "No se reconoce {target}: use la ruta de un archivo SQLite o una URL "
                "postgresql://usuario@servidor:5432/base",
            ).format(target=target)
        )
    path = sqlite_path(target)
    if target != ":memory:":
        refuse_unusable(path, create)
    return _SqliteDatabase(str(path), pragmas=SQLITE_PRAGMAS, check_same_thread=False)


_background_checkpoints: set[threading.Thread] = set()  # started, maybe still running
CLOSE_WAITS_FOR_CHECKPOINT_S = 30.0  # a closing program lets a started checkpoint finish


@contextlib.contextmanager
def checkpoint_after() -> Iterator[None]:
    """SQLite: the transactions of the block committed without the checkpoint SQLite runs
    in a commit that leaves the write-ahead log over 1,000 pages; the log is folded into
    the file after the block, on a thread with a connection of its own, as SQLite's
    documentation suggests for a program that must answer meanwhile.

    For a big write that the user waits for: 100,000 customers imported into a million
    leave a 260 MB log, and its checkpoint was 1.5-2.4 s of the import's commit. PASSIVE,
    the checkpoint never waits for a reader and never blocks a writer; another commit
    meanwhile skips its own (the checkpoint is taken). Nothing on PostgreSQL, nor when
    the block raises (its transaction was rolled back: nothing to fold)."""
    if not is_sqlite():
        yield
        return
    before = int(db.execute_sql("PRAGMA wal_autocheckpoint").fetchone()[0])
    db.execute_sql("PRAGMA wal_autocheckpoint = 0")
    try:
        yield
    finally:
        db.execute_sql(f"PRAGMA wal_autocheckpoint = {before}")
    thread = threading.Thread(
        target=_checkpoint, args=(str(db.database),), name="wal-checkpoint", daemon=True
    )
    _background_checkpoints.add(thread)
    thread.start()


def _checkpoint(path: str) -> None:
    with contextlib.suppress(sqlite3.Error), contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(PASSIVE)")


def wait_for_checkpoint(seconds: float | None = None) -> None:
    """Wait for the checkpoints ``checkpoint_after`` started that still run (``seconds``
    at most in all)."""
    deadline = None if seconds is None else time.monotonic() + seconds
    for thread in list(_background_checkpoints):
        thread.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
        if not thread.is_alive():
            _background_checkpoints.discard(thread)


def close_database() -> None:
    if db.obj is not None and not db.is_closed():
        if is_sqlite():
            wait_for_checkpoint(CLOSE_WAITS_FOR_CHECKPOINT_S)
            # keep the planner's statistics fresh (cheap; SQLite decides what to analyse);
            # never block closing on housekeeping
            with contextlib.suppress(Exception):
                db.execute_sql("PRAGMA optimize")
            # fold the WAL into the file now, not at the close: a statement that outlives
            # the connection (a cursor kept by a stored traceback) defers SQLite's close and
            # its checkpoint, and the writes would stay in the -wal file. PASSIVE never
            # waits for a worker's reader.
            with contextlib.suppress(Exception):
                db.execute_sql("PRAGMA wal_checkpoint(PASSIVE)")
        db.close()


def worker_spec() -> tuple:
    """What another process of this program needs to open the database this one has
    open (``from_worker_spec``): the SQLite file, or PostgreSQL's connection parameters
    with the password already looked up (a worker process has no credential store set)."""
    database = db.obj
    if is_sqlite(database):
        return ("sqlite", database.database)
    return ("postgresql", database.database, dict(database.connect_params))


def open_target() -> str:
    """The open database as this computer's settings name it (``local_settings``): the
    SQLite file's full path, or ``postgresql://user@host:port/name`` (never a password)."""
    database = db.obj
    if is_sqlite(database):
        return str(Path(database.database).resolve())
    params = database.connect_params
    return (
        f"postgresql://{params.get('user') or ''}@{params.get('host')}:{params.get('port')}"
        f"/{database.database}"
    )


def from_worker_spec(spec: tuple, reading: bool = False) -> Database:
    """The database of ``worker_spec``, initialised on the proxy and connected (no
    migration: the process that handed it over has migrated it).

    ``reading``: a worker process that reads a long stretch of a table (a part of an
    export) maps the SQLite file into memory, as ``READING_MMAP_BYTES``: SQLite then
    reads pages in place instead of copying each one with a system call. The export's
    walk in name order reads a table page per row: 1,000,000 rows 5.2 → 3.5 s. The app's
    own connections keep ``mmap_size = 0`` (mapped pages count in its resident memory)."""
    if spec[0] == "sqlite":
        pragmas = SQLITE_PRAGMAS + ((("mmap_size", READING_MMAP_BYTES),) if reading else ())
        database: Database = _SqliteDatabase(spec[1], pragmas=pragmas, check_same_thread=False)
    else:
        database = _PostgresDatabase(spec[1], **spec[2])  # its planner_off in one trip
    database.connect()
    db.initialize(database)
    return database


def is_sqlite(database: Database | None = None) -> bool:
    database = database or db.obj
    return isinstance(database, SqliteDatabase)


def locked(query: ModelSelect) -> ModelSelect:
    """``query`` reading rows to change: ``FOR UPDATE`` on PostgreSQL (the rows stay locked
    until COMMIT/ROLLBACK); on SQLite the write transaction already holds the lock."""
    return query if is_sqlite() else query.for_update()


def update_versioned(model: Any, row_id: int | None, version: int | None, **values: Any) -> int:
    """The optimistic lock: ``UPDATE model SET values, version = version + 1`` for the row
    ``row_id`` still at ``version``; returns the rows changed (0: someone saved first)."""
    return int(
        model.update(**values, version=model.version + 1)
        .where((model.id == row_id) & (model.version == version))
        .execute()
    )


# What every write transaction checks first, once per outermost one (``write_transaction``):
# registered by the services (``services.access.auth``: is the acting user still allowed to
# write?), which this layer does not import.
_write_checks: list[Callable[[], None]] = []
_writing = threading.local()  # ``inside``: this thread is within a write_transaction


def check_writes_with(check: Callable[[], None]) -> None:
    """Run ``check()`` at the start of every write transaction (registered once); an
    exception it raises rolls the transaction back before anything was written."""
    if check not in _write_checks:
        _write_checks.append(check)


@contextlib.contextmanager
def write_transaction(checked: bool = True) -> Iterator[None]:
    """A transaction that takes the write lock at once (BEGIN IMMEDIATE on SQLite).

    Use it for every change, and for read-then-write sequences such as request numbering
    so two workstations never read the same counter value. The outermost one runs the
    registered checks (``check_writes_with``) inside the transaction, before the block;
    ``checked=False`` only for what must be written whatever became of the acting user
    (a sign-in or sign-out, the lockout's count of failed passwords, an answer WhatsApp
    already gave, the audit of a file already exported). Every other write a signed-in
    user can make goes through one, also a single statement.
    """
    outermost = not getattr(_writing, "inside", False)
    if outermost and is_sqlite():
        same_file_still(db.obj)
    begin = db.atomic("IMMEDIATE") if is_sqlite() and db.transaction_depth() == 0 else db.atomic()
    with begin:
        if not outermost:
            yield
            return
        _writing.inside = True
        try:
            if checked:
                for check in _write_checks:
                    check()
            yield
        finally:
            _writing.inside = False


# the planner methods a ``planner_off`` block outside a transaction turned off, per thread
# (each thread has its own connection)
_planner = threading.local()


@contextlib.contextmanager
def planner_off(*settings: str) -> Iterator[None]:
    """PostgreSQL: the given planner methods (``enable_seqscan``…) off for the statements
    in this block, then back to what they were, so blocks nest. For a query whose plan
    the planner misjudges from a ``LIKE``'s estimate.

    Outside a transaction (the connection commits each statement) no statement of its own:
    each statement of the block is sent after ``set_config(…, true)`` in one message
    (``_PostgresDatabase.execute_sql``). The server runs such a message as one implicit
    transaction, whose end undoes the settings, also when the statement fails. Reading,
    setting and putting back the values were two round trips more per block (0.8-2 ms of
    a 15 ms search). A transaction begun inside the block runs without them: open the
    block inside the transaction.

    Inside a transaction (or on a database without that prefix): two round trips
    whatever the number of settings: their values read and set in one statement (the read
    in a subquery that ``OFFSET 0`` keeps apart, so it is done before the outer
    ``set_config``), put back in one. In a transaction the settings are local
    (``set_config(…, true)``, as ``SET LOCAL``): its end puts the session's values back
    whatever happens, and a value another block set LOCAL is not made the session's. A
    statement of the block that failed leaves the transaction refusing every other one
    until its rollback, which undoes the settings: nothing is put back then, so the
    caller sees the block's own error; nor on a connection that broke in the block (the
    server ended the transaction). Nothing on SQLite."""
    if is_sqlite() or not settings:
        yield
        return
    names = [name for name in settings if name.replace("_", "").isalnum()]
    if len(names) != len(settings):
        raise ValueError(f"not a planner setting: {settings!r}")
    connection = db.connection()
    status = connection.get_transaction_status
    if status() == TRANSACTION_STATUS_IDLE and isinstance(db.obj, _PostgresDatabase):
        before_block = getattr(_planner, "off", ())
        _planner.off = before_block + tuple(n for n in names if n not in before_block)
        try:
            yield
        finally:
            _planner.off = before_block
        return
    local = "true" if status() != TRANSACTION_STATUS_IDLE else "false"  # SET LOCAL or SET
    read = ", ".join(f"current_setting('{name}')" for name in names)
    turn_off = ", ".join(f"set_config('{name}', 'off', {local})" for name in names)
    before = db.execute_sql(
        f"SELECT found.*, {turn_off} FROM (SELECT {read} OFFSET 0) AS found"
    ).fetchone()[: len(names)]
    try:
        yield
    finally:
        if not connection.closed and status() != TRANSACTION_STATUS_INERROR:
            put_back = ", ".join(
                f"set_config('{name}', '{'on' if value == 'on' else 'off'}', {local})"
                for name, value in zip(names, before, strict=True)
            )
            db.execute_sql(f"SELECT {put_back}")


# psycopg2's transaction states (``connection.get_transaction_status``), by number so that
# this module imports on a machine without the driver
TRANSACTION_STATUS_IDLE = 0
TRANSACTION_STATUS_INERROR = 3


def int_array(values: Iterable[int]) -> str:
    """PostgreSQL: whole numbers as ONE array literal, ``'{1,2,3}'``, to be cast with
    ``::integer[]``. psycopg2 sends a Python list as ``ARRAY[1, 2, 3]``, one constant per
    element for the planner to parse and estimate (1,723 customer ids: about 3 ms of
    planning for a page of 100)."""
    return "{" + ",".join(str(int(value)) for value in values) + "}"


def one_of(column: Node, ids: Iterable[int]) -> Node:
    """``column`` among the whole numbers ``ids``, given as ONE parameter: on SQLite a JSON
    array read by ``json_each`` (building thousands of parameters took longer than the
    query), on PostgreSQL an array literal (``int_array``)."""
    if is_sqlite():
        payload = json.dumps([int(value) for value in ids], separators=(",", ":"))
        return NodeList((column, SQL("IN (SELECT value FROM json_each(?))", [payload])))
    return NodeList((column, SQL("= ANY(%s::integer[])", [int_array(ids)])))


def text_array(values: Iterable[str | None]) -> str:
    """PostgreSQL: texts as ONE array literal (``::text[]``), each element quoted, its
    backslashes and double quotes escaped (``int_array``'s reason)."""

    def element(value: str | None) -> str:
        if value is None:
            return "NULL"
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'

    return "{" + ",".join(element(value) for value in values) + "}"
