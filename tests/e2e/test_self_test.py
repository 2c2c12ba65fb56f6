"""``--self-test`` (issue 10): main window offscreen on a temporary database, a search,
a summary PDF; exit 0. The bundled executable runs the same code in CI builds."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_self_test_exits_zero_and_renders_a_pdf(tmp_path):
    pdf = tmp_path / "autoprueba.pdf"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PATOLAB_HOME=str(tmp_path / "home"))
    done = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--self-test", "--self-test-pdf", str(pdf)],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "AUTOPRUEBA CORRECTA" in done.stdout
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")
