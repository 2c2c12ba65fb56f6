"""The first window (login or first administrator) opens without qtawesome: its icons are
PNG files (issue 20).

qtawesome's import (with qtpy loading every Qt class) was about a fifth of the cold start
to the login window; ``scripts/make_login_icons.py`` draws its four icons once.
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


def test_each_login_icon_is_a_file_drawn_from_its_qtawesome_glyph(qapp):
    for name in icons.LOGIN_ICONS:
        path = paths.resource("icons", "login", f"{name}.png")
        assert path.is_file(), f"run scripts/make_login_icons.py ({name})"
        from_file = icons.icon(name).pixmap(QSize(128, 128)).toImage()
        drawn = icons.awesome_icon(name).pixmap(QSize(128, 128)).toImage()
        file_alpha, drawn_alpha = _alpha(from_file), _alpha(drawn)
        assert sum(file_alpha) > 0, name  # not an empty picture
        difference = sum(abs(a - b) for a, b in zip(file_alpha, drawn_alpha, strict=True))
        assert difference / (255 * len(file_alpha)) < 0.05, f"{name}: redraw the file"


def test_the_first_windows_are_shown_without_importing_qtawesome(tmp_path):
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
    assert done.stdout.strip().splitlines()[-1] == "False"
