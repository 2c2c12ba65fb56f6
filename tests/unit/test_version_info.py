"""The Windows version resource is generated from ``patolab_desktop.__version__`` (issue 10)."""

from __future__ import annotations

import runpy
import subprocess
import sys
from pathlib import Path

import pytest

import patolab_desktop

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "scripts" / "make_version_info.py"


@pytest.fixture(scope="module")
def tool():
    return runpy.run_path(str(TOOL))


class _Node:
    """Stands for PyInstaller's version-info classes: keeps the call's arguments."""

    def __init__(self, kind, *args, **kwargs):
        self.kind, self.args, self.kwargs = kind, args, kwargs


def _parse(text: str) -> _Node:
    names = (
        "VSVersionInfo",
        "FixedFileInfo",
        "StringFileInfo",
        "StringTable",
        "StringStruct",
        "VarFileInfo",
        "VarStruct",
    )
    namespace = {name: (lambda *a, _n=name, **k: _Node(_n, *a, **k)) for name in names}
    return eval(text, {"__builtins__": {}}, namespace)  # the file is a Python expression


def _strings(info: _Node) -> dict[str, str]:
    string_file_info = info.kwargs["kids"][0]
    table = string_file_info.args[0][0]
    return {struct.args[0]: struct.args[1] for struct in table.args[1]}


def test_package_version_is_read_from_the_package(tool):
    assert tool["package_version"]() == patolab_desktop.__version__


@pytest.mark.parametrize(
    "version, numbers",
    [
        ("0.1.0", (0, 1, 0, 0)),
        ("1.2", (1, 2, 0, 0)),
        ("2.10.3.7", (2, 10, 3, 7)),
        ("1.4.0rc2", (1, 4, 0, 0)),
        ("3.0.dev1", (3, 0, 0, 0)),
    ],
)
def test_version_tuple_has_four_numbers(tool, version, numbers):
    assert tool["version_tuple"](version) == numbers


def test_version_tuple_refuses_text_that_is_no_version(tool):
    with pytest.raises(ValueError):
        tool["version_tuple"]("desarrollo")


def test_resource_carries_the_package_version(tool, tmp_path):
    out = tool["write_version_info"](tmp_path / "build" / "version_info.txt")
    info = _parse(out.read_text(encoding="utf-8"))
    version = patolab_desktop.__version__
    fixed = info.kwargs["ffi"].kwargs
    assert fixed["filevers"] == fixed["prodvers"] == tool["version_tuple"](version)
    strings = _strings(info)
    assert strings["FileVersion"] == strings["ProductVersion"] == version
    assert strings["ProductName"] == "PatoLab Desktop"
    assert strings["OriginalFilename"] == "PatoLab.exe"


def test_a_new_version_changes_the_resource(tool, tmp_path):
    out = tool["write_version_info"](tmp_path / "v.txt", version="2.3.4")
    info = _parse(out.read_text(encoding="utf-8"))
    assert info.kwargs["ffi"].kwargs["filevers"] == (2, 3, 4, 0)
    assert _strings(info)["ProductVersion"] == "2.3.4"


def test_spanish_text_survives_the_file(tool, tmp_path):
    out = tool["write_version_info"](tmp_path / "v.txt")
    assert "recepción" in _strings(_parse(out.read_text(encoding="utf-8")))["FileDescription"]


def test_command_line_writes_the_file(tmp_path):
    out = tmp_path / "version_info.txt"
    done = subprocess.run(
        [sys.executable, str(TOOL), str(out)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert (
        _strings(_parse(out.read_text(encoding="utf-8")))["FileVersion"]
        == patolab_desktop.__version__
    )


def test_installer_spec_uses_the_generated_resource():
    spec = (ROOT / "installer.spec").read_text(encoding="utf-8")
    assert "make_version_info.py" in spec and "version=str(VERSION_FILE)" in spec
