"""Issue 20: on a database server the customers window reads a keystroke's page in a
reading thread while the window keeps painting (``widgets.page_reader``)."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QTimer

from patolab_desktop.services import bootstrap, customers
from patolab_desktop.services.access import permissions, session
from patolab_desktop.services.errors import ValidationError
from patolab_desktop.ui.customers.customers_window import CustomersWindow
from patolab_desktop.ui.widgets.page_reader import PageReader
from tests.security_helpers import login_as
from tests.ui.list_helpers import column, owned
from tests.ui.test_customers_window import make_customer, search

WAIT = 10  # seconds a reading thread waits for the GUI before a test fails (never reached)


def test_the_page_is_read_in_another_thread_and_comes_back(qtbot):
    reader = PageReader()
    here = threading.get_ident()
    assert reader.run(lambda: (threading.get_ident() != here, 7)) == (True, 7)
    with pytest.raises(ValidationError, match="mal"):
        reader.run(lambda: (_ for _ in ()).throw(ValidationError("mal")))
    assert reader.run(lambda: "otra vez") == "otra vez"  # the same thread, still working


def test_the_window_turns_while_the_page_is_read(qtbot):
    """The reading thread waits for a timer of the GUI thread: it only fires if the event
    loop turns during the wait (called on the GUI thread directly, this would time out)."""
    painted = threading.Event()

    def slow_page():
        return painted.wait(WAIT)

    QTimer.singleShot(0, painted.set)
    assert PageReader().run(slow_page) is True


def test_an_idle_reader_ends_its_thread(qtbot, monkeypatch):
    closed = []
    monkeypatch.setattr(
        "patolab_desktop.ui.widgets.page_reader.close_thread_connection",
        lambda: closed.append(threading.current_thread().name),
    )
    reader = PageReader()
    reader.IDLE_SECONDS = 0.01
    reader.run(lambda: None)
    thread = reader.thread()
    if thread is not None:
        thread.join(WAIT)
    assert reader.thread() is None and closed == ["page-reader"]
    assert reader.run(lambda: 3) == 3  # a new keystroke starts a new one


@pytest.mark.parametrize("role", [permissions.ROLE_RECEPTION, permissions.ROLE_SUPERVISOR])
def test_customers_window_on_a_server_searches_in_the_reading_thread(
    qtbot, database, monkeypatch, role
):
    make_customer("María", "Pérez")
    make_customer("Juan", "Muñoz")
    monkeypatch.setattr(bootstrap, "database_is_remote", lambda: True)
    threads = []
    real_page = customers.page

    def page(filters, request):
        threads.append(threading.current_thread().name)
        return real_page(filters, request)

    monkeypatch.setattr(customers, "page", page)
    login_as(role)
    try:
        window = owned(qtbot, CustomersWindow(), (1200, 600))
        search(qtbot, window, "perez")
        assert column(window, "name") == ["María Pérez"]
        assert threads and set(threads) == {"page-reader"}
    finally:
        session.set_current(None)


def test_a_newer_search_during_the_read_replaces_the_older_page(qtbot, database, monkeypatch):
    """A query asked for while a page is read (a timer of the window, during the wait)
    shows its own rows; the older page, when it comes, is dropped."""
    make_customer("María", "Pérez")
    make_customer("Juan", "Muñoz")
    monkeypatch.setattr(bootstrap, "database_is_remote", lambda: True)
    window = owned(qtbot, CustomersWindow(), (1200, 600))
    window._search_text = "perez"
    QTimer.singleShot(0, lambda: search(qtbot, window, "munoz"))
    window.refresh()
    assert column(window, "name") == ["Juan Muñoz"]


@pytest.mark.sqlite_only
def test_on_sqlite_the_page_is_read_on_the_gui_thread(qtbot, database):
    window = owned(qtbot, CustomersWindow(), (1200, 600))
    assert window.model.page_wait is None
