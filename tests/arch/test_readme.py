"""The README a newcomer reads: the command table is the parser's, no machine's paths."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_command_table_is_generated_from_the_parser():
    done = subprocess.run(
        [sys.executable, "scripts/command_table.py", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_subcommand_is_in_the_readme():
    from patolab_desktop.cli import build_parser

    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from command_table import rows
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for usage, _help in rows(build_parser()):
        assert f"`{usage.replace('|', chr(92) + '|')}`" in readme


def test_no_path_of_one_machine_and_the_quick_start_comes_first():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert not re.search(r"(/work/|/root/|/home/\w|/tmp/\w|C:\\\\Users\\\\\w)", readme)
    quick = readme.index("## Quick start")
    assert readme.index("make run", quick) < readme.index("make test", quick)
    assert "### Log in on the demo database" in readme
    assert (ROOT / "docs" / "ARCHITECTURE.md").exists()
