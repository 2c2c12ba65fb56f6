"""Worker threads' SQLite connections take a smaller page cache (issue 20, memory)."""

from __future__ import annotations

import threading

import pytest

from patolab_desktop.db import database as sqlite_settings
from patolab_desktop.db.database import db


def _cache_size() -> int:
    return int(db.execute_sql("PRAGMA cache_size").fetchone()[0])


@pytest.mark.sqlite_only
def test_a_worker_threads_connection_has_the_small_page_cache(database):
    main = dict(sqlite_settings.SQLITE_PRAGMAS)["cache_size"]
    assert _cache_size() == main == -sqlite_settings.MAIN_CACHE_KIB
    seen = []

    def worker():
        try:
            seen.append(_cache_size())
        finally:
            db.close()

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert seen == [-sqlite_settings.WORKER_CACHE_KIB]
    assert _cache_size() == main  # the main thread's connection keeps its own
