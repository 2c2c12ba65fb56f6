"""A row of action buttons from a small table of specs.

A screen lists its actions once as ``(text, icon name, slot)``; ``push_buttons`` makes one
``forms.push_button`` per spec, in order. The screen unpacks the list into the attributes
it needs and hands the same list to its button row, so no button is named twice."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QPushButton

from .forms import push_button

#: «text» (with its mnemonic), the icon's name ("" for none) and what a click runs.
ButtonSpec = tuple[str, str, Callable[[], object]]


def push_buttons(*specs: ButtonSpec) -> list[QPushButton]:
    """One button per spec, in the order given."""
    return [push_button(text, icon_name, slot) for text, icon_name, slot in specs]
