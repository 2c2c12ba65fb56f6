"""Reading a list service page by page, as the screens do (keyset pagination)."""

from __future__ import annotations

from patolab_desktop.services.paging import PageRequest


def every_page(fetch, filters, sort="", descending=False, limit=3, max_pages=1000) -> list:
    """Every row of ``fetch(filters, PageRequest)`` through pages of ``limit`` rows, each
    page asked with the cursor of the one before (so the keyset cursor is exercised)."""
    rows, after = [], None
    for _ in range(max_pages):
        page = fetch(
            filters, PageRequest(sort=sort, descending=descending, after=after, limit=limit)
        )
        rows += page.rows
        if page.cursor is None:
            return rows
        after = page.cursor
    raise AssertionError("pagination did not end")


def one_page(fetch, filters, sort="", descending=False) -> list:
    """Every row in a single page (of up to 1000 rows), for comparing with ``every_page``."""
    return fetch(filters, PageRequest(sort=sort, descending=descending, limit=1000)).rows
