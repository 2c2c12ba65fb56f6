"""Per-user files (issue 10): resources from the bundle, data never beside the program."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from patolab_desktop import paths, selftest

ROOT = Path(__file__).resolve().parents[2]


def test_resources_come_from_the_checkout_when_not_frozen(monkeypatch):
    monkeypatch.delattr(sys, "_MEIPASS", raising=False)
    assert paths.resources_dir() == ROOT / "resources"
    assert paths.resource("data", "honduras_geo.csv").is_file()


def test_frozen_resources_resolve_inside_meipass(monkeypatch, tmp_path):
    bundle = tmp_path / "PatoLab" / "_internal"
    (bundle / "resources" / "data").mkdir(parents=True)
    (bundle / "resources" / "data" / "honduras_geo.csv").write_text("x", encoding="utf-8")
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    assert paths.resources_dir() == bundle / "resources"
    assert paths.resource("data", "honduras_geo.csv").read_text(encoding="utf-8") == "x"


def test_patolab_home_overrides_every_user_folder(monkeypatch, tmp_path):
    home = tmp_path / "perfil"
    monkeypatch.setenv("PATOLAB_HOME", str(home))
    assert paths.data_dir() == home
    assert paths.log_dir() == home / "logs"
    assert paths.config_dir() == home / "config"
    assert paths.default_db_path() == home / "patolab.db"
    assert all(folder.is_dir() for folder in (home, home / "logs", home / "config"))


def _frozen_at(monkeypatch, tmp_path) -> Path:
    """Pretend to be the bundled PatoLab executable in ``tmp_path/app``."""
    app = tmp_path / "app" / "PatoLab"
    (app / "_internal").mkdir(parents=True)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(app / "PatoLab.exe"))
    monkeypatch.setattr(sys, "_MEIPASS", str(app / "_internal"), raising=False)
    return app


def test_user_folders_are_not_under_the_program_folder(monkeypatch, tmp_path):
    app = _frozen_at(monkeypatch, tmp_path)
    monkeypatch.delenv("PATOLAB_HOME", raising=False)
    profile = tmp_path / "profile"
    # platformdirs reads these on Linux; on Windows it asks the shell for LOCALAPPDATA.
    monkeypatch.setenv("XDG_DATA_HOME", str(profile / "share"))
    monkeypatch.setenv("XDG_STATE_HOME", str(profile / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(profile / "config"))
    monkeypatch.setenv("HOME", str(profile))
    assert selftest.app_folder() == app
    folders = [paths.data_dir(), paths.log_dir(), paths.config_dir(), paths.default_db_path()]
    for folder in folders:
        assert not folder.resolve().is_relative_to(app.resolve()), folder
    assert selftest.check_locations(app)  # the self-test's own check agrees
    assert list(app.iterdir()) == [app / "_internal"]  # nothing was created beside the exe


def test_self_test_location_check_refuses_data_beside_the_program(monkeypatch, tmp_path):
    app = _frozen_at(monkeypatch, tmp_path)
    monkeypatch.setenv("PATOLAB_HOME", str(app / "datos"))
    with pytest.raises(selftest.SelfTestError, match="dentro de la del programa"):
        selftest.check_locations(app)


def test_not_frozen_there_is_no_program_folder(monkeypatch):
    monkeypatch.delattr(sys, "frozen", raising=False)
    assert selftest.app_folder() is None
