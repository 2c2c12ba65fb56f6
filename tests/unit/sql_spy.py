"""The SQL the open database runs, for tests that count statements or look for one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from patolab_desktop.db.database import db

TRANSACTION = ("BEGIN", "SAVEPOINT", "RELEASE", "COMMIT", "ROLLBACK")


def _recorded(monkeypatch, skip: tuple[str, ...], keep: Callable[[str, Any], Any]) -> list:
    seen: list = []
    real = db.obj.execute_sql

    def execute_sql(sql, params=None, *args, **kwargs):
        if not (skip and sql.lstrip().upper().startswith(skip)):
            seen.append(keep(sql, params))
        return real(sql, params, *args, **kwargs)

    monkeypatch.setattr(db.obj, "execute_sql", execute_sql)
    return seen


def statements(monkeypatch, skip: tuple[str, ...] = ()) -> list[str]:
    """The SQL the database runs from now on (until the test ends), except statements
    starting with one of ``skip`` (e.g. ``TRANSACTION``)."""
    return _recorded(monkeypatch, skip, lambda sql, _params: sql)


def statements_with_params(monkeypatch, skip: tuple[str, ...] = ()) -> list[tuple[str, tuple]]:
    """``statements``, each with its parameters (to ask the database for its plan)."""
    return _recorded(monkeypatch, skip, lambda sql, params: (sql, tuple(params or ())))
