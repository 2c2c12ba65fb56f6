"""Draw every icon of the desk once, from its qtawesome glyph, into PNG files.

qtawesome at run time made the first window after the login wait about 0.12 s for its
import (qtpy loads every class of QtCore, QtGui, QtWidgets and QtOpenGL) and cost about
30 MB of memory: the import, and the twelve icon fonts it loads on the first icon while
the desk uses one (issue 20). The icons are therefore read from
``resources/icons/glyphs/``; qtawesome remains where they are drawn from, and the
fallback for a name without its file.

Run after adding or changing an icon of ``patolab_desktop.ui.icons.ICONS`` or ``COLORS``
(``make icon``): ``QT_QPA_PLATFORM=offscreen python scripts/make_glyph_icons.py``. The
files are committed; ``tests/ui/test_glyph_icons.py`` checks that each is there and drawn
from its glyph in its colour.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZE = 128  # scaled down by Qt to the 16–64 px a window asks for (sharp at 200 %)


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from PySide6.QtCore import QSize
    from PySide6.QtWidgets import QApplication

    from patolab_desktop.ui import icons

    QApplication.instance() or QApplication([])
    folder = ROOT / "resources" / Path(*icons.GLYPH_FOLDER)
    folder.mkdir(parents=True, exist_ok=True)
    wanted = {f"{name}.png" for name in icons.drawn_names()}
    for stale in folder.glob("*.png"):  # an icon no longer named
        if stale.name not in wanted:
            stale.unlink()
    for name in icons.drawn_names():
        image = icons.awesome_icon(name).pixmap(QSize(SIZE, SIZE)).toImage()
        path = folder / f"{name}.png"
        if not image.save(str(path), "PNG"):
            print(f"could not write {path}", file=sys.stderr)
            return 1
    print(f"{len(wanted)} icons in {folder.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
