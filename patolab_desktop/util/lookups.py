"""A lookup that must find what it looks for."""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")


def present(found: T | None, error: Exception) -> T:
    """``found`` (a looked-up record or value); ``error`` is raised when it is None."""
    if found is None:
        raise error
    return found
