"""Issue 16: every column a receptionist reads sorts in SQL (customers and requests lists),
both ways, across pages (keyset), and Ctrl+End reaches the real end of the list."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from patolab_desktop.services import customers
from patolab_desktop.services import requests as requests_service
from patolab_desktop.services.access import session
from tests.paging_helpers import every_page

from .requests_helpers import make_catalog, make_doctor, make_patient, make_request


def _all(fetch, filters, sort, descending=False, limit=3):
    return every_page(fetch, filters, sort, descending, limit)


@pytest.fixture
def people(database):
    with session.acting_as(session.system_actor("tests")):
        ids = [
            make_patient("Ana", "Zelaya", age=70),
            make_patient("Beto", "Alvarado", age=5, gender="Hombre"),
            make_patient("Carla", "Mejía", date_of_birth=dt.date(1990, 5, 1)),
            make_patient("Dora", "Banegas", age=33, gender="Otro"),
            make_patient("Elsa", "Cruz", date_of_birth=dt.date(2001, 1, 9)),
        ]
        data = customers.get(ids[0])
        data.email = "zz@example.com"
        customers.update(data)
        data = customers.get(ids[3])
        data.email = "aa@example.com"
        customers.update(data)
    return ids


CUSTOMER_COLUMNS = (
    "name",
    "id_number",
    "type",
    "age",
    "gender",
    "phone",
    "email",
    "department",
    "municipality",
    "created_at",
)


@pytest.mark.parametrize("sort", ["type", "age", "gender", "email", "department", "municipality"])
@pytest.mark.parametrize("descending", [False, True])
def test_customers_sort_by_every_column(people, sort, descending):
    with session.acting_as(session.system_actor("tests")):
        rows = _all(customers.page, customers.CustomerFilter(), sort, descending)
    assert sorted(r["id"] for r in rows) == sorted(people)  # every row once
    key = {
        "type": lambda r: r["type"],
        "age": lambda r: r["age"] if r["age"] is not None else 10**6,
        "gender": lambda r: r["gender"],
        "email": lambda r: r["email"] or "",
        "department": lambda r: r["department"],
        "municipality": lambda r: r["municipality"],
    }[sort]
    values = [key(r) for r in rows]
    assert values == sorted(values, reverse=descending), values


def test_every_customer_column_is_sortable_in_the_window(qtbot, people):
    from patolab_desktop.ui.customers.customers_window import CustomersWindow

    window = CustomersWindow()
    qtbot.addWidget(window)
    window.refresh()
    columns = window.model.columns
    assert all(column.sort for column in columns), [c.key for c in columns if not c.sort]
    age = next(i for i, c in enumerate(columns) if c.sort == "age")
    window.view.sortByColumn(age, Qt.SortOrder.AscendingOrder)  # a new SQL query
    ages = [window.model.row_dict(r)["age"] for r in range(window.model.rowCount())]
    assert ages == sorted(ages)


def test_the_identity_header_says_what_it_sorts_by(qtbot, people):
    """The numbers are encrypted: the header's tooltip says the sort is by kind of document."""
    from patolab_desktop.ui.customers.customers_window import CustomersWindow

    window = CustomersWindow()
    qtbot.addWidget(window)
    keys = [c.key for c in window.model.columns]
    tip = window.model.headerData(
        keys.index("id_number"), Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole
    )
    assert "tipo de documento" in tip and "cifrados" in tip
    assert (
        window.model.headerData(
            keys.index("name"), Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole
        )
        is None
    )


@pytest.fixture
def requests_(database):
    with session.acting_as(session.system_actor("tests")):
        ids = make_catalog()
        doctors = [make_doctor("Dr. Zúniga", "Clínica A"), make_doctor("Dra. Aguilar", "B")]
        patients = [make_patient(f"P{n}", "Prueba", age=30 + n) for n in range(3)]
        made = []
        for n, lines in enumerate(
            ([ids["HEM"]], [ids["LIP"]], [ids["GLU"], ids["EGO"]], [ids["CRE"]])
        ):
            made.append(
                make_request(
                    patients[n % 3],
                    doctors[n % 2],
                    lines,
                    source=("walk_in", "external", "emergency", "in_patient")[n],
                )[0]
            )
    return made


@pytest.mark.parametrize("sort", ["doctor", "source", "branch", "line_count", "progress"])
@pytest.mark.parametrize("descending", [False, True])
def test_requests_sort_by_every_column(requests_, sort, descending):
    with session.acting_as(session.system_actor("tests")):
        rows = _all(requests_service.page, requests_service.RequestFilter(), sort, descending, 2)
    assert sorted(r["id"] for r in rows) == sorted(requests_)
    key = {
        "doctor": lambda r: r["doctor_name"].lower(),
        "source": lambda r: r["source"],
        "branch": lambda r: r["branch_code"],
        "line_count": lambda r: r["line_count"],
        "progress": lambda r: (r["lines_released"], r["lines_total"]),
    }[sort]
    values = [key(r) for r in rows]
    assert values == sorted(values, reverse=descending), values
    assert "line_count_sort" not in rows[0] and "branch_sort" not in rows[0]


def test_every_request_column_is_sortable_in_the_window(qtbot, requests_):
    from patolab_desktop.ui.requests.requests_window import request_columns

    assert all(column.sort for column in request_columns()), [
        c.key for c in request_columns() if not c.sort
    ]


# --- Ctrl+End ---------------------------------------------------------------------------


def _names(window) -> list[str]:
    return [window.model.row_dict(r)["name"] for r in range(window.model.rowCount())]


@pytest.fixture
def many(database):
    from .test_customers_window import make_customer

    with session.acting_as(session.system_actor("tests")):
        for n in range(40):
            make_customer(f"Paciente{n:02d}", "Prueba")


def _window(qtbot, page_size):
    from patolab_desktop.ui.customers.customers_window import CustomersWindow

    window = CustomersWindow(page_size=page_size)
    qtbot.addWidget(window)
    window.resize(1000, 300)
    window.show()
    window.view.setFocus()
    window.select_row(0)
    return window


def test_ctrl_end_reaches_the_real_end_of_a_short_list(qtbot, many):
    window = _window(qtbot, page_size=5)
    assert window.model.rowCount() == 5
    qtbot.keyClick(window.view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    assert window.model.rowCount() == 40
    assert window.selected_row()["name"] == "Paciente39 Prueba"  # the real last one


def test_ctrl_end_on_a_long_list_shows_it_from_its_end(qtbot, many, monkeypatch):
    from patolab_desktop.ui.models import paged_table

    monkeypatch.setattr(paged_table, "END_PAGES", 2)
    window = _window(qtbot, page_size=5)
    model = window.model
    qtbot.keyClick(window.view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    assert model.reversed_for_end and model.rowCount() < 40  # not everything loaded
    assert window.selected_row()["name"] == "Paciente39 Prueba"  # still the real last one
    header = window.view.horizontalHeader()
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder  # the arrow says so
    qtbot.keyClick(window.view, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    assert not model.reversed_for_end
    assert window.selected_row()["name"] == "Paciente00 Prueba"
    assert header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder


@pytest.mark.parametrize("role", ["Recepción", "Supervisor"])
def test_sorting_the_customers_by_age_runs_off_the_gui_thread_for_the_desk(
    qtbot, people, as_role, role, monkeypatch
):
    """A receptionist's click on «Edad» (no index: seconds at a million customers) is
    fetched in a worker, under the receptionist's own permissions, and shown sorted."""
    import threading

    from patolab_desktop.services import customers
    from patolab_desktop.ui.customers.customers_window import CustomersWindow

    as_role(role)
    threads = []
    real_page = customers.page

    def page(filters, request):
        threads.append((threading.current_thread() is threading.main_thread(), request.sort))
        return real_page(filters, request)

    window = CustomersWindow()
    qtbot.addWidget(window)
    window.model._fetch = page
    window.refresh()
    age = next(i for i, c in enumerate(window.model.columns) if c.sort == "age")
    window.view.horizontalHeader().setSortIndicator(age, Qt.SortOrder.DescendingOrder)
    assert threads[-1] == (False, "age")
    ages = [window.model.row_dict(r)["age"] for r in range(window.model.rowCount())]
    assert ages == sorted(ages, key=lambda a: -1 if a is None else a, reverse=True)
    assert window.model.sort_column == age
