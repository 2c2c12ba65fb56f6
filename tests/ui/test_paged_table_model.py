"""PagedTableModel on its own: a short first page after each new query, full pages on scroll."""

from __future__ import annotations

from patolab_desktop.services.paging import Page, PageRequest
from patolab_desktop.ui.models import paged_table
from patolab_desktop.ui.models.paged_table import Column, PagedTableModel


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
