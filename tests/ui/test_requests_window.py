"""The requests list (filters, sort in SQL, open) and the area in the main window."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from PySide6.QtCore import Qt

from patolab_desktop.services import requests as requests_service
from patolab_desktop.ui import prompts
from patolab_desktop.ui.requests.requests_window import RequestsWindow
from tests.expected import STATUSES

from .requests_helpers import acting, desk, make_request, move_to  # noqa: F401  (fixtures)

TODAY = dt.date.today()


@pytest.fixture
def requests_data(desk):  # noqa: F811
    """Six requests over three weeks with every status, priority and source."""
    c = desk["catalog"]
    specs = [
        # patient, doctor, codes, priority, source, days ago, final status
        ("young", "doctor", ["HEM"], "routine", "walk_in", 20, "completed"),
        ("senior", "doctor", ["LIP"], "urgent", "emergency", 10, "cancelled"),
        ("elder", "doctor2", ["GLU", "EGO"], "stat", "in_patient", 5, "in_progress"),
        ("young", "doctor2", ["CRE"], "routine", "external", 2, "sample_collected"),
        ("senior", "doctor", ["HEM", "GLU"], "urgent", "walk_in", 1, "partial_result"),
        ("elder", "doctor", ["EGO"], "stat", "walk_in", 0, "pending"),
    ]
    made = {}
    for patient, doctor, codes, priority, source, days, status in specs:
        when = dt.datetime.combine(TODAY - dt.timedelta(days=days), dt.time(0, 0))  # never future
        request_id, number = make_request(
            desk[patient],
            desk[doctor],
            [c[x] for x in codes],
            priority=priority,
            source=source,
            requested_at=when,
        )
        move_to(request_id, status)
        made[status] = (request_id, number)
    return made


@pytest.fixture
def window(qtbot, requests_data):
    widget = RequestsWindow()
    qtbot.addWidget(widget)
    widget.resize(1300, 600)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def statuses(window) -> list[str]:
    model = window.model
    return [model.row_dict(row)["status"] for row in range(model.rowCount())]


def test_list_shows_newest_first_with_colours_and_icons(window, qtmodeltester):
    qtmodeltester.check(window.model)
    assert statuses(window) == [
        "pending",
        "partial_result",
        "sample_collected",
        "in_progress",
        "cancelled",
        "completed",
    ]
    model = window.model
    status_column = [c.key for c in model._columns].index("status")
    priority_column = [c.key for c in model._columns].index("priority")
    index = model.index(0, status_column)
    assert model.data(index) == "Pendiente"
    assert not model.data(index, Qt.ItemDataRole.DecorationRole).isNull()
    colours = {
        model.data(model.index(r, status_column), Qt.ItemDataRole.ForegroundRole).name()
        for r in range(model.rowCount())
    }
    assert len(colours) == 6  # every status has its own colour
    stat = model.data(model.index(0, priority_column))
    assert stat == "STAT (inmediato)"
    assert (
        model.data(model.index(0, priority_column), Qt.ItemDataRole.ForegroundRole).name()
        != model.data(model.index(2, priority_column), Qt.ItemDataRole.ForegroundRole).name()
    )
    assert window.count_label.text() == "6 solicitudes"


def test_filters_by_status_priority_source_branch_and_people(window, desk):  # noqa: F811
    window.status_combo.setCurrentIndex(window.status_combo.findData("cancelled"))
    window.apply_filters_now()
    assert statuses(window) == ["cancelled"]
    window.status_combo.setCurrentIndex(0)
    window.priority_combo.setCurrentIndex(window.priority_combo.findData("stat"))
    window.apply_filters_now()
    assert statuses(window) == ["pending", "in_progress"]
    window.source_combo.setCurrentIndex(window.source_combo.findData("walk_in"))
    window.apply_filters_now()
    assert statuses(window) == ["pending"]
    window.clear_filters()
    assert len(statuses(window)) == 6
    window.branch_combo.setCurrentIndex(1)  # the only branch
    window.apply_filters_now()
    assert len(statuses(window)) == 6

    window.doctor_filter.setText("funez")
    window.doctor_filter.refresh_now()
    window.doctor_filter.choose()
    window.apply_filters_now()
    assert statuses(window) == ["sample_collected", "in_progress"]
    window.set_doctor_filter(None)
    window.set_patient_filter({"id": desk["senior"], "name": "Roberto Mejía Cruz"})
    assert statuses(window) == ["partial_result", "cancelled"]
    assert window.current_filters().patient_id == desk["senior"]


def test_search_by_number_and_by_patient_name(qtbot, window, requests_data):
    _id, number = requests_data["cancelled"]
    window.search.setText(number)
    window.search.flush()
    assert statuses(window) == ["cancelled"]
    window.search.setText("munoz")  # accents and case ignored
    window.search.flush()
    assert statuses(window) == ["pending", "in_progress"]
    window.search.clear()
    qtbot.keyClicks(window.search, "mejia")
    qtbot.waitUntil(lambda: statuses(window) == ["partial_result", "cancelled"])


def test_date_range_filter_and_bad_range_message(window):
    window.date_from.set_value(TODAY - dt.timedelta(days=6))
    window.date_to.set_value(TODAY - dt.timedelta(days=1))
    window.apply_filters_now()
    assert statuses(window) == ["partial_result", "sample_collected", "in_progress"]
    assert window.date_from.edit.displayFormat() == "dd/MM/yyyy"
    assert window.date_from.edit.calendarPopup()
    window.date_from.set_value(TODAY)
    window.apply_filters_now()
    assert statuses(window) == []
    assert window.error_label.isVisible() and "anterior" in window.error_label.text()
    window.date_to.set_value(None)
    window.apply_filters_now()
    assert statuses(window) == ["pending"] and not window.error_label.isVisible()


def test_header_sort_runs_in_sql(window):
    number_column = [c.key for c in window.model._columns].index("request_number")
    window.view.sortByColumn(number_column, Qt.SortOrder.AscendingOrder)
    numbers = [window.model.row_dict(r)["request_number"] for r in range(window.model.rowCount())]
    assert numbers == sorted(numbers)
    status_column = [c.key for c in window.model._columns].index("status")
    window.view.sortByColumn(status_column, Qt.SortOrder.AscendingOrder)
    assert statuses(window) == STATUSES


def test_double_click_and_enter_open_the_request(qtbot, window, requests_data):
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    opened = []
    window.open_request.connect(opened.append)
    window.view.doubleClicked.emit(window.model.index(1, 0))
    assert opened == [requests_data["partial_result"][0]]
    window.view.setFocus()
    window.view.selectRow(0)
    qtbot.keyClick(window.view, Qt.Key.Key_Return)
    assert opened[-1] == requests_data["pending"][0]


def test_area_installs_first_tab_menu_and_exports_csv(qtbot, monkeypatch, tmp_path, requests_data):
    from patolab_desktop.ui.main_window import MainWindow

    main = MainWindow()
    qtbot.addWidget(main)
    assert main.tabs.tabText(0) == "Solicitudes" and main.tab("requests") is main.tabs.widget(0)
    area = main.tab("requests")
    texts = [a.text() for a in main.menu("requests").actions()]
    assert "&Nueva solicitud…" in texts and "&Lista de solicitudes" in texts
    assert "&Solicitudes (CSV)…" in [a.text() for a in main.menu("export").actions()]
    assert not area.list_created()  # no query until the list is shown
    list_action = next(
        a for a in main.menu("requests").actions() if a.text() == "&Lista de solicitudes"
    )
    list_action.trigger()
    assert area.stack.currentWidget() is area.list
    area.list.status_combo.setCurrentIndex(area.list.status_combo.findData("completed"))
    area.list.apply_filters_now()

    out = tmp_path / "solicitudes.csv"
    suggested, infos = [], []
    monkeypatch.setattr(
        prompts, "save_file", lambda parent, title, name, filt: suggested.append(name) or str(out)
    )
    monkeypatch.setattr(prompts, "info", lambda parent, title, text: infos.append(text))
    export = next(a for a in main.menu("export").actions() if a.text() == "&Solicitudes (CSV)…")
    export.trigger()
    assert suggested == ["solicitudes_patolab.csv"]
    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][0] == "Número" and len(rows) == 2  # only the filtered (completed) request
    assert rows[1][0] == requests_data["completed"][1]
    assert infos and infos[0] == f"Se exportó 1 solicitud a:\n{out}"


def test_saving_in_the_entry_refreshes_the_list(qtbot, requests_data, desk):  # noqa: F811
    from patolab_desktop.ui.requests.area import RequestsArea

    area = RequestsArea()
    qtbot.addWidget(area)
    area.show_list()
    assert area.list.model.rowCount() == 6
    area.show_entry()
    entry = area.entry
    entry.set_patient({"id": desk["young"], "name": "Lucía Pérez Zelaya"})
    entry.set_doctor({"id": desk["doctor"], "name": "Dra. Ana Martínez"})
    entry.add_investigation(desk["catalog"]["HEM"])
    request_id, _number = entry.save()
    area.show_list()
    assert area.list.model.rowCount() == 7
    assert area.list.model.row_id(0) == request_id
    assert requests_service.get(request_id).status == "pending"


def test_keyboard_from_search_to_rows(qtbot, window, requests_data):
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.focus_default()
    assert window.search.hasFocus()
    qtbot.keyClick(window.search, Qt.Key.Key_Down)
    assert window.view.hasFocus() and window.current_id() == requests_data["pending"][0]
    qtbot.keyClick(window.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.search.hasFocus()


def test_opening_from_the_list_shows_the_detail_and_refreshes_after_a_change(
    qtbot, monkeypatch, requests_data
):
    from patolab_desktop.ui.requests import request_detail
    from patolab_desktop.ui.requests.area import RequestsArea

    seen = []

    def advance_and_close(dialog):
        seen.append(dialog.number_label.text())
        monkeypatch.setattr(prompts, "confirm", lambda *a: True)
        dialog.advance_button.click()
        return dialog.accept() or 1

    monkeypatch.setattr(request_detail.RequestDetailDialog, "exec", advance_and_close)
    area = RequestsArea()
    qtbot.addWidget(area)
    area.show_list()
    pending_id, number = requests_data["pending"]
    row = area.list.model.row_of_id(pending_id)
    area.list.view.doubleClicked.emit(area.list.model.index(row, 0))
    assert seen == [number]
    row = area.list.model.row_of_id(pending_id)
    assert area.list.model.row_dict(row)["status"] == "sample_collected"  # the list re-read it
