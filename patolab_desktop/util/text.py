"""Accent- and case-folding used for search columns and duplicate detection."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPACES = re.compile(r"\s+")
_NON_DIGITS = re.compile(r"\D+")


def fold(text: str | None) -> str:
    """Lower-case, strip accents (ñ → n), collapse whitespace.

    >>> fold("  José  MUÑOZ ")
    'jose munoz'

    Folded word by word through a cache: names repeat the same few thousand words, so an
    import of 100,000 patients folds each word once instead of every time (3 times faster
    per name; the result is the same as folding the whole text, see the property test).
    """
    if not text:
        return ""
    return " ".join(word for word in map(_fold_word, text.split()) if word)


@lru_cache(maxsize=65536)
def _fold_word(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word)
    if not decomposed.isascii():  # ASCII has no combining marks
        decomposed = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", decomposed.casefold()).strip()


def digits(text: str | None) -> str:
    """Only the digits of a text ("0801-1990-12345" → "0801199012345")."""
    return _NON_DIGITS.sub("", text or "")


def clean(text: str | None) -> str:
    """Trim and collapse inner whitespace of a user-entered text.

    ``str.split`` splits on the characters the ``\\s`` of ``re`` matches (both are Python's
    Unicode whitespace: see the property test), in a third of the time; an import checks
    ten texts a row, most of them empty."""
    if not text:
        return ""
    return " ".join(text.split())


MAX_SEARCH_TERMS = 8  # more words narrow nothing a person can use, and cost a deeper query
MAX_SEARCH_CHARS = 200
_WHITESPACE_CONTROLS = str.maketrans({c: " " for c in "\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85"})


def strip_controls(text: str | None) -> str:
    """``text`` without control or format characters (NUL, escape codes, zero-width and
    bidi marks): tabs and line breaks become spaces, the rest is dropped."""
    if not text:
        return ""
    text = text.translate(_WHITESPACE_CONTROLS)
    if text.isprintable():
        return text
    return "".join(ch for ch in text if ch == " " or unicodedata.category(ch) not in ("Cc", "Cf"))


def search_input(text: str | None) -> str:
    """What a search box sends to a query: control characters ignored, whitespace
    collapsed, at most ``MAX_SEARCH_TERMS`` words and ``MAX_SEARCH_CHARS`` characters.

    Every search (customers, requests, referrers, catalog, users) goes through it, so a
    NUL pasted into the box or a paragraph of 300 words gives a result, never an error
    (an unbounded AND of terms overflowed SQLite's parser and Python's recursion)."""
    words = strip_controls(text)[: MAX_SEARCH_CHARS * 2].split()
    return " ".join(words[:MAX_SEARCH_TERMS])[:MAX_SEARCH_CHARS]
