"""Keyset pagination shared by every list (customers, referrers, catalog, requests).

A page is asked for with the cursor of the last row already shown, never with an
OFFSET, so page 10,000 costs what page 1 costs. Rows come back as plain dicts so a
table model can show them without touching the database again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from peewee import Tuple

DEFAULT_PAGE_SIZE = 200


@dataclass
class Page:
    rows: list[dict[str, Any]]
    cursor: tuple | None  # pass back as ``after`` for the next page; None = no more rows


@dataclass
class PageRequest:
    sort: str = ""  # a key of the service's SORTS; "" = its default
    descending: bool = False
    after: tuple | None = None
    limit: int = DEFAULT_PAGE_SIZE
    extra: dict = field(default_factory=dict)


def keyset_page(
    query: Any, sort_exprs: list, id_expr: Any, request: PageRequest, cursor_of: Any
) -> Page:
    """Apply ordering, the cursor condition and the limit to ``query``.

    ``sort_exprs`` are the ordering expressions (non-null), ``id_expr`` breaks ties;
    ``cursor_of(row)`` returns the tuple of values matching ``sort_exprs + [id]`` for a row
    (rows are dicts selected by ``query``).
    """
    keys = [*sort_exprs, id_expr]
    if request.after is not None:
        left, right = Tuple(*keys), Tuple(*request.after)
        query = query.where(left < right if request.descending else left > right)
    order = [k.desc() if request.descending else k.asc() for k in keys]
    limit = max(1, int(request.limit))
    rows = list(query.order_by(*order).limit(limit).dicts())
    cursor = cursor_of(rows[-1]) if len(rows) == limit else None
    return Page(rows=rows, cursor=cursor)


def cursor_by(keys: Sequence[str]) -> Callable[[dict], tuple]:
    """``cursor_of`` for ``keyset_page``: a row's values of ``keys`` (the sort's columns),
    then its id."""
    return lambda row: tuple(row[k] for k in keys) + (row["id"],)


def every_page(fetch: Callable[[PageRequest], Page], sort: str, size: int = 1000) -> Iterator[Page]:
    """Every page of a list sorted by ``sort``, one after the other (an export reads all
    the rows this way, ``size`` at a time)."""
    request = PageRequest(sort=sort, limit=size)
    while True:
        result = fetch(request)
        yield result
        if result.cursor is None:
            return
        request = PageRequest(sort=sort, after=result.cursor, limit=size)
