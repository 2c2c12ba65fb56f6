"""The customers tab: paged model, search-as-you-type, filters, SQL sort, actions."""

from __future__ import annotations

import itertools

import pytest
from playhouse.test_utils import assert_query_count, count_queries
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from patolab_desktop.services import customers, reference
from patolab_desktop.ui import prompts
from patolab_desktop.ui.customers import customer_dialog
from patolab_desktop.ui.customers.customers_window import CustomersWindow
from patolab_desktop.ui.models.paged_table import ROW_DICT_ROLE, ROW_ID_ROLE
from tests.ui.list_helpers import column, owned

_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def _no_real_prompts(monkeypatch):
    """A message box nobody answers would hang the run: an unexpected one fails the test.
    Tests that expect a question patch the prompt themselves."""

    def unexpected(name):
        def fail(parent, title="", text="", *rest):
            raise AssertionError(f"unexpected prompts.{name}: {title} — {text}")

        return fail

    for name in ("confirm", "info", "error", "ask_text", "save_file", "open_file"):
        monkeypatch.setattr(prompts, name, unexpected(name))


def gender_id(name: str) -> int:
    """By the stored (Spanish) name, whatever the interface language."""
    from patolab_desktop.db.models import Gender

    return Gender.get(Gender.name == name).id


def department_id(name: str) -> int:
    return next(i for i, n in reference.departments() if n == name)


def municipality_id(department: str, name: str | None = None) -> int:
    items = reference.municipalities(department_id(department))
    if name is None:
        return items[0][0]
    return next(i for i, n in items if n == name)


def make_customer(first_name: str = "Ana", last_name: str = "López", **values) -> int:
    """A valid customer through the real service; unique id_number and phone by default."""
    n = next(_numbers)
    department = values.pop("department", "Francisco Morazán")
    data = customers.CustomerData(
        type="cliente",
        first_name=first_name,
        last_name=last_name,
        id_number=f"0801{1950 + n % 50:04d}{n:05d}",
        gender_id=gender_id("Mujer"),
        age=30,
        phone=f"9{n:07d}",
        department_id=department_id(department),
        municipality_id=municipality_id(department),
    )
    for key, value in values.items():
        setattr(data, key, value)
    if data.type == "empresa":
        data.first_name = data.last_name = ""
    return customers.create(data)


def names(window: CustomersWindow) -> list[str]:
    return column(window, "name")


@pytest.fixture
def window(qtbot, database):
    return owned(qtbot, CustomersWindow(), (1200, 600))


def type_text(qtbot, widget, text: str) -> None:
    """Type ``text`` key by key (QTest.keyClicks only knows ASCII: "ñ", "í" go as text)."""
    for char in text:
        if char.isascii():
            qtbot.keyClick(widget, char)
        else:
            QTest.sendKeyEvent(
                QTest.KeyAction.Click,
                widget,
                Qt.Key.Key_unknown,
                char,
                Qt.KeyboardModifier.NoModifier,
            )


def show_active(qtbot, window: CustomersWindow) -> None:
    """Show and activate the window: key shortcuts only reach the active window."""
    window.refresh()
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def search(qtbot, window: CustomersWindow, text: str) -> None:
    window.search_box.clear()
    type_text(qtbot, window.search_box, text)
    window.search_box.flush()


# --- the model ------------------------------------------------------------------------


def test_model_passes_qtmodeltester(qtbot, qtmodeltester, database):
    make_customer("María", "Pérez")
    make_customer("Juan", "Muñoz", is_blocked=True)
    make_customer(
        type="empresa", name="Hospital Viera", id_number="08019005123456", gender_id=None, age=None
    )
    window = CustomersWindow()
    qtbot.addWidget(window)
    assert window.model.rowCount() == 3
    qtmodeltester.check(window.model)


def test_data_runs_no_sql(qtbot, database):
    for n in range(6):
        make_customer(f"Paciente{n}", "Prueba")
    gone = make_customer("Inactivo", "Prueba")
    customers.deactivate(gone)
    window = CustomersWindow()
    qtbot.addWidget(window)
    window.filter_bar.inactive_check.setChecked(True)  # inactive rows have icons and colour
    model = window.model
    assert model.rowCount() == 7
    roles = [*Qt.ItemDataRole, ROW_ID_ROLE, ROW_DICT_ROLE]  # every role a view may ask
    with assert_query_count(0):
        seen = [
            model.data(model.index(r, c), role)
            for r in range(model.rowCount())
            for c in range(model.columnCount())
            for role in roles
        ]
        headers = [
            model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())
        ]
    assert "Inactivo Prueba" in seen and "Identidad/RTN" in headers
    with count_queries() as control:  # the counter does see queries (the check is not idle)
        model.fetchMore()
        window.refresh()
    assert control.count > 0


def test_rows_show_formatted_values(qtbot, window, database):
    make_customer(
        "María",
        "Pérez",
        id_number="0801-1990-12345",
        phone="9988-7766",
        age=34,
        email="Maria@Example.com",
    )
    window.refresh()
    model = window.model
    shown = {
        model.headerData(c, Qt.Orientation.Horizontal): model.index(0, c).data()
        for c in range(model.columnCount())
    }
    assert shown["Nombre"] == "María Pérez"
    assert shown["Identidad/RTN"] == "0801-1990-12345"
    assert shown["Teléfono"] == "+504 9988-7766"
    assert shown["Edad"] == "34 años"  # customers.age_text, as the papers say it
    assert shown["Tipo"] == "Paciente"
    assert shown["Género"] == "Mujer"
    assert shown["Correo"] == "maria@example.com"
    assert shown["Departamento"] == "Francisco Morazán"
    assert len(shown["Registrado"]) == 10 and shown["Registrado"][2] == "/"
    assert window.count_label.text() == "1 cliente"


# --- search and filters ---------------------------------------------------------------


def test_search_is_accent_and_case_insensitive(qtbot, window, database):
    make_customer("María", "Pérez")
    make_customer("Juan", "Muñoz")
    make_customer("Carlos", "Castro", id_number="0801199012345")
    window.refresh()
    assert len(names(window)) == 3

    search(qtbot, window, "perez")
    assert names(window) == ["María Pérez"]
    search(qtbot, window, "MUNOZ")
    assert names(window) == ["Juan Muñoz"]
    # identity numbers are encrypted at rest: found whole or by their 4/8-digit prefix
    search(qtbot, window, "0801-1990-12345")
    assert names(window) == ["Carlos Castro"]
    search(qtbot, window, "0801-1990")
    assert names(window) == ["Carlos Castro"]
    search(qtbot, window, "nadie se llama así")
    assert names(window) == []
    assert "No hay clientes" in window.count_label.text()


def test_search_is_debounced(qtbot, window, database):
    make_customer("María", "Pérez")
    make_customer("Juan", "Muñoz")
    window.refresh()
    with qtbot.waitSignal(window.search_box.search_changed, timeout=2000) as blocker:
        type_text(qtbot, window.search_box, "muñ")
        # typing alone does not query on every key: the list is unchanged until the pause
        assert len(names(window)) == 2
    assert blocker.args == ["muñ"]
    qtbot.waitUntil(lambda: names(window) == ["Juan Muñoz"], timeout=2000)


def test_filters_by_type_gender_department_and_municipality(qtbot, window, database):
    make_customer("María", "Pérez", department="Cortés")
    make_customer("Juan", "Muñoz", gender_id=gender_id("Hombre"))
    make_customer(
        type="empresa", name="Hospital Viera", id_number="08019005123456", gender_id=None, age=None
    )
    other_town = (
        municipality_id("Cortés", "Puerto Cortés")
        if any(n == "Puerto Cortés" for _, n in reference.municipalities(department_id("Cortés")))
        else reference.municipalities(department_id("Cortés"))[1][0]
    )
    make_customer("Rosa", "Cortés", department="Cortés", municipality_id=other_town)
    window.refresh()
    bar = window.filter_bar

    bar.type_combo.setCurrentIndex(bar.type_combo.findData("empresa"))
    assert names(window) == ["Hospital Viera"]
    bar.type_combo.setCurrentIndex(bar.type_combo.findData("cliente"))
    assert sorted(names(window)) == ["Juan Muñoz", "María Pérez", "Rosa Cortés"]

    bar.gender_combo.setCurrentIndex(bar.gender_combo.findData(gender_id("Hombre")))
    assert names(window) == ["Juan Muñoz"]
    bar.gender_combo.setCurrentIndex(0)

    assert not bar.municipality_combo.isEnabled()
    bar.department_combo.setCurrentIndex(bar.department_combo.findData(department_id("Cortés")))
    assert sorted(names(window)) == ["María Pérez", "Rosa Cortés"]
    # the municipality list was reloaded with the department's municipalities only
    offered = {bar.municipality_combo.itemData(i) for i in range(1, bar.municipality_combo.count())}
    assert offered == {i for i, _ in reference.municipalities(department_id("Cortés"))}
    assert bar.municipality_combo.isEnabled()
    bar.municipality_combo.setCurrentIndex(bar.municipality_combo.findData(other_town))
    assert names(window) == ["Rosa Cortés"]

    filters = window.current_filters()
    assert (filters.type, filters.department_id, filters.municipality_id) == (
        "cliente",
        department_id("Cortés"),
        other_town,
    )

    bar.department_combo.setCurrentIndex(
        bar.department_combo.findData(department_id("Francisco Morazán"))
    )
    assert window.current_filters().municipality_id is None  # reset with the department
    assert names(window) == ["Juan Muñoz"]


def test_search_and_filters_combine(qtbot, window, database):
    make_customer("María", "Pérez", department="Cortés")
    make_customer("Mario", "Pérez")
    window.refresh()
    search(qtbot, window, "perez")
    assert len(names(window)) == 2
    bar = window.filter_bar
    bar.department_combo.setCurrentIndex(bar.department_combo.findData(department_id("Cortés")))
    assert names(window) == ["María Pérez"]


# --- sort and paging ------------------------------------------------------------------


def click_header(qtbot, window: CustomersWindow, title: str) -> None:
    header = window.view.horizontalHeader()
    model = window.model
    section = next(
        c
        for c in range(model.columnCount())
        if model.headerData(c, Qt.Orientation.Horizontal) == title
    )
    x = header.sectionViewportPosition(section) + header.sectionSize(section) // 2
    qtbot.mouseClick(
        header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2)
    )


def test_header_click_sorts_in_sql(qtbot, window, database):
    make_customer("Beatriz", "Zelaya", phone="3100-0003")
    make_customer("Álvaro", "Andino", phone="9900-0001")
    make_customer("Carmen", "Molina", phone="2200-0002")
    show_active(qtbot, window)
    assert names(window) == ["Álvaro Andino", "Beatriz Zelaya", "Carmen Molina"]

    queries = []
    original = window.model._fetch
    window.model._fetch = lambda filters, request: (
        queries.append(request.sort) or original(filters, request)
    )

    click_header(qtbot, window, "Nombre")  # already ascending: now descending
    assert names(window) == ["Carmen Molina", "Beatriz Zelaya", "Álvaro Andino"]
    click_header(qtbot, window, "Teléfono")
    assert names(window) == ["Carmen Molina", "Beatriz Zelaya", "Álvaro Andino"]  # 22.., 31.., 99..
    click_header(qtbot, window, "Teléfono")
    assert names(window) == ["Álvaro Andino", "Beatriz Zelaya", "Carmen Molina"]
    assert queries == ["name", "phone", "phone"]  # each click re-ran the query

    # every column a receptionist reads sorts in SQL (issue 16): "Tipo" too, ties by id
    click_header(qtbot, window, "Tipo")
    assert names(window) == ["Beatriz Zelaya", "Álvaro Andino", "Carmen Molina"]
    assert queries == ["name", "phone", "phone", "type"]


def test_fetch_more_brings_the_next_pages(qtbot, database):
    for n in range(12):
        make_customer(f"Paciente{n:02d}", "Prueba")
    window = CustomersWindow(page_size=5)
    qtbot.addWidget(window)
    model = window.model
    assert model.rowCount() == 5 and model.canFetchMore()
    # the count comes from a worker thread: until then the label says there are more
    assert window.count_label.text() == "Mostrando 5 clientes (hay más: baje para verlos)"
    window.wait_for_count()
    assert window.count_label.text() == "Mostrando 5 de 12 clientes"
    model.fetchMore()
    assert model.rowCount() == 10
    model.fetchMore()
    assert model.rowCount() == 12 and not model.canFetchMore()
    assert names(window) == [f"Paciente{n:02d} Prueba" for n in range(12)]
    assert window.count_label.text() == "12 clientes"


def test_scrolling_the_view_fetches_more(qtbot, database):
    for n in range(30):
        make_customer(f"Paciente{n:02d}", "Prueba")
    window = CustomersWindow(page_size=10)
    qtbot.addWidget(window)
    window.resize(1000, 300)
    show_active(qtbot, window)
    window.view.scrollToBottom()
    qtbot.waitUntil(lambda: window.model.rowCount() > 10, timeout=3000)
    assert (
        len(set(window.model.row_id(r) for r in range(window.model.rowCount())))
        == window.model.rowCount()
    )


# --- actions --------------------------------------------------------------------------


def test_deactivate_hides_the_customer_and_reactivate_brings_it_back(
    qtbot, window, database, monkeypatch
):
    keep = make_customer("Ana", "Andino")
    gone = make_customer("Beto", "Bonilla")
    show_active(qtbot, window)
    window.select_id(gone)
    window.view.setFocus()

    monkeypatch.setattr(prompts, "confirm", lambda *a: False)
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)
    assert customers.get(gone).active and "Beto Bonilla" in names(window)

    asked = []
    monkeypatch.setattr(prompts, "confirm", lambda parent, title, text: asked.append(text) or True)
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)
    assert "Beto Bonilla" in asked[0]
    assert not customers.get(gone).active
    assert names(window) == ["Ana Andino"]
    assert window.selected_id() == keep  # the neighbour is selected

    window.filter_bar.inactive_check.setChecked(True)
    assert names(window) == ["Ana Andino", "Beto Bonilla"]
    window.select_id(gone)
    assert window.reactivate_action.isEnabled() and not window.deactivate_action.isEnabled()
    row = window.model.row_of_id(gone)
    assert window.model.index(row, 0).data(Qt.ItemDataRole.ForegroundRole) is not None
    window.reactivate_action.trigger()
    assert customers.get(gone).active
    window.filter_bar.inactive_check.setChecked(False)
    assert names(window) == ["Ana Andino", "Beto Bonilla"]


def test_reactivate_refused_when_id_number_taken(qtbot, window, database, monkeypatch):
    old = make_customer("Beto", "Bonilla", id_number="0801199099999")
    customers.deactivate(old)
    make_customer("Otro", "Dueño", id_number="0801199099999")
    window.filter_bar.inactive_check.setChecked(True)
    window.select_id(old)
    errors = []
    monkeypatch.setattr(prompts, "error", lambda parent, title, text: errors.append(text))
    assert window.reactivate_selected() is False
    assert "0801-1990-99999" in errors[0]
    assert not customers.get(old).active


def fill_and_save(monkeypatch, fill):
    """Replace the dialog's exec() with: fill the form, press Enter, return the result."""
    opened = []

    def fake_exec(dialog):
        opened.append(dialog)
        fill(dialog)
        dialog.save()
        return dialog.result()

    monkeypatch.setattr(customer_dialog.CustomerDialog, "exec", fake_exec)
    return opened


def test_ctrl_n_registers_a_customer_and_selects_it(qtbot, window, database, monkeypatch):
    make_customer("Zoila", "Zúniga")
    show_active(qtbot, window)

    def fill(dialog):
        dialog.first_name_edit.setText("Pedro")
        dialog.last_name_edit.setText("Pérez")
        dialog.id_number_edit.setText("0801199500001")
        dialog.gender_combo.setCurrentIndex(dialog.gender_combo.findData(gender_id("Hombre")))
        dialog.age_edit.setText("29")
        dialog.phone_edit.setText("9911-2233")
        dialog.department_combo.setCurrentIndex(
            dialog.department_combo.findData(department_id("Cortés"))
        )
        dialog.municipality_combo.setCurrentIndex(1)

    opened = fill_and_save(monkeypatch, fill)
    window.search_box.setFocus()
    qtbot.keyClick(window.search_box, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert len(opened) == 1
    assert names(window) == ["Pedro Pérez", "Zoila Zúniga"]
    assert window.model.row_dict(window.view.currentIndex().row())["name"] == "Pedro Pérez"


def test_enter_on_a_row_edits_it_and_the_row_is_updated(qtbot, window, database, monkeypatch):
    make_customer("Ana", "Andino")
    edited = make_customer("Beto", "Bonilla", phone="9900-1111")
    show_active(qtbot, window)
    window.select_id(edited)
    window.view.setFocus()

    def fill(dialog):
        assert dialog.customer_id == edited
        assert dialog.phone_edit.text() == "+504 9900-1111"
        dialog.last_name_edit.setText("Bonilla Reyes")
        dialog.phone_edit.setText("3322-4455")

    opened = fill_and_save(monkeypatch, fill)
    qtbot.keyClick(window.view, Qt.Key.Key_Return)
    assert len(opened) == 1
    row = window.model.row_of_id(edited)
    assert window.model.row_dict(row)["name"] == "Beto Bonilla Reyes"
    assert window.model.row_dict(row)["phone"] == "+504 3322-4455"
    assert window.selected_id() == edited
    assert customers.get(edited).phone == "+50433224455"


def test_double_click_edits(qtbot, window, database, monkeypatch):
    edited = make_customer("Beto", "Bonilla")
    show_active(qtbot, window)
    opened = fill_and_save(monkeypatch, lambda dialog: None)
    rect = window.view.visualRect(window.model.index(0, 0))
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert [d.customer_id for d in opened] == [edited]


def test_keyboard_flow_search_down_enter(qtbot, window, database, monkeypatch):
    make_customer("Ana", "Andino")
    wanted = make_customer("Beto", "Bonilla")
    show_active(qtbot, window)
    window.activateWindow()
    window.focus_default()
    qtbot.waitUntil(window.search_box.hasFocus)
    qtbot.keyClicks(window.search_box, "bonilla")
    qtbot.keyClick(window.search_box, Qt.Key.Key_Down)  # searches now and enters the list
    assert window.view.hasFocus() and window.selected_id() == wanted
    opened = fill_and_save(monkeypatch, lambda dialog: None)
    qtbot.keyClick(window.view, Qt.Key.Key_Return)
    assert [d.customer_id for d in opened] == [wanted]
    qtbot.keyClick(window.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.search_box.hasFocus()
    qtbot.keyClick(window.search_box, Qt.Key.Key_Escape)  # Esc clears the search
    assert window.search_box.text() == "" and len(names(window)) == 2


def test_reload_keeps_filters_and_shows_external_changes(qtbot, window, database):
    make_customer("Ana", "Andino")
    show_active(qtbot, window)
    search(qtbot, window, "andino")
    make_customer("Alba", "Andino")  # saved elsewhere (another workstation)
    assert names(window) == ["Ana Andino"]
    qtbot.keyClick(window.view, Qt.Key.Key_F5)
    assert names(window) == ["Alba Andino", "Ana Andino"]
    assert window.current_filters().search == "andino"


def test_export_filters_are_the_screen_filters_active_only(qtbot, window, database):
    search(qtbot, window, "perez")
    window.filter_bar.inactive_check.setChecked(True)
    bar = window.filter_bar
    bar.type_combo.setCurrentIndex(bar.type_combo.findData("cliente"))
    filters = window.export_filters()
    assert (filters.search, filters.type, filters.include_inactive) == ("perez", "cliente", False)


def test_edit_of_a_customer_deleted_meanwhile_reloads(qtbot, window, database, monkeypatch):
    make_customer("Ana", "Andino")
    errors = []
    monkeypatch.setattr(prompts, "error", lambda parent, title, text: errors.append(title))
    assert window.edit_customer(999_999) is False
    assert errors == ["Cliente no encontrado"]


def test_actions_have_icons_and_shortcuts(qtbot, window, database):
    for action in (
        window.new_action,
        window.edit_action,
        window.deactivate_action,
        window.reactivate_action,
    ):
        assert not action.icon().isNull()
    from PySide6.QtGui import QKeySequence

    native = QKeySequence("Ctrl+N").toString(QKeySequence.SequenceFormat.NativeText)
    assert native in window.new_action.toolTip()  # "Control+N" once Qt speaks Spanish
    assert window.new_action.shortcut().toString() == "Ctrl+N"
    assert window.deactivate_action.shortcut().toString() == "Del"
