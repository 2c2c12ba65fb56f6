"""PagedTableModel on its own: a short first page after each new query, full pages on scroll."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt, QTimer

from patolab_desktop.services.errors import ValidationError
from patolab_desktop.services.paging import Page, PageRequest
from patolab_desktop.ui import prompts
from patolab_desktop.ui.models import paged_table
from patolab_desktop.ui.models.paged_table import Column, PagedTableModel
from patolab_desktop.ui.widgets.table import make_table_view


def _source(total: int, asked: list[PageRequest]):
    def fetch(filters, request: PageRequest) -> Page:
        asked.append(request)
        start = 0 if request.after is None else request.after[0] + 1
        rows = [
            {"id": n, "name": f"{filters} {n:04d}"}
            for n in range(start, min(total, start + request.limit))
        ]
        cursor = (rows[-1]["id"],) if rows and rows[-1]["id"] < total - 1 else None
        return Page(rows=rows, cursor=cursor)

    return fetch


def test_a_new_search_waits_for_a_short_first_page_then_scrolling_gets_full_pages(
    qtbot, qtmodeltester
):
    asked: list[PageRequest] = []
    model = PagedTableModel(
        [Column("name", "Nombre", sort="name")], _source(450, asked), page_size=200
    )
    model.set_filters("ana")
    assert [r.limit for r in asked] == [paged_table.FIRST_PAGE_SIZE] == [100]
    assert model.rowCount() == 100
    model.fetchMore()
    model.fetchMore()
    assert [r.limit for r in asked] == [100, 200, 200]
    assert model.rowCount() == 450 and not model.canFetchMore()
    assert model.data(model.index(449, 0)) == "ana 0449"

    model.set_filters("luis")  # a new query starts short again
    assert asked[-1].limit == 100 and asked[-1].after is None
    model.sort(0)
    assert asked[-1].limit == 100 and asked[-1].sort == "name"
    assert model.rowCount() == 100
    qtmodeltester.check(model)  # last: the tester fetches more on every later reset


def test_a_page_size_below_the_first_page_size_is_used_for_every_page(qtbot):
    asked: list[PageRequest] = []
    model = PagedTableModel([Column("name", "Nombre")], _source(12, asked), page_size=5)
    model.set_filters("x")
    while model.canFetchMore():
        model.fetchMore()
    assert [r.limit for r in asked] == [5, 5, 5]
    assert model.rowCount() == 12


# --- header sorts off the GUI thread (issue 20) -----------------------------------------


def _sortable(fetch_threads: list[str], fail_on: str = "", gate=None):
    """Rows 0..9 named by ``filters``; sorted by "number" descending when asked."""

    def fetch(filters, request: PageRequest) -> Page:
        fetch_threads.append(threading.current_thread().name)
        if gate is not None and request.sort == "number":
            gate.wait(timeout=10)
        if fail_on and request.sort == fail_on:
            raise ValidationError("Orden imposible.")
        numbers = list(range(10))
        if request.sort == "number" and request.descending:
            numbers.reverse()
        rows = [{"id": n, "name": f"{filters} {n}", "number": n} for n in numbers]
        return Page(rows=rows, cursor=None)

    return fetch


def _view_over(qtbot, fetch):
    model = PagedTableModel(
        [Column("name", "Nombre", sort="name"), Column("number", "Número", sort="number")],
        fetch,
    )
    view = make_table_view()
    qtbot.addWidget(view)
    view.setModel(model)
    model.set_filters("ana")
    return model, view


def _click_header(view, column: int, order=Qt.SortOrder.DescendingOrder) -> None:
    view.horizontalHeader().setSortIndicator(column, order)  # what a click on it does


def test_a_header_sort_is_fetched_off_the_gui_thread(qtbot):
    """Ordering a million customers by a column without an index takes the database
    seconds: the window's event loop keeps turning while a worker fetches the page."""
    threads: list[str] = []
    model, view = _view_over(qtbot, _sortable(threads))
    assert threads == [threading.current_thread().name]  # a search: on the GUI thread
    _click_header(view, 1)
    assert threads[-1] != threading.current_thread().name
    assert [model.row_dict(i)["number"] for i in range(3)] == [9, 8, 7]
    header = view.horizontalHeader()
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (
        1,
        Qt.SortOrder.DescendingOrder,
    )


def test_a_sort_that_fails_keeps_the_rows_and_the_arrow(qtbot, monkeypatch):
    shown = []
    monkeypatch.setattr(prompts, "error", lambda parent, title, text: shown.append(text))
    threads: list[str] = []
    model, view = _view_over(qtbot, _sortable(threads, fail_on="number"))
    _click_header(view, 0, Qt.SortOrder.AscendingOrder)
    _click_header(view, 1)
    assert shown == ["Orden imposible."]
    assert model.sort_column == 0 and model.sort_order == Qt.SortOrder.AscendingOrder
    assert [model.row_dict(i)["number"] for i in range(3)] == [0, 1, 2]
    header = view.horizontalHeader()
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (
        0,
        Qt.SortOrder.AscendingOrder,
    )


def test_a_search_typed_while_a_sort_runs_is_what_the_list_shows(qtbot):
    """The sorted page of the old search arrives after the new search's: it is dropped."""
    gate = threading.Event()
    threads: list[str] = []
    model, view = _view_over(qtbot, _sortable(threads, gate=gate))

    def type_meanwhile():
        model.set_filters("luis")
        gate.set()

    QTimer.singleShot(0, type_meanwhile)
    _click_header(view, 1)
    assert model.filters == "luis"
    assert [model.row_dict(i)["name"] for i in range(2)] == ["luis 9", "luis 8"]
    assert (model.sort_column, model.sort_order) == (1, Qt.SortOrder.DescendingOrder)
    header = view.horizontalHeader()
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (
        1,
        Qt.SortOrder.DescendingOrder,
    )


def test_the_next_pages_of_a_slow_sort_are_fetched_off_the_gui_thread(qtbot, monkeypatch):
    monkeypatch.setattr(paged_table, "SLOW_SORT_MS", -1)  # every sort counts as slow
    asked: list[PageRequest] = []
    source = _source(450, asked)
    threads: list[str] = []

    def fetch(filters, request):
        threads.append(threading.current_thread().name)
        return source(filters, request)

    model = PagedTableModel([Column("name", "Nombre", sort="name")], fetch, page_size=200)
    view = make_table_view()
    qtbot.addWidget(view)
    view.setModel(model)
    model.set_filters("ana")
    _click_header(view, 0, Qt.SortOrder.AscendingOrder)
    model.fetchMore()
    gui = threading.current_thread().name
    assert threads[0] == gui and gui not in threads[1:] and len(threads) == 3
    assert model.rowCount() == 300
