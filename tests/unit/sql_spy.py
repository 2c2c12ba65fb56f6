"""The SQL the open database runs, for tests that count statements or look for one."""

from __future__ import annotations

from patolab_desktop.db.database import db

TRANSACTION = ("BEGIN", "SAVEPOINT", "RELEASE", "COMMIT", "ROLLBACK")


def statements(monkeypatch, skip: tuple[str, ...] = ()) -> list[str]:
    """The SQL the database runs from now on (until the test ends), except statements
    starting with one of ``skip`` (e.g. ``TRANSACTION``)."""
    seen: list[str] = []
    real = db.obj.execute_sql

    def execute_sql(sql, params=None, *args, **kwargs):
        if not (skip and sql.lstrip().upper().startswith(skip)):
            seen.append(sql)
        return real(sql, params, *args, **kwargs)

    monkeypatch.setattr(db.obj, "execute_sql", execute_sql)
    return seen
