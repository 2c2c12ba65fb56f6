"""Issue 5 wiring: the real main window (every area installed) after a real login shows
only what the role may use — the Exportar menu only for administrators, tabs only with
their view permission — and ``run_gui`` shows the login before any main window."""

from __future__ import annotations

import pytest

from patolab_desktop.services.access import permissions, session
from patolab_desktop.ui.admin import login_flow
from patolab_desktop.ui.main_window import MainWindow
from tests.security_helpers import clock, fast_hashing, login_as, make_actor, no_session  # noqa: F401

pytestmark = pytest.mark.usefixtures("no_session", "fast_hashing")

TABS = {
    "customers": "patients.view",
    "referrers": "referrers.view",
    "catalog": "catalog.view",
    "requests": "lis.requests.view",
}


def _window_after_login(qtbot, actor) -> MainWindow:
    window = MainWindow(db_label="prueba.db")
    qtbot.addWidget(window)
    login_flow.install_admin(window, actor, lock_minutes=0)
    window.apply_permissions(session.has)
    return window


def _visible_texts(window: MainWindow, key: str) -> list[str]:
    return [
        a.text().replace("&", "")
        for a in window.menu(key).actions()
        if a.isVisible() and not a.isSeparator()
    ]


@pytest.mark.parametrize("role_name", [permissions.ROLE_RECEPTION, permissions.ROLE_SUPERVISOR])
def test_front_desk_roles_do_not_see_the_export_menu(qtbot, database, clock, role_name):
    window = _window_after_login(qtbot, login_as(role_name))
    assert window.menu("export").actions()  # the areas did install their export entries
    assert window.menu("export").menuAction().isVisible() is False
    assert _visible_texts(window, "export") == []
    titles = [a.text() for a in window.menuBar().actions() if a.isVisible()]
    assert "&Exportar" not in titles
    # the front desk still works: customers and requests menus and tabs are there
    assert window.menu("customers").menuAction().isVisible()
    assert window.menu("requests").menuAction().isVisible()
    for key in TABS:
        assert window.tabs.isTabVisible(window.tabs.indexOf(window.tab(key))), key


def test_administrator_sees_every_export(qtbot, database, clock):
    window = _window_after_login(qtbot, login_as(permissions.ROLE_ADMIN))
    assert window.menu("export").menuAction().isVisible()
    shown = _visible_texts(window, "export")
    assert len(shown) == len([a for a in window.menu("export").actions() if not a.isSeparator()])
    assert any("Remitentes" in text for text in shown)
    assert any("Clientes" in text or "clientes" in text for text in shown)


def test_tabs_are_hidden_without_their_view_permission(qtbot, database):
    only_requests = make_actor(
        "toma", "Toma de muestras", "Toma de muestras", {"lis.requests.view"}
    )
    with session.acting_as(only_requests):
        window = _window_after_login(qtbot, only_requests)
    # areas that read data on start (lists, pickers) are left out; the rest are hidden
    visible = {
        key
        for key in TABS
        if window.tab(key) is not None
        and window.tabs.isTabVisible(window.tabs.indexOf(window.tab(key)))
    }
    assert visible == {"requests"}
    assert window.menu("catalog").menuAction().isVisible() is False


def test_run_gui_asks_for_the_login_before_any_main_window(qtbot, db_path, monkeypatch):
    """The login dialog is the first window: closing it quits with 0 and no main window
    was built (so PATOLAB_EXIT_WHEN_SHOWN measures the login dialog)."""
    from patolab_desktop.ui import app, errors, main_window
    from patolab_desktop.ui.admin import backup_actions

    built = []
    monkeypatch.setattr(errors, "install", lambda: None)
    monkeypatch.setattr(
        backup_actions,
        "startup_checks_in_background",
        lambda parent, delay_ms=None: type("Done", (), {"wait": lambda self: None})(),
    )
    monkeypatch.setattr(
        main_window.MainWindow, "__init__", lambda self, *a, **k: built.append(self)
    )
    asked = []
    monkeypatch.setattr(
        login_flow, "start_session", lambda parent=None: asked.append(parent) or None
    )
    assert app.run_gui(db_target=str(db_path)) == 0
    assert asked == [None] and built == []
