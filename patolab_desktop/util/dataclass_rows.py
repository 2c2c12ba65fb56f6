"""A dataclass filled from a database row: every field from the row's value of the same name
(an attribute of a model instance, or a key of a ``.dicts()`` row)."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

    T = TypeVar("T", bound=DataclassInstance)
else:
    T = TypeVar("T")


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls) if f.init)


def from_row(cls: type[T], row: Any, **given: Any) -> T:
    """``cls(name=row.name, ...)`` for each field of ``cls`` not in ``given``; ``given``
    holds the fields that are computed, renamed or cleaned. A field the row lacks is an
    error (AttributeError or KeyError), never silently the default."""
    if isinstance(row, Mapping):
        values = {name: row[name] for name in _field_names(cls) if name not in given}
    else:
        values = {name: getattr(row, name) for name in _field_names(cls) if name not in given}
    return cls(**values, **given)


def values_of(row: Any, names: Iterable[str]) -> dict[str, Any]:
    """``{name: row.name}`` for each of ``names``: the same-named values of another row."""
    return {name: getattr(row, name) for name in names}
