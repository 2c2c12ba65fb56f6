"""An error and the errors that led to it."""

from __future__ import annotations

from collections.abc import Iterator


def chain(exc: BaseException | None) -> Iterator[BaseException]:
    """``exc``, then its cause (``raise … from``) or, without one, the error being handled
    when it was raised, and so on: a failed clean-up can hide the error that mattered."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__
