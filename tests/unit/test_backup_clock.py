"""Issue 15, point 3: backup pruning survives a wrong clock, moved either way.

The newest N (7) copies are never deleted whatever their dates; a copy dated in the
future counts as the newest; a copy goes only when it is BOTH old and beyond the newest N.
"""

from __future__ import annotations

import datetime as dt

import pytest

from patolab_desktop import local_settings
from patolab_desktop.services.safety import backups

pytestmark = pytest.mark.sqlite_only

DAYS = [dt.datetime(2026, 3, d, 9, 0) for d in range(1, 31)]  # 30 daily copies in March


@pytest.fixture
def thirty(database, tmp_path):
    folder = tmp_path / "copias"
    for when in DAYS:
        backups.backup_now(folder, kind="inicio", when=when)
    local_settings.update(backup_folder=str(folder), backup_keep_days=30)
    return folder


def _dates(folder):
    return [b.taken_at for b in backups.list_backups(folder)]


def test_clock_years_ahead_keeps_the_newest_seven(thirty):
    removed = backups.prune(thirty, days=30, today=dt.date(2031, 6, 1))
    assert len(removed) == 23
    assert _dates(thirty) == sorted(DAYS, reverse=True)[:7]


def test_clock_ahead_at_start_through_the_automatic_backup(thirty):
    """The start of the program with the clock in 2031 (the case that deleted all 30)."""
    made = backups.auto_backup_if_due(now=dt.datetime(2031, 6, 1, 8, 0))
    kept = _dates(thirty)
    assert made is not None and len(kept) == 7
    assert kept[0] == dt.datetime(2031, 6, 1, 8, 0)
    assert kept[1:] == sorted(DAYS, reverse=True)[:6]


def test_clock_years_behind_deletes_nothing(thirty):
    assert backups.prune(thirty, days=30, today=dt.date(2020, 1, 1)) == []
    assert backups.auto_backup_if_due(now=dt.datetime(2020, 1, 1, 8, 0)) is not None
    assert len(_dates(thirty)) == 31  # the copies look "future": they count as newest


def test_future_dated_copies_count_as_newest_after_the_clock_is_fixed(thirty):
    for day in (1, 2, 3):  # three starts while the clock said 2031
        backups.backup_now(thirty, kind="inicio", when=dt.datetime(2031, 1, day, 9, 0))
    removed = backups.prune(thirty, days=5, today=dt.date(2026, 4, 1))
    kept = _dates(thirty)
    assert kept[:3] == [dt.datetime(2031, 1, d, 9, 0) for d in (3, 2, 1)]
    assert kept[3:] == sorted(DAYS, reverse=True)[:4]  # newest 7 in all
    assert len(removed) == 26


def test_age_and_count_are_both_needed(database, tmp_path):
    folder = tmp_path / "copias"
    many_recent = [dt.datetime(2026, 3, 31, h, 0) for h in range(20)]  # 20 copies in a day
    for when in many_recent:
        backups.backup_now(folder, kind="manual", when=when)
    assert backups.prune(folder, days=30, today=dt.date(2026, 4, 1)) == []  # not old
    few_old = tmp_path / "pocas"
    for when in DAYS[:5]:
        backups.backup_now(few_old, kind="manual", when=when)
    assert backups.prune(few_old, days=1, today=dt.date(2027, 1, 1)) == []  # fewer than 7
    assert len(_dates(few_old)) == 5
