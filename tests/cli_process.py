"""The program as a user starts it: a real process from the checkout (offscreen, output
captured as text), and the CSV files it writes (UTF-8 with BOM)."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_captured(argv: list, env: dict, timeout: float = 300, **options):
    """``argv`` (any program) in the checkout folder with ``env``; stdout/stderr as text."""
    return subprocess.run(
        [str(a) for a in argv],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        **options,
    )


def run_python(*argv, env: dict, timeout: float = 300, **options) -> subprocess.CompletedProcess:
    """``python ARGV`` with this interpreter (``-m patolab_desktop.cli``, ``main.py``, ``-c``)."""
    return run_captured([sys.executable, *argv], env, timeout, **options)


def patolab(
    *args, home: Path, user: str | None = None, password: str | None = None, timeout=120
) -> subprocess.CompletedProcess:
    """``python -m patolab_desktop.cli ARGS [--user USER]`` with ``home`` as PATOLAB_HOME
    (and ``password`` as PATOLAB_PASSWORD when given)."""
    env = {**os.environ, "PATOLAB_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    if password is not None:
        env["PATOLAB_PASSWORD"] = password
    extra = ["--user", user] if user else []
    return run_python("-m", "patolab_desktop.cli", *args, *extra, env=env, timeout=timeout)


def read_csv(path: Path) -> list[list[str]]:
    """The rows of an exported CSV file, which must start with the UTF-8 BOM."""
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM"
    return list(csv.reader(raw.decode("utf-8-sig").splitlines()))
