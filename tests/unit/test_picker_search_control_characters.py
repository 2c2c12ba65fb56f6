"""The pickers' searches (the request entry's doctor and investigation boxes) read a
pasted NUL or control character as nothing, as the lists do: on PostgreSQL it reached the
query and the driver refused it («A string literal cannot contain NUL»), an error dialog
at the desk. Runs on both backends (``PATOLAB_TEST_PG``)."""

from __future__ import annotations

import pytest

from patolab_desktop.services import catalog
from patolab_desktop.services.catalog import referrers
from tests.unit.requests_fixtures import lab  # noqa: F401


@pytest.mark.parametrize("typed", ["gluc\x00osa", "glu\u200bcosa\x1b"])
def test_the_investigation_picker_ignores_control_characters(lab, typed):  # noqa: F811
    assert [row["code"] for row in catalog.search(typed)] == ["GLU"]


def test_a_lone_nul_is_an_empty_search(lab):  # noqa: F811
    assert len(catalog.search("\x00", limit=50)) == len(catalog.search("", limit=50))


@pytest.mark.parametrize("typed", ["\x00", "dr\x00", "dra.\u200b"])
def test_the_doctor_picker_ignores_control_characters(lab, typed):  # noqa: F811
    assert isinstance(referrers.search(typed), list)
