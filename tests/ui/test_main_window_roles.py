"""The main window follows the logged-in user's role, also across a user switch: an area the
first user's role could not open appears when someone who may see it logs in."""

from __future__ import annotations

import pytest

from patolab_desktop.services.access import permissions, session, users
from patolab_desktop.ui.admin import login_flow
from patolab_desktop.ui.main_window import MainWindow
from tests.security_helpers import PASSWORD, login_as, make_user

from .test_customers_window import make_customer

pytestmark = pytest.mark.usefixtures("no_session", "fast_hashing")


def _visible_tabs(window: MainWindow) -> list[str]:
    return [
        window.tabs.tabText(i) for i in range(window.tabs.count()) if window.tabs.isTabVisible(i)
    ]


@pytest.fixture
def cashier(database):
    """A custom role that may only see the catalogue, and one user with it."""
    with session.acting_as(session.system_actor("tests")):
        users.create_role("Caja")
        users.set_role_permission("Caja", "catalog.view", True)
    make_user("caja1", "Caja")
    return "caja1"


def test_an_area_left_out_for_the_first_user_appears_for_the_next(qtbot, cashier, clock):
    from patolab_desktop.services.access import auth

    with session.acting_as(session.system_actor("tests")):
        make_customer("María", "Pérez")
    actor = auth.login(cashier, PASSWORD)
    window = MainWindow(db_label="prueba.db")
    qtbot.addWidget(window)
    admin = login_flow.install_admin(window, actor, lock_minutes=10)
    window.apply_permissions(session.has)
    assert window.tab("referrers") is None  # its list could not be read by this role
    assert _visible_tabs(window) == ["Catálogo"]
    window.reload_from_database()  # hidden tabs read nothing: no denial for this role

    auth.logout()
    admin.session_started(login_as(permissions.ROLE_ADMIN))
    referrers_tab = window.tab("referrers")
    assert referrers_tab is not None
    assert {"Remitentes", "Clientes", "Catálogo"} <= set(_visible_tabs(window))
    assert window.menu("referrers").menuAction().isVisible()
    assert window.tab("customers").model.rowCount() == 1  # reloaded for the new user

    auth.logout()
    admin.session_started(auth.login(cashier, PASSWORD))  # back: hidden again, no error
    assert _visible_tabs(window) == ["Catálogo"]
    assert window.tab("referrers") is referrers_tab  # installed once
    assert not window.menu("referrers").menuAction().isVisible()
    admin.lock.stop()


def test_a_refused_area_leaves_no_half_installed_tab_or_menu_entry(qtbot, database):
    from patolab_desktop.services.errors import PermissionDenied

    class HalfArea:
        __name__ = "half_area"

        @staticmethod
        def install(window):
            from PySide6.QtWidgets import QLabel

            window.add_tab("half", QLabel("medio"), "Medio", "customers")
            window.add_action("customers", "Algo", lambda: None, "customers")
            raise PermissionDenied("no")

    with session.acting_as(session.system_actor("tests")):
        window = MainWindow()
    qtbot.addWidget(window)
    tabs, actions = window.tabs.count(), len(window.menu("customers").actions())
    assert window._try_install(HalfArea) is False
    assert window.tabs.count() == tabs and window.tab("half") is None
    assert len(window.menu("customers").actions()) == actions


def test_a_permission_granted_while_signed_in_shows_as_a_new_sign_in_would(qtbot, database):
    """The minute's recheck installs the areas left out at start-up (Remitentes, whose tab
    reads its list) and the tabs now allowed read their data; a permission withdrawn
    hides them again."""
    from patolab_desktop.services.access import auth

    from .role_helpers import as_custom_role, window_for

    with session.acting_as(session.system_actor("tests")):
        make_customer("María", "Pérez")
    actor = as_custom_role("Auditor", {"audit.view", "prints.reports", "billing.reports"}, "aud1")
    window = window_for(qtbot, actor)
    assert window.tab("referrers") is None
    granted = ("patients.view", "lis.requests.view", "referrers.view")

    def as_admin_elsewhere(change) -> None:
        me = session.current()
        login_as(permissions.ROLE_ADMIN)
        change()
        session.set_current(me)

    as_admin_elsewhere(lambda: [users.set_role_permission("Auditor", k, True) for k in granted])
    window.admin.recheck_user()  # what the 60-s timer does
    live = _visible_tabs(window)
    assert live == ["Solicitudes", "Clientes", "Remitentes"]
    assert window.menu("referrers").menuAction().isVisible()
    assert window.tab("customers").model.rowCount() == 1  # read now it is shown
    session.set_current(None)
    fresh = window_for(qtbot, auth.login("aud1", PASSWORD))  # the same user signing in
    assert _visible_tabs(fresh) == live

    as_admin_elsewhere(lambda: users.set_role_permission("Auditor", "referrers.view", False))
    window.admin.recheck_user()
    assert _visible_tabs(window) == ["Solicitudes", "Clientes"]
    assert not window.menu("referrers").menuAction().isVisible()


def test_a_permission_a_role_grants_itself_in_an_admin_dialog_shows_its_area(qtbot, database):
    """A head of desk whose role manages users gives her own role the doctors list in the
    roles dialog: when the dialog closes, «Remitentes» is there (installed now, not at her
    next sign-in: the minute's recheck sees no change once the menus follow the new role)."""
    from .role_helpers import as_custom_role, window_for

    actor = as_custom_role("Jefa", {"users.manage", "patients.view"}, "jefa1")
    window = window_for(qtbot, actor)
    assert window.tab("referrers") is None

    class GrantsItself:  # what the roles dialog does when she ticks «Ver remitentes»
        def __init__(self, parent) -> None:
            pass

        def exec(self) -> int:
            users.set_role_permission("Jefa", "referrers.view", True)
            return 0

    window.admin._run(GrantsItself)
    assert window.tab("referrers") is not None
    assert "Remitentes" in _visible_tabs(window)
    window.admin.recheck_user()
    assert "Remitentes" in _visible_tabs(window)
