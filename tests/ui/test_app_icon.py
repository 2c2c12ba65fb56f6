"""Issue 10: the application and its windows use the PatoLab icon file of
``resources/icons`` (made by ``scripts/make_icon.py``), not a qtawesome glyph."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon

from patolab_desktop import i18n, paths
from patolab_desktop.ui import app as gui_app
from patolab_desktop.ui import icons
from patolab_desktop.ui.admin.login_dialog import LoginDialog
from patolab_desktop.ui.main_window import MainWindow


def _image(qicon: QIcon, size: int):
    return qicon.pixmap(QSize(size, size)).toImage()


def _same_icon(actual: QIcon, expected: QIcon) -> bool:
    return actual.availableSizes() == expected.availableSizes() and all(
        _image(actual, s) == _image(expected, s) for s in (16, 32, 48, 256)
    )


@pytest.fixture
def application(qapp):
    app = gui_app.create_application()
    yield app
    i18n.remove_translators(app)  # create_application installs the saved language


def test_the_application_icon_comes_from_the_resource_file(application):
    path = icons.app_icon_path()
    assert path.parent == paths.resource("icons") and path.is_file()
    assert path.name == "patolab.ico"  # Qt reads ICO: every size Windows asks for
    from_file = QIcon(str(path))
    current = application.windowIcon()
    assert not current.isNull()
    assert {QSize(16, 16), QSize(32, 32), QSize(256, 256)} <= set(current.availableSizes())
    assert _same_icon(current, from_file)
    # a qtawesome glyph is drawn by an icon engine and has no sizes of its own
    assert not icons.awesome_icon("app").availableSizes()


def test_main_window_and_login_use_the_application_icon(qtbot, database, application):
    from_file = QIcon(str(icons.app_icon_path()))
    window = MainWindow(db_label="prueba.db")
    qtbot.addWidget(window)
    login = LoginDialog()
    qtbot.addWidget(login)
    assert _same_icon(window.windowIcon(), from_file)
    assert _same_icon(login.windowIcon(), from_file)
    assert _same_icon(icons.icon("app"), from_file)


def test_a_missing_icon_file_falls_back_to_the_glyph(qapp, monkeypatch, tmp_path):
    monkeypatch.setattr(icons, "app_icon_path", lambda: tmp_path / "missing.ico")
    icons.app_icon.cache_clear()
    try:
        fallback = icons.app_icon()
        assert not fallback.isNull() and not fallback.availableSizes()
    finally:
        icons.app_icon.cache_clear()
