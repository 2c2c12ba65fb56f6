"""Issue 20 (cold start on PostgreSQL): the password is read from the credential store
only when the server refuses a connection without one, as ``psql`` asks only then.

``scripts/pg_cluster.sh`` trusts every role of the test server except
``patolab_password``, which must give its password (scram-sha-256)."""

from __future__ import annotations

import socket
import threading
from urllib.parse import urlparse

import keyring
import psycopg2
import pytest
from peewee import OperationalError

from patolab_desktop.db.database import _login_refused, make_database
from patolab_desktop.util import credentials
from tests import tools
from tests.conftest import PG_URL

ROLE = "patolab_password"
SECRET = "Cl4ve de prueba"

needs_pg = pytest.mark.skipif(not PG_URL, reason="needs PATOLAB_TEST_PG (make test-pg)")


@pytest.fixture
def lookups(monkeypatch):
    """The URLs the credential store was asked for."""
    asked: list[str] = []
    real = credentials.lookup

    def lookup(url: str):
        asked.append(url)
        return real(url)

    monkeypatch.setattr(credentials, "lookup", lookup)
    return asked


def test_building_the_database_does_not_read_the_store(lookups):
    bare = make_database("postgresql://laboratorio@db.lab.local:5433/patolab")
    given = make_database("postgresql://laboratorio:S3creto@db.lab.local:5433/patolab")
    assert lookups == []
    assert bare.connect_params["password"] is None and bare.store_url is not None
    assert given.connect_params["password"] == "S3creto" and given.store_url is None


@needs_pg
def test_a_server_that_trusts_the_desk_is_reached_without_asking_the_store(lookups):
    database = make_database(PG_URL)
    database.connect()
    try:
        assert database.execute_sql("SELECT 1").fetchone() == (1,)
    finally:
        database.close()
    assert lookups == []


def _password_url() -> str:
    """The URL of the test server as ``patolab_password`` (created with ``SECRET``)."""
    admin = psycopg2.connect(PG_URL)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_hba_file_rules WHERE %s = ANY(user_name)", (ROLE,))
        tools.need(
            bool(cur.fetchone()[0]),
            f"a test server whose pg_hba.conf asks {ROLE} for a password",
            "restart it with scripts/pg_cluster.sh, which adds the line",
        )
        cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (ROLE,))
        verb = "ALTER" if cur.fetchone() else "CREATE"
        cur.execute(f"{verb} ROLE {ROLE} LOGIN PASSWORD %s", (SECRET,))
    admin.close()
    parsed = urlparse(PG_URL)
    return parsed._replace(netloc=f"{ROLE}@{parsed.hostname}:{parsed.port}").geturl()


@needs_pg
def test_a_server_that_asks_gets_the_stored_password_once_for_every_connection(lookups):
    url = _password_url()
    keyring.set_password(credentials.SERVICE, url, SECRET)
    database = make_database(url)
    database.connect()
    try:
        assert database.execute_sql("SELECT current_user").fetchone() == (ROLE,)
        assert database.connect_params["password"] == SECRET  # pg_dump reads it there
        answers = []

        def other_thread():  # a worker's connection of its own
            answers.append(database.execute_sql("SELECT 2").fetchone())
            database.close()

        worker = threading.Thread(target=other_thread)
        worker.start()
        worker.join()
        assert answers == [(2,)]
    finally:
        database.close()
    assert lookups == [url]


@needs_pg
def test_without_a_stored_password_the_refusal_is_the_servers_own(lookups):
    url = _password_url()
    database = make_database(url)
    with pytest.raises(OperationalError, match="password"):
        database.connect()
    assert lookups == [url]
    with pytest.raises(OperationalError, match="password"):
        database.connect()  # asked once: the store is not searched on every attempt
    assert lookups == [url]


@needs_pg
def test_a_wrong_password_in_the_url_is_refused_without_asking_the_store(lookups):
    url = _password_url()
    keyring.set_password(credentials.SERVICE, url, SECRET)
    wrong = url.replace(f"{ROLE}@", f"{ROLE}:equivocada@")
    with pytest.raises(OperationalError, match="password"):
        make_database(wrong).connect()
    assert lookups == []


@pytest.mark.parametrize(
    ("message", "refused"),
    [
        ('connection to server at "db" failed: fe_sendauth: no password supplied', True),
        ('FATAL:  password authentication failed for user "laboratorio"', True),
        ("FATAL:  la autentificación password falló para el usuario «laboratorio»", True),
        ("SCRAM authentication requires libpq version 10 or above", True),
        ('connection to server at "127.0.0.1", port 5432 failed: Connection refused', False),
        ('could not translate host name "db.lab.local" to address', False),
        ("timeout expired", False),
        ('FATAL:  database "patolab" does not exist', False),
    ],
)
def test_only_a_refused_login_is_a_reason_to_read_the_store(message, refused):
    assert _login_refused(OperationalError(message)) is refused


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_server_that_cannot_be_reached_is_not_a_reason_to_read_the_store(lookups):
    url = f"postgresql://laboratorio@127.0.0.1:{_free_port()}/patolab"
    keyring.set_password(credentials.SERVICE, url, SECRET)
    database = make_database(url)
    with pytest.raises(OperationalError):
        database.connect()
    assert lookups == [] and database.connect_params["password"] is None
    assert database.store_url == url  # still asked when the server answers and refuses


@needs_pg
def test_pgpassword_comes_first_and_a_stale_stored_password_is_never_pinned(lookups, monkeypatch):
    url = _password_url()
    keyring.set_password(credentials.SERVICE, url, "una clave vieja")
    monkeypatch.setenv("PGPASSWORD", SECRET)
    database = make_database(url)
    database.connect()
    try:
        assert database.execute_sql("SELECT current_user").fetchone() == (ROLE,)
    finally:
        database.close()
    assert lookups == [] and database.connect_params["password"] is None


@needs_pg
def test_a_wrong_stored_password_is_not_kept(lookups):
    url = _password_url()
    keyring.set_password(credentials.SERVICE, url, "una clave vieja")
    database = make_database(url)
    with pytest.raises(OperationalError, match="password"):
        database.connect()
    assert database.connect_params["password"] is None
    assert lookups == [url]
