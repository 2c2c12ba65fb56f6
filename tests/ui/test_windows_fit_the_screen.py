"""Every window opens within the screen it opens on (a 1024 × 768 front desk, here the
test platform's smaller screen): the main window and the request detail asked for 1200
and 1080 pixels and opened with «Cerrar» and the last column off the screen."""

from __future__ import annotations

import pytest

from patolab_desktop.services.access import permissions
from patolab_desktop.ui.widgets.screen_fit import SIDE_MARGIN, TOP_MARGIN, fit_to_screen

from .requests_helpers import acting, desk, make_request  # noqa: F401 (fixtures)
from .role_helpers import act_as, main_window_as


def _within_screen(widget) -> None:
    free = widget.screen().availableGeometry()
    assert widget.width() <= free.width() - SIDE_MARGIN, (widget.width(), free)
    assert widget.height() <= free.height() - TOP_MARGIN, (widget.height(), free)


def test_a_size_beyond_the_screen_is_cut_to_it_and_a_smaller_one_kept(qtbot):
    from PySide6.QtWidgets import QWidget

    widget = QWidget()
    qtbot.addWidget(widget)
    free = widget.screen().availableGeometry()
    fit_to_screen(widget, free.width() * 2, free.height() * 2)
    assert (widget.width(), widget.height()) == (
        free.width() - SIDE_MARGIN,
        free.height() - TOP_MARGIN,
    )
    fit_to_screen(widget, 300, 200)
    assert (widget.width(), widget.height()) == (300, 200)


@pytest.mark.parametrize(
    "role", [permissions.ROLE_RECEPTION, permissions.ROLE_LAB, permissions.ROLE_ADMIN]
)
def test_the_main_window(qtbot, database, role):
    window = main_window_as(qtbot, role)
    _within_screen(window)


@pytest.mark.parametrize("role", [permissions.ROLE_RECEPTION, permissions.ROLE_SUPERVISOR])
def test_the_request_detail_and_its_lines_dialog(qtbot, desk, role):  # noqa: F811
    from patolab_desktop.ui.requests.lines_dialog import RequestLinesDialog
    from patolab_desktop.ui.requests.request_detail import RequestDetailDialog

    ids = desk["catalog"]
    request_id, _number = make_request(desk["senior"], desk["doctor"], [ids["GLU"], ids["HEM"]])
    act_as(role)
    for dialog in (RequestDetailDialog(request_id), RequestLinesDialog(request_id)):
        qtbot.addWidget(dialog)
        _within_screen(dialog)


def test_the_administrator_windows(qtbot, database):
    from patolab_desktop.ui.admin.audit_viewer import AuditViewer
    from patolab_desktop.ui.customers.import_dialog import ImportDialog
    from patolab_desktop.ui.notify.outbox_window import OutboxWindow

    act_as(permissions.ROLE_ADMIN)
    for window in (AuditViewer(), ImportDialog(), OutboxWindow()):
        qtbot.addWidget(window)
        _within_screen(window)
