"""Letting go of a big structure a slice at a time (``util.release``)."""

from __future__ import annotations

import gc
import weakref

from patolab_desktop.util import release


class _Row:
    pass


def test_empty_gradually_frees_every_item_a_slice_at_a_time(monkeypatch):
    rows = [_Row() for _ in range(1_234)]
    alive = [weakref.ref(r) for r in rows]
    sizes = []
    real_delitem = list.__delitem__

    class Watched(list):
        def __delitem__(self, key):
            sizes.append(len(self[key]))
            real_delitem(self, key)

    watched = Watched(rows)
    del rows
    release.empty_gradually([watched])
    assert watched == []
    assert all(ref() is None for ref in alive)  # freed as the slices went, no collector
    assert max(sizes) == release.SLICE and sum(sizes) == 1_234


def test_release_in_background_empties_the_lists_in_another_thread():
    first, second = [_Row() for _ in range(700)], [_Row() for _ in range(3)]
    alive = weakref.ref(first[0])
    thread = release.release_in_background([first, second])
    thread.join(timeout=10)
    assert not thread.is_alive() and thread.daemon
    assert first == [] and second == []
    gc.collect()
    assert alive() is None
