"""A lazily paged table model over a service's keyset page function (Anki-style).

The service filters and sorts in SQL; the model keeps the rows it has fetched as
plain dicts, asks for the next page in ``fetchMore`` and re-queries when a header is
clicked. ``data()`` only reads those dicts, so it never touches the database.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, Qt

from ...services.paging import DEFAULT_PAGE_SIZE, Page, PageRequest
from .row_table import ROW_DICT_ROLE, ROW_ID_ROLE, Column, RowTableModel

__all__ = ["Column", "PagedTableModel", "ROW_DICT_ROLE", "ROW_ID_ROLE"]

FetchPage = Callable[[Any, PageRequest], Page]

# Rows of the first page after a new search: enough to fill a tall window two or three
# times over; scrolling then fetches full pages. Each keystroke waits for this page only,
# and a search of a frequent name prefix costs in proportion to the rows it must find
# (1,000,000 customers, "luis": 200 rows 30 ms, 100 rows 13 ms).
ROOT = QModelIndex()  # the invisible root of a flat table model


FIRST_PAGE_SIZE = 100
# Ctrl+End loads up to this many more pages to reach the real end; a longer list is shown
# from its end instead (reversed SQL order): keyset pages cost the same at any depth.
END_PAGES = 20
# A sort whose first page took longer than this (a column without an index: "Edad" at a
# million customers, 2 s) fetches its next pages off the GUI thread too.
SLOW_SORT_MS = 100

#: Runs ``fn() -> Page`` off the GUI thread while the window's event loop turns (the
#: table view installs ``widgets.progress``'s); None when it was cancelled or failed.
SlowFetch = Callable[[Callable[[], Page]], "Page | None"]


class PagedTableModel(RowTableModel):
    """Rows come from ``fetch(filters, PageRequest) -> Page``."""

    def __init__(
        self,
        columns: list[Column],
        fetch: FetchPage,
        page_size: int = DEFAULT_PAGE_SIZE,
        parent=None,
    ):
        super().__init__(columns, parent=parent)
        self._fetch = fetch
        self._page_size = page_size
        self._first_page_size = min(page_size, FIRST_PAGE_SIZE)
        self._cursor: tuple | None = None
        self._exhausted = True
        self._filters: Any = None
        self._sort_column = -1
        self._descending = False
        self._loaded = False  # no query has run yet (set_filters/reload not called)
        self.reversed_for_end = False  # Ctrl+End showed a long list from its end
        # Header sorts (and the pages of a slow sort) run through this when set, so the
        # window is never frozen by a sort the database needs seconds for (issue 20).
        self.slow_fetch: SlowFetch | None = None
        # A new query's first page runs through this when set (``widgets.page_reader``:
        # on a database server, the window paints while the page is read).
        self.page_wait: Callable[[Callable[[], Page]], Page] | None = None
        self._generation = 0  # one more for every new first page asked for
        self._slow_sort = False  # the current order's pages are fetched off the GUI thread
        self._fetching = False  # a page is being fetched off the GUI thread

    # --- querying -------------------------------------------------------------------
    @property
    def filters(self) -> Any:
        return self._filters

    @property
    def sort_column(self) -> int:
        """Index of the column the rows are sorted by; -1 = the service's default order."""
        return self._sort_column

    @property
    def sort_order(self) -> Qt.SortOrder:
        return Qt.SortOrder.DescendingOrder if self._descending else Qt.SortOrder.AscendingOrder

    @property
    def exhausted(self) -> bool:
        """True when every row matching the filters has been fetched."""
        return self._exhausted

    def set_filters(self, filters: Any) -> None:
        """Run a new query (search text or filter changed) and show its first page."""
        self._filters = filters
        self.reload()

    def reload(self, slow: bool = False) -> bool:
        """Query the first page and show it. ``slow``: through ``slow_fetch`` (off the GUI
        thread) when one is set. False when that did not end with a page (cancelled, or
        failed with its error shown): the rows shown stay as they were. A newer query asked
        for meanwhile (a search typed) has shown its own rows, in the same order: this
        page is dropped."""
        self._loaded = True
        self._generation += 1
        generation = self._generation
        fetch, filters = self._fetch, self._filters
        request = self._request(first=True)
        if slow and self.slow_fetch is not None:
            started = time.perf_counter()
            page = self._fetch_off_thread(lambda: fetch(filters, request))
            if page is None:
                return False
            if generation != self._generation:
                return True
            self._slow_sort = (time.perf_counter() - started) * 1000 > SLOW_SORT_MS
        else:
            try:
                if self.page_wait is not None:
                    page = self.page_wait(lambda: fetch(filters, request))
                else:
                    page = fetch(filters, request)
            except BaseException:
                # Never leave the rows of another query: show none, let the error through.
                self.beginResetModel()
                self._rows, self._cursor, self._exhausted = [], None, True
                self.endResetModel()
                raise
            if generation != self._generation:
                return True  # a newer query was asked for while this page was read
        self.beginResetModel()
        self._rows = list(page.rows)
        self._cursor = page.cursor
        self._exhausted = page.cursor is None
        self.endResetModel()
        return True

    def _fetch_off_thread(self, fn: Callable[[], Page]) -> Page | None:
        assert self.slow_fetch is not None
        self._fetching = True
        try:
            return self.slow_fetch(fn)
        finally:
            self._fetching = False

    def _request(self, first: bool = False) -> PageRequest:
        sort = self._columns[self._sort_column].sort if self._sort_column >= 0 else ""
        first = first or self._cursor is None
        return PageRequest(
            sort=sort or "",
            descending=self._descending,
            after=None if first else self._cursor,
            limit=self._first_page_size if first else self._page_size,
        )

    def canFetchMore(self, parent=ROOT) -> bool:  # noqa: N802 (Qt API)
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent=ROOT) -> None:  # noqa: N802
        if parent.isValid() or self._exhausted or self._fetching:
            return
        fetch, filters, request = self._fetch, self._filters, self._request()
        generation = self._generation
        if self._slow_sort and self.slow_fetch is not None:
            page = self._fetch_off_thread(lambda: fetch(filters, request))
            if page is None or generation != self._generation:
                return  # cancelled, failed, or another query replaced the rows meanwhile
        else:
            page = fetch(filters, request)
        if page.rows:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page.rows) - 1)
            self._rows.extend(page.rows)
            self._cursor = page.cursor
            self._exhausted = page.cursor is None
            self.endInsertRows()
        else:
            self._cursor, self._exhausted = None, True

    def reach_end(self, max_pages: int | None = None) -> bool:
        """Make the real last row of the list reachable (Ctrl+End). Loads the remaining
        pages when there are at most ``max_pages``; beyond that (a million customers)
        reverses the SQL order so the last rows come first, and returns False."""
        for _page in range(END_PAGES if max_pages is None else max_pages):
            if self._exhausted:
                break
            self.fetchMore()
        if self._exhausted or self._sort_column < 0:
            return True
        self._descending = not self._descending
        self.reversed_for_end = True
        self.reload()
        return False

    def restore_order(self) -> None:
        """Back to the order before ``reach_end`` reversed it (Ctrl+Home)."""
        if self.reversed_for_end:
            self.reversed_for_end = False
            self._descending = not self._descending
            self.reload()

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        """Re-query in the order of ``column`` (a header click). Off the GUI thread when
        ``slow_fetch`` is set; when that is cancelled or fails, the rows and the order
        stay as they were (the view puts its arrow back)."""
        if column < 0 or column >= len(self._columns) or not self._columns[column].sort:
            return
        before = (self._sort_column, self._descending, self.reversed_for_end, self._slow_sort)
        self._sort_column = column
        self._descending = order == Qt.SortOrder.DescendingOrder
        self.reversed_for_end = False
        if self._loaded and not self.reload(slow=True):  # before a query, only remember it
            self._sort_column, self._descending, self.reversed_for_end, self._slow_sort = before
