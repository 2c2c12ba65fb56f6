"""Every test gets a fresh temporary database and runs offscreen.

Set ``PATOLAB_TEST_PG=postgresql://user@127.0.0.1:PORT/postgres`` to run the tests that
use the ``database`` fixture against PostgreSQL instead (a fresh database per test,
copied from a migrated template). Tests that only make sense on SQLite (a file, WAL,
backups of the file) are marked ``@pytest.mark.sqlite_only`` and are skipped there.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
import uuid

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Never the real OS credential store: a JSON file in each test's PATOLAB_HOME (also in the
# subprocesses the tests start, which inherit the environment).
os.environ["PYTHON_KEYRING_BACKEND"] = "tests.keyring_backend.FileKeyring"

import pytest  # noqa: E402

PG_URL = os.environ.get("PATOLAB_TEST_PG", "")
_TEMPLATE = "patolab_test_template"


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only: the test needs an SQLite file database")
    # as in the desk (ui.gui_thread_gc): reference cycles are collected on the main thread
    # only, after each test, never by a worker thread in the middle of one (a window caught
    # in a cycle and deleted there is undefined for Qt: a crash or a wait without end)
    gc.disable()


@pytest.fixture(autouse=True)
def _nothing_of_this_test_left_behind():
    """After each test (pytest-qt has closed its widgets and called ``deleteLater``): the
    deletions are carried out now, on the main thread (outside an event loop Qt would keep
    them until some later test's loop, their timers running into that test: a window's
    minute recheck, the WhatsApp queue label), then the cycles are collected."""
    yield
    widgets = sys.modules.get("PySide6.QtWidgets")
    if widgets is not None and widgets.QApplication.instance() is not None:
        from PySide6.QtCore import QCoreApplication, QEvent

        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    from patolab_desktop.ui.gui_thread_gc import collect_due

    collect_due()


def pytest_collection_modifyitems(config, items):
    if not PG_URL:
        return
    skip = pytest.mark.skip(reason="SQLite-only test (running against PostgreSQL)")
    for item in items:
        if "sqlite_only" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    """User data, logs and config go to a temp folder, never the real profile."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("PATOLAB_HOME", str(home))
    # the test keyring is a file in this home: what the last test's store held is forgotten
    notify_config = sys.modules.get("patolab_desktop.services.notify.config")
    if notify_config is not None:
        notify_config._know_token(None)
    return home


@pytest.fixture(autouse=True)
def _acting_user():
    """Services deny by default: tests act as the system actor unless they log in or use
    ``session.acting_as(...)`` themselves (issue 5)."""
    from patolab_desktop.services.access import session

    with session.acting_as(session.system_actor("test")):
        yield


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "test.db"


def _pg_admin():
    import psycopg2

    conn = psycopg2.connect(PG_URL)
    conn.autocommit = True
    return conn


@contextlib.contextmanager
def scratch_pg_database(prefix: str, template: str | None = None):
    """A new PostgreSQL database on the test server (a copy of ``template`` when given),
    dropped afterwards; yields its URL."""
    name = prefix + uuid.uuid4().hex[:12]
    conn = _pg_admin()
    with conn.cursor() as cur:
        cur.execute(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
    try:
        yield f"{PG_URL.rsplit('/', 1)[0]}/{name}"
    finally:
        with conn.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.close()


@pytest.fixture(scope="session")
def _pg_template():
    from patolab_desktop.services.bootstrap import close_db, open_db

    base = PG_URL.rsplit("/", 1)[0]
    conn = _pg_admin()
    with conn.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {_TEMPLATE} WITH (FORCE)")
        cur.execute(f"CREATE DATABASE {_TEMPLATE}")
    conn.close()
    open_db(f"{base}/{_TEMPLATE}")
    close_db()
    return base


@pytest.fixture
def db_target(request, db_path):
    """Where this test's database lives: an SQLite path, or a fresh PostgreSQL database."""
    if not PG_URL or request.node.get_closest_marker("sqlite_only"):
        yield db_path
        return
    request.getfixturevalue("_pg_template")
    with scratch_pg_database("t_", template=_TEMPLATE) as url:
        yield url


@pytest.fixture
def database(db_target):
    """A fresh, migrated and seeded database for this test."""
    from patolab_desktop.services.bootstrap import close_db, open_db

    database = open_db(db_target)
    yield database
    close_db()
