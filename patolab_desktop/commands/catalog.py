"""CLI subcommands of the catalog area (filled in by the catalog work)."""
from __future__ import annotations


def register(sub, common) -> None:
    return None
