"""Closing an SQLite database leaves every committed write in the file itself.

A statement can outlive its connection: a cursor that a stored traceback keeps alive
(keyring keeps the exceptions of its first backend search, with the caller's frames).
SQLite then defers the close, and the writes stay in the ``-wal`` file. The demo
database is built under a temporary name and renamed after closing: its users were left
in the old name's ``-wal``, and `make run` opened a demo without them."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from patolab_desktop.db.database import db
from patolab_desktop.services.bootstrap import close_db, open_db


@pytest.mark.sqlite_only
def test_a_write_is_in_the_file_after_close_even_while_a_cursor_outlives_it(tmp_path):
    path = tmp_path / "lab.db"
    open_db(path)
    with db.atomic():
        kept = db.cursor()  # its statement outlives the connection, as the demo's did
        kept.executemany(
            "INSERT INTO gender (code, name) VALUES (?, ?)", [("X", "Prueba de cierre")]
        )
    close_db()

    alone = tmp_path / "alone.db"  # the file without its -wal, as a rename leaves it
    shutil.copyfile(path, alone)
    connection = sqlite3.connect(alone)
    try:
        names = {row[0] for row in connection.execute("SELECT name FROM gender")}
    finally:
        connection.close()
    assert "Prueba de cierre" in names
    del kept
