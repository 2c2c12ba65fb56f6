"""The desk's icons are PNG files drawn once from their qtawesome glyphs (issue 20).

qtawesome's import (with qtpy loading every Qt class) was about a fifth of the cold start
to the login window, and with the twelve icon fonts it loads on the first icon about 30 MB
of the memory after browsing; ``scripts/make_glyph_icons.py`` draws every icon once.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from PySide6.QtCore import QSize, Qt

from patolab_desktop import paths
from patolab_desktop.ui import icons

ROOT = Path(__file__).resolve().parents[2]


def _alpha(image, size: int = 32) -> list[int]:
    small = image.scaled(
        size, size, Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation
    )
    return [small.pixelColor(x, y).alpha() for y in range(size) for x in range(size)]


def test_each_icon_is_a_file_drawn_from_its_qtawesome_glyph_in_its_colour(qapp):
    for name in icons.drawn_names():
        path = paths.resource(*icons.GLYPH_FOLDER, f"{name}.png")
        assert path.is_file(), f"run scripts/make_glyph_icons.py ({name})"
        from_file = icons.icon(name).pixmap(QSize(128, 128)).toImage()
        drawn = icons.awesome_icon(name).pixmap(QSize(128, 128)).toImage()
        file_alpha, drawn_alpha = _alpha(from_file), _alpha(drawn)
        assert sum(file_alpha) > 0, name  # not an empty picture
        difference = sum(abs(a - b) for a, b in zip(file_alpha, drawn_alpha, strict=True))
        assert difference / (255 * len(file_alpha)) < 0.05, f"{name}: redraw the file"
        assert _ink(from_file) == _ink(drawn), f"{name}: redraw the file (colour)"


def _ink(image) -> str:
    """The colour of the most opaque pixel: the icon's own colour."""
    small = image.scaled(32, 32)
    best = max(
        (small.pixelColor(x, y) for y in range(32) for x in range(32)),
        key=lambda c: c.alpha(),
    )
    return best.name()


def test_no_folder_file_is_left_from_an_icon_no_longer_named():
    folder = paths.resource(*icons.GLYPH_FOLDER)
    names = {p.stem for p in folder.glob("*.png")}
    assert names == set(icons.drawn_names())


def test_every_status_and_priority_the_requests_show_has_its_drawn_icon():
    from patolab_desktop.services import requests
    from patolab_desktop.ui.requests.common import _LINE_STATUS_LOOK

    drawn = set(icons.drawn_names())
    statuses = [*requests.STATUS_LABELS, *requests.LINE_STATUS_LABELS]
    for status in statuses:
        assert f"status_{_LINE_STATUS_LOOK.get(status, status)}" in drawn, status
    for priority in requests.PRIORITY_LABELS:
        assert f"priority_{priority}" in drawn, priority


def test_the_first_windows_and_the_main_window_are_shown_without_importing_qtawesome(tmp_path):
    script = textwrap.dedent(
        f"""
        import sys
        from patolab_desktop.ui.app import create_application
        from patolab_desktop.services.bootstrap import open_db
        app = create_application()
        open_db({str(tmp_path / "login.db")!r})
        from patolab_desktop.ui.admin.first_admin_dialog import FirstAdminDialog
        from patolab_desktop.ui.admin.login_dialog import LoginDialog
        for window in (LoginDialog(None), FirstAdminDialog(None)):
            window.show()
            app.processEvents()
            assert window.isVisible()
        print("qtawesome" in sys.modules)
        # after the login: the main window with every menu and tab an administrator has
        from patolab_desktop.services.access import session
        from patolab_desktop.ui.admin import login_flow
        from patolab_desktop.ui.main_window import MainWindow
        with session.acting_as(session.system_actor("icons")):
            main = MainWindow(db_label="login.db")
            login_flow.install_admin(main, session.current(), lock_minutes=0)
            main.apply_permissions(session.has)
            main.show()
            for index in range(main.tabs.count()):
                main.tabs.setCurrentIndex(index)
                app.processEvents()
            assert main.tabs.count() > 3
        print("qtawesome" in sys.modules)
        """
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PATOLAB_HOME=str(tmp_path / "home"))
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-2:] == ["False", "False"]
