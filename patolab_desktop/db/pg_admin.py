"""Databases beside the open PostgreSQL one, for a restore (``services.safety.pg_restoring``).

``command_line`` is how ``pg_dump`` and ``pg_restore`` reach a database of the open one's
server; ``sibling(name)`` is a database of the same server reached with the open one's connection
parameters (user, password, host, port); ``Server`` is a connection to the server's
maintenance database (``postgres``, else ``template1``), where databases are created,
renamed and dropped: PostgreSQL does those outside a transaction and never on the
database a session is connected to.
"""

from __future__ import annotations

import os
from urllib.parse import quote

from peewee import Database, DatabaseError

from .database import _PostgresDatabase, db

MAINTENANCE = ("postgres", "template1")
OBJECT_IN_USE = "55006"  # SQLSTATE: another session is connected to the database


def sibling(name: str) -> Database:
    """The database ``name`` on the server of the open database, not connected yet."""
    return _PostgresDatabase(name, **dict(db.obj.connect_params))


def command_line(name: str | None = None) -> tuple[str, dict[str, str]]:
    """The URL for pg_dump and pg_restore WITHOUT the password, and the environment that
    carries it (PGPASSWORD): a password on a command line is visible to every user of the
    computer (``ps``), one in the environment only to the same user. ``name``: another
    database of the same server (default: the open one)."""
    params = db.obj.connect_params
    user = params.get("user") or ""
    url = (
        f"postgresql://{quote(user, safe='')}{'@' if user else ''}"
        f"{params.get('host') or '127.0.0.1'}:{params.get('port') or 5432}/"
        f"{quote(str(name or db.obj.database), safe='')}"
    )
    env = dict(os.environ)
    password = params.get("password")
    if password:
        env["PGPASSWORD"] = str(password)
    return url, env


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sqlstate(exc: BaseException) -> str | None:
    """The SQLSTATE of a driver error (peewee keeps the driver's error as its cause)."""
    for error in (exc, exc.__cause__, exc.__context__, *exc.args):
        code = getattr(error, "pgcode", None)
        if code:
            return str(code)
    return None


class Server:
    """A connection to the maintenance database; statements run one by one (autocommit)."""

    def __init__(self) -> None:
        last: Exception | None = None
        for name in MAINTENANCE:
            database = sibling(name)
            try:
                database.connect()
            except DatabaseError as exc:
                last = exc
                continue
            self.database = database
            return
        assert last is not None
        raise last

    def close(self) -> None:
        self.database.close()

    def scalar(self, sql: str, params: tuple = ()) -> object:
        row = self.database.execute_sql(sql, params).fetchone()
        return row[0] if row else None

    def run(self, sql: str) -> None:
        self.database.execute_sql(sql)

    def exists(self, name: str) -> bool:
        return bool(self.scalar("SELECT 1 FROM pg_database WHERE datname = %s", (name,)))

    def owner(self, name: str) -> str:
        return str(
            self.scalar(
                "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = %s", (name,)
            )
        )

    def create_like(self, name: str, like: str) -> None:
        """A new empty database ``name`` with the owner, encoding and collation of ``like``
        (the order of names in the lists depends on the collation)."""
        encoding, collate, ctype = self.database.execute_sql(
            "SELECT pg_encoding_to_char(encoding), datcollate, datctype FROM pg_database "
            "WHERE datname = %s",
            (like,),
        ).fetchone()
        self.run(
            f"CREATE DATABASE {quoted(name)} TEMPLATE template0 OWNER {quoted(self.owner(like))} "
            f"ENCODING '{encoding}' LC_COLLATE '{collate}' LC_CTYPE '{ctype}'"
        )

    def rename(self, name: str, new_name: str) -> None:
        self.run(f"ALTER DATABASE {quoted(name)} RENAME TO {quoted(new_name)}")

    def drop(self, name: str) -> None:
        self.run(f"DROP DATABASE IF EXISTS {quoted(name)}")
