"""Text folding for search columns: the word-cached ``fold`` equals folding the whole text."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from patolab_desktop.util.text import clean, digits, fold


def _fold_whole_text(text: str) -> str:
    """The definition: NFKD, drop combining marks, casefold, collapse whitespace."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", stripped.casefold()).strip()


def test_fold_examples():
    assert fold("  José  MUÑOZ ") == "jose munoz"
    assert fold("Núñez\tOrdóñez\nZÚÑIGA") == "nunez ordonez zuniga"
    assert fold("Straße İlhan") == "strasse ilhan"
    assert fold("a\u00a0b") == "a b"  # no-break space
    assert fold("ab¨cd") == "ab cd"  # a spacing diaeresis decomposes to space + mark
    assert fold("") == "" and fold(None) == ""


@settings(max_examples=400, deadline=None)
@given(
    st.text(alphabet=st.characters(codec="utf-8"), max_size=40)
    | st.lists(
        st.sampled_from(
            ["José", "MUÑOZ", " ", "\u00a0", "¨", "\u0301", "İ", "ß", "ǅ", "\t", "ﬁ", "Å", "x"]
        ),
        max_size=12,
    ).map("".join)
)
def test_fold_is_the_whole_text_definition(text):
    assert fold(text) == _fold_whole_text(text)


def test_digits_and_clean():
    assert digits("0801-1990-12345") == "0801199012345"
    assert clean("  a \t b  ") == "a b"


@settings(max_examples=400, deadline=None)
@given(
    st.text(alphabet=st.characters(codec="utf-8"), max_size=40)
    | st.lists(
        st.sampled_from(["a", " ", "\u00a0", "\t", "\n", "\x1c", "\x1f", "\u2028", "\u3000"]),
        max_size=12,
    ).map("".join)
)
def test_clean_is_trim_and_collapse_of_every_unicode_space(text):
    assert clean(text) == re.sub(r"\s+", " ", text).strip()
