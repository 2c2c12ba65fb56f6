"""Issue 16: the doctor picker ranks the same name first, then names that start with what
was typed, then a word that starts with it, then the rest (accent-insensitive)."""

from __future__ import annotations

from patolab_desktop.services.access import permissions, session
from patolab_desktop.services.catalog import referrers
from tests.security_helpers import fast_hashing, login_as  # noqa: F401 (fixture)
from tests.unit.requests_fixtures import make_doctor


def test_exact_and_prefix_matches_come_first(database, fast_hashing):  # noqa: F811
    for name in ("Adriana Paz", "Carlos Anaya", "Ana Zelaya", "Ana", "Dr. Anabel Cruz"):
        make_doctor(name)
    with session.acting_as(login_as(permissions.ROLE_RECEPTION)):
        names = [row["name"] for row in referrers.search("ANA")]
    assert names == ["Ana", "Ana Zelaya", "Carlos Anaya", "Dr. Anabel Cruz", "Adriana Paz"]


def test_accents_are_ignored_and_prefix_matches_survive_a_long_list(
    database,
    fast_hashing,  # noqa: F811
):
    for number in range(30):
        make_doctor(f"Aaron Mejía {number:02d}")  # 30 names that sort before and contain it
    make_doctor("Mejía Castro")
    with session.acting_as(login_as(permissions.ROLE_RECEPTION)):
        rows = referrers.search("mejia", limit=10)
    assert rows[0]["name"] == "Mejía Castro" and len(rows) == 10
