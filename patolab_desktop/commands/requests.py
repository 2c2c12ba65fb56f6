"""CLI subcommands of the requests area (filled in by the requests work)."""
from __future__ import annotations


def register(sub, common) -> None:
    return None
