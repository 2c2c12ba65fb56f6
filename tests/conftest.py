"""Every test gets a fresh temporary database and runs offscreen."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    """User data, logs and config go to a temp folder, never the real profile."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("PATOLAB_HOME", str(home))
    return home


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "test.db"


@pytest.fixture
def database(db_path):
    """A fresh, migrated and seeded database for this test."""
    from patolab_desktop.services.bootstrap import close_db, open_db

    database = open_db(db_path)
    yield database
    close_db()
