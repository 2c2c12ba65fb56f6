"""CLI subcommands of the customers area (filled in by the customers work)."""
from __future__ import annotations


def register(sub, common) -> None:
    return None
