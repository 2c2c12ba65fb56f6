"""The main window with the customers area: tab, menus, focus and the CSV export."""

from __future__ import annotations

import csv

import pytest
from PySide6.QtCore import Qt

from patolab_desktop.services import customers
from patolab_desktop.services.access import session
from patolab_desktop.ui import prompts
from patolab_desktop.ui.customers import area as customers_area
from patolab_desktop.ui.main_window import MainWindow
from tests.expected import CUSTOMER_HEADER
from tests.security_helpers import make_actor

from .test_customers_window import (
    _no_real_prompts,  # noqa: F401 (an autouse fixture)
    make_customer,
    search,
)


@pytest.fixture
def window(qtbot, database):
    main = MainWindow(db_label="prueba.db")
    qtbot.addWidget(main)
    return main


def show_active(qtbot, main: MainWindow) -> None:
    main.show()
    main.activateWindow()
    qtbot.waitUntil(main.isActiveWindow)


def action(main: MainWindow, menu_key: str, text: str):
    for item in main.menu(menu_key).actions():
        if item.text().replace("&", "").split("\t")[0] == text:
            return item
    raise AssertionError(
        f"no «{text}» in menu {menu_key}: {[a.text() for a in main.menu(menu_key).actions()]}"
    )


def test_opens_with_the_customers_tab_and_the_search_box_focused(qtbot, window):
    tab = window.tab("customers")
    assert tab is not None
    window.tabs.setCurrentWidget(tab)  # where the window opens when it is the first tab
    show_active(qtbot, window)
    qtbot.waitUntil(tab.search_box.hasFocus)
    assert window.tabs.tabText(window.tabs.indexOf(tab)) == "Clientes"


def test_menu_entry_and_shortcut_show_the_customers_tab(qtbot, window):
    tab = window.tab("customers")
    show_action = action(window, "customers", "Clientes")
    assert show_action.shortcut().toString() == customers_area.SHOW_SHORTCUT
    assert not show_action.icon().isNull()
    other = next((i for i in range(window.tabs.count()) if window.tabs.widget(i) is not tab), None)
    show_active(qtbot, window)
    if other is not None:
        window.tabs.setCurrentIndex(other)
    window.menuBar().setFocus()
    qtbot.keyClick(
        window,
        Qt.Key.Key_C,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert window.tabs.currentWidget() is tab
    qtbot.waitUntil(tab.search_box.hasFocus)


def test_menu_new_customer_opens_the_dialog(qtbot, window, monkeypatch):
    from patolab_desktop.ui.customers.customer_dialog import CustomerDialog

    opened = []
    monkeypatch.setattr(CustomerDialog, "exec", lambda dialog: opened.append(dialog) or 0)
    item = action(window, "customers", "Nuevo cliente…")
    assert item.text().endswith("\tCtrl+N")  # the key is shown; the tab owns it
    item.trigger()
    assert len(opened) == 1 and opened[0].windowTitle() == "Nuevo cliente"
    assert window.tabs.currentWidget() is window.tab("customers")


def read_csv(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel shows the accents
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def test_export_menu_writes_the_csv_of_the_current_search(qtbot, window, tmp_path, monkeypatch):
    make_customer(
        "María",
        "Pérez",
        id_number="0801199012345",
        phone="9988-7766",
        email="maria@example.com",
        age=34,
    )
    make_customer("Mario", "Pérez Lara")
    make_customer("Juan", "Muñoz")
    make_customer("=cmd", "Pérez")  # a formula-looking name is neutralised
    gone = make_customer("Pedro", "Pérez")
    customers.deactivate(gone)
    tab = window.tab("customers")
    tab.reload()
    search(qtbot, tab, "perez")
    tab.filter_bar.inactive_check.setChecked(True)  # the export still leaves inactive out

    target = tmp_path / "salida" / "clientes"
    target.parent.mkdir()
    asked, told = [], []
    monkeypatch.setattr(
        prompts,
        "save_file",
        lambda parent, title, suggested, filter_: asked.append(suggested) or str(target),
    )
    monkeypatch.setattr(prompts, "info", lambda parent, title, text: told.append(text))
    monkeypatch.setattr(prompts, "error", lambda parent, title, text: pytest.fail(text))
    # the search is shown before exporting (issue 16 B); the user keeps it
    monkeypatch.setattr(customers_area, "ask_export_filter", lambda parent, parts: "filtered")

    export = action(window, "export", "Clientes (CSV)…")
    assert export.property("permission") == "exports.run"
    export.trigger()

    assert asked[0].endswith("clientes_patolab.csv")
    written = target.with_name("clientes.csv")  # ".csv" is added when missing
    rows = read_csv(written)
    assert rows[0] == CUSTOMER_HEADER
    by_name = {row[0]: row for row in rows[1:]}
    assert set(by_name) == {"María Pérez", "Mario Pérez Lara", "'=cmd Pérez"}
    maria = by_name["María Pérez"]
    assert maria[1] == "0801-1990-12345" and maria[3] == "34" and maria[4] == "Mujer"
    assert maria[5] == "9988-7766" and maria[8] == "maria@example.com"
    assert maria[6] == "Francisco Morazán"
    assert "3 clientes" in told[0] and str(written) in told[0]


def test_export_cancelled_at_the_file_question_writes_nothing(qtbot, window, tmp_path, monkeypatch):
    make_customer("María", "Pérez")
    monkeypatch.setattr(prompts, "save_file", lambda *a: None)
    monkeypatch.setattr(prompts, "info", lambda *a: pytest.fail("nothing was exported"))
    assert customers_area.export_customers(window) is None
    assert list(tmp_path.glob("*.csv")) == []


def test_export_to_an_unwritable_place_shows_an_error(qtbot, window, tmp_path, monkeypatch):
    make_customer("María", "Pérez")
    errors = []
    monkeypatch.setattr(
        prompts, "save_file", lambda *a: str(tmp_path / "no_existe" / "clientes_patolab.csv")
    )
    monkeypatch.setattr(prompts, "error", lambda parent, title, text: errors.append(text))
    monkeypatch.setattr(prompts, "info", lambda *a: pytest.fail("nothing was exported"))
    assert customers_area.export_customers(window) is None
    assert errors and "no_existe" in errors[0]


def test_reload_from_database_refreshes_the_customers_tab(qtbot, window):
    tab = window.tab("customers")
    assert tab.model.rowCount() == 0
    make_customer("Ana", "Andino")  # saved by someone else
    window.reload_from_database()
    assert tab.model.rowCount() == 1


def test_role_without_permission_gets_disabled_actions(qtbot, window, prompt_log):
    tab = window.tab("customers")
    make_customer("Ana", "Andino")
    tab.reload()
    tab.select_row(0)
    viewer = make_actor("solo", "Solo lectura", "Visor", {"patients.view"})
    with session.acting_as(viewer):
        tab.focus_default()
        assert not tab.new_action.isEnabled() and not tab.deactivate_action.isEnabled()
        # who may only see patients opens the record read-only («Ver cliente»; its own
        # test: test_view_only_patient_record.py)
        assert tab.edit_action.isEnabled() and tab.edit_action.text() == "&Ver"
        assert tab.new_customer() is None  # reached anyway (a menu not yet updated): says why
        [(_kind, title, text)] = prompt_log.kinds("error")
        assert title == "Nuevo cliente" and "No tiene permiso para registrar" in text
    tab.focus_default()
    assert tab.new_action.isEnabled() and tab.edit_action.isEnabled()
    assert tab.edit_action.text() != "&Ver"


def test_export_shows_the_hidden_filter_and_lets_clear_it(qtbot, database, tmp_path, monkeypatch):
    """Issue 16 B: Exportar → Clientes never applies the Clientes tab's search silently
    (as Administrador, the role that exports)."""
    from patolab_desktop.services.access import permissions

    from .role_helpers import main_window_as

    window = main_window_as(qtbot, permissions.ROLE_ADMIN)
    make_customer("María", "Pérez")
    make_customer("Ana", "Andino")
    tab = window.tab("customers")
    tab.search_box.setText("perez")
    tab._search_changed("perez")
    shown = []

    def answer(parent, described):
        shown.append(described)
        return answer.choice

    monkeypatch.setattr(customers_area, "ask_export_filter", answer)
    monkeypatch.setattr(prompts, "save_file", lambda *a: str(tmp_path / "c.csv"))
    told = []
    monkeypatch.setattr(prompts, "info", lambda parent, title, text: told.append(text))
    answer.choice = "filtered"
    assert customers_area.export_customers(window) == 1
    assert shown[-1] == ["Búsqueda: «perez»"]
    assert told[-1].startswith("Se exportó 1 cliente a:")
    answer.choice = "all"  # clear the filter: every active customer, and the tab shows them
    assert customers_area.export_customers(window) == 2
    assert tab.filter_description() == [] and tab.search_box.text() == ""
    assert told[-1].startswith("Se exportaron 2 clientes a:")
    answer.choice = None  # cancelled at the question: nothing asked after it
    tab.filter_bar.set_values(type="empresa")
    monkeypatch.setattr(prompts, "save_file", lambda *a: pytest.fail("cancelled before"))
    assert customers_area.export_customers(window) is None
    assert shown[-1] and shown[-1][0].startswith("Tipo de cliente:")


def test_export_filter_question_lists_the_filter(qtbot, window, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    seen = []

    def fake_exec(box):
        seen.append((box.text(), [b.text() for b in box.buttons()]))
        return 0

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    assert customers_area.ask_export_filter(window, ["Búsqueda: «perez»"]) is None
    text, buttons = seen[0]
    assert "Búsqueda: «perez»" in text
    assert any("Quitar el filtro" in b for b in buttons)
