"""Draw the icons of the first window once, from qtawesome, into PNG files.

The first window (login, or the first administrator) is what a receptionist waits for at
start. qtawesome (with qtpy, which loads every class of QtCore, QtGui and QtWidgets) costs
about 0.12 s to import; that window needs four of its icons, so they are read from
``resources/icons/login/`` instead and qtawesome loads after the login, with the main
window (issue 20). Every other icon still comes from qtawesome at run time.

Run after changing an icon of ``patolab_desktop.ui.icons.LOGIN_ICONS`` (``make icon``):
``QT_QPA_PLATFORM=offscreen python scripts/make_login_icons.py``. The files are committed;
``tests/ui/test_login_icons.py`` checks that they are there and drawn from their glyphs.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZE = 128  # scaled down by Qt to the 16–64 px the window asks for


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from PySide6.QtCore import QSize
    from PySide6.QtWidgets import QApplication

    from patolab_desktop.ui import icons

    QApplication.instance() or QApplication([])
    folder = ROOT / "resources" / "icons" / "login"
    folder.mkdir(parents=True, exist_ok=True)
    for name in icons.LOGIN_ICONS:
        image = icons.awesome_icon(name).pixmap(QSize(SIZE, SIZE)).toImage()
        path = folder / f"{name}.png"
        if not image.save(str(path), "PNG"):
            print(f"could not write {path}", file=sys.stderr)
            return 1
        print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
