"""Installs this area's tab and menu actions into the main window (stub)."""
from __future__ import annotations


def install(window) -> None:
    return None
