"""Screenshots of every window at common front-desk screen sizes (issue 16).

    python scripts/screenshots.py [--out docs/screenshots]

Runs the screen-size test (tests/ui/test_screen_sizes.py), which opens the main window
on every tab and every dialog in Spanish and English at 1024×768 and 1366×768, checks
that they fit, and saves ``<out>/<lang>/<W>x<H>/<name>.png``. Look at them.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = parser.parse_args(argv)
    env = dict(os.environ, PATOLAB_SCREENSHOTS=str(Path(args.out).resolve()))
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    command = [sys.executable, "-m", "pytest", "tests/ui/test_screen_sizes.py", "-q"]
    return subprocess.call(command, cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main())
