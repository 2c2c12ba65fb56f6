"""CLI subcommands of the referrers area (filled in by the referrers work)."""
from __future__ import annotations


def register(sub, common) -> None:
    return None
