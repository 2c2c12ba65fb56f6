"""Accent- and case-folding used for search columns and duplicate detection."""
from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_NON_DIGITS = re.compile(r"\D+")


def fold(text: str | None) -> str:
    """Lower-case, strip accents (ñ → n), collapse whitespace.

    >>> fold("  José  MUÑOZ ")
    'jose munoz'
    """
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.casefold()).strip()


def digits(text: str | None) -> str:
    """Only the digits of a text ("0801-1990-12345" → "0801199012345")."""
    return _NON_DIGITS.sub("", text or "")


def clean(text: str | None) -> str:
    """Trim and collapse inner whitespace of a user-entered text."""
    return _SPACES.sub(" ", text or "").strip()
