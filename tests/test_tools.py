"""A missing outside tool skips with its reason on a developer's machine and fails on CI."""

from __future__ import annotations

import pytest

from tests import tools


def test_a_missing_tool_skips_with_the_way_to_install_it(monkeypatch):
    monkeypatch.setattr(tools, "REQUIRE_ALL", False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install libzbar0"):
        tools.need(False, "the zbar library", "apt-get install libzbar0")


def test_with_require_all_a_missing_tool_fails(monkeypatch):
    monkeypatch.setattr(tools, "REQUIRE_ALL", True)
    with pytest.raises(pytest.fail.Exception, match="PATOLAB_REQUIRE_ALL=1"):
        tools.need(False, "LibreOffice", "apt-get install libreoffice-calc-nogui")


def test_a_present_tool_does_nothing(monkeypatch):
    monkeypatch.setattr(tools, "REQUIRE_ALL", True)
    tools.need(True, "LibreOffice", "apt-get install libreoffice-calc-nogui")
