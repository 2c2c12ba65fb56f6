"""The customers list counts its matches once typing pauses (issue 20, the GUI stall).

Started with every query, the count of one letter ran in its worker while the next
letter's page was read and painted, and its answer relaid out the window in between. The
count now starts ``COUNT_AFTER_MS`` after the last query; ``wait_for_count`` starts a
waiting one at once (tests, the benchmark). Driven as Recepción."""

from __future__ import annotations

import pytest

from patolab_desktop.services.access import permissions
from patolab_desktop.ui.customers.customers_window import CustomersWindow
from tests.security_helpers import login_as
from tests.ui.test_customers_window import make_customer


@pytest.fixture
def reception_window(qtbot, database, monkeypatch):
    for n in range(12):
        make_customer(f"Paciente{n:02d}", "Prueba")
    make_customer("Otra", "Persona")
    login_as(permissions.ROLE_RECEPTION)
    counted = []
    real_count = CustomersWindow.count

    def recording(self, filters):
        counted.append(filters.search)
        return real_count(self, filters)

    monkeypatch.setattr(CustomersWindow, "count", recording)
    window = CustomersWindow(page_size=5)
    qtbot.addWidget(window)
    window.wait_for_count()
    counted.clear()
    return window, counted


def _type(window, text: str) -> None:
    window.search_box.setText(text)
    window.search_box.flush()


def test_letters_typed_quickly_are_counted_once_for_the_last_one(qtbot, reception_window):
    window, counted = reception_window
    for end in range(1, len("pacie") + 1):
        _type(window, "pacie"[:end])
        # the rows are there at once; the count waits for the typing to pause
        assert window.model.rowCount() == 5
        assert window.count_label.text() == "Mostrando 5 clientes (hay más: baje para verlos)"
    assert counted == []
    qtbot.waitUntil(lambda: window.count_label.text() == "Mostrando 5 de 12 clientes")
    window.wait_for_count()
    assert counted == ["pacie"]


def test_waiting_for_the_count_starts_it_at_once(reception_window):
    window, counted = reception_window
    _type(window, "prueba")
    assert counted == []
    window.wait_for_count()
    assert counted == ["prueba"]
    assert window.count_label.text() == "Mostrando 5 de 12 clientes"


def test_a_list_shown_whole_needs_no_count(reception_window):
    window, counted = reception_window
    _type(window, "prueba")
    _type(window, "otra")  # one row: exact, no count to wait for
    assert window.count_label.text() == "1 cliente"
    assert not window._count_timer.isActive()  # the waiting count of "prueba" was dropped
    window.wait_for_count()
    assert counted == []
