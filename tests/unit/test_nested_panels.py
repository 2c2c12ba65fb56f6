"""A panel inside a panel brings its own members (seed 004: "When a panel investigation is
added, all its member investigations are also added"). The catalog lets a panel hold
another; the request only took the inner panel as a line, so its investigations were
never ordered and the request completed without them."""

from __future__ import annotations

import pytest

from patolab_desktop.services import requests
from patolab_desktop.services.access import permissions, session
from tests.security_helpers import fast_hashing, login_as  # noqa: F401 (a fixture)
from tests.unit.requests_fixtures import lab, make_panel  # noqa: F401

pytestmark = pytest.mark.usefixtures("fast_hashing")


def _codes(request_id: int) -> dict[str, str | None]:
    lines = requests.get(request_id).lines
    codes = {line["id"]: line["code"] for line in lines}
    return {line["code"]: codes.get(line["parent_line_id"]) for line in lines}


def test_ordering_a_panel_that_holds_a_panel_orders_every_investigation(lab):  # noqa: F811
    check_up = make_panel("CHK", "Chequeo general", "400", [lab.glu, lab.lipid])
    with session.acting_as(None):
        login_as(permissions.ROLE_RECEPTION)
        request_id, _number = lab.create(check_up)
    # the inner panel is opened: its investigations come with the outer one, at no charge
    assert _codes(request_id) == {
        "CHK": None,
        "GLU": "CHK",
        "COL": "CHK",
        "TRI": "CHK",
        "HDL": "CHK",
    }
    detail = requests.get(request_id)
    assert (detail.lines_total, detail.net_amount) == (4, 400)  # a result for each one


def test_adding_it_later_brings_them_too(lab):  # noqa: F811
    check_up = make_panel("CHK", "Chequeo general", "400", [lab.glu, lab.lipid])
    request_id, _number = lab.create(lab.hem)
    with session.acting_as(None):
        login_as(permissions.ROLE_RECEPTION)
        requests.add_investigation(request_id, check_up, by="recepcion")
    assert set(_codes(request_id)) == {"HEM", "CHK", "GLU", "COL", "TRI", "HDL"}
