"""A titled group of «caption: field» rows whose fields are kept by key (the totals of
the payment dialog, the WhatsApp account settings)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

from PySide6.QtWidgets import QFormLayout, QGroupBox, QWidget

FieldT = TypeVar("FieldT", bound=QWidget)


def keyed_form_box(
    title: str, captions: Mapping[str, str], make: Callable[[str], FieldT]
) -> tuple[QGroupBox, QFormLayout, dict[str, FieldT]]:
    """A group box «title» with a row per key of ``captions``, in order: the caption and
    the field ``make(key)`` (the caption's mnemonic focuses it). Returns the box, its form
    (for more rows) and the fields by key."""
    box = QGroupBox(title)
    form = QFormLayout(box)
    fields: dict[str, FieldT] = {}
    for key, caption in captions.items():
        fields[key] = make(key)
        form.addRow(caption, fields[key])
    return box, form, fields
