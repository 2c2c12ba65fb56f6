"""The cold-start measure starts the application as an installed copy does: compiled."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tempfile

import pytest

from patolab_desktop.bench.cold_start import compile_bytecode


def _tree(root, body="VALUE = 1\n"):
    (root / "patolab_desktop" / "inner").mkdir(parents=True)
    (root / "patolab_desktop" / "inner" / "module.py").write_text(body, encoding="utf-8")
    (root / "main.py").write_text("import sys\n", encoding="utf-8")


def test_every_module_gets_its_bytecode_even_where_python_would_not_write_it(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", True)  # PYTHONDONTWRITEBYTECODE=1
    _tree(tmp_path)
    assert compile_bytecode(tmp_path) is True
    for source in (tmp_path / "patolab_desktop" / "inner" / "module.py", tmp_path / "main.py"):
        assert (tmp_path / importlib.util.cache_from_source(str(source))).exists(), source


def test_a_module_that_does_not_compile_is_reported(tmp_path):
    _tree(tmp_path, body="def broken(:\n")
    assert compile_bytecode(tmp_path) is False


@pytest.mark.parametrize("returncode", [0, 1])
def test_the_cold_start_home_is_removed_afterwards(tmp_path, monkeypatch, returncode):
    """Each measured start runs with a home of its own (settings, logs); the bench removes
    it after the runs, also when a start failed (every run had left one in the temp dir)."""
    from patolab_desktop.bench import cold_start

    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    monkeypatch.setattr(cold_start, "compile_bytecode", lambda _root: True)
    homes = []

    def started(args, env, **_kwargs):
        homes.append(env["PATOLAB_HOME"])
        assert os.path.isdir(env["PATOLAB_HOME"])
        return subprocess.CompletedProcess(args, returncode, "", "falló")

    monkeypatch.setattr(cold_start.subprocess, "run", started)
    result: dict = {}
    cold_start.measure_cold_start(result, tmp_path / "x.db", lambda _line: None, runs=2)
    assert homes and all(home.startswith(str(temp)) for home in homes)
    assert list(temp.iterdir()) == []
    assert ("error" in result["cold_start_to_login_ms"]) == (returncode != 0)
