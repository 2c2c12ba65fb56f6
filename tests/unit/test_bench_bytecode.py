"""The cold-start measure starts the application as an installed copy does: compiled."""

from __future__ import annotations

import importlib.util
import sys

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
